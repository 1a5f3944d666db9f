"""Commitments made to major projects (承诺兑现制): what a unit (and the leader behind it) promised a
project, by when; the unit fulfils it with evidence, the owner confirms or disputes. Overdue and the
fulfilment rates are derived on read (figures.py), never stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.models.base import EvidenceFile, RecordEvent, ScopedQuerySet

from .choices import EventKind, Kind, State


class CommitmentQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """Whoever sees the project sees what was promised to it; the committing unit sees its own."""
        from yancheng.projects.models import Project, sees_whole_ledger

        if sees_whole_ledger(user):
            return self  # and a query with no OR of subqueries for the offices that read them all

        person = getattr(user, "person", None)
        mine = models.Q(project__in=Project.objects.for_user(user).values("pk"))
        if person is not None and person.unit_id:
            mine |= models.Q(unit_id=person.unit_id)
        return self.filter(mine)


class Commitment(models.Model):
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("承诺事项"), max_length=20, choices=Kind)
    content = models.TextField(_("承诺内容"))
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("承诺单位"), on_delete=models.PROTECT, related_name="commitments"
    )
    leader = models.ForeignKey(
        "core.Person",
        verbose_name=_("承诺领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    promised_to = models.CharField(_("承诺对象"), max_length=200)
    made_on = models.DateField(_("承诺日期"))
    due_on = models.DateField(_("兑现期限"))
    # The end of due_on in Asia/Shanghai, as the escalation ladder compares it with now (kept with the day).
    deadline_at = models.DateTimeField(_("兑现期限（截止时刻）"), editable=False)
    state = models.CharField(_("状态"), max_length=20, choices=State, default=State.OPEN)
    # The day the evidence that the owner confirmed was filed: on time when not after due_on.
    fulfilled_on = models.DateField(_("兑现日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))
    submission_key = models.CharField(_("提交编号"), max_length=64, unique=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("承诺事项")
        verbose_name_plural = _("承诺事项")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["unit", "due_on"]),
            models.Index(fields=["state", "deadline_at"]),
            models.Index(fields=["project", "due_on"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.content[:30]}"


def evidence_path(instance, filename):
    return f"commitments/{instance.commitment_id}/{filename}"


class Evidence(EvidenceFile):
    """A file the committing unit filed to show the commitment kept (a permit, a contract, a photo)."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("承诺事项"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("兑现材料"), upload_to=evidence_path)

    class Meta:
        verbose_name = _("兑现材料")
        verbose_name_plural = _("兑现材料")
        ordering = ["commitment", "pk"]


class CommitmentEvent(RecordEvent):
    """The commitment's history, append-only."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("承诺事项"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind)

    class Meta:
        verbose_name = _("承诺事项记录")
        verbose_name_plural = _("承诺事项记录")
        ordering = ["commitment", "at", "pk"]
