from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.roles import GOVERNMENT_ROLES, Role, roles_of
from yancheng.core.validators import validate_uscc

from .base import ScopedQuerySet


class EnterpriseQuerySet(ScopedQuerySet):
    def for_user(self, user):
        roles = roles_of(user)
        if roles & GOVERNMENT_ROLES:
            return self
        if Role.ENTERPRISE_USER in roles:
            return self.filter(people__user=user)
        return self.none()


class Enterprise(models.Model):
    """A market entity, keyed by its unified social credit code (GB 32100)."""

    class RiskGrade(models.TextChoices):
        A = "A", _("A 级（低风险）")
        B = "B", _("B 级")
        C = "C", _("C 级")
        D = "D", _("D 级（高风险）")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("企业名称"), max_length=100)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区县"), on_delete=models.PROTECT)
    industry = models.CharField(_("行业"), max_length=50)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    above_designated_size = models.BooleanField(_("规上企业"), default=False)
    specialized = models.BooleanField(_("专精特新"), default=False)
    little_giant = models.BooleanField(_("小巨人"), default=False)
    single_champion = models.BooleanField(_("单项冠军"), default=False)
    risk_grade = models.CharField(_("风险等级"), max_length=1, choices=RiskGrade, default=RiskGrade.B)
    exempt = models.BooleanField(_("无事不扰白名单"), default=False)
    pilot = models.BooleanField(_("赋码保护试点"), default=False)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name
