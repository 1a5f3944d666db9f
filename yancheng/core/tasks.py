"""Background work, run by `manage.py worker` (django-tasks-db)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import audit
from yancheng.core.models import Delivery, ImportJob
from yancheng.core.output import importing

logger = logging.getLogger(__name__)


def retry_delay(attempts: int) -> timedelta:
    # 1, 2, 4, 8 … minutes, capped at an hour.
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


@task()
def deliver(delivery_id: int) -> str:
    """Carry one delivery, record the outcome on its row, and queue a later retry when it failed."""
    from yancheng.core.notify import DeliveryError, send

    delivery = Delivery.objects.select_related("notification", "channel").filter(pk=delivery_id).first()
    if delivery is None:  # its notification was deleted meanwhile: nothing left to carry
        return "missing"
    if delivery.status != Delivery.Status.PENDING:  # sent or given up already: never twice
        return str(delivery.status)
    # Count the attempt before making it, so an attempt cut short still counts; the condition makes a
    # second worker that read the same row step aside instead of sending the message a second time.
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return "busy"
    delivery.attempts += 1
    try:
        send(delivery)
    except Exception as error:  # whatever went wrong is recorded and retried, never lost
        if isinstance(error, DeliveryError):
            reason, permanent = str(error), error.permanent
        else:
            reason, permanent = f"{type(error).__name__}: {error}", False
        delivery.last_error = reason[:2000]
        if permanent or delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
        # The outcome and the retry are written together: a retry is never lost, nor queued twice.
        with transaction.atomic():
            delivery.save(update_fields=["attempts", "last_error", "status"])
            if delivery.status == Delivery.Status.PENDING:
                run_after = timezone.now() + retry_delay(delivery.attempts)
                deliver.using(run_after=run_after).enqueue(delivery_id)
        return str(delivery.status)
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return str(delivery.status)


@task()
def run_import(job_id: int) -> str:
    """Import a confirmed file: check the stored file again (what it refers to may have changed since
    the preview), then write every row in one transaction. Any error, found by the check or raised while
    writing, leaves the database as it was and the job failed with the reason."""
    # Claimed once: a second run of the same task (a retry, two workers) finds it no longer queued.
    queued = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED)
    if not queued.update(state=ImportJob.State.RUNNING, started_at=timezone.now()):
        return "not queued"
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    try:
        return _import(job)
    except Exception:  # a fault of the importer's code: the job must not stay "running" for ever
        logger.exception("import job %s failed", job_id)
        return _import_failed(
            job,
            _(
                "导入时出错，已全部撤销，未写入任何数据。请稍后重新上传；如仍失败，请联系系统管理员（导入任务 #%(id)s）。"
            )
            % {"id": job_id},
        )
    finally:
        importing.clear_progress(job.progress_key)


def _import(job: ImportJob) -> str:
    try:
        importer = importing.importer_for(job.kind)
    except Http404:
        return _import_failed(
            job, _("平台已不再提供这种导入（%(kind)s），未写入任何数据。") % {"kind": job.kind}
        )
    by = job.uploaded_by
    if not by.is_active or not importer.allowed(by):
        return _import_failed(
            job, _("上传人已没有导入%(title)s的权限，未写入任何数据。") % {"title": importer.title}
        )
    checking = importing.progress_reporter(job.progress_key, importing.CHECKING, job.row_count)
    result = importing.check_workbook(importer, bytes(job.file), by, progress=checking)
    if not result.ok:
        message = _(
            "确认导入后重新检查时发现 %(n)d 处问题（预览之后数据有了变化），未写入任何数据：请按下列问题改正后重新上传。"
        )
        return _import_failed(job, message % {"n": result.error_count}, result)
    writing = importing.progress_reporter(job.progress_key, importing.WRITING, len(result.rows))
    try:
        with transaction.atomic():
            counts = importer.write(result.rows, by, writing)
            _import_done(job, counts)
    except importing.RowError as refusal:  # the importer's own words on why it cannot write
        return _import_failed(
            job, _("导入未完成，已全部撤销，未写入任何数据：%(reason)s") % {"reason": refusal.message}
        )
    return "done"


def _import_done(job: ImportJob, counts) -> None:
    job.state = ImportJob.State.DONE
    job.created, job.updated, job.unchanged = counts.created, counts.updated, counts.unchanged
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "created", "updated", "unchanged", "finished_at"])
    changes = {
        "state": ["running", "done"],
        "created": [None, counts.created],
        "updated": [None, counts.updated],
        "unchanged": [None, counts.unchanged],
    }
    audit.record("import_done", job, actor=job.uploaded_by, changes=changes)


def _import_failed(job: ImportJob, message: str, result=None) -> str:
    job.state = ImportJob.State.FAILED
    job.failure = message
    job.finished_at = timezone.now()
    fields = ["state", "failure", "finished_at"]
    if result is not None:
        job.errors, job.error_count = result.errors, result.error_count
        fields += ["errors", "error_count"]
    job.save(update_fields=fields)
    audit.record("import_failed", job, actor=job.uploaded_by, changes={"state": ["running", "failed"]})
    return "failed"


@task()
def store_ladder_documents(step_ids: list[int]) -> str:
    """Make and keep the .docx of the ladder steps a pass sent (core.ladder), once they have committed,
    off the pass: "stored 3, kept already 1, missing 0"."""
    from yancheng.core import ladder
    from yancheng.core.models import LadderStep

    steps = {step.pk: step for step in LadderStep.objects.filter(pk__in=step_ids)}
    stored = sum(ladder.store_document(step) for step in steps.values())
    return f"stored {stored}, kept already {len(steps) - stored}, missing {len(set(step_ids) - set(steps))}"
