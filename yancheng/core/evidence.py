"""The files a unit files to show a deadline met (a commitment kept, a problem solved): what is
accepted, checked before anything is written."""

from django.utils.translation import gettext as _

from yancheng.core.actions import refuse_unless

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
FILE_TYPES = (".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx")


def check_files(files) -> None:
    """Refuse more than MAX_FILES files, or one that is not a document or a photo, or over 20 MB."""
    refuse_unless(len(files) <= MAX_FILES, _("一次最多上传 %(n)d 个文件。") % {"n": MAX_FILES}, "files")
    for upload in files:
        refuse_unless(
            upload.name.lower().endswith(FILE_TYPES) and upload.size <= MAX_FILE_BYTES,
            _("“%(name)s”不是 PDF、OFD、图片、Word 或 Excel 文件，或超过 20 MB。") % {"name": upload.name},
            "file_type",
        )


def store(model, files, *, by, at, **record) -> None:
    """One `model` row (file, name, size, uploaded_by, uploaded_at, and `record`: the record it shows met)
    for each checked upload."""
    for upload in files:
        evidence = model(name=upload.name[:200], size=upload.size, uploaded_by=by, uploaded_at=at, **record)
        evidence.file.save(upload.name[:200], upload, save=False)
        evidence.save()
