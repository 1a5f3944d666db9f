"""Every change to the core records goes through these functions: atomic and audited."""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import audit
from yancheng.core.models import ApiToken, ImportJob, Notification
from yancheng.core.models.tokens import digest
from yancheng.core.output import importing
from yancheng.core.roles import Role, has_role


class ActionRefused(Exception):
    """A rule stops the action; the message is shown to the person as it is (already translated)."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


def refuse_unless(condition: bool, message: str, code: str) -> None:
    """Stop the action with `message` (shown to the person) and a machine `code` unless `condition`."""
    if not condition:
        raise ActionRefused(message, code)


def submission_key_taken() -> ActionRefused:
    """Another person's submission key: answering with their record would show it to a stranger."""
    return ActionRefused(_("提交编号已被使用，请刷新页面后重新提交。"), "submission_key_taken")


def issue_api_token(*, owner, by, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """Create a token for `owner`; the secret is returned once and only its hash is kept.
    A person issues tokens for themself; an administrator for anyone."""
    if owner != by and not has_role(by, Role.ADMINISTRATOR):
        audit.record("permission_denied", owner, actor=by, changes={"attempted": "issue_api_token"})
        raise ActionRefused(_("只有系统管理员可以为他人创建 API 令牌。"), "forbidden")
    name = (name or "").strip()
    if not name:
        raise ActionRefused(_("请填写令牌名称，例如“某某银行核心系统”。"), "name_required")
    if expires_at is not None and expires_at <= timezone.now():
        raise ActionRefused(_("到期时间必须晚于现在。"), "expiry_in_past")
    secret = ApiToken.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=owner,
            name=name[:100],
            prefix=secret[:10],
            digest=digest(secret),
            created_by=by,
            expires_at=expires_at,
        )
        changes = {"name": [None, token.name], "expires_at": [None, str(expires_at) if expires_at else None]}
        audit.record("api_token_issued", token, actor=by, changes=changes)
    return token, secret


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            "api_token_revoked", token, actor=by, changes={"revoked_at": [None, str(token.revoked_at)]}
        )
    return token


def mark_read(notification: Notification, *, by) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit.record("notification_read", notification, actor=by)
    return notification


# --- imports (core.output.importing) ----------------------------------------------------------------------


def _refuse_import(importer, by, attempted: str, obj=None) -> ActionRefused:
    audit.record(
        "permission_denied", obj, actor=by, changes={"attempted": [None, f"{attempted}:{importer.kind}"]}
    )
    return ActionRefused(_("您没有导入%(title)s的权限。") % {"title": importer.title}, "forbidden")


def upload_import(importer, *, by, file_name: str, data: bytes) -> ImportJob:
    """Keep the uploaded file as a job and check it at once (writing nothing else): the job holds what
    the preview shows, its errors or that every row can be imported."""
    if not importer.allowed(by):
        raise _refuse_import(importer, by, "upload_import")
    result = importing.check_workbook(importer, data, by)
    # A file over the limit is refused without reading it; its bytes are not worth keeping either.
    kept = data if len(data) <= importing.MAX_FILE_BYTES else b""
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=importer.kind,
            file=kept,
            file_name=(file_name or "")[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=by,
            row_count=result.row_count,
            errors=result.errors,
            error_count=result.error_count,
        )
        changes = {
            "file_name": [None, job.file_name],
            "row_count": [None, job.row_count],
            "error_count": [None, job.error_count],
        }
        audit.record("import_uploaded", job, actor=by, changes=changes)
    return job


def confirm_import(job: ImportJob, *, by) -> bool:
    """Queue the import of a checked file without errors, once: of two clicks (or two tabs) one moves the
    job from checked to queued and queues the task, in one transaction; the other finds it queued and
    changes nothing. True when this call queued it."""
    from yancheng.core.tasks import run_import

    importer = importing.importer_for(job.kind)
    if not importer.allowed(by):
        raise _refuse_import(importer, by, "confirm_import", job)
    with transaction.atomic():
        waiting = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED, error_count=0)
        if not waiting.update(state=ImportJob.State.QUEUED, queued_at=timezone.now()):
            return False
        run_import.enqueue(job.pk)
        audit.record("import_confirmed", job, actor=by, changes={"state": ["checked", "queued"]})
    return True
