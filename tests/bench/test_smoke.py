"""Every script in bench/ runs at a tiny size on this pass's backend — SQLite in the first pass, in the
PostgreSQL pass the server of YANCHENG_DATABASE_URL (a database of its own beside the tests') — completes
and prints its last line, so that no benchmark breaks unnoticed between full runs. The figures are not
judged: a smoke run on a busy machine says nothing about speed."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
N = r"\d+(?:\.\d+)?"

# Every script of bench/, as `make test` runs it in both passes (this test):
# (arguments for a run of seconds, the last line it must print)
SMOKE = {
    "bench/checkin.py": (
        ["--enterprises", "100", "--visits", "100", "--passes", "100", "--duration", "0.5"],
        rf"checkin_rps={N} baseline_rps={N} ratio={N} p99_ms={N} lost=0",
    ),
    "bench/ledger.py": (
        ["--units", "3", "--enterprises", "10", "--requests", "200", "--visits", "200", "--runs", "1"],
        rf"ledger_s={N} rows=3",
    ),
    "bench/projects.py": (
        ["--projects", "20", "--months", "3", "--import-rows", "10", "--requests", "3"],
        rf"import_s={N} list_p95_ms={N} project_p95_ms={N} rankings_p95_ms={N}",
    ),
    "bench/five_systems.py": (
        ["--projects", "10", "--commitments", "60", "--problems", "80", "--requests", "3"],
        rf"ladder_pass_s={N} deviations_p95_ms={N}",
    ),
    "bench/performance.py": (
        [
            "--units",
            "40",
            "--enterprises",
            "20",
            "--visits",
            "300",
            "--requests-rows",
            "300",
            "--projects",
            "10",
        ]
        + ["--commitments", "20", "--problems", "20", "--items", "60", "--requests", "3"],
        rf"month_s={N} year_s={N} score_page_p95_ms={N} receipts_p95_ms={N}",
    ),
    "bench/investment.py": (
        ["--leads", "300", "--events", "3000", "--requests", "3"],
        rf"funnel_p95_ms={N} warnings_p95_ms={N}",
    ),
    "bench/cameras.py": (
        ["--cameras", "3", "--live", "1"],
        rf"round_s={N} cpu_ms_per_snapshot={N} failed=0",
    ),
    "bench/mortgage.py": (
        ["--filings", "4", "--register", "20"],
        rf"p50_s={N} p95_s={N} per_s={N} vs_seed={N}",
    ),
}


def test_every_benchmark_has_a_smoke_run():
    assert sorted(f"bench/{path.name}" for path in BENCH.glob("*.py")) == sorted(SMOKE)


def postgres_url() -> str | None:
    """This pass's PostgreSQL (make test's YANCHENG_TEST_POSTGRES_URL), None in the SQLite pass."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return None
    return os.environ["YANCHENG_DATABASE_URL"]


def bench_database(url: str, script: str) -> str:
    """A database of the script's own beside the tests' (`<name>_bench_<script>`): the script creates and
    drops it, and the engineers sharing a server each have their own name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "postgres"
    return urlunsplit(parts._replace(path=f"/{name}_bench_{Path(script).stem}"))


def _server(url: str):
    import psycopg
    from psycopg.conninfo import make_conninfo

    return psycopg.connect(make_conninfo(url, dbname="postgres"))


def server_setting(url: str, name: str) -> str:
    with _server(url) as db:
        return db.execute("SELECT current_setting(%s)", [name]).fetchone()[0]


def server_configuration(url: str) -> list[tuple]:
    """What ALTER SYSTEM has written (postgresql.auto.conf)."""
    with _server(url) as db:
        query = "SELECT name, setting FROM pg_file_settings WHERE sourcefile LIKE '%%postgresql.auto.conf'"
        return sorted(db.execute(query).fetchall())


def sweep(url: str) -> tuple[list[str], list[str]]:
    """checkin.py's PostgreSQL settings sweep, both ways a setting is applied: on the bench's database
    (commit_delay) and on the server (wal_sync_method by ALTER SYSTEM, restored afterwards; set here to
    the value it has, so that the other engineers' tests on the server never run with another). The
    arguments, and the lines the run must print."""
    wal_sync = f"wal_sync_method={server_setting(url, 'wal_sync_method')}"
    group_commit = "commit_delay=10,commit_siblings=1"
    lines = [f"setting={setting} p99_ms=" for setting in ("as-configured", group_commit, wal_sync)]
    return ["--pg-setting", group_commit, "--pg-setting", wal_sync], lines


@pytest.mark.parametrize("script", sorted(SMOKE))
def test_benchmark_completes(script):
    arguments, last_line = SMOKE[script]
    url = postgres_url()
    expected, configured = [], None
    if url is None:
        arguments = [*arguments, "--database", "sqlite"]
        expected.append("=== SQLite:")
    else:
        arguments = [*arguments, "--database", "postgres", "--postgres", bench_database(url, script)]
        expected.append("=== PostgreSQL:")
        if script == "bench/checkin.py":
            more, lines = sweep(url)
            arguments, configured = [*arguments, *more], server_configuration(url)
            expected += lines
    run = subprocess.run(
        [sys.executable, str(ROOT / script), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = f"exit code {run.returncode}\n--- stdout ---\n{run.stdout[-6000:]}\n--- stderr ---\n{run.stderr[-6000:]}"
    assert run.returncode == 0, output
    for line in expected:
        assert line in run.stdout, output
    lines = run.stdout.strip().splitlines()
    assert lines and re.fullmatch(last_line, lines[-1]), output
    if configured is not None:
        assert server_configuration(url) == configured, "ALTER SYSTEM left a setting behind"
