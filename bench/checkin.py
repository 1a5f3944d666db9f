"""Check-in benchmark: how many gate check-ins the production server takes, against its own baseline.

    .venv/bin/python bench/checkin.py [--database sqlite|postgres|both] [--enterprises 100000]
                                      [--visits 1000000] [--duration 20] [--passes 12000]
                                      [--postgres URL] [--pg-setting NAME=VALUE[,NAME=VALUE…] …]

Per backend: a fresh database (SQLite in a temp YANCHENG_VAR_DIR; PostgreSQL in a database of its own,
``yancheng_bench`` unless ``--postgres`` names another, created and dropped on the same server), migrated
and loaded with enterprises, units, officials and past visits, plus ``--passes`` visits happening now,
each at its own enterprise with a signed green pass and an enterprise user holding an API token. Then
granian serves the platform exactly as in production (``--interface wsgi --workers 2 --blocking-threads
8``, debug off) and a separate load process, keep-alive connections to 127.0.0.1 only, measures:

    A  GET /api/v1/health at full speed                   -> baseline_rps
    B  POST /api/v1/visits/check at full speed            -> checkin_rps (accepted = 200 and "recorded")
    C  check-ins paced open-loop at half of B's rate      -> p99_ms (from the scheduled send time)

and afterwards ``lost`` = accepted check-ins - CheckEvent rows in the database. The last line printed is
``checkin_rps=… baseline_rps=… ratio=… p99_ms=… lost=…`` (PostgreSQL's when both backends run).

``--pg-setting`` (PostgreSQL; repeatable) runs C again for each setting, at the same rate, on a server
restarted so that every connection has it, and prints one line per setting,
``setting=… p99_ms=… p50_ms=… max_ms=… errors=…`` with the settings in effect, before the last line.
Session settings (``commit_delay``, ``commit_siblings``, ``synchronous_commit``) are set on the bench's
database only; server settings (``wal_sync_method``) with ALTER SYSTEM and a reload, and put back in a
``finally`` block, so the server's other databases run with them while the phase lasts.

The script runs as three kinds of process: this orchestrator (no Django), the loader (``_load``, Django
set up on the bench database) and the load generator (``_drive``, plain http.client).
"""

import argparse
import contextlib
import http.client
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # the load goes here and nowhere else
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_BENCH_DB = "yancheng_bench"  # the only database this script creates, fills and drops (--postgres)
CHECK_PATH = "/api/v1/visits/check"
HEALTH_PATH = "/api/v1/health"
SERVER_WORKERS = 2
SERVER_THREADS = 8
# What each line of a --pg-setting sweep shows in effect, beside the settings it changes.
SWEEP_SHOWN = ["synchronous_commit", "commit_delay", "commit_siblings", "wal_sync_method"]
MAX_HEALTH_REQUESTS = 5_000_000  # the count bound of a time-bound health phase
NOISE_CORES = 0.2  # other jobs busier than this during a phase make its figures doubtful


# =====================================================================================================
# The orchestrator
# =====================================================================================================


def main() -> int:
    parser = argparse.ArgumentParser(description="Check-in throughput and latency against the baseline.")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000, help="past visits (Visit + VisitRequest)")
    parser.add_argument(
        "--passes",
        type=int,
        default=12_000,
        help="visits happening now, each with a pass and an enterprise user with a token",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per measured phase")
    parser.add_argument(
        "--connections",
        type=int,
        default=SERVER_WORKERS * SERVER_THREADS,
        help="keep-alive connections at full speed (default: the server's threads)",
    )
    parser.add_argument("--paced-connections", type=int, default=32, help="connections of the paced phase")
    add_postgres_argument(parser, PG_BENCH_DB)
    parser.add_argument(
        "--pg-setting",
        type=pg_setting,
        action="append",
        default=[],
        metavar="NAME=VALUE[,NAME=VALUE…]",
        help="PostgreSQL: after C, C again (at the same rate) with these settings, and its p99 on a line "
        "of its own (repeatable: one line each)",
    )
    args = parser.parse_args()
    if args.passes > args.enterprises:
        parser.error("--passes cannot exceed --enterprises (each current visit has its own enterprise)")
    if min(args.enterprises, args.passes, args.duration, args.connections) <= 0 or args.visits < 0:
        parser.error("sizes and durations must be positive")

    return run_backends(run_backend, args)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def run_backends(run_backend, args) -> int:
    """`run_backend(backend, args) -> last line` for each backend `--database` names, then the last lines
    (one per backend when both ran; the last printed is the last backend's). Ctrl-C and kill unwind
    through the scripts' `finally` blocks, which stop and drop everything they started."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_interrupt)
    backends = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    summaries = {}
    try:
        for backend in backends:
            summaries[backend] = run_backend(backend, args)
    except KeyboardInterrupt:
        print("\ninterrupted: everything started has been stopped and removed", file=sys.stderr)
        return 130
    if len(summaries) > 1:
        for backend, summary in summaries.items():
            print(f"{backend} {summary}")
    print(summaries[backends[-1]])
    return 0


def run_backend(backend: str, args) -> str:
    title = "SQLite" if backend == "sqlite" else "PostgreSQL"
    print(
        f"\n=== {title}: {args.enterprises:,} enterprises, {args.visits:,} past visits, "
        f"{args.passes:,} current passes ===",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix=f"yancheng-bench-{backend}-"))
    processes: list[subprocess.Popen] = []
    database_url = None
    try:
        var_dir = work / "var"
        (var_dir / "static").mkdir(parents=True)  # what collectstatic makes; the API serves none of it
        if backend == "postgres":
            database_url = args.postgres  # set first: dropped in `finally` whatever happens
            create_pg_database(database_url)
        env = server_env(var_dir, database_url)

        spec = {
            "enterprises": args.enterprises,
            "visits": args.visits,
            "passes": args.passes,
            "out": str(work / "loaded.json"),
        }
        started = time.monotonic()
        run_child(["_load", json.dumps(spec)], env, processes, timeout=3600)
        loaded = json.loads((work / "loaded.json").read_text())
        timings = loaded["timings"]
        print(
            f"load: {timings['total']:.1f} s in all — migrate {timings['migrate']:.1f} s, "
            f"enterprises and people {timings['reference']:.1f} s, past visits {timings['past']:.1f} s "
            f"({args.visits / max(timings['past'], 1e-9):,.0f} visits/s; rows {timings['past_rows']:.1f} s, "
            f"indexes and checks {timings['past'] - timings['past_rows']:.1f} s), current visits, passes and "
            f"tokens {timings['current']:.1f} s, {loaded['finish_label']} {timings['finish']:.1f} s "
            f"(wall {time.monotonic() - started:.1f} s)",
            flush=True,
        )
        print(f"database: {loaded['database']}", flush=True)

        jobs = [[secret, token, "in"] for secret, token, _pass_id in loaded["pairs"]]
        jobs += [[secret, token, "out"] for secret, token, _pass_id in loaded["pairs"]]
        pass_ids = [pass_id for _secret, _token, pass_id in loaded["pairs"]]
        sweep = args.pg_setting if backend == "postgres" else []
        if args.pg_setting and not sweep:
            print("(--pg-setting: PostgreSQL settings, not tried on SQLite)", flush=True)
        pg_db = pg_database_name(database_url) if database_url else None
        phases = Phases(jobs, args, work, env, processes, pg_db)
        log_path = work / "granian.log"
        effect = {}
        with serving(env, log_path, processes, phases):
            if sweep:
                effect["C"] = settings_in_effect(database_url, SWEEP_SHOWN)
            rate = measure(phases, len(sweep))
        for n, assignments in enumerate(sweep, 1):
            name = f"C{n}"
            with pg_settings_applied(database_url, assignments), serving(env, log_path, processes, phases):
                effect[name] = settings_in_effect(
                    database_url, [*dict.fromkeys([*SWEEP_SHOWN, *assignments])]
                )
                phases.warm_up_checkins(f"warmup_{name}")
                label = (
                    f"{name} check-in  paced open-loop at {rate:.1f}/s with {describe_setting(assignments)}"
                )
                phases.paced(name, label, rate)
        results = phases.results
        server_log = log_path.read_text(errors="replace").strip().splitlines()

        accepted = set()
        for phase in results.values():
            for index in phase.get("accepted", []):
                job = jobs[index]
                accepted.add((pass_ids[index % len(pass_ids)], job[2]))
        rows = check_rows(backend, var_dir, database_url)
        lost = len(accepted) - len(rows)
        missing = len(accepted - rows)
        unacknowledged = len(rows - accepted)
        summary = report(title, results, accepted, rows, lost, missing, unacknowledged, server_log)
        if sweep:
            print(f"PostgreSQL settings: check-ins paced at {rate:.1f}/s, p99 from the scheduled send time")
            for name, assignments in [("C", {}), *((f"C{n}", a) for n, a in enumerate(sweep, 1))]:
                latency, errors = results[name]["latency_ms"], sum(results[name]["errors"].values())
                print(
                    f"setting={describe_setting(assignments)} p99_ms={latency['p99']:.1f} "
                    f"p50_ms={latency['p50']:.1f} max_ms={latency['max']:.1f} errors={errors} "
                    f"({effect[name]})",
                    flush=True,
                )
        return summary
    finally:
        for process in reversed(processes):
            stop(process)
        if database_url is not None:
            drop_pg_database(database_url)
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def workspace(backend: str, name: str, postgres_url: str):
    """A backend's run of a bench script: a temp directory (its ``var/`` the platform's), PostgreSQL's
    bench database created when the backend is PostgreSQL, the server environment, and the processes
    started in it; yields (work, env, processes) and afterwards stops them, drops the database and
    removes the directory, whatever happened."""
    work = Path(tempfile.mkdtemp(prefix=f"yancheng-bench-{name}-{backend}-"))
    processes: list[subprocess.Popen] = []
    database_url = None
    try:
        (work / "var").mkdir()
        if backend == "postgres":
            database_url = postgres_url  # set first: dropped in `finally` whatever happens
            create_pg_database(database_url)
        yield work, server_env(work / "var", database_url), processes
    finally:
        for process in reversed(processes):
            stop(process)
        if database_url is not None:
            drop_pg_database(database_url)
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def serving(env: dict, log_path: Path, processes: list, phases: "Phases"):
    """granian on a free port for the phases inside the block; stopped at its end."""
    port = free_port()
    server = start_server(env, port, log_path, processes)
    phases.serve(port, server)
    try:
        yield
    finally:
        stop(server)
        processes.remove(server)


def server_env(var_dir: Path, database_url: str | None) -> dict:
    env = {name: value for name, value in os.environ.items() if not name.startswith("YANCHENG_")}
    env.update(
        YANCHENG_VAR_DIR=str(var_dir),
        YANCHENG_DEBUG="false",
        YANCHENG_REQUIRE_OTP="false",
        YANCHENG_ALLOWED_HOSTS=HOST,
        DJANGO_SETTINGS_MODULE="yancheng.settings",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if database_url:
        env["YANCHENG_DATABASE_URL"] = database_url
    return env


def run_child(
    arguments: list[str], env: dict, processes: list, timeout: float, tick=None, script: str = __file__
) -> None:
    """A bench script (this one unless `script` says) in another process (`_load`, `_drive` …); fails
    loudly, stops with us. `tick` is called every quarter of a second while it runs."""
    process = subprocess.Popen(  # noqa: S603  (our own interpreter and script)
        [sys.executable, str(Path(script).resolve()), *arguments],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # Ctrl-C reaches only the orchestrator, which stops the child itself
    )
    processes.append(process)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                code = process.wait(0.25)
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    raise
                if tick is not None:
                    tick()
    finally:
        stop(process)
        processes.remove(process)
    if code != 0:
        raise RuntimeError(f"{arguments[0]} failed with exit code {code}")


def start_server(env: dict, port: int, log_path: Path, processes: list) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "granian"),
        "--interface",
        "wsgi",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(SERVER_WORKERS),
        "--blocking-threads",
        str(SERVER_THREADS),
        "yancheng.wsgi:application",
    ]
    print("server: .venv/bin/granian", " ".join(command[1:]), flush=True)
    log = log_path.open("ab")
    server = subprocess.Popen(  # noqa: S603  (the venv's granian)
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    processes.append(server)
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _body = get(port, HEALTH_PATH)
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the server did not start:\n" + log_path.read_text(errors="replace")[-3000:])
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group we started (granian's workers too), SIGKILL if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(15)
    # Also the group's other members (granian's workers) if the leader went first.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


def serve_and_drive(env: dict, work: Path, processes: list, drive: dict, script: str) -> dict:
    """Serve the platform (granian), run ``script _drive`` against it with ``drive`` (plus the port and
    where to write), and return what the client measured. A server that logged a traceback fails the run:
    its figures would be of error pages."""
    log_path = work / "granian.log"
    port = free_port()
    start_server(env, port, log_path, processes)
    drive = {**drive, "port": port, "out": str(work / "driven.json")}
    try:
        run_child(["_drive", json.dumps(drive)], env, processes, timeout=3600, script=script)
    except RuntimeError:
        print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
        raise
    errors = [line for line in log_path.read_text(errors="replace").splitlines() if "Traceback" in line]
    if errors:
        print(log_path.read_text(errors="replace")[-6000:], file=sys.stderr)
        raise RuntimeError(f"server errors: {len(errors)} tracebacks in the server's log")
    return json.loads((work / "driven.json").read_text())


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- PostgreSQL: a database of our own ---------------------------------------------------------------


def add_postgres_argument(parser, default_name: str) -> None:
    parser.add_argument(
        "--postgres",
        default=f"{PG_SERVER}/{default_name}",
        type=_bench_database_url,
        metavar="URL",
        help="the PostgreSQL database this script creates, fills and drops; its name must contain "
        f"'bench' (default: {PG_SERVER}/{default_name})",
    )


def pg_database_name(url: str) -> str:
    """The name of the bench's database in `url`. It is dropped at the start and the end of a run, so a
    name without 'bench' in it (a typo naming a real database) is refused."""
    from psycopg.conninfo import conninfo_to_dict

    name = conninfo_to_dict(url).get("dbname") or ""
    if "bench" not in name:
        raise ValueError(f"the bench database's name must contain 'bench', not {name!r}: it is dropped")
    return name


def _bench_database_url(url: str) -> str:
    try:
        pg_database_name(url)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return url


def _pg_admin(url: str):
    """A connection to the `postgres` database of the server `url` points at."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    return psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True)


def create_pg_database(url: str) -> None:
    from psycopg import sql

    name = pg_database_name(url)
    with _pg_admin(url) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"dropping {name} left over from an earlier run", flush=True)
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name))
        )


def drop_pg_database(url: str) -> None:
    from psycopg import sql

    name = pg_database_name(url)
    try:
        with _pg_admin(url) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    except Exception as error:  # noqa: BLE001  (cleanup must go on, and say what it could not do)
        print(f"could not drop {name}: {error}", file=sys.stderr)


def check_rows(backend: str, var_dir: Path, database_url: str | None) -> set[tuple[int, str]]:
    """The (pass, direction) of every CheckEvent in the database, read after the server stopped."""
    query = "SELECT green_pass_id, direction FROM visits_checkevent"
    if backend == "sqlite":
        import sqlite3

        with contextlib.closing(sqlite3.connect(var_dir / "yancheng.sqlite3")) as db:
            return {(int(p), d) for p, d in db.execute(query)}
    import psycopg

    with psycopg.connect(database_url) as db:
        return {(int(p), d) for p, d in db.execute(query)}


# --- the three phases --------------------------------------------------------------------------------


class Phases:
    """The measured phases, each a `_drive` process against the server now serving; the check-in jobs
    (one pass and direction each) are handed out in order, none twice."""

    def __init__(self, jobs: list, args, work: Path, env: dict, processes: list, pg_db: str | None):
        self.jobs, self.args, self.work, self.env, self.processes = jobs, args, work, env, processes
        self.pg_db = pg_db
        self.cursor = 0
        self.results: dict[str, dict] = {}
        self.port = self.server_group = None
        self.paced_share = 0  # passes for each paced phase, set once B has run

    def serve(self, port: int, server: subprocess.Popen) -> None:
        self.port, self.server_group = port, server.pid

    def left(self) -> int:
        return len(self.jobs) - self.cursor

    def run(self, name, label, kind, mode, count, connections, rate=None, duration=None) -> dict:
        duration = self.args.duration if duration is None else duration
        spec_path, out_path = self.work / f"{name}.spec.json", self.work / f"{name}.out.json"
        spec = {
            "port": self.port,
            "kind": kind,
            "mode": mode,
            "duration": duration,
            "connections": connections,
            "rate": rate,
            "out": str(out_path),
            "first": self.cursor,
        }
        if kind == "checkin":
            spec["jobs"] = self.jobs[self.cursor : self.cursor + count]
        else:
            spec["count"] = count
        spec_path.write_text(json.dumps(spec))
        tracker = CpuTracker({self.server_group: "server"}, self.pg_db)
        run_child(
            ["_drive", str(spec_path)],
            self.env,
            self.processes,
            timeout=duration * 3 + 300,
            tick=tracker.sample,
        )
        result = json.loads(out_path.read_text())
        result["cpu"] = tracker.finish(result)
        if kind == "checkin":
            self.cursor += result["sent"]
        self.results[name] = result
        if label:
            print(describe(label, result, mode), flush=True)
        return result

    def warm_up_checkins(self, name: str) -> None:
        count = self.warm_up_size()
        self.run(
            name, None, "checkin", "closed", count, self.args.connections, duration=min(5, self.args.duration)
        )

    def warm_up_size(self) -> int:
        return min(300, len(self.jobs) // 20)

    def paced(self, name: str, label: str, rate: float) -> dict:
        """Check-ins paced open-loop at `rate` for --duration, within the passes each paced phase has."""
        wanted = math.ceil(rate * self.args.duration)
        available = min(self.paced_share, self.left())
        duration = self.args.duration
        if wanted > available:
            duration = available / rate
            print(f"   (only {available} passes left: {name} lasts {duration:.1f} s; raise --passes)")
        return self.run(
            name,
            label,
            "checkin",
            "open",
            min(wanted, available),
            self.args.paced_connections,
            rate=rate,
            duration=duration,
        )


def measure(phases: Phases, settings: int) -> float:
    """A, B and C against the server now serving; the rate C was paced at. `settings` more paced phases
    will follow (--pg-setting), each after a warm-up: their passes are kept aside."""
    args = phases.args
    health = MAX_HEALTH_REQUESTS
    phases.run(
        "warmup_health", None, "health", "closed", health, args.connections, duration=min(2, args.duration)
    )
    phases.run(
        "A", "A  baseline  GET /api/v1/health, full speed", "health", "closed", health, args.connections
    )
    phases.warm_up_checkins("warmup_checkin")
    share = (phases.left() - settings * phases.warm_up_size()) // (3 + settings)
    peak = phases.run(
        "B",
        "B  check-in  POST /api/v1/visits/check, full speed",
        "checkin",
        "closed",
        2 * share,  # at most two shares of the passes left: each paced phase keeps one
        args.connections,
    )
    if peak["accepted_rps"] <= 0:
        raise RuntimeError("no check-in was accepted at full speed; see the result breakdown above")
    time.sleep(1)
    rate = peak["accepted_rps"] / 2
    phases.paced_share = (phases.left() - settings * phases.warm_up_size()) // (1 + settings)
    phases.paced("C", f"C  check-in  paced open-loop at {rate:.1f}/s (half the peak)", rate)
    return rate


# --- PostgreSQL settings tried one by one (--pg-setting) ---------------------------------------------


def pg_setting(text: str) -> dict[str, str]:
    """`name=value,name=value`: one setting of the sweep."""
    assignments = {}
    for part in text.split(","):
        name, equals, value = part.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise argparse.ArgumentTypeError(f"expected name=value[,name=value…], got {text!r}")
        assignments[name.strip()] = value.strip()
    return assignments


def describe_setting(assignments: dict[str, str]) -> str:
    return ",".join(f"{name}={value}" for name, value in assignments.items()) or "as-configured"


@contextlib.contextmanager
def pg_settings_applied(database_url: str, assignments: dict[str, str]):
    """PostgreSQL runs with `assignments` inside the block. A setting a session may change is set on the
    bench's database only (ALTER DATABASE … SET: new connections take it, the server's other databases
    are untouched); one that needs the server's configuration (wal_sync_method: context "sighup") is set
    with ALTER SYSTEM and pg_reload_conf(), and put back as it was in `finally`, whatever happened.
    Settings that need a restart are refused."""
    from psycopg import sql

    name = pg_database_name(database_url)
    restore: dict[str, str | None] = {}
    with _pg_admin(database_url) as admin:
        try:
            for setting, value in assignments.items():
                row = admin.execute("SELECT context FROM pg_settings WHERE name = %s", [setting]).fetchone()
                if row is None:
                    raise ValueError(f"PostgreSQL has no setting {setting!r}")
                if row[0] in ("user", "superuser"):
                    statement = sql.SQL("ALTER DATABASE {} SET {} = {}")
                    admin.execute(
                        statement.format(sql.Identifier(name), sql.Identifier(setting), sql.Literal(value))
                    )
                elif row[0] == "sighup":
                    restore[setting] = _auto_conf_value(admin, setting)
                    statement = sql.SQL("ALTER SYSTEM SET {} = {}")
                    admin.execute(statement.format(sql.Identifier(setting), sql.Literal(value)))
                else:
                    raise ValueError(f"{setting} can only change with a restart of PostgreSQL ({row[0]})")
            if restore:
                admin.execute("SELECT pg_reload_conf()")
                time.sleep(1)  # the postmaster rereads its configuration on the signal, soon after
            yield
        finally:
            admin.execute(sql.SQL("ALTER DATABASE {} RESET ALL").format(sql.Identifier(name)))
            for setting, value in restore.items():
                if value is None:
                    admin.execute(sql.SQL("ALTER SYSTEM RESET {}").format(sql.Identifier(setting)))
                else:
                    statement = sql.SQL("ALTER SYSTEM SET {} = {}")
                    admin.execute(statement.format(sql.Identifier(setting), sql.Literal(value)))
            if restore:
                admin.execute("SELECT pg_reload_conf()")
                time.sleep(1)
                print(
                    f"   server configuration restored: {settings_in_effect(database_url, [*restore])}",
                    flush=True,
                )


def _auto_conf_value(admin, setting: str) -> str | None:
    """What ALTER SYSTEM had set for `setting` before us (postgresql.auto.conf), None if nothing."""
    row = admin.execute(
        "SELECT setting FROM pg_file_settings WHERE name = %s AND sourcefile LIKE '%%postgresql.auto.conf' "
        "ORDER BY seqno DESC LIMIT 1",
        [setting],
    ).fetchone()
    return row[0] if row else None


def settings_in_effect(database_url: str, names: list[str]) -> str:
    """The settings `names` as a new connection to the bench's database sees them."""
    import psycopg

    with psycopg.connect(database_url) as db:
        return ", ".join(f"{n}={db.execute('SELECT current_setting(%s)', [n]).fetchone()[0]}" for n in names)


def cpu_snapshot(groups: dict[int, str], pg_db: str | None) -> dict:
    """CPU seconds used so far by the whole machine, and by each process of ours: those of the process
    groups `groups` names (the server's, the workers') and PostgreSQL's backends serving `pg_db`."""
    tick = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as stat:
        times = [int(v) for v in stat.readline().split()[1:]]
    ours = {}
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = path.read_text()
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text.rpartition(")")[2].split()
            if int(fields[2]) in groups:
                kind = groups[int(fields[2])]
            elif pg_db and name == "postgres" and f" {pg_db} " in (path.parent / "cmdline").read_text():
                kind = "postgres"
            else:
                continue
        except (OSError, ValueError):
            continue  # gone meanwhile
        ours[path.parent.name] = (kind, (int(fields[11]) + int(fields[12])) / tick)
    return {"machine": (sum(times) - times[3] - times[4]) / tick, "ours": ours}


class CpuTracker:
    """Cores busy during a phase, by whom. Sampled four times a second, so that a PostgreSQL backend
    that ends meanwhile (Django reconnects after CONN_MAX_AGE) is counted up to its last sample."""

    def __init__(self, groups: dict[int, str], pg_db: str | None):
        self.groups, self.pg_db = groups, pg_db
        self.kinds = [*dict.fromkeys(groups.values()), "postgres"]
        self.first = cpu_snapshot(groups, pg_db)
        self.started = time.monotonic()
        self.last = dict(self.first["ours"])
        self.machine = self.first["machine"]

    def sample(self) -> None:
        snapshot = cpu_snapshot(self.groups, self.pg_db)
        self.last.update(snapshot["ours"])
        self.machine = snapshot["machine"]

    def finish(self, result: dict) -> dict[str, float]:
        """Cores per kind of process, and per response (`result`'s rps and elapsed: the load generator's)."""
        self.sample()
        window = time.monotonic() - self.started
        use = {"machine": (self.machine - self.first["machine"]) / window} | dict.fromkeys(self.kinds, 0.0)
        for pid, (kind, seconds) in self.last.items():
            use[kind] += (seconds - self.first["ours"].get(pid, (kind, 0.0))[1]) / window
        use["load generator"] = result["client_cpu"] * result["elapsed"] / window
        use["other"] = max(
            0.0, use["machine"] - sum(use[kind] for kind in self.kinds) - use["load generator"]
        )
        responses = result["rps"] * result["elapsed"]
        for kind in self.kinds:
            use[f"{kind}_ms_per_response"] = use[kind] * window / responses * 1000 if responses else math.nan
        return use


def describe(label: str, r: dict, mode: str) -> str:
    lines = [label]
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(r["errors"].items())) or "none"
    if r["kind"] == "checkin":
        outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(r["outcomes"].items()))
        lines.append(
            f"   {r['sent']:,} requests in {r['elapsed']:.1f} s: {len(r['accepted']):,} accepted "
            f"({r['accepted_rps']:.1f}/s), {r['rps']:.1f} responses/s; results {outcomes}"
        )
    else:
        lines.append(f"   {r['sent']:,} requests in {r['elapsed']:.1f} s: {r['rps']:.1f}/s")
    latency = r["latency_ms"]
    since = " from the scheduled send time" if mode == "open" else ""
    lines.append(
        f"   latency{since}: p50 {latency['p50']:.1f} ms, p90 {latency['p90']:.1f} ms, "
        f"p99 {latency['p99']:.1f} ms, max {latency['max']:.1f} ms; errors (non-200): {errors}"
    )
    if mode == "open":
        lines.append(f"   pacing: {r['sent']:,} sent at {r['rps']:.1f}/s for a target of {r['rate']:.1f}/s")
    cpu = r["cpu"]
    postgres = (
        f"PostgreSQL {cpu['postgres']:.2f} ({cpu['postgres_ms_per_response']:.2f} ms/response), "
        if cpu["postgres"] > 0.005
        else ""
    )
    lines.append(
        f"   CPU in cores (of {os.cpu_count()}): machine {cpu['machine']:.2f} = server {cpu['server']:.2f} "
        f"({cpu['server_ms_per_response']:.2f} ms/response), {postgres}load generator "
        f"{cpu['load generator']:.2f}, other processes {cpu['other']:.2f}"
    )
    if cpu["other"] > NOISE_CORES:
        lines.append(
            f"   warning: processes that are not this benchmark's kept {cpu['other']:.2f} cores busy: "
            "these figures are pessimistic; run again on a quiet machine"
        )
    return "\n".join(lines)


def report(title, results, accepted, rows, lost, missing, unacknowledged, server_log) -> str:
    peak, paced, baseline = results["B"], results["C"], results["A"]
    checkin_rps, baseline_rps = peak["accepted_rps"], baseline["rps"]
    ratio = checkin_rps / baseline_rps if baseline_rps else 0.0
    p99 = paced["latency_ms"]["p99"]
    errors = sum(sum(r["errors"].values()) for r in results.values())
    print(
        f"durability: {len(accepted):,} check-ins accepted, {len(rows):,} CheckEvent rows found: "
        f"lost {lost} (accepted but absent: {missing}; rows nobody was told of: {unacknowledged}); "
        f"{errors} errors in all phases"
    )
    problems = [line for line in server_log if "error" in line.lower() or "traceback" in line.lower()]
    if problems:
        print(f"server log: {len(problems)} error lines, e.g. {problems[0][:200]}")
    verdict = [
        f"ratio {ratio:.2f} {'≥' if ratio >= 0.5 else '<'} 0.5",
        f"p99 {p99:.1f} ms {'<' if p99 < 50 else '≥'} 50 ms",
        f"lost {lost} {'=' if lost == 0 else '≠'} 0",
    ]
    print(f"{title} targets: " + "; ".join(verdict))
    return (
        f"checkin_rps={checkin_rps:.1f} baseline_rps={baseline_rps:.1f} ratio={ratio:.2f} "
        f"p99_ms={p99:.1f} lost={lost}"
    )


# =====================================================================================================
# The load generator (`_drive spec.json`): threads on keep-alive connections, nothing but http.client
# =====================================================================================================


def drive(spec_path: str) -> None:
    import resource

    spec = json.loads(Path(spec_path).read_text())
    port, kind, mode = spec["port"], spec["kind"], spec["mode"]
    jobs = spec.get("jobs")
    total = len(jobs) if kind == "checkin" else spec["count"]
    if mode == "open":
        total = min(total, math.ceil(spec["rate"] * spec["duration"]))
    bodies = [json.dumps({"token": t, "direction": d, "confirm": True}).encode() for _s, t, d in jobs or []]
    lock = threading.Lock()
    state = {"next": 0}
    records: list[tuple[int, int, str, float]] = []  # (job, status, result, seconds)
    errors: dict[str, int] = {}
    start = time.perf_counter() + 0.05
    deadline = start + spec["duration"]

    def take() -> int | None:
        with lock:
            index = state["next"]
            if index >= total or (mode == "closed" and time.perf_counter() >= deadline):
                return None
            state["next"] = index + 1
            return index

    def fail(key: str) -> None:
        with lock:
            errors[key] = errors.get(key, 0) + 1

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            while (index := take()) is not None:
                scheduled = start + index / spec["rate"] if mode == "open" else None
                if scheduled is not None and (delay := scheduled - time.perf_counter()) > 0:
                    time.sleep(delay)
                sent = time.perf_counter()
                try:
                    if kind == "checkin":
                        secret = jobs[index][0]
                        conn.request(
                            "POST",
                            CHECK_PATH,
                            body=bodies[index],
                            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
                        )
                    else:
                        conn.request("GET", HEALTH_PATH)
                    response = conn.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as error:
                    fail(type(error).__name__)
                    conn.close()
                    continue
                done = time.perf_counter()
                result = ""
                if response.status != 200:
                    fail(f"HTTP {response.status}")
                elif kind == "checkin":
                    data = json.loads(body)
                    result = data.get("result", "?") + ("+recorded" if data.get("recorded") is True else "")
                records.append((index, response.status, result, done - (scheduled or sent)))
        finally:
            conn.close()

    while time.perf_counter() < start:
        time.sleep(0.001)
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(spec["connections"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (usage.ru_utime - usage_before.ru_utime + usage.ru_stime - usage_before.ru_stime) / elapsed

    latencies = sorted(seconds * 1000 for _i, _s, _r, seconds in records)
    outcomes: dict[str, int] = {}
    for _index, _status, result, _seconds in records:
        if result:
            outcomes[result] = outcomes.get(result, 0) + 1
    accepted = [
        spec["first"] + index
        for index, status, result, _s in records
        if status == 200 and result.endswith("+recorded")
    ]
    sent = state["next"]
    out = {
        "kind": kind,
        "mode": mode,
        "rate": spec["rate"],
        "sent": sent,
        "elapsed": elapsed,
        "rps": len(records) / elapsed,
        "accepted_rps": len(accepted) / elapsed,
        "accepted": accepted,
        "errors": errors,
        "outcomes": outcomes,
        "client_cpu": client_cpu,
        "latency_ms": {
            name: percentile(latencies, q)
            for name, q in (("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0))
        },
    }
    Path(spec["out"]).write_text(json.dumps(out))


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# =====================================================================================================
# The loader (`_load spec`): Django on the bench database
# =====================================================================================================

DEPARTMENTS = ["city-samr", "city-eco", "city-emergency", "city-fire", "city-miit"]
OFFICE = "city-optimization"
INDUSTRY_NAMES = ["制造", "化工", "食品", "医药", "电子", "建材", "物流", "商贸", "餐饮", "建筑"]

ENTERPRISE_FIELDS = [
    "id",
    "uscc",
    "name",
    "region_id",
    "industry",
    "address",
    "above_designated_size",
    "specialized",
    "little_giant",
    "single_champion",
    "risk_grade",
    "exempt",
    "pilot",
]
REQUEST_FIELDS = [
    "id",
    "visit_id",
    "unit_id",
    "purpose",
    "kind",
    "trigger",
    "trigger_note",
    "items",
    "legal_basis",
    "filed_by_id",
    "filed_at",
    "filed_late",
    "submission_key",
    "status",
    "auto_approved",
    "decided_by_id",
    "decided_at",
    "decision_reason",
]


def bulk_write(connection, model, names: list[str], rows, batch: int = 50_000) -> int:
    """Write `rows` of `model`, each a tuple of the fields `names` (attribute names), in bulk: COPY on
    PostgreSQL, executemany on SQLite. Every other column gets what the ORM gives a new instance that
    leaves the field out (its default, prepared by the field), so a column added by a later migration
    needs no change here; a field with no default and no NULL fails before anything is written.
    Returns the number of rows written."""
    fields = model._meta.concrete_fields
    by_name = {field.attname: field for field in fields}
    if unknown := [name for name in names if name not in by_name]:
        raise ValueError(f"{model.__name__} has no fields {unknown}")
    rest = [field for field in fields if field.attname not in names]
    filler = []
    for field in rest:
        value = field.get_default()
        if value is None and not field.null:
            raise ValueError(f"{model.__name__}.{field.attname} has no default: the benchmark must give it")
        filler.append(field.get_db_prep_save(value, connection))
    filler = tuple(filler)
    if filler:
        rows = (tuple(row) + filler for row in rows)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(by_name[name].column) for name in names) + "".join(
        f", {quote(field.column)}" for field in rest
    )
    table = quote(model._meta.db_table)
    count = 0
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    marks = ", ".join("?" * (len(names) + len(rest)))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608  (model metadata)
    connection.ensure_connection()
    raw = connection.connection  # sqlite3's own connection: no %s translation per row
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == batch:
            raw.executemany(sql, chunk)
            count += len(chunk)
            chunk.clear()
    if chunk:
        raw.executemany(sql, chunk)
        count += len(chunk)
    return count


@contextlib.contextmanager
def bulk_loading(connection, tables: list[str]):
    """One transaction in which `tables` lose their secondary indexes and constraints while rows are
    loaded; at the end they are rebuilt, which checks every row (foreign keys, uniqueness) at once."""
    from django.db import transaction

    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            dropped = []
            for table in tables:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                    [table],
                )
                constraints = cursor.fetchall()
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                    "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                    [table, table],
                )
                indexes = cursor.fetchall()
                for name, _definition in constraints:
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                for name, _definition in indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
                dropped.append((table, constraints, indexes))
            yield
            for table, constraints, indexes in dropped:
                for _name, definition in indexes:
                    cursor.execute(definition)
                for name, definition in constraints:
                    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        return
    # SQLite: foreign keys cannot be switched inside a transaction, and cannot be dropped at all; they
    # are off for the load and checked with foreign_key_check after it, in the same transaction.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            marks = ", ".join("%s" for _ in tables)
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                f"AND tbl_name IN ({marks})",
                tables,
            )
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            yield
            for _name, sql in indexes:
                cursor.execute(sql)
            for table in tables:
                cursor.execute(f'PRAGMA foreign_key_check("{table}")')
                if broken := cursor.fetchall():
                    raise RuntimeError(
                        f"{table}: {len(broken)} rows with broken foreign keys, e.g. {broken[0]}"
                    )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = ON")


def load(spec_json: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import random
    from datetime import UTC, datetime, timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password  # make_password(None): unusable, never logs in
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from yancheng.core.demo.reference import COUNTIES, HENGYANG, HUNAN, UNITS
    from yancheng.core.models import ApiToken, Enterprise, Person, PersonRole, Region, Unit
    from yancheng.core.models.tokens import digest
    from yancheng.core.roles import Role
    from yancheng.core.validators import USCC_ALPHABET, make_uscc
    from yancheng.visits import passes
    from yancheng.visits.models import Pass, Visit, Visitor, VisitRequest

    spec = json.loads(spec_json)
    n_enterprises, n_visits, n_passes = spec["enterprises"], spec["visits"], spec["passes"]
    rng = random.Random(430400)
    timings = {}
    User = get_user_model()
    postgres = connection.vendor == "postgresql"

    if postgres:

        def when(moment):
            return moment

        def stamp(seconds: int):
            return datetime.fromtimestamp(seconds, UTC)
    else:

        def when(moment):  # what Django's SQLite backend stores: naive UTC text
            return str(moment.replace(tzinfo=None))

        def stamp(seconds: int):
            return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))

    def year_of(seconds: int) -> int:  # the year in Asia/Shanghai (UTC+8 all year round)
        return time.gmtime(seconds + 8 * 3600).tm_year

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    timings["migrate"] = time.perf_counter() - started
    if not postgres:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # this connection only: a 1 GB page cache

    now = datetime.now(UTC).replace(microsecond=0)
    step = time.perf_counter()
    with transaction.atomic():
        # Regions, units and their officials, through the ORM: a handful of rows.
        Region.objects.create(code=HUNAN[0], name=HUNAN[1], level="province")
        Region.objects.create(code=HENGYANG[0], name=HENGYANG[1], level="city", parent_id=HUNAN[0])
        Region.objects.bulk_create(
            [Region(code=c, name=n, level="county", parent_id=HENGYANG[0]) for c, n in COUNTIES]
        )
        units = {}
        for code, name, short, kind, region, _parent in UNITS:
            if code in DEPARTMENTS or code == OFFICE:
                units[code] = Unit.objects.create(
                    code=code, name=name, short_name=short, kind=kind, region_id=region
                )
        officials = {}
        for code, unit in units.items():
            user = User.objects.create(username=f"bench-{code}", password=make_password(None))
            person = Person.objects.create(user=user, full_name=f"{unit.short_name}工作人员", unit=unit)
            role = Role.BUSINESS_ENVIRONMENT_OFFICE if code == OFFICE else Role.UNIT_OFFICIAL
            PersonRole.objects.create(person=person, role=role)
            officials[code] = user
        office = officials[OFFICE]

        counties = [code for code, _name in COUNTIES]
        usccs = []

        def enterprise_rows():
            for i in range(1, n_enterprises + 1):
                digits, n = [], i
                for _ in range(6):
                    n, r = divmod(n, len(USCC_ALPHABET))
                    digits.append(USCC_ALPHABET[r])
                region = counties[i % len(counties)]
                uscc = make_uscc("9", "1", region, "MA" + "".join(reversed(digits)))
                usccs.append(uscc)
                industry = INDUSTRY_NAMES[i % len(INDUSTRY_NAMES)]
                big = rng.random() < 0.3
                yield (
                    i,
                    uscc,
                    f"衡阳压测{industry}企业{i:06d}有限公司",
                    region,
                    industry,
                    f"湖南省衡阳市压测路{i}号",
                    big,
                    big and rng.random() < 0.2,
                    False,
                    False,
                    rng.choice("ABBBCD"),
                    rng.random() < 0.05,
                    rng.random() < 0.25,
                )

        bulk_write(
            connection,
            Enterprise,
            ENTERPRISE_FIELDS,
            enterprise_rows(),
        )
    timings["reference"] = time.perf_counter() - step

    # Past visits: one approved request each, spread over the last two years. Their indexes and
    # constraints are dropped for the load and rebuilt (and so checked) at its end: far faster than
    # updating eleven indexes row by row.
    step = time.perf_counter()
    tables = [Visit._meta.db_table, VisitRequest._meta.db_table]
    with bulk_loading(connection, tables):
        plan = []  # (enterprise, start, unit code, purpose) per past visit
        base = int(now.timestamp())
        for _ in range(n_visits):
            plan.append(
                (
                    rng.randint(1, n_enterprises),
                    base - rng.randint(86400, 730 * 86400),
                    rng.choice(DEPARTMENTS),
                    rng.choice(("research", "research", "inspection", "enforcement")),
                )
            )

        def visit_rows():
            for i, (enterprise, start, _unit, _purpose) in enumerate(plan, 1):
                yield (
                    i,
                    enterprise,
                    stamp(start),
                    stamp(start + 7200),
                    year_of(start),
                    stamp(start - 5 * 86400),
                )

        def request_rows():
            for i, (_enterprise, start, unit, purpose) in enumerate(plan, 1):
                research = purpose == "research"
                yield (
                    i,
                    i,
                    unit_ids[unit],
                    purpose,
                    "planned",
                    "",
                    "",
                    "" if research else "安全生产检查",
                    "" if research else "《安全生产法》第六十五条",
                    official_ids[unit],
                    stamp(start - 5 * 86400),
                    False,
                    f"bench-past-{i}",
                    "approved",
                    research,
                    None if research else office.pk,
                    stamp(start - 4 * 86400),
                    "",
                )

        unit_ids = {code: unit.pk for code, unit in units.items()}
        official_ids = {code: user.pk for code, user in officials.items()}
        bulk_write(
            connection,
            Visit,
            ["id", "enterprise_id", "starts_at", "ends_at", "year", "created_at"],
            visit_rows(),
        )
        bulk_write(connection, VisitRequest, REQUEST_FIELDS, request_rows())
        timings["past_rows"] = time.perf_counter() - step
        plan.clear()
    timings["past"] = time.perf_counter() - step

    # Visits happening now, each at its own enterprise: a visitor with a signed pass, and an
    # enterprise user with an API token at the gate.
    step = time.perf_counter()
    pairs = []
    with transaction.atomic():
        chosen = rng.sample(range(1, n_enterprises + 1), n_passes)
        starts, ends = now - timedelta(minutes=10), now + timedelta(hours=8)
        first = n_visits + 1
        bulk_write(
            connection,
            Visit,
            ["id", "enterprise_id", "starts_at", "ends_at", "year", "created_at"],
            (
                (
                    first + k,
                    e,
                    when(starts),
                    when(ends),
                    (starts + timedelta(hours=8)).year,
                    when(now - timedelta(days=3)),
                )
                for k, e in enumerate(chosen)
            ),
        )
        visitors_of = [DEPARTMENTS[k % len(DEPARTMENTS)] for k in range(n_passes)]
        bulk_write(
            connection,
            VisitRequest,
            REQUEST_FIELDS,
            (
                (
                    first + k,
                    first + k,
                    units[unit].pk,
                    "inspection",
                    "planned",
                    "",
                    "",
                    "安全生产检查",
                    "《安全生产法》第六十五条",
                    officials[unit].pk,
                    when(now - timedelta(days=3)),
                    False,
                    f"bench-now-{k}",
                    "approved",
                    False,
                    office.pk,
                    when(now - timedelta(days=2)),
                    "",
                )
                for k, unit in enumerate(visitors_of)
            ),
        )
        bulk_write(
            connection,
            Visitor,
            ["id", "request_id", "user_id", "certificate_no"],
            ((k + 1, first + k, officials[unit].pk, f"湘执{k:06d}") for k, unit in enumerate(visitors_of)),
        )
        codes = set()
        pass_rows = []
        for k, enterprise in enumerate(chosen):
            while (code := passes.new_short_code()) in codes:
                pass
            codes.add(code)
            token = passes.sign_pass(
                pass_id=k + 1,
                visit_id=first + k,
                visitor_user_id=officials[visitors_of[k]].pk,
                enterprise_uscc=usccs[enterprise - 1],
                not_before=starts,
                expires=ends,
            )
            pass_rows.append((k + 1, k + 1, token, code, when(now - timedelta(days=2)), None, ""))
        bulk_write(
            connection,
            Pass,
            ["id", "visitor_id", "token", "short_code", "issued_at", "revoked_at", "revoked_reason"],
            pass_rows,
        )

        users = User.objects.bulk_create(
            [User(username=f"bench-gate-{k}", password=make_password(None)) for k in range(n_passes)],
            batch_size=2000,
        )
        people = Person.objects.bulk_create(
            [
                Person(user=user, full_name=f"门卫{k}", enterprise_id=chosen[k])
                for k, user in enumerate(users)
            ],
            batch_size=2000,
        )
        PersonRole.objects.bulk_create(
            [PersonRole(person=p, role=Role.ENTERPRISE_USER) for p in people], batch_size=2000
        )
        secrets_ = [ApiToken.new_secret() for _ in range(n_passes)]
        ApiToken.objects.bulk_create(
            [
                ApiToken(
                    user=user, name="门岗扫码枪", prefix=secret[:10], digest=digest(secret), created_by=office
                )
                for user, secret in zip(users, secrets_, strict=True)
            ],
            batch_size=2000,
        )
        pairs = [[secret, row[2], row[0]] for secret, row in zip(secrets_, pass_rows, strict=True)]
        if postgres:
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(
                    no_style(), [Enterprise, Visit, VisitRequest, Visitor, Pass]
                ):
                    cursor.execute(statement)
    timings["current"] = time.perf_counter() - step

    step = time.perf_counter()
    # As the server will run: the settings are the same (same environment), so say what they are.
    django_db = (
        f"CONN_MAX_AGE={connection.settings_dict['CONN_MAX_AGE']}, "
        f"CONN_HEALTH_CHECKS={connection.settings_dict['CONN_HEALTH_CHECKS']}"
    )
    with connection.cursor() as cursor:
        if postgres:
            # What autovacuum would do after such a load: statistics and the visibility map. Then write
            # the load's dirty pages out now, so that no checkpoint caused by the load falls into a
            # measured phase (as a production server's steady state would not have it).
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
            cursor.execute(
                "SELECT version(), current_setting('synchronous_commit'), current_setting('shared_buffers')"
            )
            version, sync, buffers = cursor.fetchone()
            database = (
                f"{version.split(' on ')[0]}, synchronous_commit={sync}, shared_buffers={buffers}; "
                f"Django {django_db}"
            )
            finish_label = "VACUUM ANALYZE and CHECKPOINT"
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            import sqlite3

            size = Path(connection.settings_dict["NAME"]).stat().st_size / 2**20
            options = connection.settings_dict.get("OPTIONS", {})
            database = (
                f"SQLite {sqlite3.sqlite_version}, file {size:,.0f} MiB, init_command "
                f"{options.get('init_command', '')!r}, transaction_mode={options.get('transaction_mode')}; "
                f"Django {django_db}"
            )
            finish_label = "WAL checkpoint"
    timings["finish"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    Path(spec["out"]).write_text(
        json.dumps({"timings": timings, "pairs": pairs, "database": database, "finish_label": finish_label})
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_load":
        load(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "_drive":
        drive(sys.argv[2])
    else:
        sys.exit(main())
