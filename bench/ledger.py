"""Protection-ledger benchmark: how long ``ledger.compute`` takes at city scale, on both backends.

    .venv/bin/python bench/ledger.py [--database sqlite|postgres|both] [--units 1000]
                                     [--enterprises 20000] [--requests 1000000] [--visits 1000000]
                                     [--runs 5] [--explain] [--try-index [BACKEND:]SQL ...] [--postgres URL]

Per backend: a fresh database (SQLite in a temp YANCHENG_VAR_DIR; PostgreSQL in a database of its own,
``yancheng_bench_ledger`` unless ``--postgres`` names another, created and dropped on the same server),
migrated and bulk-loaded (``checkin.bulk_write``: COPY on PostgreSQL, executemany in one transaction on
SQLite, columns the script does not name filled with the model's defaults; the tables' secondary indexes
and constraints rebuilt and so checked at the end, as in ``checkin.py``) with:

- ``--units`` units with three officials each, ``--enterprises`` enterprises with one user each;
- ``--requests`` enterprise requests (诉求) filed over the last twelve full months and this month so far,
  routed to units (busy units get far more than quiet ones; some unrouted, some transferred), with
  working-day deadlines, most accepted and replied, some late or extended, most rated;
- ``--visits`` visits over the same span (a few ahead), one unit's request each or a joint visit of two or
  three units, mostly approved; visitors for approved requests, green passes for almost all visitors of
  started visits — their tokens are dummy strings, not signed, since the ledger never reads them —
  check-ins and check-outs, enterprise ratings for a third of the past visits, and a few no-pass reports.

Rows are written in time order, as the platform writes them, so that each table's physical order follows
filing and visit times as in production. Request events, attachments, people and roles are not loaded:
the ledger does not read them.

Then ``ANALYZE`` (PostgreSQL: ``VACUUM ANALYZE``, what autovacuum does after such a load, and a
``CHECKPOINT``; SQLite: a WAL checkpoint too) and ``ledger.compute`` for the last full month, warmed once,
then ``--runs`` timed runs (median), and the same for the twelve full months up to it. Each of its queries
is also replayed alone (execute + fetch all, median of ``--runs``) to show what dominates, and the CPU a
ledger takes (this process's, and PostgreSQL's backend's and parallel workers') is reported beside its
time: other jobs on the machine stretch times far more than CPU. ``--explain`` prints each monthly query's
plan (``EXPLAIN (ANALYZE, BUFFERS)`` / ``EXPLAIN QUERY PLAN``); ``--try-index`` creates an index afterwards
(raw SQL, prefixed ``sqlite:`` or ``postgres:`` to apply to one backend only), runs ANALYZE and measures
again, so that an index can be judged without touching the app (the last line stays the app's own figure).

The last line printed is ``ledger_s=… rows=…``: the monthly median on the last backend run (PostgreSQL
when both run) and the number of ledger rows; with both, a line per backend precedes it.

The script runs as two kinds of process: this orchestrator (no Django) and, per backend, the bench
process (``_run``, Django set up on the bench database).
"""

import argparse
import collections
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import checkin  # bench/checkin.py: the environment, bulk loading and process helpers shared with it

ROOT = Path(__file__).resolve().parents[1]
PG_BENCH_DB = "yancheng_bench_ledger"  # the only database this script creates, fills and drops (--postgres)
DAY = 86400
HOUR = 3600
CHUNK = 50_000  # visits or enterprise requests generated and written at a time


# =====================================================================================================
# The orchestrator
# =====================================================================================================


def main() -> int:
    parser = argparse.ArgumentParser(description="Time the protection ledger at city scale.")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=1_000_000, help="enterprise requests (诉求)")
    parser.add_argument("--visits", type=int, default=1_000_000, help="visits (with their unit requests)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per range, after one warm-up")
    parser.add_argument("--explain", action="store_true", help="print the plan of each monthly query")
    parser.add_argument(
        "--try-index",
        action="append",
        default=[],
        metavar="[BACKEND:]SQL",
        help="after measuring, create this index, ANALYZE and measure again (repeatable)",
    )
    checkin.add_postgres_argument(parser, PG_BENCH_DB)
    args = parser.parse_args()
    if min(args.units, args.enterprises, args.runs) <= 0 or min(args.requests, args.visits) < 0:
        parser.error("sizes must be positive")
    if args.units < 3:
        parser.error("--units must be at least 3 (joint visits take up to three units)")

    return checkin.run_backends(run_backend, args)


def run_backend(backend: str, args) -> str:
    title = "SQLite" if backend == "sqlite" else "PostgreSQL"
    print(
        f"\n=== {title}: {args.units:,} units, {args.enterprises:,} enterprises, "
        f"{args.requests:,} enterprise requests, {args.visits:,} visits ===",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix=f"yancheng-bench-ledger-{backend}-"))
    child = None
    database_url = None
    try:
        var_dir = work / "var"
        var_dir.mkdir()
        if backend == "postgres":
            database_url = args.postgres  # set first: dropped in `finally`
            checkin.create_pg_database(database_url)
        env = checkin.server_env(var_dir, database_url)
        indexes = []
        for statement in args.try_index:
            prefix, _colon, rest = statement.partition(":")
            if prefix in ("sqlite", "postgres"):
                if prefix == backend:
                    indexes.append(rest.strip())
            else:
                indexes.append(statement.strip())
        spec = {
            "units": args.units,
            "enterprises": args.enterprises,
            "requests": args.requests,
            "visits": args.visits,
            "runs": args.runs,
            "explain": args.explain,
            "indexes": indexes,
            "pg_db": checkin.pg_database_name(database_url) if database_url else None,
            "out": str(work / "result.json"),
        }
        child = subprocess.Popen(  # noqa: S603  (our own interpreter and script)
            [sys.executable, str(Path(__file__).resolve()), "_run", json.dumps(spec)],
            cwd=ROOT,
            env=env,
            start_new_session=True,  # Ctrl-C reaches only the orchestrator, which stops the child itself
        )
        code = child.wait(timeout=4 * 3600)
        if code != 0:
            raise RuntimeError(f"the {title} bench process failed with exit code {code}")
        result = json.loads((work / "result.json").read_text())
        return f"ledger_s={result['ledger_s']:.3f} rows={result['rows']}"
    finally:
        if child is not None:
            checkin.stop(child)
        if database_url is not None:
            checkin.drop_pg_database(database_url)
        shutil.rmtree(work, ignore_errors=True)


# =====================================================================================================
# The bench process (`_run spec`): Django on the bench database
# =====================================================================================================


class Stamps:
    """Epoch seconds as the database takes them in bulk: UTC text (naive on SQLite, as Django stores it;
    '+00' on PostgreSQL), with the day part cached."""

    def __init__(self, postgres: bool):
        self.suffix = "+00" if postgres else ""
        self.days: dict[int, str] = {}
        self.years: dict[int, int] = {}

    def __call__(self, seconds: int | None) -> str | None:
        if seconds is None:
            return None
        day, rest = divmod(seconds, DAY)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = self.days[day] = time.strftime("%Y-%m-%d", time.gmtime(day * DAY))
        hours, rest = divmod(rest, HOUR)
        minutes, secs = divmod(rest, 60)
        return f"{prefix} {hours:02d}:{minutes:02d}:{secs:02d}{self.suffix}"

    def local_year(self, seconds: int) -> int:  # Asia/Shanghai is UTC+8 all year round
        day = (seconds + 8 * HOUR) // DAY
        year = self.years.get(day)
        if year is None:
            year = self.years[day] = time.gmtime(day * DAY).tm_year
        return year


class WorkingDays:
    """`n` working days (Monday to Friday, local time) after a moment, at the same time of day."""

    def __init__(self):
        self.cache: dict[tuple[int, int], int] = {}

    def after(self, seconds: int, n: int) -> int:
        local = seconds + 8 * HOUR
        day, rest = divmod(local, DAY)
        target = self.cache.get((day, n))
        if target is None:
            target, left = day, n
            while left:
                target += 1
                if (target + 3) % 7 < 5:  # 1970-01-01 was a Thursday
                    left -= 1
            self.cache[(day, n)] = target
        return target * DAY + rest - 8 * HOUR


def run(spec_json: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    spec = json.loads(spec_json)
    postgres = connection.vendor == "postgresql"
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    migrate_s = time.perf_counter() - started
    loaded = load(spec, postgres)
    step = time.perf_counter()
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")  # or the checkpointer writes the load out while we measure
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    analyze_s = time.perf_counter() - step
    total_s = time.perf_counter() - started
    connection.close()  # the measurements run on a fresh connection with the platform's own settings

    t = loaded["timings"]
    rate = spec["visits"] / max(t["visits"], 1e-9)
    print(
        f"load: {total_s:.1f} s in all — migrate {migrate_s:.1f} s, units, users and enterprises "
        f"{t['reference']:.1f} s, enterprise requests {t['requests']:.1f} s (rows {t['requests_rows']:.1f} s, "
        f"indexes and checks {t['requests'] - t['requests_rows']:.1f} s), visits and their requests, "
        f"visitors, passes, check events, ratings and reports {t['visits']:.1f} s ({rate:,.0f} visits/s; "
        f"rows {t['visits_rows']:.1f} s, indexes and checks {t['visits'] - t['visits_rows']:.1f} s), "
        f"{'VACUUM ANALYZE + CHECKPOINT' if postgres else 'ANALYZE + WAL checkpoint'} {analyze_s:.1f} s",
        flush=True,
    )
    print("rows: " + ", ".join(f"{name} {count:,}" for name, count in loaded["counts"].items()), flush=True)
    print(f"database: {describe_database(postgres)}", flush=True)

    result = measure(spec, postgres)  # the figures reported: the app's schema as it is
    for statement in spec["indexes"]:
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(statement)
            cursor.execute("ANALYZE")
        print(f"\n--- with {statement} (created and analyzed in {time.perf_counter() - step:.1f} s) ---")
        measure(spec, postgres, explain_again=True)
    Path(spec["out"]).write_text(json.dumps(result))


def describe_database(postgres: bool) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "SELECT version(), current_setting('shared_buffers'), current_setting('work_mem'), "
                "current_setting('max_parallel_workers_per_gather'), "
                "pg_size_pretty(pg_database_size(current_database()))"
            )
            version, buffers, work_mem, parallel, size = cursor.fetchone()
            return (
                f"{version.split(' on ')[0]}, shared_buffers={buffers}, work_mem={work_mem}, "
                f"max_parallel_workers_per_gather={parallel}, database {size}"
            )
        import sqlite3

        size = Path(connection.settings_dict["NAME"]).stat().st_size / 2**20
        cursor.execute("PRAGMA cache_size")
        (cache,) = cursor.fetchone()
        return (
            f"SQLite {sqlite3.sqlite_version}, WAL, cache_size={cache} (the platform's), file {size:,.0f} MiB"
        )


# --- loading -----------------------------------------------------------------------------------------


def load(spec: dict, postgres: bool) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from yancheng.core.demo.reference import COUNTIES, HENGYANG, HUNAN
    from yancheng.core.models import Enterprise, Region, Unit
    from yancheng.core.validators import USCC_ALPHABET, make_uscc
    from yancheng.enterprise_requests.models import EnterpriseRequest, LedgerThresholds
    from yancheng.visits.models import CheckEvent, NoPassReport, Pass, Rating, Visit, Visitor, VisitRequest

    User = get_user_model()
    rng = random.Random(430400)
    stamp = Stamps(postgres)
    working = WorkingDays()
    timings = {}
    counts = {}
    write_s = {"value": 0.0}

    def write(model, names: list[str], rows: list) -> None:
        """checkin.bulk_write, counted and timed."""
        step = time.perf_counter()
        written = checkin.bulk_write(connection, model, names, rows)
        table = model._meta.db_table
        counts[table] = counts.get(table, 0) + written
        write_s["value"] += time.perf_counter() - step

    if not postgres:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # the loading connection only: 1 GB page cache

    # The span: the twelve full months before this one, and this month so far (local time).
    from django.utils import timezone

    from yancheng.enterprise_requests import ledger

    now_s = int(time.time())
    _month_start, _month_end, year_start, _year_end = ranges(timezone.localdate())
    since_s = int(ledger.bounds(year_start, year_start)[0].timestamp())

    # --- reference data: regions, units, users, enterprises ------------------------------------------
    step = time.perf_counter()
    n_units, n_enterprises = spec["units"], spec["enterprises"]
    officials_per_unit = 3
    office_user = n_units * officials_per_unit + 1
    first_enterprise_user = office_user + 1
    with transaction.atomic():
        Region.objects.create(code=HUNAN[0], name=HUNAN[1], level="province")
        Region.objects.create(code=HENGYANG[0], name=HENGYANG[1], level="city", parent_id=HUNAN[0])
        Region.objects.bulk_create(
            [Region(code=c, name=n, level="county", parent_id=HENGYANG[0]) for c, n in COUNTIES]
        )
        regions = [HENGYANG[0]] + [code for code, _name in COUNTIES]
        joined = stamp(now_s - 400 * DAY)
        user_rows = [
            (k, "!bench", None, False, username, "", "", "", False, True, joined)
            for k, username in [
                *(
                    ((u - 1) * officials_per_unit + j + 1, f"bench-unit{u}-official{j}")
                    for u in range(1, n_units + 1)
                    for j in range(officials_per_unit)
                ),
                (office_user, "bench-office"),
                *(
                    (first_enterprise_user + e - 1, f"bench-enterprise{e}")
                    for e in range(1, n_enterprises + 1)
                ),
            ]
        ]
        write(
            User,
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            user_rows,
        )
        kinds = ["department"] * 6 + ["county_government", "park", "bank", "registry"]
        write(
            Unit,
            ["id", "code", "name", "short_name", "kind", "region_id", "parent_id", "head_id"],
            [
                (
                    u,
                    f"bench-unit-{u:05d}",
                    f"压测责任单位{u:05d}",
                    f"单位{u:05d}",
                    kinds[u % len(kinds)],
                    regions[u % len(regions)],
                    None,
                    None,
                )
                for u in range(1, n_units + 1)
            ],
        )

        def uscc(i: int) -> str:
            digits, n = [], i
            for _ in range(6):
                n, r = divmod(n, len(USCC_ALPHABET))
                digits.append(USCC_ALPHABET[r])
            return make_uscc("9", "1", regions[1 + i % (len(regions) - 1)], "MA" + "".join(reversed(digits)))

        write(
            Enterprise,
            checkin.ENTERPRISE_FIELDS,
            [
                (
                    i,
                    uscc(i),
                    f"衡阳压测{checkin.INDUSTRY_NAMES[i % 10]}企业{i:06d}有限公司",
                    regions[1 + i % (len(regions) - 1)],
                    checkin.INDUSTRY_NAMES[i % 10],
                    f"压测路{i}号",
                    rng.random() < 0.3,
                    rng.random() < 0.05,
                    False,
                    False,
                    rng.choice("ABBBCD"),
                    rng.random() < 0.05,
                    rng.random() < 0.5,
                )
                for i in range(1, n_enterprises + 1)
            ],
        )
    timings["reference"] = time.perf_counter() - step

    # Units differ: a few are far busier than most (weights ~ 1/rank), and each has its own habits.
    unit_ids = list(range(1, n_units + 1))
    weights = [1 / (rank + 5) for rank in range(n_units)]
    rng.shuffle(weights)
    cum = []
    total = 0.0
    for weight in weights:
        total += weight
        cum.append(total)
    habits = {
        u: {
            "accept": rng.uniform(0.9, 1.0),
            "reply": rng.uniform(0.88, 1.0),
            "satisfied": rng.uniform(0.65, 0.97),
            "checkin": rng.uniform(0.85, 1.0),
        }
        for u in unit_ids
    }

    def some_unit() -> int:
        return rng.choices(unit_ids, cum_weights=cum)[0]

    # --- enterprise requests -------------------------------------------------------------------------
    step = time.perf_counter()
    write_s["value"] = 0.0
    request_kinds = ["demand"] * 8 + ["complaint"] * 4 + ["consultation"] * 5 + ["suggestion"] * 3
    # Rows in the order the platform writes them (by filing time), so that a table's physical order
    # follows time as in production: what a range scan on filed_at or starts_at costs depends on it.
    filings = sorted(rng.randint(since_s, now_s - 60) for _ in range(spec["requests"]))
    with checkin.bulk_loading(connection, [EnterpriseRequest._meta.db_table]):
        for first in range(1, spec["requests"] + 1, CHUNK):
            rows = []
            for i in range(first, min(first + CHUNK, spec["requests"] + 1)):
                filed = filings[i - 1]
                enterprise = rng.randint(1, n_enterprises)
                kind = rng.choice(request_kinds)
                rows.append(
                    (
                        i,
                        enterprise,
                        first_enterprise_user + enterprise - 1,
                        kind,
                        f"压测诉求{i}",
                        "企业反映的问题：用电报装、用地审批或融资等事项，请予协调解决。",
                        None,
                        stamp(filed),
                        f"bench-er-{i}",
                        *request_life(rng, filed, kind, now_s, working, some_unit, habits, stamp),
                    )
                )
            write(EnterpriseRequest, REQUEST_COLUMNS, rows)
        timings["requests_rows"] = time.perf_counter() - step
    timings["requests"] = time.perf_counter() - step

    # --- visits and everything hanging off them ------------------------------------------------------
    step = time.perf_counter()
    tables = [
        m._meta.db_table for m in (Visit, VisitRequest, Visitor, Pass, CheckEvent, Rating, NoPassReport)
    ]
    purposes = ["research", "research", "inspection", "enforcement"]
    methods = ["visitor", "visitor", "enterprise", "short_code"]
    ids = {"request": 0, "visitor": 0, "pass": 0, "check": 0, "rating": 0, "report": 0}
    # A few visits are planned ahead (up to 30 days); the rest started in the span.
    starts = sorted(
        rng.randint(now_s, now_s + 30 * DAY) if rng.random() < 0.03 else rng.randint(since_s, now_s - 10 * 60)
        for _ in range(spec["visits"])
    )
    del filings
    with checkin.bulk_loading(connection, tables):
        for first in range(1, spec["visits"] + 1, CHUNK):
            out = {name: [] for name in ("visit", "request", "visitor", "pass", "check", "rating", "report")}
            for v in range(first, min(first + CHUNK, spec["visits"] + 1)):
                start = starts[v - 1]
                start -= start % 900
                ends = start + rng.choice((3600, 5400, 7200, 7200, 10800, 14400))
                enterprise = rng.randint(1, n_enterprises)
                draw = rng.random()
                joint = 1 if draw < 0.9 else 2 if draw < 0.98 else 3
                units = []
                while len(units) < joint:
                    if (unit := some_unit()) not in units:
                        units.append(unit)
                filings = sorted(start - rng.randint(DAY, 10 * DAY) for _ in units)
                out["visit"].append(
                    (v, enterprise, stamp(start), stamp(ends), stamp.local_year(start), stamp(filings[0]))
                )
                approved_any = False
                for unit, filed in zip(units, filings, strict=True):
                    ids["request"] += 1
                    request = ids["request"]
                    purpose = rng.choice(purposes)
                    research = purpose == "research"
                    late = start < now_s and rng.random() < 0.02
                    if late:
                        filed = start + rng.randint(HOUR, 20 * HOUR)
                    if filed > now_s:
                        filed = now_s - 60
                    draw = rng.random()
                    if start > now_s:
                        status = "approved" if draw < 0.7 else "pending"
                    else:
                        status = "approved" if draw < 0.92 else "refused" if draw < 0.96 else "cancelled"
                    auto = research and status == "approved" and rng.random() < 0.6
                    decided = None
                    if status in ("approved", "refused"):
                        decided = min(filed + rng.randint(10 * 60, 2 * DAY), max(filed, start - 60), now_s)
                    official = (unit - 1) * officials_per_unit + 1
                    out["request"].append(
                        (
                            request,
                            v,
                            unit,
                            purpose,
                            "triggered" if late else "planned",
                            "emergency" if late else "",
                            "突发事件现场处置" if late else "",
                            "" if research else "安全生产检查",
                            "" if research else "《安全生产法》第六十五条",
                            official,
                            stamp(filed),
                            late,
                            f"bench-vr-{request}",
                            status,
                            auto,
                            office_user if decided is not None and not auto else None,
                            stamp(decided),
                            "",
                        )
                    )
                    if status != "approved":
                        continue
                    approved_any = True
                    for user in rng.sample(
                        range(official, official + officials_per_unit), rng.choice((1, 1, 2))
                    ):
                        ids["visitor"] += 1
                        visitor = ids["visitor"]
                        out["visitor"].append((visitor, request, user, f"湘执{visitor:08d}"))
                        if start - DAY > now_s or rng.random() >= 0.97:
                            continue  # no pass (yet, or not issued)
                        ids["pass"] += 1
                        green_pass = ids["pass"]
                        issued = min(start - rng.randint(HOUR, DAY), now_s)
                        out["pass"].append(
                            (
                                green_pass,
                                visitor,
                                f"bench-dummy-token-{green_pass}",
                                f"{green_pass:09d}",
                                stamp(issued),
                                None,
                                "",
                            )
                        )
                        if start > now_s or rng.random() >= habits[unit]["checkin"]:
                            continue
                        method = rng.choice(methods)
                        recorder = user if method == "visitor" else first_enterprise_user + enterprise - 1
                        checked_in = start + rng.randint(-15 * 60, 30 * 60)
                        ids["check"] += 1
                        out["check"].append(
                            (ids["check"], green_pass, "in", stamp(checked_in), method, recorder)
                        )
                        if ends < now_s and rng.random() < 0.85:
                            ids["check"] += 1
                            out["check"].append(
                                (
                                    ids["check"],
                                    green_pass,
                                    "out",
                                    stamp(ends + rng.randint(-30 * 60, 20 * 60)),
                                    method,
                                    recorder,
                                )
                            )
                if approved_any and ends < now_s and rng.random() < 0.35:
                    ids["rating"] += 1
                    overall = rng.choices((1, 2, 3, 4, 5), weights=(2, 3, 10, 35, 50))[0]
                    scores = [min(5, max(1, overall + rng.choice((-1, 0, 0, 0, 1)))) for _ in range(4)]
                    flagged = overall <= 2
                    out["rating"].append(
                        (
                            ids["rating"],
                            v,
                            overall,
                            *scores,
                            flagged and rng.random() < 0.5,
                            flagged and rng.random() < 0.1,
                            flagged and rng.random() < 0.3,
                            flagged and rng.random() < 0.3,
                            "" if overall >= 4 else "检查内容重复，耽误生产。",
                            first_enterprise_user + enterprise - 1,
                            stamp(min(ends + rng.randint(HOUR, 7 * DAY), now_s)),
                        )
                    )
                if start < now_s and rng.random() < 0.001:
                    ids["report"] += 1
                    named = rng.random() < 0.8
                    out["report"].append(
                        (
                            ids["report"],
                            enterprise,
                            units[0] if named else None,
                            "" if named else "某执法单位",
                            stamp(start),
                            "两名执法人员",
                            "未出示通行码即入企检查。",
                            first_enterprise_user + enterprise - 1,
                            stamp(min(start + rng.randint(HOUR, 3 * DAY), now_s)),
                            rng.choice(("open", "handling", "closed")),
                            f"bench-np-{ids['report']}",
                        )
                    )
            write(Visit, ["id", "enterprise_id", "starts_at", "ends_at", "year", "created_at"], out["visit"])
            write(VisitRequest, checkin.REQUEST_FIELDS, out["request"])
            write(Visitor, ["id", "request_id", "user_id", "certificate_no"], out["visitor"])
            write(
                Pass,
                ["id", "visitor_id", "token", "short_code", "issued_at", "revoked_at", "revoked_reason"],
                out["pass"],
            )
            write(
                CheckEvent,
                ["id", "green_pass_id", "direction", "at", "method", "recorded_by_id"],
                out["check"],
            )
            write(Rating, RATING_COLUMNS, out["rating"])
            write(NoPassReport, REPORT_COLUMNS, out["report"])
        timings["visits_rows"] = time.perf_counter() - step
    timings["visits"] = time.perf_counter() - step

    LedgerThresholds.current()  # the office's thresholds, as configured once (the defaults)
    if postgres:
        models = [User, Unit, Enterprise, EnterpriseRequest, Visit, VisitRequest, Visitor, Pass, CheckEvent]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [*models, Rating, NoPassReport]):
                cursor.execute(statement)
    names = {
        EnterpriseRequest: "enterprise requests",
        Visit: "visits",
        VisitRequest: "visit requests",
        Visitor: "visitors",
        Pass: "passes",
        CheckEvent: "check events",
        Rating: "ratings",
        NoPassReport: "no-pass reports",
        Unit: "units",
        Enterprise: "enterprises",
        User: "users",
    }
    return {
        "timings": timings,
        "counts": {label: counts.get(model._meta.db_table, 0) for model, label in names.items()},
    }


REQUEST_COLUMNS = [
    "id",
    "enterprise_id",
    "filed_by_id",
    "kind",
    "subject",
    "text",
    "visit_id",
    "filed_at",
    "submission_key",
    "unit_id",
    "routed_at",
    "transferred_from_id",
    "accept_deadline",
    "reply_deadline",
    "extended_deadline",
    "extension_reason",
    "extension_pending",
    "accepted_at",
    "replied_at",
    "reply_text",
    "satisfaction",
    "rated_at",
    "reopened_at",
]
RATING_COLUMNS = [
    "id",
    "visit_id",
    "overall",
    "conduct",
    "necessity",
    "efficiency",
    "integrity",
    "flag_repeated",
    "flag_favours",
    "flag_no_pass",
    "flag_overstayed",
    "comment",
    "rated_by_id",
    "rated_at",
]
REPORT_COLUMNS = [
    "id",
    "enterprise_id",
    "unit_id",
    "unit_text",
    "occurred_at",
    "visitors_text",
    "description",
    "reported_by_id",
    "reported_at",
    "status",
    "submission_key",
]


def ranges(today):
    """The last full month, and the twelve full months up to it: (month start, month end, year start,
    year end) as local dates."""
    from datetime import timedelta

    month_end = today.replace(day=1) - timedelta(days=1)
    month_start = month_end.replace(day=1)
    year_start = month_start
    for _ in range(11):
        year_start = (year_start - timedelta(days=1)).replace(day=1)
    return month_start, month_end, year_start, month_end


# --- measuring ---------------------------------------------------------------------------------------


class CpuWatch:
    """Cores busy while ledgers are computed, by whom: this process, PostgreSQL's processes serving the
    bench database, and everything else on the machine.

    PostgreSQL's share is its backend's CPU plus that of the parallel workers the backend starts: these
    live a fraction of a second, too short to sample, but when one ends the postmaster reaps it and
    the kernel adds its CPU to the postmaster's "children" time, which is read at both ends. A thread
    watches the postmaster's children every 20 ms; should a backend of another database end meanwhile
    (its CPU would land in that sum too), PostgreSQL's share falls back to what was sampled, a lower
    bound, and says so."""

    INTERVAL = 0.02

    def __init__(self, pg_db: str | None, backend_pid: int | None):
        self.tick = os.sysconf("SC_CLK_TCK")
        self.pg_db, self.backend_pid = pg_db, backend_pid
        self.own = str(os.getpid())
        self.postmaster = self._stat(backend_pid)[1] if backend_pid else None  # the backend's parent
        self.foreign: set[str] = set()  # the postmaster's other children seen meanwhile
        self.first = self._snapshot()
        self.last = dict(self.first["ours"])
        self.started = time.monotonic()
        self.done = threading.Event()
        self.overhead = 0.0
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _stat(self, pid) -> list[str]:
        """The fields of /proc/<pid>/stat after the command name: [1] is the parent, [11] and [12]
        the CPU used, [13] and [14] that of the children reaped."""
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()

    def _cpu(self, fields: list[str], first: int = 11) -> float:
        return (int(fields[first]) + int(fields[first + 1])) / self.tick

    def _snapshot(self) -> dict:
        with open("/proc/stat") as stat:
            times = [int(v) for v in stat.readline().split()[1:]]
        ours = {self.own: ("bench", self._cpu(self._stat(self.own)))}
        snapshot = {
            "machine": (sum(times) - times[3] - times[4]) / self.tick,
            "ours": ours,
            "children": set(),
        }
        if self.postmaster:
            pm = self.postmaster
            snapshot["reaped"] = self._cpu(self._stat(pm), 13)
            for pid in Path(f"/proc/{pm}/task/{pm}/children").read_text().split():
                snapshot["children"].add(pid)
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_text()
                    if (
                        f" {self.pg_db} " in command
                        or f"parallel worker for PID {self.backend_pid}" in command
                    ):
                        ours[pid] = ("postgres", self._cpu(self._stat(pid)))
                    elif command.startswith("postgres: "):  # else just forked, not yet named: unknown
                        self.foreign.add(pid)
                except (OSError, IndexError, ValueError):
                    continue  # gone meanwhile
        return snapshot

    def _loop(self) -> None:
        while not self.done.wait(self.INTERVAL):
            self.last.update(self._snapshot()["ours"])
        self.overhead = time.thread_time()  # this sampling thread's own CPU, not the ledger's

    def finish(self) -> dict[str, float]:
        self.done.set()
        self.thread.join()
        end = self._snapshot()
        self.last.update(end["ours"])
        window = time.monotonic() - self.started
        use = {"machine": (end["machine"] - self.first["machine"]) / window, "bench": 0.0, "postgres": 0.0}
        for pid, (kind, seconds) in self.last.items():
            if kind == "bench" or pid in end["ours"] or not self.postmaster:
                use[kind] += (seconds - self.first["ours"].get(pid, (kind, 0.0))[1]) / window
        use["postgres_exact"] = True
        if self.postmaster:
            ended_foreign = self.foreign - end["children"]
            reaped = end["reaped"] - self.first["reaped"]
            if ended_foreign:  # another database's backend ended meanwhile: only what was sampled
                use["postgres_exact"] = False
                for pid, (kind, seconds) in self.last.items():
                    if kind == "postgres" and pid not in end["ours"]:
                        use["postgres"] += (seconds - self.first["ours"].get(pid, (kind, 0.0))[1]) / window
            else:
                use["postgres"] += reaped / window
        use["bench"] = max(0.0, use["bench"] - self.overhead / window)
        use["other"] = max(0.0, use["machine"] - use["bench"] - use["postgres"])
        use["bench_s"], use["postgres_s"] = use["bench"] * window, use["postgres"] * window
        return use


def label_of(sql: str) -> str:
    """A short name for one of the ledger's queries: the first figure it computes, else its table."""
    from yancheng.enterprise_requests.ledger import COUNTS

    for alias in re.findall(r'AS "(\w+)"', sql):
        if alias in COUNTS:
            return alias
    match = re.search(r'FROM "(\w+)"', sql)
    return match.group(1) if match else sql[:40]


def measure(spec: dict, postgres: bool, explain_again: bool = False) -> dict:
    from django.db import connection
    from django.utils import timezone

    from yancheng.enterprise_requests import ledger

    today = timezone.localdate()
    month_start, month_end, year_start, year_end = ranges(today)
    runs = spec["runs"]
    backend_pid = None
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend_pid,) = cursor.fetchone()
    since, until = ledger.bounds(month_start, month_end)
    year_since, year_until = ledger.bounds(year_start, year_end)
    from yancheng.enterprise_requests.models import EnterpriseRequest
    from yancheng.visits.models import Visit

    in_month = (
        EnterpriseRequest.objects.filter(filed_at__gte=since, filed_at__lt=until).count(),
        Visit.objects.filter(starts_at__gte=since, starts_at__lt=until).count(),
    )
    in_year = (
        EnterpriseRequest.objects.filter(filed_at__gte=year_since, filed_at__lt=year_until).count(),
        Visit.objects.filter(starts_at__gte=year_since, starts_at__lt=year_until).count(),
    )

    figures = {}
    captured = {}
    for name, start, end, within in (
        ("month", month_start, month_end, in_month),
        ("year", year_start, year_end, in_year),
    ):
        queries: list[tuple[str, list]] = []

        def capture(execute, sql, params, many, context, queries=queries):
            queries.append((sql, params))
            return execute(sql, params, many, context)

        step = time.perf_counter()
        with connection.execute_wrapper(capture):
            rows = ledger.compute(start, end)
        warm = time.perf_counter() - step
        captured[name] = [
            (sql, params) for sql, params in queries if sql.lstrip().upper().startswith("SELECT")
        ]
        seconds = []
        watch = CpuWatch(spec["pg_db"] if postgres else None, backend_pid)
        for _ in range(runs):
            step = time.perf_counter()
            rows = ledger.compute(start, end)
            seconds.append(time.perf_counter() - step)
        cpu = watch.finish()
        per_query = []
        with connection.cursor() as cursor:
            for sql, params in captured[name]:
                times = []
                for _ in range(runs):
                    step = time.perf_counter()
                    cursor.execute(sql, params)
                    fetched = len(cursor.fetchall())
                    times.append(time.perf_counter() - step)
                per_query.append((label_of(sql), statistics.median(times), fetched))
        figures[name] = {
            "range": f"{start} – {end}",
            "median": statistics.median(seconds),
            "runs": seconds,
            "warm": warm,
            "rows": len(rows),
            "flagged": sum(1 for row in rows if row.flags),
            "reasons": collections.Counter(
                re.match(r"\D+", flag).group() for row in rows for flag in row.flags
            ),
            "queries": len(queries),
            "per_query": per_query,
            "within": within,
            "cpu": cpu,
        }

    for name, f in figures.items():
        title = "month" if name == "month" else "year "
        print(
            f"{title} {f['range']}: {f['median']:.3f} s median of {runs} "
            f"({', '.join(f'{s:.3f}' for s in f['runs'])}; first run {f['warm']:.3f} s), "
            f"{f['rows']:,} ledger rows, {f['flagged']:,} flagged, {f['queries']} queries; "
            f"in range {f['within'][0]:,} enterprise requests filed, {f['within'][1]:,} visits starting",
            flush=True,
        )
        cpu = f["cpu"]
        print(
            f"   CPU per ledger: bench process {cpu['bench_s'] / runs:.3f} s, PostgreSQL "
            f"{'' if cpu['postgres_exact'] else 'at least '}{cpu['postgres_s'] / runs:.3f} s; cores busy (of {os.cpu_count()}) during the timed runs: "
            f"machine {cpu['machine']:.2f}, other processes {cpu['other']:.2f}",
            flush=True,
        )
        if cpu["other"] > 0.2:
            print(
                f"   warning: processes that are not this benchmark's kept {cpu['other']:.2f} cores busy: "
                "the times above are pessimistic (CPU per ledger much less so); run again on a quiet machine",
                flush=True,
            )
        reasons = ", ".join(f"{reason} {count:,}" for reason, count in f["reasons"].most_common())
        print(
            f"   flagged for: {reasons or 'nothing'}; each query alone (median of {runs}, execute + fetch):"
        )
        for label, seconds, fetched in sorted(f["per_query"], key=lambda q: -q[1]):
            print(f"   {seconds * 1000:9.1f} ms  {label} ({fetched:,} rows)", flush=True)

    if spec["explain"]:
        with connection.cursor() as cursor:
            for sql, params in captured["month"]:
                print(f"\n--- plan of {label_of(sql)} ---", flush=True)
                if not explain_again:
                    print(sql % tuple(repr(p) for p in params))
                if postgres:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                    print("\n".join(line for (line,) in cursor.fetchall()), flush=True)
                else:
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                    print(
                        "\n".join(f"{row[1]:>3} {row[0]:>3} {row[-1]}" for row in cursor.fetchall()),
                        flush=True,
                    )
    month = figures["month"]
    return {"ledger_s": month["median"], "rows": month["rows"], "figures": figures}


def request_life(rng, filed: int, kind: str, now_s: int, working, some_unit, habits, stamp) -> tuple:
    """How one enterprise request filed at ``filed`` went, drawn as each unit's habits make it likely:
    routed (rarely left unrouted, and only recent ones), sometimes transferred or extended, accepted
    and replied to on time or late, rated. The request's columns of REQUEST_COLUMNS from the unit on,
    the moments as ``stamp`` writes them."""
    accept_deadline = working.after(filed, 1)
    reply_deadline = working.after(filed, 5 if kind == "consultation" else 15)
    unit = routed = transferred_from = None
    extended = accepted = replied = rated = None
    extension_reason = reply_text = satisfaction = ""
    if rng.random() < 0.97 or filed < now_s - 30 * DAY:  # unrouted: recent ones only
        unit = some_unit()
        routed = filed + rng.randint(60, 4 * HOUR)
        if rng.random() < 0.03:
            transferred_from, unit = unit, some_unit()
        habit = habits[unit]
        if rng.random() < 0.04:
            extended = working.after(reply_deadline, 10)
            extension_reason = "情况复杂，需多部门会商"
        if accept_deadline < now_s:
            if rng.random() < 0.99:
                if rng.random() < habit["accept"]:
                    accepted = rng.randint(routed, max(routed, accept_deadline))
                else:
                    accepted = accept_deadline + rng.randint(HOUR, 3 * DAY)
        elif rng.random() < 0.6:
            accepted = rng.randint(routed, max(routed, now_s - 1))
        if accepted is not None and accepted > now_s:
            accepted = None
        if accepted is not None:
            deadline = extended or reply_deadline
            if deadline < now_s:
                if rng.random() < 0.99:
                    if rng.random() < habit["reply"]:
                        replied = rng.randint(accepted, max(accepted, deadline))
                    else:
                        replied = deadline + rng.randint(HOUR, 12 * DAY)
            elif rng.random() < 0.5:
                replied = rng.randint(accepted, max(accepted, now_s - 1))
            if replied is not None and replied > now_s:
                replied = None
        if replied is not None:
            reply_text = "经研究，已按政策予以办理，详见答复。"
            if rng.random() < 0.75:
                rated = replied + rng.randint(HOUR, 7 * DAY)
                if rated > now_s:
                    rated = None
                else:
                    draw = rng.random()
                    satisfaction = (
                        "satisfied"
                        if draw < habit["satisfied"]
                        else "basically"
                        if draw < (1 + habit["satisfied"]) / 2
                        else "not_satisfied"
                    )
    return (
        unit, stamp(routed), transferred_from, stamp(accept_deadline), stamp(reply_deadline), stamp(extended),
        extension_reason, False, stamp(accepted), stamp(replied), reply_text, satisfaction, stamp(rated), None,
    )  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_run":
        run(sys.argv[2])
    else:
        sys.exit(main())
