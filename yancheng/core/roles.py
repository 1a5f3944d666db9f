"""The roles, declared once. Every permission check in the platform names one of these."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEADER = "leader", _("市领导")
    SUPERVISION_OFFICE = "supervision_office", _("督查室")
    PERFORMANCE_OFFICE = "performance_office", _("绩效办")
    BUSINESS_ENVIRONMENT_OFFICE = "business_environment_office", _("营商办")
    UNIT_OFFICIAL = "unit_official", _("单位工作人员")
    ENTERPRISE_USER = "enterprise_user", _("企业用户")
    BANK_CLERK = "bank_clerk", _("银行柜员")
    REGISTRY_OFFICIAL = "registry_official", _("不动产登记人员")
    ADMINISTRATOR = "administrator", _("系统管理员")


# Officials of the government side: they may read the enterprise register.
GOVERNMENT_ROLES = frozenset(
    {
        Role.LEADER,
        Role.SUPERVISION_OFFICE,
        Role.PERFORMANCE_OFFICE,
        Role.BUSINESS_ENVIRONMENT_OFFICE,
        Role.UNIT_OFFICIAL,
        Role.ADMINISTRATOR,
    }
)
# Roles that act for their unit (file visits, answer requests, file mortgages): whoever holds one must
# belong to a unit.
UNIT_ROLES = frozenset({Role.UNIT_OFFICIAL, Role.BANK_CLERK})
# Roles that must pass a second factor when REQUIRE_OTP is on.
OTP_REQUIRED_ROLES = frozenset({Role.ADMINISTRATOR, Role.LEADER})


def roles_of(user) -> frozenset[str]:
    """The roles a user holds, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_yancheng_roles", None)
    if cached is None:
        from yancheng.core.models import PersonRole

        cached = frozenset(PersonRole.objects.filter(person__user=user).values_list("role", flat=True))
        if user.is_superuser:
            cached |= {Role.ADMINISTRATOR}
        user._yancheng_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def official_unit(user) -> int | None:
    """The unit (its pk) a unit official acts for; None for anyone else."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    return person.unit_id if person is not None and Role.UNIT_OFFICIAL in roles_of(user) else None


def is_official_of(user, unit_id_of, cache: str) -> bool:
    """Whether ``user`` is a unit official of the unit ``unit_id_of()`` names (an office set in an app's
    rules: the commission, the investment office); read once a request, kept on the user as ``cache``."""
    cached = getattr(user, cache, None)
    if cached is None:
        person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
        cached = bool(
            person is not None
            and person.unit_id is not None
            and person.unit_id == unit_id_of()
            and Role.UNIT_OFFICIAL in roles_of(user)
        )
        if getattr(user, "is_authenticated", False):
            setattr(user, cache, cached)
    return cached


def unit_officials(unit_id) -> list:
    """The active users who act for the unit ``unit_id``: whom a unit's notices and ladder steps reach."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        is_active=True, person__unit_id=unit_id, person__roles__role=Role.UNIT_OFFICIAL
    )
    return list(users.distinct())


def role_required(*roles: str):
    """Page decorator: sign-in first, then one of `roles`, else 403 (which the audit log records)."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
