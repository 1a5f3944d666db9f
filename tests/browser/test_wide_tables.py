"""Wide tables in Chromium (app.css, "Wide tables"): at 1366 px every column is in view without scrolling
the table; on a 375 px phone each row is a card of labelled lines and nothing scrolls sideways. The
screenshots are kept under var/artefacts/screenshots/ for a person to look at."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

# name, address, the column that must be in view at 1366 px (the last one: a key figure or state)
WIDE_TABLES = [
    ("ledger", "/requests/ledger/", "综合得分"),
    ("caps", "/visits/office/caps/?start=2026-01-01&end=2026-12-31", "提示"),
    ("no-pass", "/visits/office/no-pass/?start=2026-01-01&end=2026-12-31", "处理步骤"),
    ("requests-all", "/requests/office/", "答复期限"),
]


def no_sideways_scroll(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], page.url
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), page.url


@pytest.mark.parametrize(("name", "address", "last_column"), WIDE_TABLES, ids=[t[0] for t in WIDE_TABLES])
def test_a_wide_table_shows_its_key_columns_on_a_pc_and_becomes_cards_on_a_phone(
    new_page, live_url, name, address, last_column
):
    pc = new_page(DESKTOP)
    sign_in(pc, live_url, "yingshangban")
    pc.wait_for_url(f"{live_url}/")
    pc.goto(f"{live_url}{address}")
    table = pc.locator("table.wide")
    assert table.locator("tbody tr").count() > 1, "the demo should fill this table"
    no_sideways_scroll(pc, DESKTOP)
    # The whole table fits its frame: no column is hidden to the right.
    assert pc.locator(".table-wrap").evaluate("frame => frame.scrollWidth <= frame.clientWidth")
    header = table.get_by_role("columnheader", name=last_column, exact=True)
    box = header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= DESKTOP["width"]
    screenshot(pc, f"wide-{name}-1366")

    phone = new_page(PHONE)
    sign_in(phone, live_url, "yingshangban")
    phone.wait_for_url(f"{live_url}/")
    phone.goto(f"{live_url}{address}")
    no_sideways_scroll(phone, PHONE)
    first = phone.locator("table.wide tbody tr").first
    # A card: the key cell is its title, and each other cell says which column it is.
    title, cell = first.locator("th[scope=row]"), first.locator("td[data-label]").first
    assert title.is_visible() and cell.is_visible()
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"') == cell.get_attribute("data-label")
    for part in (title, cell):
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot(phone, f"wide-{name}-375")
