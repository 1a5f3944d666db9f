"""Navigation and home panels by role. Each app adds its entries here at import time (in its
`apps.ready`), so the base layout and the home page grow without being edited."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yancheng.core.roles import Role, roles_of

EVERYONE = frozenset(Role.values)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset = field(default=EVERYONE)
    # Tools (API tokens, the audit log, the admin) come after every app's pages, in whatever order the
    # apps add theirs: a menu leads with the person's work.
    tool: bool = False
    args: tuple = ()  # for a URL with parameters, e.g. ("enterprises",) for an import page


NAV_ITEMS: list[NavItem] = [
    NavItem(_("工作台"), "home"),
    NavItem(_("消息"), "inbox"),
    # Leaders read and decide; they connect no system to the platform, so their menu has no token page
    # (the page itself stays theirs, like everyone's).
    # The register and its import are the business environment office's tool (administrators' too).
    NavItem(
        _("企业名录"),
        "enterprises",
        frozenset({Role.BUSINESS_ENVIRONMENT_OFFICE, Role.ADMINISTRATOR}),
        tool=True,
    ),
    NavItem(_("API 令牌"), "tokens", EVERYONE - {Role.LEADER}, tool=True),
    NavItem(_("审计日志"), "admin:core_auditentry_changelist", frozenset({Role.ADMINISTRATOR}), tool=True),
    NavItem(_("系统管理"), "admin:index", frozenset({Role.ADMINISTRATOR}), tool=True),
]

# Functions (request) -> dict | None: a panel of things waiting for this person, or None.
HOME_PANELS: list = []


def items_for(user) -> list[dict]:
    roles = roles_of(user)
    shown = sorted((item for item in NAV_ITEMS if roles & item.roles), key=lambda item: item.tool)
    return [{"label": item.label, "url": reverse(item.url_name, args=item.args)} for item in shown]


def home_panel(function):
    HOME_PANELS.append(function)
    return function


# Functions (request, record) -> str | None, by the record's model label ("projects.project"): a section
# another app adds to the record's page (the site cameras on a project), rendered in registration order.
RECORD_SECTIONS: dict[str, list] = {}


def record_section(label: str):
    """Register the decorated function as a section of the pages of ``label``'s records."""

    def register(function):
        RECORD_SECTIONS.setdefault(label, []).append(function)
        return function

    return register
