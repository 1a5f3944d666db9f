"""Project-ledger benchmark: the ledger's Excel import and its busiest pages at city scale, on both backends.

    .venv/bin/python bench/projects.py [--database sqlite|postgres|both] [--projects 5000] [--months 60]
                                       [--import-rows 10000] [--requests 200] [--postgres URL]

Per backend: a fresh database (SQLite in a temp YANCHENG_VAR_DIR; PostgreSQL in a database of its own,
``yancheng_bench_projects`` unless ``--postgres`` names another, created and dropped on the same server),
migrated, static files collected and the Hengyang demo loaded (``manage.py load_demo``: its counties,
units, parks, leaders, enterprises, logins and 222 projects), then bulk-loaded (``checkin.bulk_write``,
indexes and constraints rebuilt at the end and so checked) with ``--projects`` more projects over the
demo's counties, parks, units, leaders and enterprises — levels, a plan for every year of the span with
three milestones each, a creation event — and, for each, ``--months`` monthly reports up to last month,
confirmed and in force, with their milestones' progress in this year's reports.

An Excel file of ``--import-rows`` ledger rows is written the way an official fills it in: the platform's
own template (``/imports/projects/template.xlsx``'s workbook) with, for half of the rows, the bench's
projects as they are stored (a tenth of them with this year's planned investment changed) and, for the
rest, new projects.

Then granian serves the platform as in production (``--interface wsgi --workers 2 --blocking-threads
8``, debug off) with one ``manage.py worker``, and one client (plain http.client on a keep-alive
connection, signed in through the login page as the commission's ``fagaiwei``) measures, one request at a
time as a person clicks:

    baseline   GET /api/v1/health
    list       the ledger (/projects/) filtered by county, level, stage and industrial, unit, leader, a
               name, and further pages
    project    a project's page (/projects/<id>/) of a random bench project
    rankings   the monthly rankings (/projects/rankings/) by every grouping and measure, for this year's
               months
    import     the file uploaded (the preview checks every row), confirmed, and the progress polled until
               the worker has written it: from the upload's first byte to the job done; then the same file
               again (every row unchanged)

Each page kind: five warm-up requests, then ``--requests`` timed (p50, p95, max, and p95 against the
baseline's p95). Afterwards the database must hold what the import said: the jobs done, ``created`` =
the new rows and ``updated`` = the changed ones on the first, nothing created or updated on the second,
and every project of the file in the ledger.

The last line printed is ``import_s=… list_p95_ms=… project_p95_ms=… rankings_p95_ms=…`` (PostgreSQL's when
both backends run); with both, a line per backend precedes it.

The script runs as three kinds of process: this orchestrator (no Django), the loader and checker
(``_load``, ``_check``: Django on the bench database) and the client (``_drive``, plain http.client).
"""

import argparse
import http.client
import json
import random
import re
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import checkin  # bench/checkin.py: the environment, server, bulk loading and process helpers shared with it

ROOT = Path(__file__).resolve().parents[1]
PG_BENCH_DB = "yancheng_bench_projects"  # the only database this script creates, fills and drops
LOGIN = ("fagaiwei", "Hengyang@2026")  # the demo's commission official (load_demo.DEMO_PASSWORD)
WARM_UP = 5
WAN = 10_000
FIRST_SERIAL = 500_000  # bench projects' serials, clear of the demo's
NEW_SERIAL = 800_000  # the import file's new projects
PAGES = ("list", "project", "rankings")


# =====================================================================================================
# The orchestrator
# =====================================================================================================


def main() -> int:
    parser = argparse.ArgumentParser(description="Time the project ledger's import and pages at city scale.")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--projects", type=int, default=5_000)
    parser.add_argument(
        "--months", type=int, default=60, help="monthly reports per project, up to last month"
    )
    parser.add_argument("--import-rows", type=int, default=10_000, help="rows of the imported ledger file")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page kind")
    checkin.add_postgres_argument(parser, PG_BENCH_DB)
    args = parser.parse_args()
    if min(args.projects, args.months, args.requests) <= 0 or args.import_rows < 2:
        parser.error("sizes must be positive, and the file needs at least two rows")

    return checkin.run_backends(run_backend, args)


def run_backend(backend: str, args) -> str:
    title = "SQLite" if backend == "sqlite" else "PostgreSQL"
    print(
        f"\n=== {title}: {args.projects:,} projects × {args.months} monthly reports, "
        f"a {args.import_rows:,}-row ledger file, {args.requests} requests per page ===",
        flush=True,
    )
    with checkin.workspace(backend, "projects", args.postgres) as (work, env, processes):
        spec = {
            "projects": args.projects,
            "months": args.months,
            "import_rows": args.import_rows,
            "requests": args.requests,
            "file": str(work / "台账.xlsx"),
            "out": str(work / "loaded.json"),
        }
        checkin.run_child(["_load", json.dumps(spec)], env, processes, timeout=3 * 3600, script=__file__)
        loaded = json.loads((work / "loaded.json").read_text())
        print(loaded["summary"], flush=True)

        log_path = work / "granian.log"
        port = checkin.free_port()
        checkin.start_server(env, port, log_path, processes)
        worker_log = work / "worker.log"
        with worker_log.open("wb") as log:
            processes.append(
                subprocess.Popen(  # noqa: S603  (our own interpreter and manage.py)
                    [sys.executable, "manage.py", "worker"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        print("task worker: .venv/bin/python manage.py worker", flush=True)
        drive = {**spec, **loaded["drive"], "port": port, "out": str(work / "driven.json")}
        try:
            checkin.run_child(["_drive", json.dumps(drive)], env, processes, timeout=3600, script=__file__)
        except RuntimeError:
            print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
        driven = json.loads((work / "driven.json").read_text())
        for process in reversed(processes):
            checkin.stop(process)
        processes.clear()

        # What the import must have done is in the loader's file (the file's codes: too long for argv).
        check = {
            "jobs": driven["jobs"],
            "loaded": str(work / "loaded.json"),
            "out": str(work / "checked.json"),
        }
        checkin.run_child(["_check", json.dumps(check)], env, processes, timeout=600, script=__file__)
        problems = json.loads((work / "checked.json").read_text())["problems"]
        errors = [line for line in log_path.read_text(errors="replace").splitlines() if "Traceback" in line]
        return report(title, args, driven, problems, errors, worker_log)


def report(title: str, args, driven: dict, problems: list, errors: list, worker_log: Path) -> str:
    base = driven["pages"]["baseline"]
    print(f"\n{title}, one client, one request at a time ({args.requests} timed per kind after {WARM_UP}):")
    print(f"  baseline  GET /api/v1/health  {milliseconds(base)}")
    for name in PAGES:
        page = driven["pages"][name]
        print(
            f"  {name:<9} {page['label']:<22} {milliseconds(page)}  p95 {page['p95'] / base['p95']:.1f}× baseline"
        )
    first, again = driven["imports"]
    for label, result in (("import", first), ("re-import", again)):
        print(
            f"  {label:<9} {args.import_rows:,} rows: {result['total_s']:.1f} s — upload and check "
            f"{result['check_s']:.1f} s, queued and written {result['write_s']:.1f} s "
            f"({args.import_rows / max(result['total_s'], 1e-9):,.0f} rows/s)"
        )
    if errors:
        print(f"server errors: {len(errors)} tracebacks in the server's log", file=sys.stderr)
    if problems or errors:
        print(worker_log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise RuntimeError(
            "the database does not hold what the import said: " + "; ".join(problems or errors)
        )
    print("checked: both jobs done, counts as the file says, every project of the file in the ledger")
    pages = driven["pages"]
    return (
        f"import_s={first['total_s']:.2f} list_p95_ms={pages['list']['p95']:.1f} "
        f"project_p95_ms={pages['project']['p95']:.1f} rankings_p95_ms={pages['rankings']['p95']:.1f}"
    )


def milliseconds(r: dict) -> str:
    return f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, max {r['max']:.1f} ms"


# =====================================================================================================
# The loader (`_load spec`): Django on the bench database
# =====================================================================================================


def load(spec_json: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    spec = json.loads(spec_json)
    timings = {}
    step = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    timings["migrate"] = time.perf_counter() - step
    step = time.perf_counter()
    with open("/dev/null", "w") as quiet:
        call_command("load_demo", stdout=quiet)
    timings["demo"] = time.perf_counter() - step
    step = time.perf_counter()
    world = World.read()
    counts = load_projects(spec, world)
    timings["projects"] = time.perf_counter() - step
    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    timings["analyze"] = time.perf_counter() - step
    step = time.perf_counter()
    expect = write_import_file(spec, world)
    timings["file"] = time.perf_counter() - step

    from yancheng.projects.models import MonthlyReport, Project

    summary = (
        f"load: migrate and collectstatic {timings['migrate']:.1f} s, Hengyang demo {timings['demo']:.1f} s, "
        f"bench projects {timings['projects']:.1f} s, ANALYZE {timings['analyze']:.1f} s, the ledger file "
        f"{timings['file']:.1f} s\nrows: {Project.objects.count():,} projects, "
        f"{MonthlyReport.objects.count():,} monthly reports, "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items())
    )
    Path(spec["out"]).write_text(
        json.dumps({"summary": summary, "drive": drive_plan(spec, world), "expect": expect})
    )


class World:
    """What the bench's projects are made of: the demo's counties, parks, units, leaders, enterprises and
    logins (only units and leaders whose names are unique, as the import looks them up by name)."""

    @classmethod
    def read(cls) -> "World":
        from collections import Counter

        from django.contrib.auth import get_user_model

        from yancheng.core.models import Enterprise, Person, Region, Unit
        from yancheng.core.roles import Role

        world = cls()
        world.counties = list(Region.objects.filter(level=Region.Level.COUNTY, parent__code="430400"))
        world.parks = list(Unit.objects.filter(kind=Unit.Kind.PARK))
        names = Counter(Unit.objects.values_list("name", flat=True))
        government = Unit.objects.exclude(kind__in=[Unit.Kind.BANK, Unit.Kind.REGISTRY, Unit.Kind.PARK])
        world.units = [u for u in government if names[u.name] == 1]
        leaders = list(Person.objects.filter(roles__role=Role.LEADER).distinct())
        leader_names = Counter(p.full_name for p in leaders)
        world.leaders = [p for p in leaders if leader_names[p.full_name] == 1]
        world.enterprises = list(Enterprise.objects.all())
        users = dict(get_user_model().objects.values_list("username", "pk"))
        world.filer, world.confirmer = users["yezhu"], users["leiyangshi"]
        return world


LEVEL_MIX = [  # the levels a project carries, as a county's ledger holds them
    (["county_key"], 60),
    (["city_key"], 25),
    (["city_key", "county_key"], 8),
    (["provincial_key", "city_key"], 5),
    (["provincial_major", "provincial_key", "city_key"], 2),
]
STAGE_MIX = [
    ("preparation", 10),
    ("new_start", 25),
    ("continuing", 45),
    ("completed", 12),
    ("in_production", 8),
]
MILESTONE_NAMES = ("完成施工图审查", "主体结构封顶", "设备安装调试")
PROGRESS = ("主体施工有序推进", "设备进场安装", "完成基础工程", "内外装修施工", "配套道路施工")


def months_up_to_last(count: int, today: date) -> list[tuple[int, int]]:
    """The `count` months ending with last month, oldest first."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append((year, month))
    return months[::-1]


def load_projects(spec: dict, world: World) -> dict:
    """The bench's projects and everything under them, in bulk (checkin.bulk_write) with explicit ids."""
    from django.core.management.color import no_style
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from yancheng.core.validators import make_project_code
    from yancheng.projects import models as m

    rng = random.Random(430400 + 11)
    today = timezone.localdate()
    months = months_up_to_last(spec["months"], today)
    years = sorted({year for year, _month in months} | {today.year})
    counts: dict[str, int] = {}
    rows: dict[str, list] = {name: [] for name in ("project", "level", "plan", "milestone", "event")}

    def next_id(model):
        return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    ids = {
        model: next_id(model)
        for model in (m.Project, m.ProjectLevel, m.AnnualPlan, m.Milestone, m.ProjectEvent)
    }
    report_id, progress_id = next_id(m.MonthlyReport), next_id(m.MilestoneProgress)
    stamp = db_stamp(connection.vendor == "postgresql")
    now = timezone.now()
    this_year_milestones: dict[int, list[int]] = {}
    plans: dict[int, dict[int, int]] = {}
    for n in range(spec["projects"]):
        pk = ids[m.Project] + n
        county = world.counties[n % len(world.counties)]
        industrial = rng.random() < 0.7
        owner_enterprise = rng.choice(world.enterprises).pk if industrial else None
        owner_unit = None if industrial else rng.choice(world.units).pk
        total = rng.randint(5_000, 500_000) * WAN
        start = date(rng.choice(years[:-1] or years), rng.randint(1, 12), rng.randint(1, 28))
        stage = weighted(rng, STAGE_MIX)
        rows["project"].append(
            (
                pk,
                make_project_code(2020 + n % 5, county.code, FIRST_SERIAL + n),
                f"{county.name}压测{'产业' if industrial else '基础设施'}项目{n + 1:05d}号",
                industrial,
                rng.choice(["39", "38", "32", "26", "36", "48", "27"]) if industrial else "48",
                county.code,
                rng.choice(world.parks).pk if industrial and rng.random() < 0.6 else None,
                owner_enterprise,
                owner_unit,
                rng.choice(world.units).pk,
                rng.choice(world.leaders).pk if rng.random() < 0.5 else None,
                f"衡阳市{county.name}",
                f"{26.5 + rng.random():.6f}",
                f"{112.2 + rng.random():.6f}",
                "压测项目的建设内容",
                start.isoformat(),
                (start + timedelta(days=rng.randint(365, 1500))).isoformat(),
                total,
                stage,
                start.isoformat() if stage != "preparation" else None,
                today.replace(day=1).isoformat() if stage in ("completed", "in_production") else None,
                today.replace(day=1).isoformat() if stage == "in_production" else None,
                start.isoformat(),
                stamp(now),
                stamp(now),
            )
        )
        for level in weighted(rng, LEVEL_MIX):
            rows["level"].append((ids[m.ProjectLevel] + len(rows["level"]), pk, level))
        plans[pk] = {}
        for year in years:
            plan_id = ids[m.AnnualPlan] + len(rows["plan"])
            planned = rng.randint(1_000, max(1_001, total // WAN // 3)) * WAN
            rows["plan"].append((plan_id, pk, year, planned))
            plans[pk][year] = planned
            for k, name in enumerate(MILESTONE_NAMES):
                milestone_id = ids[m.Milestone] + len(rows["milestone"])
                rows["milestone"].append((milestone_id, plan_id, name, date(year, 3 + 4 * k, 28).isoformat()))
                if year == today.year:
                    this_year_milestones.setdefault(pk, []).append(milestone_id)
        rows["event"].append((ids[m.ProjectEvent] + n, pk, stamp(now), None, "created", "压测载入", "{}"))

    def reports():
        for pk, by_year in plans.items():
            for year, month in months:
                share = by_year.get(year, 0) * rng.uniform(0.6, 1.5) / 12
                yield (pk, year, month, round(share / 100) * 100)

    def report_rows():
        nonlocal report_id
        for pk, year, month, completed in reports():
            filed = stamp(local_moment(year, month, 1, 3))
            yield (
                report_id, pk, year, month, 1, "confirmed", True, completed, rng.choice(PROGRESS), "", "",
                world.filer, filed, f"bench-{pk}-{year}-{month}", world.confirmer, filed, "",
            )  # fmt: skip
            report_id += 1

    report_fields = [
        "id", "project_id", "year", "month", "version", "state", "in_force", "completed_investment",
        "progress", "problems", "correction_reason", "filed_by_id", "filed_at", "submission_key",
        "decided_by_id", "decided_at", "return_reason",
    ]  # fmt: skip
    first_report = report_id
    tables = [
        model._meta.db_table
        for model in (m.Project, m.ProjectLevel, m.AnnualPlan, m.Milestone, m.ProjectEvent, m.MonthlyReport)
    ] + [m.MilestoneProgress._meta.db_table]
    with checkin.bulk_loading(connection, tables):
        write = checkin.bulk_write
        counts["projects"] = write(connection, m.Project, PROJECT_FIELDS, rows["project"])
        counts["levels"] = write(connection, m.ProjectLevel, ["id", "project_id", "level"], rows["level"])
        counts["plans"] = write(
            connection, m.AnnualPlan, ["id", "project_id", "year", "planned_investment"], rows["plan"]
        )
        counts["milestones"] = write(
            connection, m.Milestone, ["id", "plan_id", "name", "due_on"], rows["milestone"]
        )
        counts["events"] = write(
            connection,
            m.ProjectEvent,
            ["id", "project_id", "at", "by_id", "kind", "note", "changes"],
            rows["event"],
        )
        counts["reports"] = write(connection, m.MonthlyReport, report_fields, report_rows())

        def progress_rows():
            nonlocal progress_id
            index = first_report
            for pk in plans:
                for year, month in months:
                    if year == today.year:
                        for k, milestone in enumerate(this_year_milestones[pk]):
                            status = "done" if month > 3 + 4 * k else "in_progress"
                            yield (progress_id, index, milestone, status)
                            progress_id += 1
                    index += 1

        counts["milestone progress"] = write(
            connection, m.MilestoneProgress, ["id", "report_id", "milestone_id", "status"], progress_rows()
        )
    models = [
        m.Project,
        m.ProjectLevel,
        m.AnnualPlan,
        m.Milestone,
        m.ProjectEvent,
        m.MonthlyReport,
        m.MilestoneProgress,
    ]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    m.refresh_completed(m.AnnualPlan.objects.all())  # as confirming each report would have
    return counts


PROJECT_FIELDS = [
    "id", "code", "name", "industrial", "industry", "region_id", "park_id", "owner_enterprise_id",
    "owner_unit_id", "responsible_unit_id", "leader_id", "address", "latitude", "longitude", "content",
    "starts_on", "completes_on", "total_investment", "stage", "started_on", "completed_on",
    "in_production_on", "entered_on", "created_at", "updated_at",
]  # fmt: skip


def weighted(rng, mix):
    return rng.choices([value for value, _weight in mix], weights=[weight for _value, weight in mix])[0]


def local_moment(year: int, month: int, days_after: int, hour: int):
    """`days_after` days after the end of the month, at `hour` in Asia/Shanghai, as an aware datetime."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    first = date(year + month // 12, month % 12 + 1, 1)
    moment = first + timedelta(days=days_after - 1)
    return datetime(moment.year, moment.month, moment.day, hour, tzinfo=ZoneInfo("Asia/Shanghai"))


def db_stamp(postgres: bool):
    """Aware datetimes as the database takes them in bulk (UTC text; '+00' on PostgreSQL)."""
    from datetime import UTC

    suffix = "+00" if postgres else ""
    return lambda moment: moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") + suffix


def write_import_file(spec: dict, world: World) -> dict:
    """The ledger file, written into the platform's own template; what importing it must do."""
    from io import BytesIO

    from django.utils import timezone
    from openpyxl import load_workbook

    from yancheng.core.output import importing
    from yancheng.core.validators import make_project_code
    from yancheng.projects.choices import Level, Stage
    from yancheng.projects.models import Project

    rng = random.Random(430400 + 12)
    year = timezone.localdate().year
    importer = importing.importer_for("projects")
    book = load_workbook(BytesIO(importing.template_response(importer).content))
    sheet = book.worksheets[0]
    keys = [column.key for column in importer.columns]
    level_names = {level.value: str(level.label) for level in Level}
    stage_names = {stage.value: str(stage.label) for stage in Stage}
    stored = (
        Project.objects.filter(name__contains="压测")
        .select_related("region", "park", "owner_enterprise", "owner_unit", "responsible_unit", "leader")
        .prefetch_related("levels", "plans__milestones")
        .order_by("pk")
    )
    existing = list(stored[: spec["import_rows"] // 2])
    changed = 0
    for project in existing:
        plan = next(p for p in project.plans.all() if p.year == year)
        planned = plan.planned_investment
        if rng.random() < 0.1:
            planned += 100 * WAN
            changed += 1
        row = {
            "code": project.code,
            "name": project.name,
            "levels": "、".join(level_names[level.level] for level in project.levels.all()),
            "industrial": "是" if project.industrial else "否",
            "industry": project.industry,
            "region": project.region.name,
            "park": project.park.name if project.park else None,
            "owner_uscc": project.owner_enterprise.uscc if project.owner_enterprise else None,
            "owner_unit": project.owner_unit.name if project.owner_unit else None,
            "unit": project.responsible_unit.name,
            "leader": project.leader.full_name if project.leader else None,
            "address": project.address,
            "longitude": str(project.longitude),
            "latitude": str(project.latitude),
            "starts_on": project.starts_on.isoformat(),
            "completes_on": project.completes_on.isoformat(),
            "total_investment": project.total_investment // WAN,
            "plan_year": year,
            "planned_investment": planned // WAN,
            "milestones": "；".join(f"{m.name} {m.due_on.isoformat()}" for m in plan.milestones.all()),
            "stage": stage_names[project.stage],
            "stage_on": None,
            "content": project.content,
        }
        sheet.append([row[key] for key in keys])
    created = spec["import_rows"] - len(existing)
    codes = [existing[0].code] if existing else []
    for n in range(created):
        county = world.counties[n % len(world.counties)]
        industrial = n % 3 != 0
        start = date(year, rng.randint(1, 12), rng.randint(1, 28))
        row = {
            "code": make_project_code(year - n % 3, county.code, NEW_SERIAL + n),
            "name": f"{county.name}新入库项目{n + 1:05d}号",
            "levels": "县级重点项目" if n % 4 else "市重点工程、县级重点项目",
            "industrial": "是" if industrial else "否",
            "industry": "39" if industrial else "48",
            "region": county.name,
            "park": rng.choice(world.parks).name if industrial and n % 2 else None,
            "owner_uscc": rng.choice(world.enterprises).uscc if industrial else None,
            "owner_unit": None if industrial else rng.choice(world.units).name,
            "unit": rng.choice(world.units).name,
            "leader": rng.choice(world.leaders).full_name if n % 2 else None,
            "address": f"衡阳市{county.name}",
            "longitude": f"{112.2 + rng.random():.4f}",
            "latitude": f"{26.5 + rng.random():.4f}",
            "starts_on": start.isoformat(),
            "completes_on": (start + timedelta(days=730)).isoformat(),
            "total_investment": rng.randint(5_000, 200_000),
            "plan_year": year,
            "planned_investment": rng.randint(500, 5_000),
            "milestones": f"开工建设 {year}-06-30；主体完工 {year}-12-20",
            "stage": "前期",
            "stage_on": None,
            "content": "",
        }
        sheet.append([row[key] for key in keys])
        codes.append(row["code"])
    book.save(spec["file"])
    return {
        "created": created,
        "updated": changed,
        "rows": spec["import_rows"],
        "codes": codes,
    }


def drive_plan(spec: dict, world: World) -> dict:
    """What the client asks for: the ledger's filters, bench projects' ids and the rankings' questions."""
    from django.utils import timezone

    from yancheng.projects.choices import Level, Stage
    from yancheng.projects.figures import MEASURES, RANKING_GROUPINGS
    from yancheng.projects.models import Project

    rng = random.Random(430400 + 13)
    today = timezone.localdate()
    ids = list(Project.objects.filter(name__contains="压测").values_list("pk", flat=True))
    lists = []
    for n in range(spec["requests"] + WARM_UP):
        kind = n % 7
        query = {
            0: {"region": world.counties[n % len(world.counties)].pk},
            1: {"level": list(Level)[n % len(Level)].value},
            2: {"stage": list(Stage)[n % len(Stage)].value, "industrial": "1"},
            3: {"unit": rng.choice(world.units).pk},
            4: {"leader": rng.choice(world.leaders).pk},
            5: {"q": f"{rng.randint(1, spec['projects']):05d}"},
            6: {"page": rng.randint(2, 20), "sort": "-total_investment"},
        }[kind]
        lists.append(f"/projects/?{urlencode(query)}")
    rankings = []
    months = [month for year, month in months_up_to_last(12, today) if year == today.year] or [1]
    for n in range(spec["requests"] + WARM_UP):
        query = {
            "year": today.year,
            "month": months[n % len(months)],
            "by": RANKING_GROUPINGS[n % len(RANKING_GROUPINGS)],
            "measure": MEASURES[(n // len(RANKING_GROUPINGS)) % len(MEASURES)],
        }
        rankings.append(f"/projects/rankings/?{urlencode(query)}")
    projects = [f"/projects/{rng.choice(ids)}/" for _ in range(spec["requests"] + WARM_UP)]
    return {"paths": {"list": lists, "project": projects, "rankings": rankings}}


def check(spec_json: str) -> None:
    """After the server stopped: the jobs and the ledger as the import said."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from yancheng.core.models import ImportJob
    from yancheng.projects.models import Project

    spec = json.loads(spec_json)
    spec.update(json.loads(Path(spec["loaded"]).read_text())["expect"])
    problems = []
    first, again = (ImportJob.objects.get(pk=pk) for pk in spec["jobs"])
    for job, created, updated in ((first, spec["created"], spec["updated"]), (again, 0, 0)):
        got = (job.state, job.row_count, job.created, job.updated, job.unchanged)
        want = ("done", spec["rows"], created, updated, spec["rows"] - created - updated)
        if got != want:
            problems.append(f"job {job.pk}: (state, rows, created, updated, unchanged) {got}, not {want}")
    missing = sorted(set(spec["codes"]) - set(Project.objects.values_list("code", flat=True)))[:5]
    if missing:
        problems.append(f"not in the ledger: {missing}")
    Path(spec["out"]).write_text(json.dumps({"problems": problems}))


# =====================================================================================================
# The client (`_drive spec`): plain http.client, one keep-alive connection
# =====================================================================================================


class Browser:
    """One person's keep-alive connection with the session's cookies, as a browser keeps them."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(checkin.HOST, port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"Host": checkin.HOST, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Referer"] = f"http://{checkin.HOST}:{self.port}{path}"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if method != "GET":
                raise
            # The server closed the connection while it sat idle (another client's timed run on a busy
            # machine outlasted its keep-alive): a browser opens a new one and asks again.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _eq, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), data

    def get(self, path: str):
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict, files: dict | None = None):
        token = self.cookies.get("csrftoken")
        fields = {"csrfmiddlewaretoken": token, **fields} if token else fields
        if not files:
            body = urlencode(fields).encode()
            return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (file_name, data) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
                + data
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def expect(status: int, wanted: int, what: str, data: bytes = b"") -> None:
    if status != wanted:
        raise RuntimeError(f"{what}: HTTP {status}, not {wanted}\n{data[-2000:].decode(errors='replace')}")


def sign_in(browser: Browser) -> None:
    status, _location, data = browser.get("/account/login/")
    expect(status, 200, "the login page", data)
    status, _location, data = browser.post_form(
        "/account/login/", {"username": LOGIN[0], "password": LOGIN[1]}
    )
    expect(status, 302, f"signing in as {LOGIN[0]}", data)


def timed_pages(browser: Browser, paths: list[str]) -> dict:
    times = []
    for n, path in enumerate(paths):
        started = time.perf_counter()
        status, _location, data = browser.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        expect(status, 200, path, data)
        if n >= WARM_UP:
            times.append(elapsed)
    times.sort()
    return {
        "p50": checkin.percentile(times, 0.5),
        "p95": checkin.percentile(times, 0.95),
        "max": times[-1],
    }


def import_file(browser: Browser, data: bytes) -> tuple[int, dict]:
    """Upload, confirm and wait for the job: its id and how long each part took."""
    started = time.perf_counter()
    status, location, page = browser.post_form(
        "/imports/projects/", {}, {"file": ("重大项目台账.xlsx", data)}
    )
    expect(status, 302, "uploading the ledger file", page)
    job = int(re.search(r"/imports/jobs/(\d+)/", location).group(1))
    status, _location, page = browser.get(f"/imports/jobs/{job}/")
    expect(status, 200, "the import's preview", page)
    if "确认导入".encode() not in page:
        raise RuntimeError("the preview offers no import: the file has errors\n" + page.decode()[-3000:])
    checked = time.perf_counter()
    status, _location, page = browser.post_form(f"/imports/jobs/{job}/confirm/", {})
    expect(status, 302, "confirming the import", page)
    while True:
        status, _location, page = browser.get(f"/imports/jobs/{job}/progress")
        expect(status, 200, "the import's progress", page)
        progress = json.loads(page)
        if progress["finished"]:
            break
        if time.perf_counter() - started > 1800:
            raise RuntimeError(f"the import did not finish in 30 minutes: {progress}")
        time.sleep(0.2)  # as the page's script polls
    done = time.perf_counter()
    if progress["state"] != "done":
        raise RuntimeError(f"the import ended {progress['state']}: {progress}")
    return job, {"total_s": done - started, "check_s": checked - started, "write_s": done - checked}


def drive(spec_json: str) -> None:
    spec = json.loads(spec_json)
    browser = Browser(spec["port"])
    sign_in(browser)
    labels = {
        "list": "GET /projects/?…",
        "project": "GET /projects/<id>/",
        "rankings": "GET /projects/rankings/?…",
    }
    count = spec["requests"] + WARM_UP
    pages = {"baseline": timed_pages(browser, ["/api/v1/health"] * count)}
    for name in PAGES:
        pages[name] = {**timed_pages(browser, spec["paths"][name]), "label": labels[name]}
    data = Path(spec["file"]).read_bytes()
    jobs, imports = [], []
    for _ in range(2):  # the file, then the same file again
        job, timing = import_file(browser, data)
        jobs.append(job)
        imports.append(timing)
    Path(spec["out"]).write_text(json.dumps({"pages": pages, "imports": imports, "jobs": jobs}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("_load", "_drive", "_check"):
        {"_load": load, "_drive": drive, "_check": check}[sys.argv[1]](sys.argv[2])
        sys.exit(0)
    sys.exit(main())
