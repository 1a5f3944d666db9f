"""The core's panels on the home page: what is waiting for this person."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import clock
from yancheng.core.models import AuditEntry, Notification
from yancheng.core.navigation import home_panel
from yancheng.core.roles import Role, has_role


@home_panel
def unread_notifications(request):
    unread = Notification.objects.for_user(request.user).unread()
    rows = [
        {"text": n.title, "url": reverse("inbox"), "note": clock.local_text(n.created_at, "%m-%d %H:%M")}
        for n in unread[:5]
    ]
    return {
        "key": "inbox",
        "title": _("未读消息"),
        "count": unread.count(),
        "rows": rows,
        "empty": _("没有未读消息"),
    }


@home_panel
def my_enterprise(request):
    person = getattr(request.user, "person", None) if hasattr(request.user, "person") else None
    if person is None or person.enterprise_id is None:
        return None
    e = person.enterprise
    flags = [
        label
        for flag, label in [
            (e.above_designated_size, _("规上")),
            (e.specialized, _("专精特新")),
            (e.little_giant, _("小巨人")),
            (e.single_champion, _("单项冠军")),
        ]
        if flag
    ]
    rows = [
        {"text": e.name, "note": e.uscc},
        {"text": _("所在区县：%s") % e.region},
        {"text": _("资质：%s") % ("、".join(flags) or _("无"))},
    ]
    return {"key": "enterprise", "title": _("本企业"), "count": None, "rows": rows}


@home_panel
def security_events(request):
    if not has_role(request.user, Role.ADMINISTRATOR):
        return None
    since = timezone.now() - timezone.timedelta(days=1)
    failures = AuditEntry.objects.for_user(request.user).filter(
        action__in=["login_failed", "login_locked_out", "permission_denied"], at__gte=since
    )
    rows = [
        {
            "text": f"{e.actor_label} · {e.action_label}",
            "note": f"{clock.local_text(e.at, '%m-%d %H:%M')} {e.ip or ''}",
            "url": reverse("admin:core_auditentry_change", args=[e.pk]),
        }
        for e in failures[:5]
    ]
    return {
        "key": "security",
        "title": _("近 24 小时安全事件"),
        "count": failures.count(),
        "rows": rows,
        "empty": _("没有失败登录或越权访问"),
    }
