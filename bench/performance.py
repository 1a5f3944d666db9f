"""Performance-scoring benchmark: scoring every unit of the city for a month and for the year from the
indicator registry, a unit's score page and the receipts of a 1,000-unit dispatch, on both backends.

    .venv/bin/python bench/performance.py [--database sqlite|postgres|both] [--units 1000]
                                          [--enterprises 20000] [--visits 1000000]
                                          [--requests-rows 1000000] [--projects 5000]
                                          [--commitments 20000] [--problems 50000] [--items 50000]
                                          [--requests 200] [--postgres URL]

Per backend: a fresh database (SQLite in a temp YANCHENG_VAR_DIR; PostgreSQL in a database of its own,
``yancheng_bench_performance`` unless ``--postgres`` names another, created and dropped on the same
server), migrated, the Hengyang demo loaded, then in bulk (``checkin.bulk_write``, indexes and
constraints rebuilt at the end and so checked):

- units: the demo's county governments and parks as they are, and generated city departments (one
  official each) so that ``--units`` units of the three kinds the office scores (department, county
  government, park) are scored — at full size about 980 departments, 12 county governments and the
  demo's parks;
- ``--enterprises`` enterprises (one user each), and over this year so far (from 1 January, local time)
  ``--requests-rows`` enterprise requests and ``--visits`` visits shaped as bench/ledger.py shapes them
  (busy units get far more than quiet ones): requests routed, accepted and replied within their
  working-day deadlines or late, some extended, most rated; visits of one unit or joint ones, approved
  requests with visitors (the units' officials), green passes, check-ins and check-outs, ratings, a few
  no-pass reports — so that every visits and requests indicator's query does its real work;
- ``--projects`` projects with 12 monthly reports each (bench/projects.py's loader, responsible units
  spread over all the units), ``--commitments`` commitments and ``--problems`` problems on them
  (bench/five_systems.py's loaders);
- ``--items`` supervision items over the year, each with its lead unit's part and up to two cooperating
  units' (closed on time, closed late, waiting for review, open and overdue, not yet due; parts signed
  within their working hours, late or not at all);
- one dispatch (一键调度, ``supervision.actions.dispatch`` by the supervision office's ``duchashi``) to every
  scored unit, about half of which then signed for it (some late) and some reported.

Then, in one process on the bench database, the performance office (``jixiaoban``) publishes one scheme
per scored kind with every unit-grouped indicator of the registry (weights summing to 100) and
``performance.actions.compute`` scores every unit of each kind for last month (``month_s``: the three
schemes together) and for this year (``year_s``); the time each indicator took is shown beside. The
scorecards are then published (a unit sees its own score only then).

Then granian serves the platform (``--interface wsgi --workers 2 --blocking-threads 8``, debug off) and
one request at a time (five warm-up requests, then ``--requests``) is timed for: the health check
(baseline); a unit's own score page (``/performance/scores/<id>/``, the month's and the year's) as that
unit's official (``danwei``, city-samr); random units' score pages as the office (``jixiaoban``); the
1,000-unit dispatch's page (``/supervision/dispatch/<id>/``) and its receipts table
(``…/receipts/``, what the page polls) as the leader (``leader``).

The last line printed is ``month_s=… year_s=… score_page_p95_ms=… receipts_p95_ms=…`` (PostgreSQL's when
both backends run): ``score_page_p95_ms`` the higher p95 of the two score-page kinds,
``receipts_p95_ms`` the higher of the dispatch page and its receipts table.
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import checkin  # bench/checkin.py: the environment, server, bulk loading and process helpers
import five_systems  # bench/five_systems.py: bulk rows with explicit ids, commitments and problems
import ledger  # bench/ledger.py: request columns, epoch stamps, working days
import projects  # bench/projects.py: the projects' loader, the client

PG_BENCH_DB = "yancheng_bench_performance"  # the only database this script creates, fills and drops
PASSWORD = "Hengyang@2026"  # noqa: S105  (load_demo.DEMO_PASSWORD)
OFFICE, OWN_UNIT, LEADER, SUPERVISOR = "jixiaoban", "danwei", "leader", "duchashi"
DAY, HOUR = ledger.DAY, ledger.HOUR
CHUNK = 50_000
PAGES = ("own_score", "office_score", "dispatch", "receipts")
LABELS = {
    "own_score": f"/performance/scores/<id>/ ({OWN_UNIT})",
    "office_score": f"/performance/scores/<id>/ ({OFFICE})",
    "dispatch": f"/supervision/dispatch/<id>/ ({LEADER})",
    "receipts": f"/supervision/dispatch/<id>/receipts/ ({LEADER})",
}


# =====================================================================================================
# The orchestrator
# =====================================================================================================


def main() -> int:
    parser = argparse.ArgumentParser(description="Time performance scoring and its pages at city scale.")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--units", type=int, default=1_000, help="scored units (the demo's and generated)")
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--requests-rows", type=int, default=1_000_000, help="enterprise requests (诉求)")
    parser.add_argument("--projects", type=int, default=5_000)
    parser.add_argument("--commitments", type=int, default=20_000)
    parser.add_argument("--problems", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=50_000, help="supervision items (督办件)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page kind")
    checkin.add_postgres_argument(parser, PG_BENCH_DB)
    args = parser.parse_args()
    sizes = (args.units, args.enterprises, args.projects, args.items, args.requests)
    if min(sizes) <= 0 or min(args.visits, args.requests_rows, args.commitments, args.problems) < 0:
        parser.error("sizes must be positive")
    if args.units < 3:
        parser.error("--units must be at least 3 (joint visits take up to three units)")
    return checkin.run_backends(run_backend, args)


def run_backend(backend: str, args) -> str:
    title = "SQLite" if backend == "sqlite" else "PostgreSQL"
    print(
        f"\n=== {title}: {args.units:,} scored units, {args.visits:,} visits, {args.requests_rows:,} "
        f"enterprise requests, {args.projects:,} projects, {args.items:,} supervision items, "
        f"{args.requests} requests per page ===",
        flush=True,
    )
    with checkin.workspace(backend, "performance", args.postgres) as (work, env, processes):
        spec = {
            "units": args.units,
            "enterprises": args.enterprises,
            "visits": args.visits,
            "requests_rows": args.requests_rows,
            "projects": args.projects,
            "months": 12,
            "commitments": args.commitments,
            "problems": args.problems,
            "items": args.items,
            "requests": args.requests,
            "out": str(work / "loaded.json"),
        }
        checkin.run_child(["_load", json.dumps(spec)], env, processes, timeout=4 * 3600, script=__file__)
        loaded = json.loads((work / "loaded.json").read_text())
        print(loaded["summary"], flush=True)

        scored_out = work / "scored.json"
        score_spec = {**spec, "out": str(scored_out)}
        checkin.run_child(
            ["_score", json.dumps(score_spec)], env, processes, timeout=4 * 3600, script=__file__
        )
        scored = json.loads(scored_out.read_text())

        driven = checkin.serve_and_drive(env, work, processes, {**spec, **scored["drive"]}, __file__)
        return report(title, args, scored, driven)


def report(title: str, args, scored: dict, driven: dict) -> str:
    for name in ("month", "year"):
        run = scored[name]
        print(
            f"\n{title}, performance.actions.compute for {run['period']}: {run['s']:.2f} s "
            f"(this process's CPU {run['cpu_s']:.2f} s; load average {run['load']:.1f} on "
            f"{os.cpu_count()} cores), {run['units']:,} units scored, "
            + ", ".join(f"{kind} {s:.2f} s ({n:,} units)" for kind, (s, n) in run["schemes"].items())
        )
        slowest = sorted(run["indicators"].items(), key=lambda kv: -kv[1])
        print("  by indicator: " + ", ".join(f"{code} {s:.2f} s" for code, s in slowest))
        print(f"  writing the scores and the rest: {run['s'] - sum(run['indicators'].values()):.2f} s")
    base = driven["baseline"]
    print(f"\n{title}, one client per login, one request at a time ({args.requests} timed per kind):")
    print(f"  baseline      GET /api/v1/health  {projects.milliseconds(base)}")
    for name in PAGES:
        page = driven[name]
        print(
            f"  {name:<13} GET {LABELS[name]:<48} {projects.milliseconds(page)}  "
            f"p95 {page['p95'] / base['p95']:.1f}× baseline, {page['kb']:.0f} kB"
        )
    score_p95 = max(driven["own_score"]["p95"], driven["office_score"]["p95"])
    receipts_p95 = max(driven["dispatch"]["p95"], driven["receipts"]["p95"])
    return (
        f"month_s={scored['month']['s']:.2f} year_s={scored['year']['s']:.2f} "
        f"score_page_p95_ms={score_p95:.1f} receipts_p95_ms={receipts_p95:.1f}"
    )


# =====================================================================================================
# The loader (`_load spec`): Django on the bench database
# =====================================================================================================


def setup_django() -> None:
    sys.path.insert(0, str(projects.ROOT))
    import django

    django.setup()


def load(spec_json: str) -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    spec = json.loads(spec_json)
    postgres = connection.vendor == "postgresql"
    timings: dict[str, float] = {}
    step = started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal step
        timings[name] = time.perf_counter() - step
        step = time.perf_counter()

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    with open("/dev/null", "w") as quiet:
        call_command("load_demo", stdout=quiet)
    lap("migrate and demo")
    if not postgres:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # the loading connection only: 1 GB page cache
    counts = {"units": load_units(spec)}
    counts["enterprises"] = load_enterprises(spec)
    lap("units and enterprises")
    world = projects.World.read()  # the generated departments among the responsible units
    counts.update(projects.load_projects(spec, world))
    counts["commitments"] = five_systems.load_commitments(spec, world) if spec["commitments"] else 0
    counts["problems"] = five_systems.load_problems(spec, world) if spec["problems"] else 0
    lap("projects, commitments, problems")
    counts["enterprise requests"] = load_requests(spec, postgres)
    lap("enterprise requests")
    counts.update(load_visits(spec, postgres))
    lap("visits")
    counts.update(load_items(spec, postgres))
    lap("supervision items")
    counts["dispatched units"] = load_dispatch()
    lap("dispatch")
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")  # or the checkpointer writes the load out while we measure
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lap("ANALYZE")
    summary = (
        f"load: {time.perf_counter() - started:.1f} s — "
        + ", ".join(f"{name} {s:.1f} s" for name, s in timings.items())
        + "\nrows: "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items())
    )
    Path(spec["out"]).write_text(json.dumps({"summary": summary}))


def scored_units():
    from yancheng.core.models import Unit
    from yancheng.performance.models import SCORED_KINDS

    return Unit.objects.filter(kind__in=[kind for kind, _label in SCORED_KINDS])


def officials_by_unit() -> dict[int, list[int]]:
    from yancheng.core.models import PersonRole
    from yancheng.core.roles import Role

    found: dict[int, list[int]] = {}
    rows = PersonRole.objects.filter(role=Role.UNIT_OFFICIAL, person__unit__isnull=False)
    for unit, user in rows.values_list("person__unit_id", "person__user_id"):
        found.setdefault(unit, []).append(user)
    return found


def load_units(spec: dict) -> int:
    """City departments, one official each, until ``--units`` units of the scored kinds exist."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from yancheng.core.demo.reference import HENGYANG
    from yancheng.core.models import Person, PersonRole, Unit
    from yancheng.core.roles import Role

    User = get_user_model()
    missing = max(0, spec["units"] - scored_units().count())
    if not missing:
        return 0
    stamp = projects.db_stamp(connection.vendor == "postgresql")
    unit0, user0 = five_systems.first_id(Unit), five_systems.first_id(User)
    person0, role0 = five_systems.first_id(Person), five_systems.first_id(PersonRole)
    password = make_password(PASSWORD)  # hashed once: every bench official may sign in
    now = stamp(timezone.now())
    units = [
        (unit0 + n, f"bench-dept-{n + 1:04d}", f"压测市直部门{n + 1:04d}", f"部门{n + 1:04d}", "department", HENGYANG[0])
        for n in range(missing)
    ]  # fmt: skip
    users = [(user0 + n, password, f"bench-dept{n + 1:04d}", False, False, True, now) for n in range(missing)]
    people = [(person0 + n, user0 + n, f"压测干部{n + 1:04d}", "科员", unit0 + n) for n in range(missing)]
    roles = [(role0 + n, person0 + n, Role.UNIT_OFFICIAL) for n in range(missing)]
    five_systems.bulk_rows(Unit, ["id", "code", "name", "short_name", "kind", "region_id"], units)
    five_systems.bulk_rows(
        User, ["id", "password", "username", "is_superuser", "is_staff", "is_active", "date_joined"], users
    )
    five_systems.bulk_rows(Person, ["id", "user_id", "full_name", "title", "unit_id"], people)
    five_systems.bulk_rows(PersonRole, ["id", "person_id", "role"], roles)
    return missing


def load_enterprises(spec: dict) -> int:
    """``--enterprises`` more enterprises, each with a user (who files its requests and rates visits)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from yancheng.core.demo.reference import COUNTIES
    from yancheng.core.models import Enterprise
    from yancheng.core.validators import USCC_ALPHABET, make_uscc

    User = get_user_model()
    rng = random.Random(430400 + 21)
    regions = [code for code, _name in COUNTIES]
    first, user0 = five_systems.first_id(Enterprise), five_systems.first_id(User)
    now = projects.db_stamp(connection.vendor == "postgresql")(timezone.now())

    def uscc(i: int) -> str:
        digits, n = [], i
        for _ in range(6):
            n, r = divmod(n, len(USCC_ALPHABET))
            digits.append(USCC_ALPHABET[r])
        return make_uscc("9", "1", regions[i % len(regions)], "PF" + "".join(reversed(digits)))

    rows = [
        (
            first + i,
            uscc(i),
            f"衡阳绩效压测{checkin.INDUSTRY_NAMES[i % 10]}企业{i:06d}有限公司",
            regions[i % len(regions)],
            checkin.INDUSTRY_NAMES[i % 10],
            f"压测路{i}号",
            rng.random() < 0.3,
            rng.random() < 0.05,
            False,
            False,
            rng.choice("ABBBCD"),
            rng.random() < 0.05,
            rng.random() < 0.5,
        )  # fmt: skip
        for i in range(spec["enterprises"])
    ]
    written = five_systems.bulk_rows(Enterprise, checkin.ENTERPRISE_FIELDS, rows)
    five_systems.bulk_rows(
        User,
        ["id", "password", "username", "is_superuser", "is_staff", "is_active", "date_joined"],
        [
            (user0 + i, "!bench", f"bench-ent{i:06d}", False, False, True, now)
            for i in range(spec["enterprises"])
        ],
    )
    return written


class Span:
    """This year so far (local time) as epoch seconds, the bench's units with their habits and weights,
    and the enterprises with their users."""

    def __init__(self, rng):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from yancheng.core.indicators import Period
        from yancheng.core.models import Enterprise

        today = timezone.localdate()
        self.now_s = int(time.time())
        self.since_s = int(Period.year(today.year).since.timestamp())
        self.units = list(scored_units().order_by("pk").values_list("pk", flat=True))
        weights = [1 / (rank + 5) for rank in range(len(self.units))]
        random.Random(430400 + 20).shuffle(weights)  # the same busy units for requests, visits and items
        habit = random.Random(430400 + 27)
        self.cum, total = [], 0.0
        for weight in weights:
            total += weight
            self.cum.append(total)
        self.habits = {
            u: {
                "accept": habit.uniform(0.9, 1.0),
                "reply": habit.uniform(0.88, 1.0),
                "satisfied": habit.uniform(0.65, 0.97),
                "checkin": habit.uniform(0.85, 1.0),
            }
            for u in self.units
        }
        self.officials = officials_by_unit()
        users = dict(
            get_user_model().objects.filter(username__startswith="bench-ent").values_list("username", "pk")
        )
        bench_enterprises = Enterprise.objects.filter(name__startswith="衡阳绩效压测").order_by("pk")
        self.enterprises = list(bench_enterprises.values_list("pk", flat=True))
        self.enterprise_user = {pk: users[f"bench-ent{n:06d}"] for n, pk in enumerate(self.enterprises)}
        self.office_user = get_user_model().objects.get(username="yingshangban").pk
        self.rng = rng

    def some_unit(self) -> int:
        return self.rng.choices(self.units, cum_weights=self.cum)[0]


def load_requests(spec: dict, postgres: bool) -> int:
    """Enterprise requests filed this year so far, shaped as bench/ledger.py shapes them."""
    from yancheng.enterprise_requests.models import EnterpriseRequest

    rng = random.Random(430400 + 22)
    span = Span(rng)
    stamp, working = ledger.Stamps(postgres), ledger.WorkingDays()
    now_s, first_id = span.now_s, five_systems.first_id(EnterpriseRequest)
    kinds = ["demand"] * 8 + ["complaint"] * 4 + ["consultation"] * 5 + ["suggestion"] * 3
    filings = sorted(rng.randint(span.since_s, now_s - 60) for _ in range(spec["requests_rows"]))

    def rows():
        for n, filed in enumerate(filings):
            enterprise = rng.choice(span.enterprises)
            kind = rng.choice(kinds)
            yield (
                first_id + n, enterprise, span.enterprise_user[enterprise], kind, f"压测诉求{n}",
                "企业反映的问题：用电报装、用地审批或融资等事项，请予协调解决。", None, stamp(filed),
                f"bench-perf-er-{n}", *ledger.request_life(rng, filed, kind, now_s, working, span.some_unit, span.habits, stamp),
            )  # fmt: skip

    return five_systems.bulk_rows(EnterpriseRequest, ledger.REQUEST_COLUMNS, rows())


def load_visits(spec: dict, postgres: bool) -> dict:
    """Visits this year so far (a few ahead) with everything hanging off them, as bench/ledger.py."""
    from django.core.management.color import no_style
    from django.db import connection

    from yancheng.visits.models import CheckEvent, NoPassReport, Pass, Rating, Visit, Visitor, VisitRequest

    rng = random.Random(430400 + 23)
    span = Span(rng)
    stamp = ledger.Stamps(postgres)
    now_s = span.now_s
    models = (Visit, VisitRequest, Visitor, Pass, CheckEvent, Rating, NoPassReport)
    ids = {model: five_systems.first_id(model) - 1 for model in models}
    counts = {model: 0 for model in models}
    purposes = ["research", "research", "inspection", "enforcement"]
    methods = ["visitor", "visitor", "enterprise", "short_code"]
    starts = sorted(
        rng.randint(now_s, now_s + 30 * DAY)
        if rng.random() < 0.03
        else rng.randint(span.since_s, now_s - 600)
        for _ in range(spec["visits"])
    )

    def next_id(model) -> int:
        ids[model] += 1
        return ids[model]

    columns = {
        Visit: ["id", "enterprise_id", "starts_at", "ends_at", "year", "created_at"],
        VisitRequest: checkin.REQUEST_FIELDS,
        Visitor: ["id", "request_id", "user_id", "certificate_no"],
        Pass: ["id", "visitor_id", "token", "short_code", "issued_at", "revoked_at", "revoked_reason"],
        CheckEvent: ["id", "green_pass_id", "direction", "at", "method", "recorded_by_id"],
        Rating: ledger.RATING_COLUMNS,
        NoPassReport: ledger.REPORT_COLUMNS,
    }
    with checkin.bulk_loading(connection, [model._meta.db_table for model in models]):
        for chunk_start in range(0, spec["visits"], CHUNK):
            out = {model: [] for model in models}
            for start in starts[chunk_start : chunk_start + CHUNK]:
                start -= start % 900
                v = next_id(Visit)
                ends = start + rng.choice((3600, 5400, 7200, 7200, 10800, 14400))
                enterprise = rng.choice(span.enterprises)
                enterprise_user = span.enterprise_user[enterprise]
                draw = rng.random()
                joint = 1 if draw < 0.9 else 2 if draw < 0.98 else 3
                units: list[int] = []
                while len(units) < joint:
                    if (unit := span.some_unit()) not in units:
                        units.append(unit)
                filings = sorted(start - rng.randint(DAY, 10 * DAY) for _ in units)
                out[Visit].append(
                    (v, enterprise, stamp(start), stamp(ends), stamp.local_year(start), stamp(filings[0]))
                )
                approved_any = False
                for unit, filed in zip(units, filings, strict=True):
                    request = next_id(VisitRequest)
                    purpose = rng.choice(purposes)
                    research = purpose == "research"
                    late = start < now_s and rng.random() < 0.02
                    if late:
                        filed = start + rng.randint(HOUR, 20 * HOUR)
                    filed = min(filed, now_s - 60)
                    draw = rng.random()
                    if start > now_s:
                        status = "approved" if draw < 0.7 else "pending"
                    else:
                        status = "approved" if draw < 0.92 else "refused" if draw < 0.96 else "cancelled"
                    auto = research and status == "approved" and rng.random() < 0.6
                    decided = None
                    if status in ("approved", "refused"):
                        decided = min(filed + rng.randint(10 * 60, 2 * DAY), max(filed, start - 60), now_s)
                    team = span.officials.get(unit) or [span.office_user]
                    out[VisitRequest].append(
                        (
                            request, v, unit, purpose, "triggered" if late else "planned",
                            "emergency" if late else "", "突发事件现场处置" if late else "",
                            "" if research else "安全生产检查", "" if research else "《安全生产法》第六十五条",
                            team[0], stamp(filed), late, f"bench-perf-vr-{request}", status, auto,
                            span.office_user if decided is not None and not auto else None, stamp(decided), "",
                        )
                    )  # fmt: skip
                    if status != "approved":
                        continue
                    approved_any = True
                    for user in rng.sample(team, min(len(team), rng.choice((1, 1, 2)))):
                        visitor = next_id(Visitor)
                        out[Visitor].append((visitor, request, user, f"湘执{visitor:08d}"))
                        if start - DAY > now_s or rng.random() >= 0.97:
                            continue  # no pass (yet, or not issued)
                        green_pass = next_id(Pass)
                        issued = min(start - rng.randint(HOUR, DAY), now_s)
                        out[Pass].append(
                            (green_pass, visitor, f"bench-dummy-token-{green_pass}", f"{green_pass:09d}", stamp(issued), None, "")
                        )  # fmt: skip
                        if start > now_s or rng.random() >= span.habits[unit]["checkin"]:
                            continue
                        method = rng.choice(methods)
                        recorder = user if method == "visitor" else enterprise_user
                        at = start + rng.randint(-15 * 60, 30 * 60)
                        out[CheckEvent].append(
                            (next_id(CheckEvent), green_pass, "in", stamp(at), method, recorder)
                        )
                        if ends < now_s and rng.random() < 0.85:
                            at = ends + rng.randint(-30 * 60, 20 * 60)
                            out[CheckEvent].append(
                                (next_id(CheckEvent), green_pass, "out", stamp(at), method, recorder)
                            )
                if approved_any and ends < now_s and rng.random() < 0.35:
                    overall = rng.choices((1, 2, 3, 4, 5), weights=(2, 3, 10, 35, 50))[0]
                    scores = [min(5, max(1, overall + rng.choice((-1, 0, 0, 0, 1)))) for _ in range(4)]
                    flagged = overall <= 2
                    out[Rating].append(
                        (
                            next_id(Rating), v, overall, *scores, flagged and rng.random() < 0.5,
                            flagged and rng.random() < 0.1, flagged and rng.random() < 0.3,
                            flagged and rng.random() < 0.3, "" if overall >= 4 else "检查内容重复，耽误生产。",
                            enterprise_user, stamp(min(ends + rng.randint(HOUR, 7 * DAY), now_s)),
                        )
                    )  # fmt: skip
                if start < now_s and rng.random() < 0.001:
                    report = next_id(NoPassReport)
                    named = rng.random() < 0.8
                    out[NoPassReport].append(
                        (
                            report, enterprise, units[0] if named else None, "" if named else "某执法单位",
                            stamp(start), "两名执法人员", "未出示通行码即入企检查。", enterprise_user,
                            stamp(min(start + rng.randint(HOUR, 3 * DAY), now_s)),
                            rng.choice(("open", "handling", "closed")), f"bench-perf-np-{report}",
                        )
                    )  # fmt: skip
            for model in models:
                counts[model] += checkin.bulk_write(connection, model, columns[model], out[model])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)
    return {model.__name__: n for model, n in counts.items()}


def load_items(spec: dict, postgres: bool) -> dict:
    """Supervision items due over the year (and a little beyond), with their units' parts."""
    from zoneinfo import ZoneInfo

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yancheng.core import workdays
    from yancheng.supervision.models import Assignment, Item, SupervisionRules

    rng = random.Random(430400 + 24)
    span = Span(rng)
    shanghai = ZoneInfo("Asia/Shanghai")
    stamp = projects.db_stamp(postgres)
    now = timezone.now()
    today = timezone.localdate()
    office = get_user_model().objects.get(username=SUPERVISOR).pk
    hours = SupervisionRules.current().sign_within_hours
    item0, part0 = five_systems.first_id(Item), five_systems.first_id(Assignment)
    year_start = date(today.year, 1, 1)
    last_due = date(today.year + 1, 1, 31)
    sources = ["instruction", "meeting", "document", "key_task"]
    cadences = ["none", "none", "weekly", "monthly"]
    items, parts = [], []
    with workdays.covering(year_start - timedelta(days=120), last_due + timedelta(days=30)):
        for n in range(spec["items"]):
            due_on = year_start + timedelta(days=rng.randint(0, (last_due - year_start).days))
            deadline = workdays.end_of_day(due_on)
            assigned_day = due_on - timedelta(days=rng.randint(15, 90))
            assigned = datetime.combine(assigned_day, datetime.min.time(), shanghai) + timedelta(
                minutes=rng.randint(8 * 60 + 30, 17 * 60)
            )
            assigned = min(assigned, now - timedelta(hours=1))
            sign_by = workdays.add_working_hours(assigned, hours)
            requested = closed = None
            draw = rng.random()
            if deadline < now:
                if draw < 0.65:  # closed on time
                    requested = deadline - timedelta(days=rng.randint(1, 10), hours=rng.randint(1, 8))
                elif draw < 0.80:  # closed late
                    requested = deadline + timedelta(days=rng.randint(1, 20))
                elif draw < 0.88:  # waiting for the office's review
                    requested = deadline - timedelta(days=rng.randint(0, 5), hours=3)
                    closed = False
                # else: open and overdue
            elif draw < 0.3:
                requested = min(now - timedelta(hours=2), deadline - timedelta(days=rng.randint(1, 20)))
            if requested is not None:
                requested = max(requested, assigned + timedelta(days=1))
                if requested >= now:
                    requested, closed = now - timedelta(minutes=30), False
            if requested is None:
                state = "assigned" if rng.random() < 0.04 else "in_progress"
            elif closed is False or requested + timedelta(days=2) > now:
                state, closed = "close_requested", None
            else:
                state, closed = "closed", min(requested + timedelta(days=rng.randint(1, 3)), now)
            pk = item0 + n
            lead = span.some_unit()
            items.append(
                (
                    pk, "压测督办事项", "按市政府要求抓好落实，按时反馈进展。", rng.choice(sources), lead,
                    due_on.isoformat(), stamp(deadline), rng.choice(cadences), state, office, stamp(assigned),
                    stamp(requested) if requested else None, stamp(closed) if closed else None,
                    f"bench-perf-item-{n}",
                )
            )  # fmt: skip
            units = [lead]
            for _ in range(rng.choice((0, 0, 1, 2))):
                if (unit := span.some_unit()) not in units:
                    units.append(unit)
            for k, unit in enumerate(units):
                signed = None
                draw = rng.random()
                if not (k == 0 and state == "assigned") and (k == 0 or draw < 0.95):
                    if draw < 0.88:
                        signed = assigned + (sign_by - assigned) * rng.random()
                    else:
                        signed = sign_by + timedelta(hours=rng.randint(1, 48))
                    signed = min(signed, now - timedelta(minutes=5))
                team = span.officials.get(unit) or [span.office_user]
                reported = None
                if signed is not None and rng.random() < 0.6:
                    reported = min(signed + timedelta(days=rng.randint(1, 10)), now - timedelta(minutes=1))
                parts.append(
                    (
                        part0 + len(parts), pk, unit, "lead" if k == 0 else "cooperating", stamp(sign_by),
                        stamp(signed - timedelta(minutes=3)) if signed else None, stamp(signed) if signed else None,
                        team[0] if signed else None, stamp(reported) if reported else None,
                        stamp(reported) if reported else None,
                    )
                )  # fmt: skip
    item_names = [
        "id", "title", "content", "source", "lead_unit_id", "due_on", "deadline_at", "cadence", "state",
        "assigned_by_id", "assigned_at", "close_requested_at", "closed_at", "submission_key",
    ]  # fmt: skip
    part_names = [
        "id", "item_id", "unit_id", "kind", "sign_by", "read_at", "signed_at", "signed_by_id",
        "first_report_at", "last_report_at",
    ]  # fmt: skip
    return {
        "supervision items": five_systems.bulk_rows(Item, item_names, items),
        "their parts": five_systems.bulk_rows(Assignment, part_names, parts),
    }


def load_dispatch() -> int:
    """One dispatch to every scored unit, by the supervision office; then about half the units sign for
    it (one in ten of them late), some read it only, and some of the signed report."""
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yancheng.core import clock
    from yancheng.supervision import actions
    from yancheng.supervision.models import Assignment, Item

    rng = random.Random(430400 + 25)
    by = get_user_model().objects.get(username=SUPERVISOR)
    units = list(scored_units().order_by("code"))
    started = clock.now() - timedelta(hours=30)  # sent yesterday: some units' time to sign has run out
    with mock.patch.object(clock, "now", lambda: started):
        sent = actions.dispatch(
            by=by, title="压测一键调度：全市安全生产大检查", content="请各单位立即组织开展安全生产大检查，按时反馈。",
            units=units, due_on=timezone.localdate() + timedelta(days=10), submission_key="bench-perf-dispatch",
            recipients=f"选定的 {len(units)} 个单位",
        )  # fmt: skip
    officials = officials_by_unit()
    parts = list(Assignment.objects.filter(item__dispatch=sent).select_related("item"))
    now = timezone.now()
    signed_items = []
    for part in parts:
        draw = rng.random()
        if draw < 0.5:
            late = rng.random() < 0.1
            base = part.sign_by if late else part.item.assigned_at
            span = (part.sign_by - part.item.assigned_at).total_seconds()
            at = base + timedelta(seconds=rng.uniform(60, span if not late else 6 * HOUR))
            part.signed_at = min(at, now - timedelta(minutes=1))
            part.read_at = part.signed_at - timedelta(minutes=2)
            part.signed_by_id = (officials.get(part.unit_id) or [by.pk])[0]
            if rng.random() < 0.3:
                part.first_report_at = part.last_report_at = part.signed_at + timedelta(hours=2)
            signed_items.append(part.item_id)
        elif draw < 0.65:
            part.read_at = part.item.assigned_at + timedelta(minutes=rng.randint(5, 600))
    Assignment.objects.bulk_update(
        parts, ["read_at", "signed_at", "signed_by", "first_report_at", "last_report_at"], batch_size=500
    )
    Item.objects.filter(pk__in=signed_items).update(state="in_progress")
    return len(parts)


# =====================================================================================================
# The scoring (`_score spec`): the office's schemes, computed for the month and the year, published
# =====================================================================================================


def scheme_lines():
    """Every unit-grouped indicator of the registry, weights summing to 100, a target and a floor that
    fit its measure and direction."""
    from yancheng.core import indicators
    from yancheng.core.indicators import Direction, Grouping
    from yancheng.performance.actions import Line

    found = indicators.for_grouping(Grouping.UNIT)
    weight = round(100 / len(found), 1)
    weights = [weight] * (len(found) - 1) + [round(100 - weight * (len(found) - 1), 1)]
    ranges = {"%": (100.0, 60.0), "分": (5.0, 3.0), "件": (0.0, 5.0), "分钟": (10.0, 120.0)}
    lines = []
    for indicator, w in zip(found, weights, strict=True):
        target, floor = ranges.get(indicator.measure, (100.0, 0.0))
        if indicator.direction == Direction.LOWER and target > floor:
            target, floor = floor, target
        if indicator.direction == Direction.HIGHER and target < floor:
            target, floor = floor, target
        lines.append(Line(indicator=indicator.code, weight=w, target=target, floor=floor))
    return lines


def score(spec_json: str) -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yancheng.core import indicators
    from yancheng.core.indicators import Period
    from yancheng.performance import actions
    from yancheng.performance.models import SCORED_KINDS, Score

    spec = json.loads(spec_json)
    office = get_user_model().objects.get(username=OFFICE)
    today = timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    lines = scheme_lines()
    schemes = [
        actions.create_scheme(
            by=office, name=f"压测{label}绩效考核方案", unit_kind=kind, in_force_from=date(last.year, 1, 1), lines=lines
        )
        for kind, label in SCORED_KINDS
    ]  # fmt: skip

    spent: dict[str, float] = {}
    compute = indicators.Indicator.compute

    def timed_compute(self, *args, **kwargs):  # each indicator's share of the scoring, nothing changed
        started = time.perf_counter()
        try:
            return compute(self, *args, **kwargs)
        finally:
            spent[self.code] = spent.get(self.code, 0.0) + time.perf_counter() - started

    indicators.Indicator.compute = timed_compute
    result, cards = {}, []
    for name, period in (("month", Period.month(last.year, last.month)), ("year", Period.year(last.year))):
        spent.clear()
        run = {"period": period.code, "schemes": {}, "units": 0}
        cpu, started = time.process_time(), time.perf_counter()
        for scheme in schemes:
            step = time.perf_counter()
            card = actions.compute(scheme, period, by=office)
            units = card.scores.count()
            run["schemes"][scheme.unit_kind] = (time.perf_counter() - step, units)
            run["units"] += units
            cards.append(card)
        run["s"], run["cpu_s"] = time.perf_counter() - started, time.process_time() - cpu
        run["load"] = os.getloadavg()[0]  # the machine's 1-minute load average when it ended
        run["indicators"] = dict(spent)
        result[name] = run
    indicators.Indicator.compute = compute
    for card in cards:
        actions.publish(card, by=office)

    rng = random.Random(430400 + 26)
    own_unit = get_user_model().objects.get(username=OWN_UNIT).person.unit_id
    own = list(Score.objects.filter(unit_id=own_unit, scorecard__in=cards).values_list("pk", flat=True))
    every = list(Score.objects.filter(scorecard__in=cards).values_list("pk", flat=True))
    from yancheng.supervision.models import Dispatch

    dispatch = Dispatch.objects.get(title__startswith="压测一键调度").pk
    count = spec["requests"] + projects.WARM_UP
    result["drive"] = {
        "paths": {
            "own_score": [f"/performance/scores/{own[n % len(own)]}/" for n in range(count)],
            "office_score": [f"/performance/scores/{rng.choice(every)}/" for _ in range(count)],
            "dispatch": [f"/supervision/dispatch/{dispatch}/"] * count,
            "receipts": [f"/supervision/dispatch/{dispatch}/receipts/"] * count,
        }
    }
    Path(spec["out"]).write_text(json.dumps(result))


# =====================================================================================================
# The client (`_drive spec`)
# =====================================================================================================


def sign_in(port: int, username: str) -> projects.Browser:
    browser = projects.Browser(port)
    status, _location, data = browser.get("/account/login/")
    projects.expect(status, 200, "the login page", data)
    status, _location, data = browser.post_form(
        "/account/login/", {"username": username, "password": PASSWORD}
    )
    projects.expect(status, 302, f"signing in as {username}", data)
    return browser


def timed(browser: projects.Browser, paths: list[str]) -> dict:
    status, _location, data = browser.get(paths[0])  # the page's size (and one more warm-up)
    projects.expect(status, 200, paths[0], data)
    return {**projects.timed_pages(browser, paths), "kb": len(data) / 1024}


def drive(spec_json: str) -> None:
    spec = json.loads(spec_json)
    port, paths = spec["port"], spec["paths"]
    browsers = {
        "own_score": sign_in(port, OWN_UNIT),
        "office_score": sign_in(port, OFFICE),
        "dispatch": sign_in(port, LEADER),
    }
    browsers["receipts"] = browsers["dispatch"]
    count = spec["requests"] + projects.WARM_UP
    driven = {"baseline": projects.timed_pages(browsers["office_score"], ["/api/v1/health"] * count)}
    for name in PAGES:
        driven[name] = timed(browsers[name], paths[name])
    Path(spec["out"]).write_text(json.dumps(driven))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("_load", "_score", "_drive"):
        {"_load": load, "_score": score, "_drive": drive}[sys.argv[1]](sys.argv[2])
        sys.exit(0)
    sys.exit(main())
