from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.roles import Role, has_role

from .base import ScopedQuerySet


class ImportJobQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """A job is its uploader's (administrators see all): the file and its errors are theirs."""
        if has_role(user, Role.ADMINISTRATOR):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(uploaded_by=user)


class ImportJob(models.Model):
    """One uploaded file of one kind of ledger (core.output.importing), from its check to its import.

    The file is kept in the database (a BinaryField), not under MEDIA: the worker that imports it may run
    on another host than the server that took the upload, and the database is what every host shares
    (the app servers keep no state, README). A file is at most 10 MB (importing.MAX_FILE_BYTES), and
    the job and its file are written and deleted together. Lists of jobs must defer("file")."""

    class State(models.TextChoices):
        CHECKED = "checked", _("已检查")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("导入失败")

    kind = models.CharField(_("导入类型"), max_length=40, db_index=True)
    file = models.BinaryField(_("文件"), editable=False)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件摘要"), max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    state = models.CharField(_("状态"), max_length=10, choices=State, default=State.CHECKED)
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    # The first errors (importing.ERRORS_KEPT) as the check listed them, and how many there were in all.
    errors = models.JSONField(_("问题"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("问题数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    failure = models.TextField(_("失败原因"), blank=True)
    queued_at = models.DateTimeField(_("确认导入时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["uploaded_by", "kind", "-created_at"])]

    def __str__(self):
        return f"{self.file_name}（#{self.pk}）"

    @property
    def importable(self) -> bool:
        return self.state == self.State.CHECKED and self.error_count == 0

    @property
    def state_label(self) -> str:
        """What the uploader reads: a checked file is either 有错误 or 可导入."""
        if self.state == self.State.CHECKED:
            return str(_("可导入") if self.error_count == 0 else _("有错误"))
        return self.get_state_display()

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def progress_key(self) -> str:
        # The progress cache is a directory every process under VAR_DIR shares, the test processes too
        # (each with a database of its own, where ids start again at 1): the creation time tells apart
        # jobs that share an id.
        return f"import:{self.pk}:{self.created_at.timestamp():.6f}"
