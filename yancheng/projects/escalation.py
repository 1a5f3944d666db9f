"""Who the ladders on a major project's records (a commitment, a problem: each with a `unit` that answers
for it) write to, and how the documents address them; the commission issues them (core/ladder.py)."""

from yancheng.core import ladder
from yancheng.core.models import Rung
from yancheng.core.roles import Role

from .actions import unit_officials
from .models import ProjectRules

AUTHORITY = "衡阳市发展和改革委员会"


@ladder.per_pass(lambda record: record.unit_id)
def officials(record) -> list:
    return list(unit_officials(record.unit_id))


@ladder.per_pass(lambda record: None)
def commission_officials(_record) -> list:
    """The commission's officials (once a pass, not once for each unit's 督办单)."""
    commission = ProjectRules.current().commission_id
    return list(unit_officials(commission)) if commission else []


@ladder.per_pass(lambda record: record.unit_id)
def head_and_commission(record) -> list:
    """The unit's head (else its officials) and the commission's officials: a 督办单."""
    head = ladder.to_head(lambda r: r.unit)(record) or officials(record)
    return head + commission_officials(record)


def leader_or_leaders(person, record) -> list:
    """`person` (a leader) when they can sign in, else every city leader: a 联系单."""
    user = person.user if person is not None and person.user_id else None
    return [user] if user is not None and user.is_active else ladder.to_role(Role.LEADER)(record)


@ladder.per_pass(lambda record: None)
def report_recipients(record) -> list:
    return ladder.to_role(Role.SUPERVISION_OFFICE)(record) + ladder.to_role(Role.LEADER)(record)


def addressee(record, step) -> str:
    if step.rung == Rung.SUPERVISION_ORDER:
        return f"{record.unit.name}、市发展改革委"
    if step.rung == Rung.LIAISON_LETTER:
        return "联系市领导"
    if step.rung == Rung.REPORT:
        return "市领导、市委督查室"
    return record.unit.name
