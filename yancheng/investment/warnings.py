"""The early warnings (及时预警), derived on read from the office's limits and today: no warning is
stored, so one appears the day its limit passes, with no worker, and goes the moment the lead moves on.
(The lead keeps the due day of the first schedule line its funds fall behind, ``funds_behind_after``,
marked when the schedule, the funds or the margin change: a date, which is no warning until it passed.)

- 入库过久 / 在谈过久: in the pool, or in talks, longer than the limit (days since the stage began);
- 签约未履约: signed, and the contract's start date has passed without the start declared;
- 资金到位滞后: the funds recorded are behind the contract's schedule (the cumulative amount due by
  yesterday) by more than the margin;
- 长期未跟进: nothing recorded (follow-up, step, transfer) for longer than the limit."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import clock
from yancheng.core.templatetags.yancheng import wan

from .choices import ACTIVE, Stage, WarningKind
from .models import FundsLine, InvestmentRules

FUNDING = (Stage.SIGNED, Stage.STARTED, Stage.FUNDED)  # where funds behind the schedule are warned of


@dataclass(frozen=True)
class Limits:
    today: date
    pooled_days: int
    negotiating_days: int
    idle_days: int
    funds_margin: int

    @classmethod
    def now(cls, today: date | None = None) -> "Limits":
        rules = InvestmentRules.current()
        return cls(
            today=today or timezone.localdate(clock.now()),
            pooled_days=rules.pooled_days,
            negotiating_days=rules.negotiating_days,
            idle_days=rules.idle_days,
            funds_margin=rules.funds_margin,
        )

    def before(self, days: int) -> date:
        return self.today - timedelta(days=days)


def with_funds_due(leads: QuerySet, limits: Limits) -> QuerySet:
    """Each lead with ``funds_due``: what its schedule says should have arrived by yesterday (the
    schedule is cumulative: the latest line due), and ``funds_short`` (positive when behind by more
    than the margin, in hundredths of a yuan)."""
    due = FundsLine.objects.filter(lead=OuterRef("pk"), due_on__lt=limits.today).order_by("-due_on")
    return leads.annotate(funds_due=Subquery(due.values("amount")[:1])).annotate(
        funds_short=F("funds_due") * (100 - limits.funds_margin) - F("funded_total") * 100
    )


def conditions(limits: Limits) -> dict[str, Q]:
    """Each warning as a condition on leads (the same as ``reasons`` on a lead read with
    ``with_funds_due``)."""
    return {
        WarningKind.POOLED_LONG: Q(stage=Stage.POOLED, stage_since__lt=limits.before(limits.pooled_days)),
        WarningKind.NEGOTIATING_LONG: Q(
            stage=Stage.NEGOTIATING, stage_since__lt=limits.before(limits.negotiating_days)
        ),
        WarningKind.NOT_STARTED: Q(stage=Stage.SIGNED, start_due_on__lt=limits.today),
        # Behind the schedule: the first line behind (marked on the lead) was due before today.
        WarningKind.FUNDS_BEHIND: Q(stage__in=FUNDING, funds_behind_after__lt=limits.today),
        WarningKind.IDLE: Q(stage__in=ACTIVE, last_activity_on__lt=limits.before(limits.idle_days)),
    }


def counts(leads: QuerySet, limits: Limits) -> dict[str, int]:
    """How many of ``leads`` have each warning: a count a kind, each on its own index's range, rather
    than one pass over every lead testing them all."""
    return {kind: leads.filter(condition).count() for kind, condition in conditions(limits).items()}


def warned(leads: QuerySet, limits: Limits, kind: str | None = None) -> QuerySet:
    """The leads with a warning (``kind``'s, or any)."""
    found = conditions(limits)
    if kind:
        return with_funds_due(leads, limits).filter(found[kind])
    any_of = Q()
    for condition in found.values():
        any_of |= condition
    return with_funds_due(leads, limits).filter(any_of)


def reasons(lead, limits: Limits) -> list[str]:
    """The lead's warnings in words (for a lead read with ``with_funds_due``)."""
    said = []
    if lead.stage == Stage.POOLED and lead.stage_since < limits.before(limits.pooled_days):
        said.append(_("入库已 %(n)d 天未进入洽谈") % {"n": (limits.today - lead.stage_since).days})
    if lead.stage == Stage.NEGOTIATING and lead.stage_since < limits.before(limits.negotiating_days):
        said.append(_("洽谈已 %(n)d 天未签约") % {"n": (limits.today - lead.stage_since).days})
    if lead.stage == Stage.SIGNED and lead.start_due_on and lead.start_due_on < limits.today:
        said.append(_("合同约定 %(day)s 开工，尚未履约") % {"day": lead.start_due_on.isoformat()})
    short = getattr(lead, "funds_short", None)
    if lead.stage in FUNDING and short is not None and short > 0:
        said.append(
            _("按合同应到位 %(due)s 万元，实际到位 %(funded)s 万元")
            % {"due": wan(lead.funds_due), "funded": wan(lead.funded_total)}
        )
    if lead.stage in ACTIVE and lead.last_activity_on < limits.before(limits.idle_days):
        said.append(_("已 %(n)d 天没有跟进记录") % {"n": (limits.today - lead.last_activity_on).days})
    return said
