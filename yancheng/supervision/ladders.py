"""Supervision items on core's escalation ladder (core/ladder.py), two deadlines:

- the item's deadline (kind ``supervision``): one working day before it the lead unit is reminded; once
  it has passed with the item still with the units, a 提示单 to the lead unit, then a 督办单 to its head
  and the supervision office, a 联系单 to the responsible leader (or the city leaders), and a 报告单 to the
  office and the leaders. A requested close takes the item off the ladder; a return puts it back.
- a unit's time to sign for its part (kind ``supervision_sign``, on the assignment): once the working
  hours have passed unsigned, a 提示单 to the unit, then a 督办单 to its head and the office, a 报告单 to
  the office and the leaders. Signing takes it off."""

from django.db.models import F

from yancheng.core import ladder
from yancheng.core.models import Rung
from yancheng.core.roles import Role

from .actions import officials
from .choices import WITH_UNITS, EventKind
from .models import Assignment, Item, ItemEvent

AUTHORITY = "衡阳市人民政府督查室"


@ladder.per_pass(lambda record: record.unit_id)
def _unit_officials(record) -> list:
    return list(officials(record.unit_id))


@ladder.per_pass(lambda record: record.unit_id)
def _head_and_office(record) -> list:
    head = ladder.to_head(lambda r: r.unit)(record) or _unit_officials(record)
    return head + ladder.to_role(Role.SUPERVISION_OFFICE)(record)


@ladder.per_pass(lambda record: None)
def _office_and_leaders(record) -> list:
    return ladder.to_role(Role.SUPERVISION_OFFICE)(record) + ladder.to_role(Role.LEADER)(record)


def _leader(item) -> list:
    user = item.leader.user if item.leader_id and item.leader.user_id else None
    return [user] if user is not None and user.is_active else ladder.to_role(Role.LEADER)(item)


def _addressee(record, step) -> str:
    if step.rung == Rung.SUPERVISION_ORDER:
        return f"{record.unit.name}主要负责同志"
    if step.rung == Rung.LIAISON_LETTER:
        return "责任市领导"
    if step.rung == Rung.REPORT:
        return "市领导"
    return record.unit.name


class _AsUnit:
    """An item seen as its lead unit's record, for the recipients and addressee shared with assignments."""

    def __init__(self, item):
        self.item, self.unit_id, self.unit = item, item.lead_unit_id, item.lead_unit


def _escalated(sent: list[tuple], item_of, unit_of) -> None:
    ItemEvent.objects.bulk_create(
        ItemEvent(
            item_id=item_of(record),
            at=step.row.at,
            by=None,
            kind=EventKind.ESCALATED,
            note=step.note,
            unit_id=unit_of(record),
        )  # fmt: skip
        for record, step in sent
    )


ITEM = ladder.register(
    ladder.Ladder(
        kind="supervision",
        model=Item,
        steps=(
            ladder.Step(Rung.REMINDER, -1, lambda item: _unit_officials(_AsUnit(item))),
            ladder.Step(Rung.NOTICE, 1, lambda item: _unit_officials(_AsUnit(item))),
            ladder.Step(Rung.SUPERVISION_ORDER, 3, lambda item: _head_and_office(_AsUnit(item))),
            ladder.Step(Rung.LIAISON_LETTER, 5, _leader),
            ladder.Step(Rung.REPORT, 10, _office_and_leaders),
        ),
        deadline=lambda item, now: item.deadline_at if item.state in WITH_UNITS else None,
        deadline_sql=F("deadline_at"),
        open=lambda now: Item.objects.filter(state__in=WITH_UNITS).select_related(
            "lead_unit__head", "leader__user"
        ),
        visible=lambda user: Item.objects.for_user(user),
        link=lambda item: f"/supervision/{item.pk}/",
        authority=AUTHORITY,
        number_prefix="衡督办",
        subject=lambda item: item.title,
        addressee=lambda item, step: _addressee(_AsUnit(item), step),
        on_steps=lambda sent: _escalated(sent, lambda item: item.pk, lambda item: item.lead_unit_id),
    )
)

SIGN = ladder.register(
    ladder.Ladder(
        kind="supervision_sign",
        model=Assignment,
        steps=(
            ladder.Step(Rung.NOTICE, 1, _unit_officials),
            ladder.Step(Rung.SUPERVISION_ORDER, 2, _head_and_office),
            ladder.Step(Rung.REPORT, 5, _office_and_leaders),
        ),
        deadline=lambda a, now: a.sign_by if a.signed_at is None and a.item.state in WITH_UNITS else None,
        deadline_sql=F("sign_by"),
        open=lambda now: Assignment.objects.filter(signed_at=None, item__state__in=WITH_UNITS).select_related(
            "item", "unit__head"
        ),
        visible=lambda user: Assignment.objects.filter(item__in=Item.objects.for_user(user)),
        link=lambda a: f"/supervision/{a.item_id}/",
        authority=AUTHORITY,
        number_prefix="衡督签",
        subject=lambda a: f"{a.item.title}（{a.unit.name}未按时签收）",
        addressee=_addressee,
        on_steps=lambda sent: _escalated(sent, lambda a: a.item_id, lambda a: a.unit_id),
    )
)
