"""`make demo` on a port other than 8000: the certificate a bank clerk gets there points its QR code to
that port (its certificates are signed outside any request, so the demo must tell the platform where it
is served)."""

import contextlib
import os
import signal
import subprocess

import pytest

from tests.browser.conftest import DESKTOP
from tests.browser.test_mortgage import file_through_form
from tests.server import ROOT, free_port, wait_until_up
from yancheng.mortgage.demo import BROWSER_UNITS

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_url(tmp_path):
    """`make demo HOST=127.0.0.1 PORT=<free>` with its own SQLite database, server and worker."""
    port = free_port()
    # Nothing of this run's settings, nor of a make that runs this test: the demo as a person starts it.
    inherited = ("YANCHENG_", "MAKE", "MFLAGS")
    env = {name: value for name, value in os.environ.items() if not name.startswith(inherited)}
    env["YANCHENG_VAR_DIR"] = str(tmp_path / "var")
    log = (tmp_path / "demo.log").open("w")
    demo = subprocess.Popen(
        ["make", "--no-print-directory", "demo", "HOST=127.0.0.1", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # make, its shell, the worker and granian: one group to stop
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, demo, 300)  # migrations and the demo data first
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(demo.pid, signal.SIGTERM)
        try:
            demo.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait(5)
        log.close()


def qr_of(pdf: bytes, directory) -> str:
    (directory / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", "certificate.pdf", "page"], cwd=directory, check=True
    )
    read = ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "page.png"]
    return subprocess.run(read, cwd=directory, capture_output=True, text=True, check=True).stdout.strip()


def test_a_certificate_filed_on_a_demo_on_another_port_points_to_that_port(new_page, demo_url, tmp_path):
    page = new_page(DESKTOP)
    file_through_form(page, demo_url, BROWSER_UNITS[0])
    number = page.locator(".mortgage-result .mortgage-number").inner_text()
    code = page.locator(".mortgage-result .mortgage-code").inner_text()
    pdf = page.request.get(f"{demo_url}/mortgage/certificate.pdf", params={"number": number, "code": code})
    assert pdf.ok
    assert qr_of(pdf.body(), tmp_path).startswith(f"{demo_url}/mortgage/verify/?number=")
