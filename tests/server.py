"""The platform served by granian, as in production, for tests that need a real server: started on a
free port, waited for until its health check answers, stopped at the end."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def demo_env(var: Path, database_url: str | None = None, **extra: str) -> dict:
    """The environment of a server as `make demo` prepares it, on a database of its own (SQLite under
    `var`, or `database_url`): migrated, static files collected, the Hengyang demo loaded."""
    env = {
        **os.environ,
        "YANCHENG_VAR_DIR": str(var),
        "YANCHENG_DEBUG": "false",
        "YANCHENG_REQUIRE_OTP": "false",
        **extra,
    }
    env.pop("YANCHENG_DATABASE_URL", None)
    if database_url:
        env["YANCHENG_DATABASE_URL"] = database_url
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    manage(env, "load_demo")
    return env


@contextlib.contextmanager
def own_postgres_database(url: str, suffix: str):
    """A database of its own beside `url`'s (named after it, with `suffix` and the xdist worker), dropped
    afterwards. Each worker has its own: a module fixture runs once per worker that takes one of its tests,
    and two workers sharing a name would drop each other's database."""
    import psycopg

    parts = urlsplit(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = "_".join(filter(None, [parts.path.lstrip("/"), suffix, worker]))
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


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
