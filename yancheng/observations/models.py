"""Site observation (现场观摩制): a round visits sites chosen from the project ledger; each observer
scores each site on the office's weighted criteria from a phone; the scores are ranked (scoring.py).

A site's score is derived on read from the observers' scores, never stored, so a corrected score
changes the ranking at once; a published round is fixed: no score is taken after it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.models.base import ScopedQuerySet

from .choices import RoundState


class RoundQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """The commission and who sees the whole ledger see every round; an observer the rounds they
        are on; the units and owners of a round's sites see the published rounds their sites are in."""
        from yancheng.projects.models import Project, sees_whole_ledger

        if sees_whole_ledger(user):
            return self.all()
        person = getattr(user, "person", None)
        if person is None:
            return self.none()
        mine = Project.objects.for_user(user).values("pk")
        return self.filter(
            models.Q(observers__person=person) | models.Q(state=RoundState.PUBLISHED, sites__project__in=mine)
        ).distinct()


class ObservationRound(models.Model):
    name = models.CharField(_("观摩活动"), max_length=100)
    held_on = models.DateField(_("观摩日期"))
    state = models.CharField(_("状态"), max_length=20, choices=RoundState, default=RoundState.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("观摩活动")
        verbose_name_plural = _("观摩活动")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return self.name


class Criterion(models.Model):
    """One line of the round's scoring form, with its weight (the weights of a round sum to 100)."""

    round = models.ForeignKey(
        ObservationRound, verbose_name=_("观摩活动"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("评分项目"), max_length=50)
    weight = models.PositiveSmallIntegerField(_("权重（%）"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评分项目")
        verbose_name_plural = _("评分项目")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="criterion_once_a_round"),
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=100), name="weight_1_100"),
        ]

    def __str__(self):
        return f"{self.name}（{self.weight}%）"


class Site(models.Model):
    round = models.ForeignKey(
        ObservationRound, verbose_name=_("观摩活动"), on_delete=models.CASCADE, related_name="sites"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("观摩项目"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("观摩顺序"), default=0)

    class Meta:
        verbose_name = _("观摩点")
        verbose_name_plural = _("观摩点")
        ordering = ["round", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "project"], name="site_once_a_round")]

    def __str__(self):
        return str(self.project)


class Observer(models.Model):
    round = models.ForeignKey(
        ObservationRound, verbose_name=_("观摩活动"), on_delete=models.CASCADE, related_name="observers"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("观摩人员"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("观摩人员")
        verbose_name_plural = _("观摩人员")
        ordering = ["round", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="observer_once_a_round")]

    def __str__(self):
        return self.person.full_name


class Score(models.Model):
    """One observer's score of one site: a value per criterion (0–100). Scoring again corrects it."""

    site = models.ForeignKey(Site, verbose_name=_("观摩点"), on_delete=models.CASCADE, related_name="scores")
    observer = models.ForeignKey(
        Observer, verbose_name=_("观摩人员"), on_delete=models.PROTECT, related_name="scores"
    )
    note = models.TextField(_("评语"), blank=True)
    scored_at = models.DateTimeField(_("评分时间"))

    class Meta:
        verbose_name = _("观摩评分")
        verbose_name_plural = _("观摩评分")
        constraints = [models.UniqueConstraint(fields=["site", "observer"], name="one_score_per_observer")]

    def __str__(self):
        return f"{self.observer} → {self.site}"


class CriterionScore(models.Model):
    score = models.ForeignKey(
        Score, verbose_name=_("观摩评分"), on_delete=models.CASCADE, related_name="values"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("评分项目"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveSmallIntegerField(_("得分"))

    class Meta:
        verbose_name = _("单项得分")
        verbose_name_plural = _("单项得分")
        constraints = [
            models.UniqueConstraint(fields=["score", "criterion"], name="criterion_once_a_score"),
            models.CheckConstraint(condition=models.Q(value__lte=100), name="value_0_100"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


def photo_path(instance, filename):
    return f"observations/{instance.score.site.round_id}/{instance.score_id}/{filename}"


class ScorePhoto(models.Model):
    score = models.ForeignKey(
        Score, verbose_name=_("观摩评分"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to=photo_path)
    thumbnail = models.ImageField(_("缩略图"), upload_to=photo_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering = ["score", "pk"]

    def __str__(self):
        return self.name
