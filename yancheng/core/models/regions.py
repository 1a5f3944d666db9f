from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import ScopedQuerySet


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data: every signed-in person may read it."""

    def for_user(self, user):
        return self if getattr(user, "is_authenticated", False) else self.none()


class Region(models.Model):
    """A division per GB/T 2260, keyed by its six-digit code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("地级市")
        COUNTY = "county", _("县级")

    code = models.CharField(_("行政区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("级别"), max_length=10, choices=Level)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A department, county government, office or park committee (单位 / 责任单位)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("市直部门")
        COUNTY_GOVERNMENT = "county_government", _("县市区政府")
        OFFICE = "office", _("办公室")
        PARK = "park", _("园区管委会")
        BANK = "bank", _("银行")
        REGISTRY = "registry", _("登记机构")

    # Banks and the registry are on the platform, but answer for no government deadline.
    NOT_GOVERNMENT = (Kind.BANK, Kind.REGISTRY)

    code = models.SlugField(_("单位编码"), max_length=40, unique=True)
    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind)
    region = models.ForeignKey(Region, verbose_name=_("行政区划"), on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The head receives the supervision orders (督办单) addressed to the unit.
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("单位负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name
