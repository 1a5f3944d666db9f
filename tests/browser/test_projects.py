"""The major-project ledger in Chromium, as issue 11 asks: the commission's official imports a ledger
file with two bad rows, reads both errors in Chinese, fixes the file and imports it with the progress
bar, and finds the projects in the ledger; an owner on a 375 px phone files a monthly report with a
photo; the responsible unit confirms it; the project page shows the new figure and the rankings move.

The import runs in `manage.py worker`, started here on the server's database, as `make demo` runs it."""

import subprocess
import sys

import pytest
from openpyxl import Workbook
from PIL import Image

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_requests import fits, signed_in
from tests.server import ROOT
from yancheng.core.validators import make_project_code
from yancheng.projects.importer import ProjectImporter

pytestmark = pytest.mark.browser

COUNTY_GOVERNMENT = "耒阳市人民政府"


@pytest.fixture
def worker(server_env):
    """Start `manage.py worker` when called; stopped at the end of the test."""
    started = []

    def start():
        started.append(
            subprocess.Popen(  # noqa: S603  (our own interpreter and manage.py)
                [sys.executable, "manage.py", "worker"], cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL
            )
        )

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=20)


def ledger_row(n: int, **changes) -> list:
    values = {
        "code": make_project_code(2026, "430481", 900_000 + n),
        "name": f"耒阳导入测试项目{n}号",
        "levels": "市重点工程",
        "industrial": "是",
        "industry": "38",
        "region": "耒阳市",
        "park": "",
        "owner_uscc": "",
        "owner_unit": COUNTY_GOVERNMENT,
        "unit": COUNTY_GOVERNMENT,
        "leader": "",
        "address": "耒阳市经济开发区",
        "longitude": 112.86,
        "latitude": 26.42,
        "starts_on": "2026-05-01",
        "completes_on": "2027-10-31",
        "total_investment": "86000",
        "plan_year": 2026,
        "planned_investment": "12000",
        "milestones": "主体结构封顶 2026-09-30",
        "stage": "新开工",
        "stage_on": "2026-05-08",
        "content": "",
    }
    values.update(changes)
    return [values[column.key] for column in ProjectImporter.columns]


def ledger_file(tmp_path, rows, name) -> str:
    book = Workbook()
    book.active.append([column.header for column in ProjectImporter.columns])
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return str(path)


def site_photo(tmp_path) -> str:
    path = tmp_path / "现场.jpg"
    Image.new("RGB", (1200, 900), (120, 150, 180)).save(path, "JPEG")
    return str(path)


def upload(page, live_url, path):
    page.goto(f"{live_url}/imports/projects/")
    page.locator("input[type=file]").set_input_files(path)
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(f"{live_url}/imports/jobs/*/")


def test_import_a_ledger_then_report_confirm_and_rank(new_page, live_url, worker, tmp_path):
    official = signed_in(new_page, live_url, "fagaiwei", DESKTOP)
    bad = [
        ledger_row(1),
        ledger_row(2, code="2026-430481-38-03-90000"),  # 23 characters
        ledger_row(3, region="长沙市"),
    ]
    upload(official, live_url, ledger_file(tmp_path, bad, "台账-有错.xlsx"))
    errors = {
        row.locator("th").inner_text(): row.locator("td").last.inner_text()
        for row in official.locator("table.import-errors-table tbody tr").all()
    }
    assert set(errors) == {"第 3 行", "第 4 行"}
    assert "项目代码应为 24 位" in errors["第 3 行"]
    assert "「县市区」“长沙市”不是平台登记的县市区" in errors["第 4 行"]
    assert official.get_by_role("button", name="确认导入").count() == 0
    screenshot(official, "projects-import-errors")

    good = [ledger_row(1), ledger_row(2), ledger_row(3)]
    upload(official, live_url, ledger_file(tmp_path, good, "台账-已改.xlsx"))
    official.get_by_text("均无误").wait_for()
    official.get_by_role("button", name="确认导入").click()
    # The worker is not running yet: the import waits in the queue, and the page shows its bar; once the
    # worker runs it, the page (polling the progress) turns into the result by itself.
    official.locator("#import-progress progress").wait_for()
    screenshot(official, "projects-import-progress")
    worker()
    official.locator("div.import-done").wait_for(timeout=60000)
    assert official.locator(".import-counts div", has_text="新增").locator("dd").inner_text() == "3"
    official.goto(f"{live_url}/projects/?q=耒阳导入测试项目")
    rows = official.locator("table.projects-table tbody tr")
    assert rows.count() == 3 and "耒阳导入测试项目1号" in rows.first.inner_text()

    # The rankings before: where 雁峰区 (the owner's project's county) stands by investment completed.
    official.goto(f"{live_url}/projects/rankings/?by=region&measure=completed")
    before = ranking(official)
    top_completed = max(wan for _rank, wan in before.values())
    rank_before, yanfeng_before = before["雁峰区"]
    amount = round(top_completed - yanfeng_before + 1000, 2)  # enough to lead the table

    owner = signed_in(new_page, live_url, "yezhu", PHONE)
    owner.goto(f"{live_url}/projects/mine/")
    owner.locator("[data-section=due] a", has_text="白沙洲工业园特高压电力装备生产线项目").click()
    owner.get_by_label("本月完成投资（万元）").fill(f"{amount:.2f}")
    owner.get_by_label("形象进度").fill("特高压装备车间主体封顶，设备基础施工完成 80%")
    owner.get_by_label("现场照片（最多 9 张）").set_input_files(site_photo(tmp_path))
    fits(owner)
    screenshot(owner, "projects-report-phone")
    owner.get_by_role("button", name="报送").click()
    owner.get_by_text("等待责任单位确认").wait_for()
    project_url = owner.url.split("#")[0]
    assert owner.locator(".project-photos img").count() >= 1
    fits(owner)

    unit = signed_in(new_page, live_url, "baishazhou01", DESKTOP)
    unit.goto(project_url)
    completed_before = unit.locator("[data-completed]").inner_text()
    unit.locator(".projects-pending button[data-confirm]").first.click()
    unit.get_by_text("月报已确认，完成投资已计入台账。").wait_for()
    completed_after = unit.locator("[data-completed]").inner_text()
    assert number(completed_after) == pytest.approx(number(completed_before) + amount, abs=0.01)

    official.goto(f"{live_url}/projects/rankings/?by=region&measure=completed")
    after = ranking(official)
    assert after["雁峰区"][0] == 1 and rank_before > 1
    assert after["雁峰区"][1] == pytest.approx(yanfeng_before + amount, abs=0.01)
    row = official.locator("tr[data-rank=雁峰区]")
    assert f"↑{rank_before - 1}" in row.inner_text()  # last month's rank beside it, and the change
    screenshot(official, "projects-rankings")


def number(text: str) -> float:
    return float(text.replace(",", "").split()[0])


def ranking(page) -> dict:
    """{county: (rank, completed in 万元)} as the rankings table shows them."""
    table = {}
    for row in page.locator("table.projects-ranking tbody tr").all():
        cells = [c.inner_text().strip() for c in row.locator("td, th").all()]
        table[cells[3]] = (int(cells[0]), number(cells[6]))
    return table
