"""Five-systems benchmark: the escalation ladder's worker pass over the commitments of a city's ledger,
the ledger filtered by the plan's watch (deviations.py) and the commitments' pages, on both backends.

    .venv/bin/python bench/five_systems.py [--database sqlite|postgres|both] [--projects 5000]
                                           [--commitments 20000] [--requests 200] [--postgres URL]

Per backend: a fresh database (SQLite in a temp YANCHENG_VAR_DIR; PostgreSQL in a database of its own,
``yancheng_bench_five_systems`` unless ``--postgres`` names another, created and dropped on the same
server), migrated, the Hengyang demo loaded, ``--projects`` projects bulk-loaded as bench/projects.py
loads them (12 monthly reports each), and ``--commitments`` commitments to them from the demo's units and
leaders: three in five kept (fulfilled, confirmed), the rest open or disputed with deadlines spread from
15 working days ago to 25 ahead, so that on any day some are due a reminder, some a 提示单, and so on.

The ladder is timed as the worker runs it (``commitments.tasks.escalate``, the periodic task, called
with the moment it runs at), in one process on the bench database:

    catch-up   at 09:00 yesterday, with nothing sent before: every step that held then (the worker had
               been down since the commitments were made)
    day        at 09:00 today: the steps that came due overnight
    idle       at 09:00 today again: nothing is due; what every ten-minute pass costs

Afterwards each open commitment must hold exactly the steps that hold today (one row each) and the idle
pass must have sent nothing.

Then granian serves the platform (``--interface wsgi --workers 2 --blocking-threads 8``, debug off) and
one client signed in as the commission's ``fagaiwei`` times, one request at a time (five warm-up
requests, then ``--requests``): the health check (baseline), the ledger filtered by light
(``/projects/?light=red|yellow|green``, by county and further pages; the bench's plans are shaped so
that about one project in eight is red and one in fifteen yellow), the overdue commitments
(``/commitments/?overdue=on`` and its pages), and a commitment's page with its ladder panel.

The last line printed is ``ladder_pass_s=… deviations_p95_ms=…`` (the day's pass and the filtered
ledger; PostgreSQL's when both backends run). Issue 12 also asks for the problems' ladder over 50,000
list items: added with the problems app.
"""

import argparse
import json
import random
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import checkin  # bench/checkin.py: the environment, server, bulk loading and process helpers
import projects  # bench/projects.py: the ledger's bench projects, the client

PG_BENCH_DB = "yancheng_bench_five_systems"  # the only database this script creates, fills and drops
KEPT_SHARE = 0.6
DEADLINES = (-15, 25)  # open commitments' deadlines, in working days from today
PAGES = ("deviations", "overdue", "commitment")


def main() -> int:
    parser = argparse.ArgumentParser(description="Time the escalation ladder and the commitments' pages.")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--projects", type=int, default=5_000)
    parser.add_argument("--commitments", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page kind")
    checkin.add_postgres_argument(parser, PG_BENCH_DB)
    args = parser.parse_args()
    if min(args.projects, args.commitments, args.requests) <= 0:
        parser.error("sizes must be positive")
    return checkin.run_backends(run_backend, args)


def run_backend(backend: str, args) -> str:
    title = "SQLite" if backend == "sqlite" else "PostgreSQL"
    print(
        f"\n=== {title}: {args.projects:,} projects, {args.commitments:,} commitments, "
        f"{args.requests} requests per page ===",
        flush=True,
    )
    with checkin.workspace(backend, "five", args.postgres) as (work, env, processes):
        spec = {
            "projects": args.projects,
            "months": 12,
            "commitments": args.commitments,
            "requests": args.requests,
            "out": str(work / "loaded.json"),
        }
        checkin.run_child(["_load", json.dumps(spec)], env, processes, timeout=3 * 3600, script=__file__)
        loaded = json.loads((work / "loaded.json").read_text())
        print(loaded["summary"], flush=True)

        passes_out = work / "passes.json"
        checkin.run_child(["_passes", str(passes_out)], env, processes, timeout=3 * 3600, script=__file__)
        passes = json.loads(passes_out.read_text())
        if passes["problems"]:
            raise RuntimeError("the ladder did not send what holds: " + "; ".join(passes["problems"]))

        log_path = work / "granian.log"
        port = checkin.free_port()
        checkin.start_server(env, port, log_path, processes)
        drive = {**spec, **loaded["drive"], "port": port, "out": str(work / "driven.json")}
        try:
            checkin.run_child(["_drive", json.dumps(drive)], env, processes, timeout=3600, script=__file__)
        except RuntimeError:
            print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
        driven = json.loads((work / "driven.json").read_text())
        errors = [line for line in log_path.read_text(errors="replace").splitlines() if "Traceback" in line]
        if errors:
            print(log_path.read_text(errors="replace")[-6000:], file=sys.stderr)
            raise RuntimeError(f"server errors: {len(errors)} tracebacks in the server's log")
        return report(title, args, passes, driven)


def report(title: str, args, passes: dict, driven: dict) -> str:
    print(f"\n{title}, the ladder's worker pass (commitments.tasks.escalate):")
    for name in ("catch-up", "day", "idle"):
        run = passes[name]
        print(f"  {name:<9} {run['s']:.2f} s, {run['sent']:,} steps sent ({run['at']})")
    print(f"checked: {passes['open']:,} open commitments each hold exactly the steps due today, once")
    base = driven["baseline"]
    print(f"{title}, one client, one request at a time ({args.requests} timed per kind):")
    print(f"  baseline   GET /api/v1/health  {projects.milliseconds(base)}")
    for name in PAGES:
        page = driven[name]
        print(
            f"  {name:<10} {page['label']:<26} {projects.milliseconds(page)}  "
            f"p95 {page['p95'] / base['p95']:.1f}× baseline"
        )
    return f"ladder_pass_s={passes['day']['s']:.2f} deviations_p95_ms={driven['deviations']['p95']:.1f}"


# =====================================================================================================
# The loader (`_load spec`) and the passes (`_passes out`): Django on the bench database
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
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    with open("/dev/null", "w") as quiet:
        call_command("load_demo", stdout=quiet)
    world = projects.World.read()
    counts = projects.load_projects(spec, world)
    shape_deviations()
    counts["commitments"] = load_commitments(spec, world)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    from yancheng.commitments.models import Commitment
    from yancheng.core.models import Region, Unit

    summary = f"load: {time.perf_counter() - started:.1f} s; rows: " + ", ".join(
        f"{name} {count:,}" for name, count in counts.items()
    )
    rng = random.Random(7)
    some = list(Commitment.objects.order_by("?").values_list("pk", flat=True)[:50])
    units = list(Unit.objects.filter(commitments__isnull=False).distinct().values_list("pk", flat=True))
    count = spec["requests"] + projects.WARM_UP
    counties = list(
        Region.objects.filter(level=Region.Level.COUNTY, parent__code="430400").values_list("pk", flat=True)
    )
    paths = {
        "deviations": [
            f"/projects/?light={rng.choice(['red', 'yellow'])}&page={rng.randint(1, 5)}"
            if n % 2
            else f"/projects/?light={rng.choice(['red', 'yellow', 'green'])}&region={rng.choice(counties)}"
            for n in range(count)
        ],
        "overdue": [
            f"/commitments/?overdue=on&page={rng.randint(1, 5)}"
            if n % 2
            else f"/commitments/?overdue=on&unit={rng.choice(units)}"
            for n in range(count)
        ],
        "commitment": [f"/commitments/{rng.choice(some)}/" for _ in range(count)],
    }
    Path(spec["out"]).write_text(json.dumps({"summary": summary, "drive": {"paths": paths}}))


def shape_deviations() -> None:
    """The bench ledger's watch as a city's: bench/projects.py's reports meet every milestone but the
    last month's; here six projects in seven meet it too, and one in eleven completes a third of its
    monthly investment (so some are red, some yellow, most green)."""
    from django.db.models import F
    from django.utils import timezone

    from yancheng.projects import reporting
    from yancheng.projects.models import Milestone, MilestoneProgress, MonthlyReport, Project, refresh_met

    year, month = reporting.period_due()
    ids = list(Project.objects.values_list("pk", flat=True))
    MilestoneProgress.objects.filter(
        report__year=year, report__month=month, milestone__due_on__lt=timezone.localdate()
    ).exclude(report__project_id__in=[pk for pk in ids if pk % 7 == 0]).update(status="done")
    refresh_met(Milestone.objects.all())  # as confirming each report would have
    MonthlyReport.objects.filter(year=year, project_id__in=[pk for pk in ids if pk % 11 == 0]).update(
        completed_investment=F("completed_investment") / 3
    )


def load_commitments(spec: dict, world: projects.World) -> int:
    """The commitments, in bulk with explicit ids; deadlines kept with their day's end as the app does."""
    from django.core.management.color import no_style
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from yancheng.commitments.choices import Kind, State
    from yancheng.commitments.models import Commitment
    from yancheng.core import workdays
    from yancheng.projects.models import Project

    rng = random.Random(430400 + 12)
    today = timezone.localdate()
    stamp = projects.db_stamp(connection.vendor == "postgresql")
    project_ids = list(Project.objects.values_list("pk", flat=True))
    first = (Commitment.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    low, high = DEADLINES
    with workdays.covering(today - timedelta(days=60), today + timedelta(days=60)):
        # Past deadlines: the working day |k| working days before today (add_working_days counts forward).
        start = today - timedelta(days=3 * -low)
        past = [
            d
            for d in (start + timedelta(days=i) for i in range((today - start).days))
            if workdays.is_workday(d)
        ]
        due_days = {k: past[k] for k in range(low, 0)}
        due_days.update({k: workdays.add_working_days(today, k) for k in range(0, high + 1)})
    now = timezone.now()

    def rows():
        for n in range(spec["commitments"]):
            kept = rng.random() < KEPT_SHARE
            due_on = (
                due_days[rng.randint(low, high)] if not kept else today - timedelta(days=rng.randint(1, 200))
            )
            state = (
                rng.choice([State.CONFIRMED, State.FULFILLED])
                if kept
                else rng.choice([State.OPEN] * 4 + [State.DISPUTED])
            )
            yield (
                first + n, rng.choice(project_ids), rng.choice(Kind.values), "压测承诺：按期完成配套事项",
                rng.choice(world.units).pk, rng.choice(world.leaders).pk if rng.random() < 0.3 else None,
                "项目业主", (due_on - timedelta(days=30)).isoformat(), due_on.isoformat(),
                stamp(workdays.end_of_day(due_on)), state, due_on.isoformat() if kept else None,
                world.filer, stamp(now), f"bench-{uuid.uuid4().hex}",
            )  # fmt: skip

    names = [
        "id", "project_id", "kind", "content", "unit_id", "leader_id", "promised_to", "made_on", "due_on",
        "deadline_at", "state", "fulfilled_on", "created_by_id", "created_at", "submission_key",
    ]  # fmt: skip
    with checkin.bulk_loading(connection, [Commitment._meta.db_table]):
        written = checkin.bulk_write(connection, Commitment, names, rows())
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Commitment]):
            cursor.execute(statement)
    return written


def passes(out: str) -> None:
    setup_django()
    from datetime import datetime
    from datetime import time as clock_time
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from yancheng.commitments import tasks
    from yancheng.commitments.choices import PENDING
    from yancheng.commitments.ladders import COMMITMENT
    from yancheng.commitments.models import Commitment
    from yancheng.core import ladder
    from yancheng.core.models import LadderStep

    shanghai = ZoneInfo("Asia/Shanghai")
    today = timezone.localdate()
    moments = {
        "catch-up": datetime.combine(today - timedelta(days=1), clock_time(9), shanghai),
        "day": datetime.combine(today, clock_time(9), shanghai),
        "idle": datetime.combine(today, clock_time(9), shanghai),
    }
    result: dict = {"problems": []}
    for name, moment in moments.items():
        started = time.perf_counter()
        sent = tasks.escalate(moment)
        result[name] = {"s": time.perf_counter() - started, "sent": sent, "at": moment.isoformat()}
    if result["idle"]["sent"]:
        result["problems"].append(f"the idle pass sent {result['idle']['sent']} steps")
    rows = LadderStep.objects.filter(kind=COMMITMENT.kind)
    if rows.count() != result["catch-up"]["sent"] + result["day"]["sent"]:
        result["problems"].append(f"{rows.count()} ladder rows for the steps the passes said they sent")
    taken: dict[int, set] = {}
    for object_id, rung in rows.values_list("object_id", "rung"):
        taken.setdefault(object_id, set()).add(rung)
    pending = Commitment.objects.filter(state__in=PENDING)
    for commitment in pending.iterator():
        # A reminder sent yesterday stays sent once the deadline has passed (today's pass skips it).
        due = {
            step.rung
            for moment in (moments["catch-up"], moments["day"])
            for step in ladder.steps_due(COMMITMENT, commitment.deadline_at, moment)
        }
        if taken.get(commitment.pk, set()) != due:
            result["problems"].append(
                f"commitment {commitment.pk}: sent {taken.get(commitment.pk)}, due {due}"
            )
            break
    result["open"] = pending.count()
    Path(out).write_text(json.dumps(result))


# =====================================================================================================
# The client (`_drive spec`)
# =====================================================================================================


def drive(spec_json: str) -> None:
    spec = json.loads(spec_json)
    browser = projects.Browser(spec["port"])
    projects.sign_in(browser)
    count = spec["requests"] + projects.WARM_UP
    labels = {
        "deviations": "GET /projects/?light=…",
        "overdue": "GET /commitments/?overdue=on…",
        "commitment": "GET /commitments/<id>/",
    }
    driven = {"baseline": projects.timed_pages(browser, ["/api/v1/health"] * count)}
    for name in PAGES:
        driven[name] = {**projects.timed_pages(browser, spec["paths"][name]), "label": labels[name]}
    Path(spec["out"]).write_text(json.dumps(driven))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("_load", "_passes", "_drive"):
        {"_load": load, "_passes": passes, "_drive": drive}[sys.argv[1]](sys.argv[2])
        sys.exit(0)
    sys.exit(main())
