"""The import pages every app's importer gets (core.output.importing): the kind's page with its template
and upload form, the job's page (errors, or a confirm button, or progress, or the result) and its
progress as JSON for the page's script."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yancheng.core import actions
from yancheng.core.middleware import leaves_session_unsaved
from yancheng.core.models import ImportJob
from yancheng.core.output import importing

ERRORS_PER_PAGE = 100


def _importer(request, kind: str) -> importing.Importer:
    """The kind's importer, if this person may use it: an unknown kind is 404, a refusal 403 (audited)."""
    importer = importing.importer_for(kind)
    if not importer.allowed(request.user):
        raise PermissionDenied
    return importer


def _job(request, job_id: int) -> ImportJob:
    # Someone else's job answers like one that does not exist; the file itself is never read here.
    return get_object_or_404(ImportJob.objects.for_user(request.user).defer("file"), pk=job_id)


@login_required
def start(request, kind: str):
    importer = _importer(request, kind)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要上传的 Excel 文件（.xlsx）。")
        elif upload.size > importing.MAX_FILE_BYTES:
            error = _("文件超过 %(mb)d MB：请删去多余的工作表、图片和格式，或分成几个文件分别导入。") % {
                "mb": importing.MAX_FILE_BYTES // (1024 * 1024)
            }
        else:
            job = actions.upload_import(importer, by=request.user, file_name=upload.name, data=upload.read())
            return redirect("import_job", job.pk)
    recent = ImportJob.objects.filter(kind=importer.kind, uploaded_by=request.user).defer("file")[:10]
    context = {
        "importer": importer,
        "error": error,
        "recent": recent,
        "max_mb": importing.MAX_FILE_BYTES // 2**20,
    }
    return render(request, "core/import_start.html", context, status=400 if error else 200)


@login_required
def template(request, kind: str):
    return importing.template_response(_importer(request, kind))


@login_required
def job(request, job_id: int):
    job = _job(request, job_id)
    importer = _importer(request, job.kind)
    errors = Paginator([e for e in job.errors if e["row"]], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    earlier = (
        ImportJob.objects.for_user(request.user)
        .filter(kind=job.kind, sha256=job.sha256, state=ImportJob.State.DONE)
        .exclude(pk=job.pk)
        .defer("file")
        .first()
    )
    context = {
        "job": job,
        "importer": importer,
        "file_errors": [e for e in job.errors if not e["row"]],
        "errors": errors,
        "errors_cut": job.error_count > len(job.errors),
        "progress": progress_of(job),
        "earlier": earlier,
    }
    return render(request, "core/import_job.html", context)


@login_required
@require_POST
def confirm(request, job_id: int):
    job = _job(request, job_id)
    _importer(request, job.kind)
    if not actions.confirm_import(job, by=request.user) and job.state == ImportJob.State.CHECKED:
        messages.error(request, _("文件有错误，不能导入：请改正后重新上传。"))
    return redirect("import_job", job.pk)


@leaves_session_unsaved  # the session's save would wait for the import's lock on SQLite
@login_required
def progress(request, job_id: int):
    job = _job(request, job_id)
    _importer(request, job.kind)
    return JsonResponse(progress_of(job))


def progress_of(job: ImportJob) -> dict:
    """What the progress bar shows. Checking and writing each take half of the bar; `value` is None while
    nothing is known (queued, or a worker on a host whose progress this server cannot read)."""
    total = job.row_count
    report = importing.read_progress(job.progress_key) if job.in_progress else None
    value, text = None, ""
    if job.state == ImportJob.State.QUEUED:
        text = _("排队中，等待后台处理……")
    elif job.state == ImportJob.State.RUNNING:
        text = _("正在导入……")
        if report:
            writing = report["phase"] == importing.WRITING
            value = total + report["done"] if writing else report["done"]
            phase = _("写入") if writing else _("检查")
            text = _("%(phase)s：已处理 %(done)d / %(total)d 行") % {
                "phase": phase,
                "done": report["done"],
                "total": report["total"],
            }
    return {
        "state": job.state,
        "state_label": job.state_label,
        "finished": not job.in_progress,
        "phase": report["phase"] if report else "",
        "done": report["done"] if report else 0,
        "total": total,
        "value": value,
        "max": 2 * total,
        "text": text,
    }
