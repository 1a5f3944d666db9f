"""Performance scoring (云绩效): the office's schemes per kind of unit, each changed only by a new
version in force from a month on (a period is scored by the version in force when it began); a
scheme's lines name indicators of the registry (core.indicators), their weights and how a value maps
to points; a scorecard is one period's scores of every unit of that kind, kept as computed (each line's
value, the records' count, the points), published, and then open to objections (申诉) for N working
days; a decision and any corrected score are kept beside the original, which never changes."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.models import Unit
from yancheng.core.models.base import ScopedQuerySet
from yancheng.core.roles import Role, has_role

from .choices import ObjectionState

# The kinds of unit the office scores, each by its own scheme.
SCORED_KINDS = [(kind, Unit.Kind(kind).label) for kind in ("department", "county_government", "park")]


class PerformanceRules(models.Model):
    """The performance office's settings; one row, the defaults until it is first saved."""

    objection_days = models.PositiveSmallIntegerField(
        _("申诉期限（工作日）"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("考核结果公布后，被考核单位可在多少个工作日内提出申诉。"),
    )

    class Meta:
        verbose_name = _("绩效考核规则")
        verbose_name_plural = _("绩效考核规则")

    def __str__(self):
        return str(_("绩效考核规则"))

    @classmethod
    def current(cls) -> "PerformanceRules":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


def sees_every_score(user) -> bool:
    return has_role(user, Role.PERFORMANCE_OFFICE, Role.LEADER, Role.ADMINISTRATOR)


class ReadableQuerySet(ScopedQuerySet):
    """Schemes and scorecards: what units are measured by is public to every government official."""

    def for_user(self, user):
        from yancheng.core.roles import GOVERNMENT_ROLES

        return self if has_role(user, *GOVERNMENT_ROLES) else self.none()


class Scheme(models.Model):
    name = models.CharField(_("方案名称"), max_length=100, unique=True)
    unit_kind = models.CharField(_("考核对象"), max_length=20, choices=SCORED_KINDS)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))

    objects = ReadableQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["unit_kind", "name"]

    def __str__(self):
        return self.name


class SchemeVersion(models.Model):
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本"))
    in_force_from = models.DateField(_("执行起始月"))  # the first day of a month
    reason = models.CharField(_("修订理由"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("考核方案版本")
        verbose_name_plural = _("考核方案版本")
        ordering = ["scheme", "in_force_from"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="one_version_a_number"),
            models.UniqueConstraint(fields=["scheme", "in_force_from"], name="one_version_a_month"),
        ]

    def __str__(self):
        return f"{self.scheme} 第{self.number}版"


class SchemeLine(models.Model):
    """An indicator of a version: its weight (points), the value that earns them all (target) and the
    value that earns none (floor); in between, points in proportion."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="lines")
    indicator = models.CharField(_("指标"), max_length=60)  # a core.indicators code
    weight = models.DecimalField(
        _("分值"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0.1)]
    )
    target = models.FloatField(_("满分值"))
    floor = models.FloatField(_("零分值"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["version", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "indicator"], name="one_line_an_indicator")]

    def __str__(self):
        return self.indicator


class Scorecard(models.Model):
    """One period's scores of a scheme's units, as the version in force then computed them."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="scorecards")
    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(
        _("考核期"), max_length=7
    )  # core.indicators.Period.code: 2026-11, 2026-Q4, 2026
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    objections_until = models.DateTimeField(_("申诉截止"), null=True, blank=True)

    objects = ReadableQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["-period", "scheme"]
        constraints = [models.UniqueConstraint(fields=["scheme", "period"], name="one_scorecard_a_period")]

    def __str__(self):
        return f"{self.scheme} {self.period}"


class ScoreQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """The offices and leaders see every unit's score; a unit official its own unit's."""
        if sees_every_score(user):
            return self
        from yancheng.core.roles import official_unit

        unit = official_unit(user)
        # A unit sees its own scores once published: the office's drafts are its own until then.
        return (
            self.none() if unit is None else self.filter(unit_id=unit, scorecard__published_at__isnull=False)
        )


class Score(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey("core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    total = models.FloatField(_("得分"), null=True)  # of 100 over the lines with something to measure
    rank = models.PositiveSmallIntegerField(_("排名"), null=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位得分")
        verbose_name_plural = _("单位得分")
        ordering = ["scorecard", "rank", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "unit"], name="one_score_a_unit")]

    def __str__(self):
        return f"{self.unit} {self.total}"


class ScoreLine(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(SchemeLine, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField(_("指标值"), null=True)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    count = models.PositiveIntegerField(_("记录数"), default=0)
    points = models.FloatField(_("得分"), null=True)

    class Meta:
        ordering = ["score", "line__order", "line__pk"]

    def __str__(self):
        return f"{self.line} {self.points}"


class Objection(models.Model):
    """A unit's objection (申诉) to its score, and the office's decision beside it."""

    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="objections")
    line = models.ForeignKey(ScoreLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("申诉时间"))
    state = models.CharField(
        _("处理结果"), max_length=10, choices=ObjectionState, default=ObjectionState.PENDING
    )
    decision = models.TextField(_("处理意见"), blank=True)
    corrected_total = models.FloatField(_("更正后得分"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["score", "filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["score"], condition=models.Q(state="pending"), name="one_pending_objection_a_score"
            )
        ]

    def __str__(self):
        return self.reason[:40]
