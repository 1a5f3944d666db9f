"""The supervision items' Excel import as the office meets it: every bad row named before anything is
written, then every item assigned at once (the units told); the same file again changes nothing."""

import pytest
from django.urls import reverse

from yancheng.core.models import ImportJob, Notification
from yancheng.core.roles import Role
from yancheng.core.tests.test_import import errors_of, run_queued, upload_rows
from yancheng.supervision.importer import ItemImporter
from yancheng.supervision.models import Item

pytestmark = pytest.mark.django_db

START = reverse("import_start", args=["supervision-items"])


def line(n: int, **changes) -> list:
    values = {
        "number": f"衡督〔2026〕{n}号", "title": f"第{n}项督办事项", "content": "按月报送进展。", "source": "文件要求",
        "source_text": "市道安委“十项措施”", "lead": "衡阳市市场监督管理局", "cooperating": "衡阳市生态环境局",
        "due_on": "2026-12-31", "cadence": "每月", "leader": "",
    }  # fmt: skip
    values.update(changes)
    return [values[column.key] for column in ItemImporter.columns]


def upload(client, rows) -> ImportJob:
    return upload_rows(client, ItemImporter, rows, "督办件.xlsx")


def test_only_the_supervision_office_imports_items(client, users, assert_refused):
    assert_refused([users[Role.LEADER], users[Role.UNIT_OFFICIAL], users[Role.ENTERPRISE_USER]], "GET", START)
    client.force_login(users[Role.SUPERVISION_OFFICE])
    assert client.get(START).status_code == 200


def test_bad_rows_are_named_then_a_clean_file_assigns_every_item_once(
    client, users, at, django_capture_on_commit_callbacks
):
    at(2026, 12, 1, 9)
    client.force_login(users[Role.SUPERVISION_OFFICE])
    bad = [
        line(1), line(2, lead="不存在的局"), line(3, cooperating="衡阳市市场监督管理局"), line(4, due_on="2026-11-01"),
        line(5, leader="张三"), line(6, source="听说"), line(1, title="重复编号"),
    ]  # fmt: skip
    said = {row: message for row, _column, message in errors_of(upload(client, bad))}
    assert set(said) == {3, 4, 5, 6, 7, 8}
    assert (
        "“不存在的局”不是本平台的单位" in said[3] and "既牵头又配合" in said[4] and "不能早于今天" in said[5]
    )
    assert "“张三”不是本平台的市领导" in said[6]
    assert Item.objects.count() == 0
    rows = [line(1), line(2, cooperating="", leader="leader", cadence="每周")]
    job = upload(client, rows)
    assert errors_of(job) == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[job.pk]))
        run_queued()
    job.refresh_from_db()
    assert (job.state, job.created) == ("done", 2)
    item = Item.objects.get(number="衡督〔2026〕1号")
    assert dict(item.assignments.values_list("unit__code", "kind")) == {"samr": "lead", "eco": "cooperating"}
    assert Item.objects.get(number="衡督〔2026〕2号").leader.full_name == "leader"
    assert Notification.objects.filter(recipient__username="official_eco").count() == 1
    again = upload(client, rows)
    client.post(reverse("import_confirm", args=[again.pk]))
    run_queued()
    again.refresh_from_db()
    assert (again.created, again.unchanged) == (0, 2) and Item.objects.count() == 2
