"""Browser tests: Debian's Chromium, driven by Playwright, against the platform served by granian
exactly as `make demo` serves it, on a database of its own loaded with the Hengyang demo."""

import shutil
from pathlib import Path

import pytest

from tests.server import ROOT, demo_env, granian

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="session")
def server_env(tmp_path_factory):
    # A test may move the server's clock (set_server_clock).
    return demo_env(tmp_path_factory.mktemp("var"), YANCHENG_TEST_CLOCK="true")


@pytest.fixture(scope="session")
def live_url(server_env):
    with granian(server_env, workers=1, threads=4) as url:
        yield url


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def set_server_clock(server_env, offset_seconds: float) -> None:
    """Move the running server's clock (yancheng.core.clock) by an offset; 0 puts it back."""
    (Path(server_env["YANCHENG_VAR_DIR"]) / "test-clock-offset-seconds").write_text(str(offset_seconds))


SCREENSHOTS = ROOT / "var" / "artefacts" / "screenshots"  # kept after the run, for a person to look at


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
