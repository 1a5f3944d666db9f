"""The platform served by granian, as in production, for tests that need a real server: started on a
free port, waited for until its health check answers, stopped at the end."""

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def wait_until_up(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        health = f"{url}/api/v1/health"
        with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310
            if response.status == 200:
                return
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("the platform did not start")
        time.sleep(0.2)


@contextlib.contextmanager
def granian(env: dict, *, workers: int = 1, threads: int = 4):
    """The platform at http://127.0.0.1:<port>, served with `env` as the README's production command."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--log-level",
            "warning",
            "yancheng.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server, 30)
        yield url
    finally:
        server.terminate()
        server.wait(10)
