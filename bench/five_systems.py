"""Five-systems benchmark: the escalation ladder's worker pass over the commitments and the problem lists
of a city's ledger, the ledger filtered by the plan's watch (deviations.py) and the commitments' and
problems' pages, on both backends.

    .venv/bin/python bench/five_systems.py [--database sqlite|postgres|both] [--projects 5000]
                                           [--commitments 20000] [--problems 50000] [--requests 200]
                                           [--postgres URL]

Per backend: a fresh database (SQLite in a temp YANCHENG_VAR_DIR; PostgreSQL in a database of its own,
``yancheng_bench_five_systems`` unless ``--postgres`` names another, created and dropped on the same
server), migrated, the Hengyang demo loaded, ``--projects`` projects bulk-loaded as bench/projects.py
loads them (12 monthly reports each), and ``--commitments`` commitments to them from the demo's units and
leaders: three in five kept (fulfilled, confirmed), the rest open or disputed with deadlines spread from
15 working days ago to 25 ahead, so that on any day some are due a reminder, some a 提示单, and so on;
and ``--problems`` problems (list items) on them, shaped the same way: three in five closed or waiting
for the raiser's confirmation, the rest open.

The ladder is timed as the worker runs it (``commitments.tasks.escalate`` and ``problems.tasks.escalate``,
the two periodic tasks, called with the moment they run at), in one process on the bench database:

    catch-up   at 09:00 yesterday, with nothing sent before: every step that held then (the worker had
               been down since the commitments were made)
    day        at 09:00 today: the steps that came due overnight
    idle       at 09:00 today again: nothing is due; what every ten-minute pass costs

Afterwards each open commitment and problem must hold exactly the steps that hold today (one row each)
and the idle pass must have sent nothing.

Then granian serves the platform (``--interface wsgi --workers 2 --blocking-threads 8``, debug off) and
one client signed in as the commission's ``fagaiwei`` times, one request at a time (five warm-up
requests, then ``--requests``): the health check (baseline), the ledger filtered by light
(``/projects/?light=red|yellow|green``, by county and further pages; the bench's plans are shaped so
that about one project in eight is red and one in fifteen yellow), the overdue commitments
(``/commitments/?overdue=on`` and its pages), a commitment's page with its ladder panel, and the overdue
problems (``/problems/?overdue=on``, its pages, a county's).

The last line printed is ``ladder_pass_s=… deviations_p95_ms=…`` (the day's pass and the filtered
ledger; PostgreSQL's when both backends run).
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
PAGES = ("deviations", "overdue", "commitment", "problems")


def main() -> int:
    parser = argparse.ArgumentParser(description="Time the escalation ladder and the commitments' pages.")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--projects", type=int, default=5_000)
    parser.add_argument("--commitments", type=int, default=20_000)
    parser.add_argument("--problems", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page kind")
    checkin.add_postgres_argument(parser, PG_BENCH_DB)
    args = parser.parse_args()
    if min(args.projects, args.commitments, args.problems, args.requests) <= 0:
        parser.error("sizes must be positive")
    return checkin.run_backends(run_backend, args)


def run_backend(backend: str, args) -> str:
    title = "SQLite" if backend == "sqlite" else "PostgreSQL"
    print(
        f"\n=== {title}: {args.projects:,} projects, {args.commitments:,} commitments, "
        f"{args.problems:,} problems, {args.requests} requests per page ===",
        flush=True,
    )
    with checkin.workspace(backend, "five", args.postgres) as (work, env, processes):
        spec = {
            "projects": args.projects,
            "months": 12,
            "commitments": args.commitments,
            "problems": args.problems,
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

        driven = checkin.serve_and_drive(env, work, processes, {**spec, **loaded["drive"]}, __file__)
        return report(title, args, passes, driven)


def report(title: str, args, passes: dict, driven: dict) -> str:
    print(f"\n{title}, the ladder's worker pass (commitments.tasks.escalate, problems.tasks.escalate):")
    for name in ("catch-up", "day", "idle"):
        run = passes[name]
        print(
            f"  {name:<9} {run['s']:.2f} s, {run['sent']:,} steps sent ({run['at']}; "
            f"commitments {run['commitment']['s']:.2f} s, {run['commitment']['sent']:,} steps; "
            f"problems {run['problem']['s']:.2f} s, {run['problem']['sent']:,} steps)"
        )
    print(
        f"checked: {passes['open']:,} open commitments and problems each hold exactly the steps due today, once"
    )
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
    counts["problems"] = load_problems(spec, world)
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
        "problems": [
            f"/problems/?overdue=on&page={rng.randint(1, 5)}"
            if n % 2
            else f"/problems/?overdue=on&region={rng.choice(counties)}"
            for n in range(count)
        ],
    }
    Path(spec["out"]).write_text(json.dumps({"summary": summary, "drive": {"paths": paths}}))


def shape_deviations() -> None:
    """The bench ledger's watch as a city's: bench/projects.py's reports meet every milestone but the
    last month's; here six projects in seven meet it too, and one in eleven completes a third of its
    monthly investment (so some are red, some yellow, most green)."""
    from django.db.models import F
    from django.utils import timezone

    from yancheng.projects import reporting
    from yancheng.projects.models import (
        AnnualPlan,
        Milestone,
        MilestoneProgress,
        MonthlyReport,
        Project,
        refresh_completed,
        refresh_met,
    )

    year, month = reporting.period_due()
    ids = list(Project.objects.values_list("pk", flat=True))
    MilestoneProgress.objects.filter(
        report__year=year, report__month=month, milestone__due_on__lt=timezone.localdate()
    ).exclude(report__project_id__in=[pk for pk in ids if pk % 7 == 0]).update(status="done")
    refresh_met(Milestone.objects.all())  # as confirming each report would have
    MonthlyReport.objects.filter(year=year, project_id__in=[pk for pk in ids if pk % 11 == 0]).update(
        completed_investment=F("completed_investment") / 3
    )
    refresh_completed(AnnualPlan.objects.filter(year=year))  # the plans' figures follow the reports


def due_days(today) -> dict:
    """{k: the day k working days from today} for the open records' deadlines (DEADLINES)."""
    from yancheng.core import workdays

    low, high = DEADLINES
    with workdays.covering(today - timedelta(days=60), today + timedelta(days=60)):
        # Past deadlines: the working day |k| working days before today (add_working_days counts forward).
        start = today - timedelta(days=3 * -low)
        past = [
            d
            for d in (start + timedelta(days=i) for i in range((today - start).days))
            if workdays.is_workday(d)
        ]
        days = {k: past[k] for k in range(low, 0)}
        days.update({k: workdays.add_working_days(today, k) for k in range(0, high + 1)})
    return days


def bulk_rows(model, names: list[str], rows) -> int:
    """Write `rows` (tuples in the order of `names`, explicit ids) in bulk and move the id sequence on."""
    from django.core.management.color import no_style
    from django.db import connection

    with checkin.bulk_loading(connection, [model._meta.db_table]):
        written = checkin.bulk_write(connection, model, names, rows)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
    return written


def first_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def load_commitments(spec: dict, world: projects.World) -> int:
    """The commitments, in bulk with explicit ids; deadlines kept with their day's end as the app does."""
    from django.db import connection
    from django.utils import timezone

    from yancheng.commitments.choices import Kind, State
    from yancheng.commitments.models import Commitment
    from yancheng.core import workdays
    from yancheng.projects.models import Project

    rng = random.Random(430400 + 12)
    today = timezone.localdate()
    stamp = projects.db_stamp(connection.vendor == "postgresql")
    project_ids = list(Project.objects.values_list("pk", flat=True))
    first = first_id(Commitment)
    days = due_days(today)
    now = timezone.now()

    def rows():
        for n in range(spec["commitments"]):
            kept = rng.random() < KEPT_SHARE
            due_on = (
                days[rng.randint(*DEADLINES)] if not kept else today - timedelta(days=rng.randint(1, 200))
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
    return bulk_rows(Commitment, names, rows())


def load_problems(spec: dict, world: projects.World) -> int:
    """The problems (list items), in bulk with explicit ids: three in five closed or waiting for the
    raiser's confirmation, the rest open with deadlines spread as the commitments'."""
    from django.db import connection
    from django.utils import timezone

    from yancheng.core import workdays
    from yancheng.problems.choices import Source, State
    from yancheng.problems.models import Problem
    from yancheng.projects.models import Project

    rng = random.Random(430400 + 14)
    today = timezone.localdate()
    stamp = projects.db_stamp(connection.vendor == "postgresql")
    project_ids = list(Project.objects.values_list("pk", flat=True))
    first = first_id(Problem)
    days = due_days(today)
    now = timezone.now()

    def rows():
        for n in range(spec["problems"]):
            done = rng.random() < KEPT_SHARE
            due_on = (
                days[rng.randint(*DEADLINES)] if not done else today - timedelta(days=rng.randint(1, 200))
            )
            state = rng.choice([State.CLOSED] * 4 + [State.RESOLVED]) if done else State.OPEN
            raised_on = due_on - timedelta(days=30)
            yield (
                first + n, rng.choice(project_ids), "压测问题：配套设施未到位", "责任单位限期整改",
                rng.choice(world.units).pk, rng.choice(Source.values), raised_on.isoformat(), due_on.isoformat(),
                stamp(workdays.end_of_day(due_on)), state, due_on.isoformat() if done else None,
                stamp(now) if state == State.CLOSED else None, world.filer, stamp(now), f"bench-{uuid.uuid4().hex}",
            )  # fmt: skip

    names = [
        "id", "project_id", "description", "measures", "unit_id", "source", "raised_on", "due_on", "deadline_at",
        "state", "resolved_on", "closed_at", "raised_by_id", "raised_at", "submission_key",
    ]  # fmt: skip
    return bulk_rows(Problem, names, rows())


def passes(out: str) -> None:
    setup_django()
    from datetime import datetime
    from datetime import time as clock_time
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from yancheng.commitments import tasks as commitment_tasks
    from yancheng.commitments.choices import PENDING
    from yancheng.commitments.ladders import COMMITMENT
    from yancheng.commitments.models import Commitment
    from yancheng.problems import tasks as problem_tasks
    from yancheng.problems.choices import State
    from yancheng.problems.ladders import PROBLEM
    from yancheng.problems.models import Problem

    shanghai = ZoneInfo("Asia/Shanghai")
    today = timezone.localdate()
    moments = {
        "catch-up": datetime.combine(today - timedelta(days=1), clock_time(9), shanghai),
        "day": datetime.combine(today, clock_time(9), shanghai),
        "idle": datetime.combine(today, clock_time(9), shanghai),
    }
    watched = {
        COMMITMENT.kind: (
            commitment_tasks.escalate,
            COMMITMENT,
            Commitment.objects.filter(state__in=PENDING),
        ),
        PROBLEM.kind: (problem_tasks.escalate, PROBLEM, Problem.objects.filter(state=State.OPEN)),
    }
    result: dict = {"problems": [], "open": 0}
    for name, moment in moments.items():
        result[name] = {"s": 0.0, "sent": 0, "at": moment.isoformat()}
        for kind, (escalate, _ladder, _pending) in watched.items():
            started = time.perf_counter()
            sent = escalate(moment)
            result[name][kind] = {"s": time.perf_counter() - started, "sent": sent}
            result[name]["s"] += result[name][kind]["s"]
            result[name]["sent"] += sent
    if result["idle"]["sent"]:
        result["problems"].append(f"the idle pass sent {result['idle']['sent']} steps")
    for kind, (_escalate, ladder_of, pending) in watched.items():
        sent = result["catch-up"][kind]["sent"] + result["day"][kind]["sent"]
        result["problems"] += check_steps(ladder_of, pending, sent, [moments["catch-up"], moments["day"]])
        result["open"] += pending.count()
    Path(out).write_text(json.dumps(result))


def check_steps(ladder_of, pending, sent: int, moments) -> list[str]:
    """Each pending record holds exactly the steps that held at `moments`, once; the rows are `sent`."""
    from yancheng.core import ladder
    from yancheng.core.models import LadderStep

    rows = LadderStep.objects.filter(kind=ladder_of.kind)
    if rows.count() != sent:
        return [
            f"{ladder_of.kind}: {rows.count()} ladder rows for the {sent} steps the passes said they sent"
        ]
    taken: dict[int, set] = {}
    for object_id, rung in rows.values_list("object_id", "rung"):
        taken.setdefault(object_id, set()).add(rung)
    for record in pending.iterator():
        # A reminder sent yesterday stays sent once the deadline has passed (today's pass skips it).
        due = {
            step.rung
            for moment in moments
            for step in ladder.steps_due(ladder_of, record.deadline_at, moment)
        }
        if taken.get(record.pk, set()) != due:
            return [f"{ladder_of.kind} {record.pk}: sent {taken.get(record.pk)}, due {due}"]
    return []


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
        "problems": "GET /problems/?overdue=on…",
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
