"""The visits app's navigation entries and home-page panels."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core import clock
from yancheng.core.navigation import NAV_ITEMS, NavItem, home_panel
from yancheng.core.roles import Role, has_role

from . import actions, queries
from .choices import RequestStatus
from .models import OVERSEERS, Visit, VisitRequest, VisitRules

OFFICE = frozenset({Role.BUSINESS_ENVIRONMENT_OFFICE})
NAV_ITEMS[2:2] = [
    NavItem(
        gettext_lazy("访企申请"),
        "visits:index",
        frozenset(
            {Role.UNIT_OFFICIAL, Role.BUSINESS_ENVIRONMENT_OFFICE, Role.LEADER, Role.SUPERVISION_OFFICE}
        ),
    ),
    NavItem(gettext_lazy("申请访企"), "visits:request_new", frozenset({Role.UNIT_OFFICIAL})),
    NavItem(gettext_lazy("我的通行码"), "visits:my_passes", frozenset({Role.UNIT_OFFICIAL})),
    NavItem(gettext_lazy("本单位评价"), "visits:unit_ratings", frozenset({Role.UNIT_OFFICIAL})),
    NavItem(gettext_lazy("核验通行码"), "visits:scanner", frozenset({Role.ENTERPRISE_USER})),
    NavItem(gettext_lazy("访企记录"), "visits:enterprise_visits", frozenset({Role.ENTERPRISE_USER})),
    NavItem(gettext_lazy("访企统计"), "visits:office_overview", OVERSEERS),
    NavItem(gettext_lazy("访企规则"), "visits:rules", OFFICE),
]


@home_panel
def pending_approvals(request):
    if not has_role(request.user, Role.BUSINESS_ENVIRONMENT_OFFICE):
        return None
    pending = (
        VisitRequest.objects.for_user(request.user)
        .filter(status=RequestStatus.PENDING)
        .select_related("visit__enterprise", "unit")
        .order_by("visit__starts_at")
    )
    rows = [
        {
            "text": f"{r.unit.short_name or r.unit.name} → {r.visit.enterprise.name}",
            "note": clock.local_text(r.visit.starts_at, "%m-%d %H:%M"),
            "url": reverse("visits:request", args=[r.pk]),
        }
        for r in pending[:6]
    ]
    return {"key": "visit-approvals", "title": _("待审批访企申请"), "count": pending.count(), "rows": rows}


def _pass_note(green_pass) -> str:
    starts_at = green_pass.visitor.request.visit.starts_at
    return (
        _("今天 %s") % clock.local_text(starts_at, "%H:%M")
        if green_pass.today
        else clock.local_text(starts_at, "%m-%d %H:%M")
    )


@home_panel
def my_passes_today(request):
    if not has_role(request.user, Role.UNIT_OFFICIAL):
        return None
    passes = queries.passes_in_order(request.user, timezone.now()).filter(finished=False)
    rows = [
        {
            "text": p.visitor.request.visit.enterprise.name,
            "url": reverse("visits:pass", args=[p.pk]),
            "note": _pass_note(p),
        }
        for p in passes[:6]
    ]
    return {
        "key": "passes",
        "title": _("我的通行码"),
        "count": passes.count(),
        "rows": rows,
        "empty": _("近期没有访企安排"),
    }


@home_panel
def visits_to_rate(request):
    if not has_role(request.user, Role.ENTERPRISE_USER):
        return None
    person = request.user.person
    now, rules = timezone.now(), VisitRules.current()
    mine = Visit.objects.for_user(request.user).filter(enterprise_id=person.enterprise_id)
    # Only visits whose rating period may be open (rating_refusal decides): begun, ended at most
    # `rating_days` ago.
    recent = actions.with_rating_facts(
        mine.filter(starts_at__lte=now, ends_at__gte=now - timedelta(days=rules.rating_days)).order_by(
            "-ends_at"
        )
    )
    waiting = [v for v in recent if actions.rating_refusal(v, now, rules) is None]
    coming = (
        mine.filter(ends_at__gte=now, requests__status=RequestStatus.APPROVED)
        .exclude(pk__in=[v.pk for v in waiting])
        .distinct()
        .order_by("starts_at")
    )
    rows = [
        {
            "text": _("待评价：%s") % clock.local_text(v.starts_at, "%m-%d"),
            "url": reverse("visits:rate", args=[v.pk]),
        }
        for v in waiting[:5]
    ]
    rows += [
        {
            "text": _("将来访：%s") % clock.local_text(v.starts_at, "%m-%d %H:%M"),
            "url": reverse("visits:enterprise_visits"),
        }
        for v in coming[:5]
    ]
    return {"key": "enterprise-visits", "title": _("访企事项"), "count": len(rows), "rows": rows}
