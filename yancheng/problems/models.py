"""The three lists of a major project (清单管理制, 挂账销号): a problem, the measures against it and who
answers for it (unit, person, deadline). The responsible unit resolves it with evidence; it is closed
(销号) only by the raiser's confirmation; a closed problem may be reopened once. Overdue is derived on
read (figures.py), never stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.models.base import EvidenceFile, RecordEvent, ScopedQuerySet

from .choices import EventKind, Source, State


class ProblemQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """Whoever sees the project sees its problems; the responsible unit and the raiser see theirs."""
        from yancheng.projects.models import Project, sees_whole_ledger

        if sees_whole_ledger(user):
            return self  # and a query with no OR of subqueries for the offices that read them all
        if not getattr(user, "is_authenticated", False):
            return self.none()
        person = getattr(user, "person", None)
        mine = models.Q(project__in=Project.objects.for_user(user).values("pk")) | models.Q(raised_by=user)
        if person is not None and person.unit_id:
            mine |= models.Q(unit_id=person.unit_id)
        return self.filter(mine)


class Problem(models.Model):
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("问题"))
    measures = models.TextField(_("措施"))
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="problems"
    )
    person = models.ForeignKey(
        "core.Person",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("问题来源"), max_length=20, choices=Source)
    # The monthly report or the observation site the problem was found in, when it was.
    report = models.ForeignKey(
        "projects.MonthlyReport",
        verbose_name=_("来源月报"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.ForeignKey(
        "observations.Site",
        verbose_name=_("来源观摩点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    raised_on = models.DateField(_("挂账日期"))
    due_on = models.DateField(_("完成时限"))
    # The end of due_on in Asia/Shanghai, as the escalation ladder compares it with now.
    deadline_at = models.DateTimeField(_("完成时限（截止时刻）"), editable=False)
    state = models.CharField(_("状态"), max_length=20, choices=State, default=State.OPEN)
    # The day the evidence the raiser confirmed was filed: on time when not after due_on.
    resolved_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("重新挂账时间"), null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("提出时间"))
    submission_key = models.CharField(_("提交编号"), max_length=64, unique=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["unit", "due_on"]),
            models.Index(fields=["state", "deadline_at"]),
            models.Index(fields=["project", "due_on"]),
        ]

    def __str__(self):
        return self.description[:40]


def evidence_path(instance, filename):
    return f"problems/{instance.problem_id}/{filename}"


class ProblemEvidence(EvidenceFile):
    """A file the responsible unit filed to show the problem solved (a permit, a photo, a record)."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("整改材料"), upload_to=evidence_path)

    class Meta:
        verbose_name = _("整改材料")
        verbose_name_plural = _("整改材料")
        ordering = ["problem", "pk"]


class ProblemEvent(RecordEvent):
    """The problem's history, append-only."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind)

    class Meta:
        verbose_name = _("问题办理记录")
        verbose_name_plural = _("问题办理记录")
        ordering = ["problem", "at", "pk"]
