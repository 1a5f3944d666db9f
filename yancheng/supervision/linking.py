"""The records a supervision item can be made from (a red figure anywhere on the platform: a lagging
project, an overdue commitment, an open problem, a late enterprise request, a unit with a low figure, an investment lead's warning, a stalled task force, a dispatch meeting's decision),
named in a link as ``app_label.model:pk``. Only records the person may see can be linked: each model's
``for_user`` decides, as everywhere."""

from django.apps import apps

from yancheng.core.models import Unit

LINKABLE = frozenset(
    {
        "projects.project",
        "commitments.commitment",
        "problems.problem",
        "enterprise_requests.enterpriserequest",
        "core.unit",
        "investment.lead",
        "taskforces.taskforce",
        "taskforces.decision",
    }
)


def token(record) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


def resolve(value: str, user):
    """The record ``value`` names, if linkable and visible to ``user``; else None."""
    label, _, pk = (value or "").partition(":")
    if label not in LINKABLE or not pk.isdigit():
        return None
    model = apps.get_model(label)
    return model.objects.for_user(user).filter(pk=int(pk)).first()


def url_of(record) -> str | None:
    """The record's page, where it has one."""
    getter = getattr(record, "get_absolute_url", None)
    if getter is not None:
        return getter()
    pages = {
        "projects.project": "/projects/{}/",
        "commitments.commitment": "/commitments/{}/",
        "problems.problem": "/problems/{}/",
        "enterprise_requests.enterpriserequest": "/requests/{}/",
    }
    page = pages.get(record._meta.label_lower)
    return page.format(record.pk) if page else None


def brief(record) -> dict:
    """What an item made from the record starts with beyond its title, where the record says (a
    meeting's decision: its content, source and date)."""
    getter = getattr(record, "supervision_brief", None)
    return getter() if getter is not None else {"title": str(record)[:200]}


def unit_of(record):
    """The unit that answers for the record (the item's natural lead unit), when it names one: a
    project's responsible unit, a commitment's, problem's, request's, lead's or decision's unit, a task
    force's lead unit, a unit itself."""
    if isinstance(record, Unit):
        return record
    return (
        getattr(record, "responsible_unit", None)
        or getattr(record, "unit", None)
        or getattr(record, "lead_unit", None)
    )
