"""The request ladder's documents, now that it climbs core's ladder: numbered, shown on the request's
page, downloadable by who sees the request and by no one else."""

import io

import pytest
from docx import Document

from yancheng.core import ladder
from yancheng.core.models import LadderStep, Rung
from yancheng.core.roles import Role
from yancheng.enterprise_requests import actions, tasks


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_an_overdue_requests_instruments_are_numbered_documents_on_its_page(
    at, client, file_request, users, hengyang, django_capture_on_commit_callbacks
):
    at(2026, 3, 2, 10)
    request = actions.route(
        file_request(kind="consultation"),
        unit=hengyang["units"]["samr"],
        by=users[Role.BUSINESS_ENVIRONMENT_OFFICE],
    )
    actions.accept(request, by=users[Role.UNIT_OFFICIAL])
    at(2026, 3, 11, 9)  # two working days overdue: 提示单 and 督办单
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate() == 2
    notice, order = LadderStep.objects.filter(kind="request_reply").order_by("rung")
    assert (notice.rung, notice.number) == (Rung.NOTICE, "衡优办督〔2026〕1号")
    assert (order.rung, order.number) == (Rung.SUPERVISION_ORDER, "衡优办督〔2026〕2号")
    text = "\n".join(p.text for p in Document(io.BytesIO(ladder.document_bytes(order))).paragraphs)
    assert "衡阳市优化经济发展环境办公室" in text and "衡阳市市场监督管理局、市委督查室：" in text

    client.force_login(users[Role.UNIT_OFFICIAL])
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "当前环节：督办单" in page and "衡优办督〔2026〕2号" in page
    assert client.get(f"/ladder/{order.pk}/document.docx").status_code == 200
    client.force_login(users["other_official"])  # another unit's: may not see the request
    assert client.get(f"/ladder/{order.pk}/document.docx").status_code == 404
