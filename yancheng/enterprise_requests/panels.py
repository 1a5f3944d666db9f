"""The enterprise requests app's navigation entries and home-page panels."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core import clock
from yancheng.core.navigation import NAV_ITEMS, NavItem, home_panel
from yancheng.core.roles import Role, has_role

from .models import OVERSEERS, EnterpriseRequest

OFFICE = frozenset({Role.BUSINESS_ENVIRONMENT_OFFICE})

NAV_ITEMS += [
    NavItem(gettext_lazy("提交诉求"), "requests:new", frozenset({Role.ENTERPRISE_USER})),
    NavItem(gettext_lazy("我的诉求"), "requests:mine", frozenset({Role.ENTERPRISE_USER})),
    NavItem(gettext_lazy("本单位诉求"), "requests:unit", frozenset({Role.UNIT_OFFICIAL})),
    NavItem(gettext_lazy("诉求分派"), "requests:office_queue", OFFICE),
    NavItem(gettext_lazy("企业诉求"), "requests:office_all", OVERSEERS),
    NavItem(gettext_lazy("赋码保护台账"), "requests:ledger", OVERSEERS),
]


def _local(moment) -> str:
    return clock.local_text(moment, "%m-%d %H:%M")


@home_panel
def requests_to_rate(request):
    if not has_role(request.user, Role.ENTERPRISE_USER):
        return None
    person = getattr(request.user, "person", None)
    if person is None or person.enterprise_id is None:
        return None
    waiting = (
        EnterpriseRequest.objects.for_user(request.user)
        .filter(enterprise_id=person.enterprise_id, replied_at__isnull=False, satisfaction="")
        .order_by("-replied_at")
    )
    rows = [
        {
            "text": _("待评价：%s") % r.subject,
            "note": _local(r.replied_at),
            "url": reverse("requests:detail", args=[r.pk]) + "#rate",
        }
        for r in waiting[:6]
    ]
    return {
        "key": "requests-to-rate",
        "title": _("诉求答复待评价"),
        "count": waiting.count(),
        "rows": rows,
        "empty": _("没有待评价的诉求答复"),
    }


@home_panel
def unrouted_requests(request):
    if not has_role(request.user, Role.BUSINESS_ENVIRONMENT_OFFICE):
        return None
    unrouted = (
        EnterpriseRequest.objects.for_user(request.user)
        .filter(unit__isnull=True)
        .select_related("enterprise")
        .order_by("filed_at")
    )
    rows = [
        {
            "text": f"{r.enterprise.name}：{r.subject}",
            "note": _("受理期限 %s") % _local(r.accept_deadline),
            "url": reverse("requests:detail", args=[r.pk]),
        }
        for r in unrouted[:6]
    ]
    return {"key": "requests-unrouted", "title": _("待分派诉求"), "count": unrouted.count(), "rows": rows}


@home_panel
def pending_extensions(request):
    if not has_role(request.user, Role.BUSINESS_ENVIRONMENT_OFFICE):
        return None
    pending = (
        EnterpriseRequest.objects.for_user(request.user)
        .filter(extension_pending=True)
        .select_related("unit")
        .order_by("reply_deadline")
    )
    rows = [
        {
            "text": f"{r.unit.short_name or r.unit.name}：{r.subject}" if r.unit else r.subject,
            "note": _("答复期限 %s") % _local(r.effective_reply_deadline),
            "url": reverse("requests:detail", args=[r.pk]),
        }
        for r in pending[:6]
    ]
    return {
        "key": "requests-extensions",
        "title": _("诉求延期待审批"),
        "count": pending.count(),
        "rows": rows,
    }


@home_panel
def unit_requests(request):
    if not has_role(request.user, Role.UNIT_OFFICIAL):
        return None
    person = getattr(request.user, "person", None)
    if person is None or person.unit_id is None:
        return None
    from .views import state_q, with_deadlines

    now = clock.now()
    mine = with_deadlines(EnterpriseRequest.objects.for_user(request.user).filter(unit_id=person.unit_id))
    codes = ("awaiting_acceptance", "due_soon", "overdue")
    counts = mine.aggregate(**{code: Count("pk", filter=state_q(code, now)) for code in codes})  # one query
    url = reverse("requests:unit")
    rows = [
        {
            "text": _("待受理：%d 件") % counts["awaiting_acceptance"],
            "url": f"{url}?state=awaiting_acceptance",
        },
        {"text": _("答复即将到期：%d 件") % counts["due_soon"], "url": f"{url}?state=due_soon"},
        {"text": _("已超期未答复：%d 件") % counts["overdue"], "url": f"{url}?state=overdue"},
    ]
    return {
        "key": "requests-unit",
        "title": _("本单位企业诉求"),
        "count": sum(counts.values()),
        "rows": rows,
    }
