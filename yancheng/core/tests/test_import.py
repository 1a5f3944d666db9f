"""The shared Excel import (core.output.importing) as the person using it notices it, on its first
importer, the enterprise register: the template, the preview's errors on the rows Excel shows, the
confirm that queues one import, the import written all at once or not at all, the same file imported
again changing nothing, the progress bar, and who may see what.

The worker's task is run synchronously with `run_import.call`, on what confirming queued in
django-tasks-db's table."""

from io import BytesIO
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook, load_workbook

from conftest import make_user
from yancheng.core import audit, importers
from yancheng.core.models import AuditEntry, Enterprise, ImportJob, Region
from yancheng.core.output import importing
from yancheng.core.output.xlsx import XLSX
from yancheng.core.roles import Role
from yancheng.core.tasks import run_import
from yancheng.core.validators import make_uscc

HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所在区县",
    "行业",
    "地址",
    "规上企业",
    "专精特新",
    "小巨人",
    "单项冠军",
]
START = reverse("import_start", args=["enterprises"])
TEMPLATE = reverse("import_template", args=["enterprises"])


def code(n: int, region: str = "430405") -> str:
    return make_uscc("9", "1", region, f"MA4N{n:04d}")


def row(n: int, region="珠晖区", **changes) -> list:
    values = {
        "uscc": code(n),
        "name": f"衡阳导入{n}号有限公司",
        "region": region,
        "industry": "装备制造",
        "address": f"珠晖区东风路 {n} 号",
        "flags": ["是", "否", "", "否"],
    }
    values.update(changes)
    return [
        values["uscc"],
        values["name"],
        values["region"],
        values["industry"],
        values["address"],
        *values["flags"],
    ]


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for line in rows:
        sheet.append(line)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, name="企业名录.xlsx"):
    return client.post(START, {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


@pytest.fixture
def office(client, users):
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    return users[Role.BUSINESS_ENVIRONMENT_OFFICE]


def uploaded(client, rows, **kwargs) -> ImportJob:
    response = upload(client, xlsx(rows, **kwargs))
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def queued_imports():
    return DBTaskResult.objects.filter(task_path=run_import.module_path)


def run_queued() -> list[str]:
    return [run_import.call(*task.args_kwargs["args"]) for task in queued_imports().order_by("enqueued_at")]


def confirm(client, job):
    return client.post(reverse("import_confirm", args=[job.pk]))


def upload_rows(client, importer, rows, filename: str) -> ImportJob:
    """Upload a workbook of ``importer``'s headers and ``rows`` (lists in its columns' order): the job."""
    book = Workbook()
    book.active.append([column.header for column in importer.columns])
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    response = client.post(
        reverse("import_start", args=[importer.kind]),
        {"file": SimpleUploadedFile(filename, out.getvalue(), content_type=XLSX)},
    )
    assert response.status_code == 302, response.content.decode()[:400]
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def errors_of(job) -> list[tuple]:
    job.refresh_from_db()
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


# --- the template --------------------------------------------------------------------------------------


def test_the_template_has_the_headers_dropdowns_and_a_sheet_that_says_how_to_fill_it(client, office):
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith(f"filename*=UTF-8''{quote('企业名录导入模板.xlsx')}")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["企业名录", "填写说明"]
    sheet = book["企业名录"]
    headers = [cell.value for cell in sheet[1]]
    # Required columns carry the asterisk (and red), optional ones do not.
    assert headers == [f"*{h}" for h in HEADERS[:4]] + HEADERS[4:]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet[1][0].font.color.rgb.endswith("C00000") and sheet[1][4].font.color is None
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].number_format == "@"  # 18-digit codes stay text
    dropdowns = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert dropdowns == {f"{c}2:{c}20001": '"是,否"' for c in "FGHI"}

    guide = list(book["填写说明"].iter_rows(values_only=True))
    assert guide[0] == ("列名", "是否必填", "填写说明", "示例")
    by_header = {line[0]: line for line in guide[1:10]}
    assert by_header["*统一社会信用代码"][1] == "必填"
    assert by_header["*统一社会信用代码"][3] == make_uscc("9", "1", "430405", "MA4L0001")
    assert by_header["地址"][1] == "选填"
    assert "可选值：是、否" in by_header["规上企业"][2]
    notes = " ".join(str(line[0]) for line in guide[10:] if line[0])
    assert "以「统一社会信用代码」识别记录" in notes and "20000 行" in notes


# --- the preview's errors ------------------------------------------------------------------------------


def test_every_problem_is_listed_on_the_row_excel_shows_and_nothing_is_written(client, office):
    before = Enterprise.objects.count()
    job = uploaded(
        client,
        [
            row(1),  # row 2
            row(2, name=""),  # row 3: a required cell left empty
            [None] * 9,  # row 4: blank, skipped
            row(3, uscc=code(3) + "0"),  # row 5: a code one character too long
            row(4, region="南岳县"),  # row 6: no such county
            row(5, flags=["可能", "否", "否", "否"]),  # row 7: a value outside the dropdown
            row(1, name="重复的企业"),  # row 8: the code of row 2 again
        ],
    )
    assert job.state == ImportJob.State.CHECKED and job.row_count == 6 and job.error_count == 5
    errors = errors_of(job)
    assert [(r, c) for r, c, _m in errors] == [
        (3, "企业名称"),
        (5, "统一社会信用代码"),
        (6, "所在区县"),
        (7, "规上企业"),
        (8, "统一社会信用代码"),
    ]
    messages = [m for _r, _c, m in errors]
    assert messages[0] == "「企业名称」不能为空"
    assert "统一社会信用代码应为 18 位" in messages[1]
    assert "“南岳县”不是本平台的县市区" in messages[2] and "珠晖区" in messages[2]
    assert messages[3] == "「规上企业」只能填写：是、否；当前为“可能”"
    assert messages[4] == f"「统一社会信用代码」“{code(1)}”与第 2 行重复：同一条记录只能填写一行"
    assert Enterprise.objects.count() == before

    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "发现 5 处问题，文件未导入" in page
    for text in ["第 3 行", "第 8 行", "「企业名称」不能为空", "与第 2 行重复", "修改文件后重新上传"]:
        assert text in page
    assert "确认导入" not in page

    # Confirming a file with errors queues nothing and writes nothing.
    response = confirm(client, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED and not queued_imports().exists()
    assert Enterprise.objects.count() == before


def test_a_check_character_error_names_the_validators_reason(client, office):
    bad = code(6)[:-1] + ("0" if code(6)[-1] != "0" else "1")
    job = uploaded(client, [row(6, uscc=bad), row(7, uscc=code(7).lower())])
    errors = errors_of(job)
    assert errors[0][:2] == (2, "统一社会信用代码") and "校验不通过" in errors[0][2]
    assert job.error_count == 1  # a lower-case code is read as the upper-case one it means


def test_headers_are_matched_without_spaces_full_width_characters_and_the_asterisk(client, office):
    headers = [
        "＊统一社会信用代码",
        " 企业 名称 ",
        "所在区县\u3000",
        "行业",
        "备注",
        "地址",
        "规上企业",
        "专精特新",
        "小巨人",
        "单项冠军",
    ]
    line = row(8)
    job = uploaded(client, [[*line[:4], "自己加的备注列", *line[4:]]], headers=headers)
    assert job.error_count == 0 and job.row_count == 1


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"uscc,name\n1,2\n", "文件不是 Excel 工作簿（.xlsx）"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel（.xls）"),
        (b"PK\x03\x04broken", "文件已损坏"),
        (xlsx([row(1)], headers=[h for h in HEADERS if h != "企业名称"]), "缺少必填的列「企业名称」"),
        (xlsx([]), "文件中没有数据"),
        (xlsx([[None] * 9, [None] * 9]), "文件中没有数据"),
    ],
)
def test_a_file_that_cannot_be_read_says_what_to_do(client, office, data, says):
    job = uploaded_data(client, data)
    errors = errors_of(job)
    assert len(errors) == 1 and errors[0][:2] == (0, "") and says in errors[0][2]
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert says in page and "第 0 行" not in page and "修改文件后重新上传" in page


def uploaded_data(client, data: bytes) -> ImportJob:
    response = upload(client, data)
    assert response.status_code == 302
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_more_rows_than_the_importer_takes_is_refused_as_a_whole(client, office, monkeypatch):
    monkeypatch.setattr(importers.EnterpriseImporter, "max_rows", 3)
    job = uploaded(client, [row(n) for n in range(1, 5)])
    assert errors_of(job) == [(0, "", "文件超过 3 行数据（第 5 行起超出）：请分成几个文件分别导入。")]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, office, monkeypatch):
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1000)
    response = upload(client, xlsx([row(n) for n in range(1, 50)]))
    assert response.status_code == 400
    assert "请删去多余的工作表" in response.content.decode()
    assert not ImportJob.objects.exists()
    # And check_workbook says the same to whoever calls it directly.
    result = importing.check_workbook(importers.EnterpriseImporter(), b"PK\x03\x04" + b"0" * 2000, office)
    assert result.errors[0]["row"] == 0 and "请删去多余的工作表" in result.errors[0]["message"]


def test_uploading_nothing_asks_for_a_file(client, office):
    response = client.post(START, {})
    assert response.status_code == 400 and "请选择要上传的 Excel 文件" in response.content.decode()
    assert not ImportJob.objects.exists()


# --- confirming and importing --------------------------------------------------------------------------


def test_a_clean_file_shows_its_row_count_and_imports_every_row_at_once(client, office, hengyang):
    job = uploaded(client, [row(n) for n in range(1, 4)] + [row(4, region="430481", flags=["", "", "", ""])])
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "共 4 行，均无误。" in page and "确认导入" in page

    response = confirm(client, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED and queued_imports().count() == 1
    assert not Enterprise.objects.filter(uscc=code(1)).exists()  # nothing before the worker runs

    assert run_queued() == ["done"]
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and (job.created, job.updated, job.unchanged) == (4, 0, 0)
    first = Enterprise.objects.get(uscc=code(1))
    assert first.name == "衡阳导入1号有限公司" and first.region == hengyang["regions"]["zhuhui"]
    assert first.above_designated_size and not first.specialized and not first.little_giant
    assert Enterprise.objects.get(uscc=code(4)).region == hengyang["regions"]["leiyang"]  # by its code

    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "导入完成：共 4 行。" in page
    assert 'href="/enterprises/"' in page
    created = AuditEntry.objects.filter(action="import_created")
    imported = Enterprise.objects.filter(name__startswith="衡阳导入").values_list("pk", flat=True)
    assert sorted(e.object_id for e in created) == sorted(str(pk) for pk in imported)  # one entry each
    assert created.get(object_id=str(first.pk)).changes["name"] == [None, "衡阳导入1号有限公司"]
    actions = list(AuditEntry.objects.filter(object_type="core.importjob").values_list("action", flat=True))
    assert sorted(actions) == ["import_confirmed", "import_done", "import_uploaded"]

    listed = client.get("/enterprises/", {"q": "导入1号"}).content.decode()
    assert "衡阳导入1号有限公司" in listed and "共 1 家企业" in listed


def test_confirming_twice_queues_one_import_and_a_second_run_does_nothing(client, office):
    job = uploaded(client, [row(1), row(2)])
    confirm(client, job)
    confirm(client, job)  # a double click, or a second tab
    assert queued_imports().count() == 1
    assert AuditEntry.objects.filter(action="import_confirmed").count() == 1
    assert run_queued() == ["done"]
    assert run_import.call(job.pk) == "not queued"  # the same task delivered twice
    assert Enterprise.objects.filter(uscc__in=[code(1), code(2)]).count() == 2
    assert AuditEntry.objects.filter(action="import_created").count() == 2


def test_importing_the_same_file_again_changes_nothing(client, office, hengyang):
    data = xlsx([row(n) for n in range(1, 4)])  # made once: a workbook records when it was saved
    first = uploaded_data(client, data)
    confirm(client, first)
    run_queued()
    stored = list(Enterprise.objects.order_by("pk").values_list())
    audit_before = AuditEntry.objects.filter(action__in=["import_created", "import_updated"]).count()

    again = uploaded_data(client, data)
    page = client.get(reverse("import_job", args=[again.pk])).content.decode()
    assert "同一文件已于" in page
    confirm(client, again)
    run_import.call(again.pk)
    again.refresh_from_db()
    assert again.state == ImportJob.State.DONE and (again.created, again.updated, again.unchanged) == (
        0,
        0,
        3,
    )
    assert list(Enterprise.objects.order_by("pk").values_list()) == stored
    assert AuditEntry.objects.filter(action__in=["import_created", "import_updated"]).count() == audit_before


def test_an_existing_enterprise_is_updated_only_where_the_file_differs(client, office, hengyang):
    existing = hengyang["enterprises"]["a"]
    existing.risk_grade, existing.exempt = "A", True
    existing.save()
    line = row(0, uscc=existing.uscc, name=existing.name, industry="新能源", address=existing.address)
    line[5:] = ["否", "否", "否", "否"]
    job = uploaded(client, [line, row(1)])
    confirm(client, job)
    run_queued()
    job.refresh_from_db()
    assert (job.created, job.updated, job.unchanged) == (1, 1, 0)
    existing.refresh_from_db()
    assert existing.industry == "新能源"
    assert existing.risk_grade == "A" and existing.exempt and existing.pilot  # not the import's to set
    change = AuditEntry.objects.get(action="import_updated")
    assert change.changes == {"industry": ["电子信息", "新能源"]}
    assert change.actor == office


def test_a_failure_while_writing_leaves_the_database_as_it_was(client, office, monkeypatch):
    job = uploaded(client, [row(n) for n in range(1, 6)])
    confirm(client, job)
    monkeypatch.setattr(importers, "BATCH", 2)  # two batches are written before the third fails
    real_record_all = audit.record_all
    written = []

    def record_all(entries):
        if len(written) == 2:
            raise RuntimeError("disk full")
        written.append(Enterprise.objects.filter(uscc__in=[code(n) for n in range(1, 6)]).count())
        real_record_all(entries)

    monkeypatch.setattr(importers.audit, "record_all", record_all)
    stored = list(Enterprise.objects.order_by("pk").values_list())
    audit_before = AuditEntry.objects.filter(action="import_created").count()

    assert run_queued() == ["failed"]
    assert written == [2, 4]  # rows were written before the failure …
    assert list(Enterprise.objects.order_by("pk").values_list()) == stored  # … and rolled back
    assert AuditEntry.objects.filter(action="import_created").count() == audit_before
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "已全部撤销，未写入任何数据" in job.failure
    assert AuditEntry.objects.filter(action="import_failed", object_id=str(job.pk)).exists()
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "导入失败：" in page and "已全部撤销" in page and "修改文件后重新上传" in page


def test_what_changed_since_the_preview_is_found_by_the_import_which_then_writes_nothing(
    client, office, hengyang
):
    hengnan = Region.objects.create(
        code="430422", name="衡南县", level="county", parent=hengyang["regions"]["city"]
    )
    job = uploaded(client, [row(1), row(2, region="衡南县")])
    assert job.error_count == 0
    confirm(client, job)
    hengnan.delete()  # the county is gone by the time the worker runs
    assert run_queued() == ["failed"]
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "重新检查时发现 1 处问题" in job.failure
    assert [(r, c) for r, c, _m in errors_of(job)] == [(3, "所在区县")]
    assert not Enterprise.objects.filter(uscc=code(1)).exists()


# --- progress ------------------------------------------------------------------------------------------


def test_the_progress_endpoint_reports_the_phase_and_rows_done_of_the_total(client, office, monkeypatch):
    job = uploaded(client, [row(n) for n in range(1, 4)])
    url = reverse("import_progress", args=[job.pk])
    confirm(client, job)
    queued = client.get(url).json()
    assert queued["state"] == "queued" and queued["total"] == 3 and not queued["finished"]
    assert queued["value"] is None and queued["text"] == "排队中，等待后台处理……"
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "<progress" in page and "/static/yancheng/import-progress.js" in page

    monkeypatch.setattr(importing, "PROGRESS_SECONDS", 0)
    seen = []
    real_write = importers.EnterpriseImporter.write

    def write(self, rows, by, progress):
        progress(2)
        seen.append(client.get(url).json())
        return real_write(self, rows, by, progress)

    monkeypatch.setattr(importers.EnterpriseImporter, "write", write)
    run_queued()
    assert seen[0]["state"] == "running" and seen[0]["phase"] == "write"
    assert seen[0]["text"] == "写入：已处理 2 / 3 行"
    assert (seen[0]["done"], seen[0]["total"], seen[0]["value"], seen[0]["max"]) == (2, 3, 5, 6)
    done = client.get(url).json()
    assert done["finished"] and done["state"] == "done" and done["state_label"] == "已导入"
    job.refresh_from_db()
    assert importing.read_progress(job.progress_key) is None  # cleared once the job ended


# --- who may see what ----------------------------------------------------------------------------------


def test_a_job_is_its_uploaders_and_anyone_else_gets_404(client, office, users, assert_refused):
    job = uploaded(client, [row(1)])
    other_office = make_user("office2", Role.BUSINESS_ENVIRONMENT_OFFICE)
    strangers = [other_office, users[Role.UNIT_OFFICIAL], users[Role.ENTERPRISE_USER]]
    for name in ["import_job", "import_progress"]:
        for stranger in strangers:
            client.force_login(stranger)
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (name, stranger)
    assert_refused([*strangers, None], "POST", reverse("import_confirm", args=[job.pk]))
    assert not queued_imports().exists()
    client.force_login(users[Role.ADMINISTRATOR])  # administrators see every job
    assert client.get(reverse("import_job", args=[job.pk])).status_code == 200


def test_only_the_office_and_administrators_may_import_the_register(client, users, assert_refused):
    refused = [
        users[Role.LEADER],
        users[Role.SUPERVISION_OFFICE],
        users[Role.UNIT_OFFICIAL],
        users[Role.ENTERPRISE_USER],
        users[Role.BANK_CLERK],
        users[Role.REGISTRY_OFFICIAL],
        None,
    ]
    assert_refused(refused, "GET", START)
    assert_refused(refused, "GET", TEMPLATE)
    assert_refused(refused, "POST", START)
    assert not ImportJob.objects.exists()
    for allowed in [users[Role.BUSINESS_ENVIRONMENT_OFFICE], users[Role.ADMINISTRATOR]]:
        client.force_login(allowed)
        assert client.get(START).status_code == 200
        assert client.get(TEMPLATE).status_code == 200
    assert client.get(reverse("import_start", args=["no-such-kind"])).status_code == 404


def test_an_uploader_who_lost_the_right_before_the_import_ran_gets_nothing_written(client, office):
    job = uploaded(client, [row(1)])
    confirm(client, job)
    office.person.roles.all().delete()
    assert run_queued() == ["failed"]
    job.refresh_from_db()
    assert "没有导入企业名录的权限" in job.failure
    assert not Enterprise.objects.filter(uscc=code(1)).exists()


def test_the_start_page_and_menu_lead_the_office_to_the_register_and_its_template(client, office):
    page = client.get(START).content.decode()
    assert "导入企业名录" in page and f'href="{TEMPLATE}"' in page and 'type="file"' in page
    home = client.get("/").content.decode()
    assert 'href="/enterprises/"' in home
    listed = client.get("/enterprises/").content.decode()
    assert f'href="{START}"' in listed


def test_administrators_read_the_jobs_in_the_admin_without_changing_them(client, office, users):
    job = uploaded(client, [row(1), row(2, name="")])
    client.force_login(users[Role.ADMINISTRATOR])
    listed = client.get(reverse("admin:core_importjob_changelist")).content.decode()
    assert "企业名录.xlsx" in listed and "有错误" in listed
    page = client.get(reverse("admin:core_importjob_change", args=[job.pk])).content.decode()
    assert "「企业名称」不能为空" in page and 'name="_save"' not in page
    assert client.get(reverse("admin:core_importjob_add")).status_code == 403


def test_the_import_pages_and_their_messages_switch_to_english(client, office):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(START).content.decode()
    assert "Import the Enterprise register" in page and "Upload and check" in page
    job = uploaded(client, [row(1, name="")])
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "1 problem found; the file was not imported." in page
    assert "Row 2" in page and "&quot;企业名称&quot; must not be empty" in page


def test_polling_the_progress_does_not_save_the_session(client, office):
    """Saving it would wait for the import's write lock on SQLite, and a poll is not activity."""
    from django.contrib.sessions.models import Session

    job = uploaded(client, [row(1)])
    confirm(client, job)
    expiry = Session.objects.get().expire_date
    assert client.get(reverse("import_progress", args=[job.pk])).status_code == 200
    assert Session.objects.get().expire_date == expiry
    client.get(reverse("import_job", args=[job.pk]))
    assert Session.objects.get().expire_date > expiry
