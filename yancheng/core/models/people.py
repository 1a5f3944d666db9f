from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.roles import UNIT_ROLES, Role, has_role

from .base import ScopedQuerySet


class PersonQuerySet(ScopedQuerySet):
    def for_user(self, user):
        if has_role(user, Role.ADMINISTRATOR):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = models.Q(user=user)
        person = getattr(user, "person", None) if hasattr(user, "person") else None
        if person is not None and person.unit_id:
            mine |= models.Q(unit_id=person.unit_id)
        return self.filter(mine)


class Person(models.Model):
    """The platform's profile of a user: the unit or enterprise they belong to and their roles."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="person"
    )
    full_name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    enterprise = models.ForeignKey(
        "core.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [
            # An enterprise user speaks for one enterprise; an official for one unit; never both.
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True) | models.Q(enterprise__isnull=True),
                name="person_unit_or_enterprise",
            )
        ]

    def __str__(self):
        return self.full_name


class PersonRole(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=40, choices=Role)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["person", "role"], name="person_role_once")]

    def __str__(self):
        return self.get_role_display()

    def clean(self):
        # Caught when the administrator assigns the role, not later as a page that cannot find the unit.
        if self.role in UNIT_ROLES and not self.person.unit_id:
            raise ValidationError(
                _("“%(role)s”代表所属单位办事，请先为此人选择所属单位。") % {"role": self.get_role_display()}
            )
        if self.role == Role.ENTERPRISE_USER and not self.person.enterprise_id:
            raise ValidationError(_("企业用户代表所属企业办事，请先为此人选择所属企业。"))
