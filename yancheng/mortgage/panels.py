"""The mortgage app's navigation entries and home-page panels."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core import clock
from yancheng.core.navigation import NAV_ITEMS, NavItem, home_panel
from yancheng.core.roles import Role, has_role

from .choices import ApplicationStatus
from .models import Application

BANK = frozenset({Role.BANK_CLERK})
REGISTRY = frozenset({Role.REGISTRY_OFFICIAL, Role.ADMINISTRATOR})
NAV_ITEMS[2:2] = [
    NavItem(gettext_lazy("抵押登记申请"), "mortgage:apply", BANK),
    NavItem(gettext_lazy("本行申请"), "mortgage:applications", BANK),
    NavItem(gettext_lazy("抵押人工审核"), "mortgage:queue", REGISTRY),
    NavItem(gettext_lazy("登记簿查询"), "mortgage:register", REGISTRY),
]


@home_panel
def waiting_for_a_person(request):
    if not has_role(request.user, Role.REGISTRY_OFFICIAL):
        return None
    waiting = (
        Application.objects.for_user(request.user)
        .filter(status=ApplicationStatus.TO_PERSON)
        .select_related("bank")
        .order_by("received_at")
    )
    rows = [
        {
            "text": f"{a.bank.name} · {a.contract_number}",
            "note": clock.local_text(a.received_at, "%m-%d %H:%M"),
            "url": reverse("mortgage:queue"),
        }
        for a in waiting[:6]
    ]
    return {
        "key": "mortgage-queue",
        "title": _("待人工审核的抵押登记"),
        "count": waiting.count(),
        "rows": rows,
    }


@home_panel
def todays_applications(request):
    if not has_role(request.user, Role.BANK_CLERK):
        return None
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    found = Application.objects.for_user(request.user).filter(received_at__gte=today)
    rows = [
        {
            "text": f"{a.contract_number} · {a.get_status_display()}",
            "note": clock.local_text(a.received_at, "%H:%M"),
            "url": reverse("mortgage:application", args=[a.pk]),
        }
        for a in found[:6]
    ]
    return {
        "key": "mortgage-today",
        "title": _("今日抵押登记申请"),
        "count": found.count(),
        "rows": rows,
        "empty": _("今天还没有申请"),
    }
