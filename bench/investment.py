"""Investment-attraction benchmark (issue 14): the big-data funnel by county and by sector and the
warnings list over a city's leads, through the production server, on both backends.

    .venv/bin/python bench/investment.py [--database sqlite|postgres|both] [--leads 100000]
                                         [--events 1000000] [--requests 200] [--postgres URL]

Per backend: a fresh database (SQLite in a temp YANCHENG_VAR_DIR; PostgreSQL in a database of its own,
``yancheng_bench_investment`` unless ``--postgres`` names another, created and dropped on the same
server), migrated, the Hengyang demo loaded, the investment office set (``InvestmentRules.office``: the
demo's 市商务局, the default limits), then in bulk (``checkin.bulk_write``, indexes and constraints
rebuilt at the end and so checked):

- ``--leads`` leads over last year and this year so far, in Hengyang's 12 counties: investors by their
  USCC (one in twenty abroad, by name and country), GB/T 4754 divisions, sources, some in a park; the
  responsible unit the county's government, a city department or the office itself, the responsible
  person one of its officials; every stage of the funnel (some dropped with a reason), each stage's
  date the day it was first reached and consistent with the others; one in thirty an expansion of an
  earlier lead, counting only its increase; signed ones with a contract start date and a schedule of
  funds (``FundsLine``), funded ones with their transfers (``funded_total`` their sum);
- shaped so that each of the five warnings (warnings.py) holds for a few percent of the leads: in the
  pool or in talks beyond the limit, signed and not started by the contract's date, funds behind the
  schedule, nothing recorded for longer than the idle limit;
- their history (``LeadEvent``: filed, each stage, follow-ups, the drop) and the transfers (each with
  its own transfer event), about ``--events`` rows in all (events plus transfers);
- then what the actions keep on write recounted (``summary.refresh``: the big-data view's cells, each
  lead's funds-behind day), as after any bulk load.

Then granian serves the platform (``--interface wsgi --workers 2 --blocking-threads 8``, debug off) and
one client signed in as the demo's ``leader`` (who sees every lead) checks that each page answers 200
and that the funnel's pooled count for this year is the number of leads pooled this year, then times,
one request at a time (five warm-up requests, then ``--requests``): the health check (baseline); the
funnel (``/investment/big-data/?year=<this year>&by=region`` and ``by=section`` alternating, some
``by=unit`` and ``by=source``); the warnings list (``/investment/?warning=any&page=1…5``, some of one
kind, some of one county).

The last line printed is ``funnel_p95_ms=… warnings_p95_ms=…`` (PostgreSQL's when both backends run).
"""

import argparse
import json
import math
import random
import re
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import checkin  # bench/checkin.py: the environment, server, bulk loading and process helpers
import five_systems  # bench/five_systems.py: explicit ids
import performance  # bench/performance.py: Django set-up, signing in as a demo login, timed pages
import projects  # bench/projects.py: the demo's world, stamps, the client

PG_BENCH_DB = "yancheng_bench_investment"  # the only database this script creates, fills and drops
LOGIN = "leader"  # the demo's leader: sees every lead
CHUNK = 10_000  # leads generated and written at a time (with their events, transfers and schedules)
PAGES = ("funnel", "warnings")
LABELS = {"funnel": "/investment/big-data/?year=…&by=…", "warnings": "/investment/?warning=…"}
# The stage a lead has reached, as a city's pool holds them (dropped: given up before a signing).
STAGE_MIX = [
    ("pooled", 12), ("negotiating", 14), ("signed", 10), ("started", 12), ("funded", 22),
    ("producing", 20), ("dropped", 10),
]  # fmt: skip
ORDER = ("pooled", "negotiating", "signed", "started", "funded", "producing")
GAPS = {  # days from the stage before: (fewest, most)
    "negotiating": (5, 90),
    "signed": (15, 200),
    "started": (20, 150),
    "funded": (0, 60),
    "producing": (60, 300),
}
# Within its stage, the share of leads with each warning (with the default limits: 90, 180, 30 days, 10%).
WARNED = {
    "pooled_long": 0.25,
    "negotiating_long": 0.22,
    "not_started": 0.3,
    "funds_behind": 0.07,
    "idle": 0.05,
}
SOURCE_MIX = [("team", 35), ("by_business", 30), ("fair", 15), ("online", 12), ("other", 8)]
COUNTRIES = ("德国", "日本", "韩国", "新加坡", "美国", "中国香港", "中国台湾")
DROP_REASONS = ("投资方战略调整，项目终止", "用地条件不具备", "投资方资金链紧张", "落户外地")
HOURS = range(9, 18)


# =====================================================================================================
# The orchestrator
# =====================================================================================================


def main() -> int:
    parser = argparse.ArgumentParser(description="Time the investment funnel and warnings list.")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000, help="lead events plus transfers")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page kind")
    checkin.add_postgres_argument(parser, PG_BENCH_DB)
    args = parser.parse_args()
    if min(args.leads, args.requests) <= 0 or args.events < 0:
        parser.error("sizes must be positive")
    return checkin.run_backends(run_backend, args)


def run_backend(backend: str, args) -> str:
    title = "SQLite" if backend == "sqlite" else "PostgreSQL"
    print(
        f"\n=== {title}: {args.leads:,} leads, about {args.events:,} events and transfers, "
        f"{args.requests} requests per page ===",
        flush=True,
    )
    with checkin.workspace(backend, "investment", args.postgres) as (work, env, processes):
        spec = {
            "leads": args.leads,
            "events": args.events,
            "requests": args.requests,
            "out": str(work / "loaded.json"),
        }
        checkin.run_child(["_load", json.dumps(spec)], env, processes, timeout=3 * 3600, script=__file__)
        loaded = json.loads((work / "loaded.json").read_text())
        print(loaded["summary"], flush=True)
        driven = checkin.serve_and_drive(env, work, processes, {**spec, **loaded["drive"]}, __file__)
        return report(title, args, driven)


def report(title: str, args, driven: dict) -> str:
    base = driven["baseline"]
    print(f"\n{title}, one client ({LOGIN}), one request at a time ({args.requests} timed per kind):")
    print(f"checked: every page answers 200; the funnel's pooled count is {driven['pooled']:,}, as stored")
    print(f"  baseline  GET /api/v1/health  {projects.milliseconds(base)}")
    for name in PAGES:
        page = driven[name]
        print(
            f"  {name:<9} GET {LABELS[name]:<36} {projects.milliseconds(page)}  "
            f"p95 {page['p95'] / base['p95']:.1f}× baseline, {page['kb']:.0f} kB"
        )
    return f"funnel_p95_ms={driven['funnel']['p95']:.1f} warnings_p95_ms={driven['warnings']['p95']:.1f}"


# =====================================================================================================
# The loader (`_load spec`): Django on the bench database
# =====================================================================================================


def load(spec_json: str) -> None:
    performance.setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    spec = json.loads(spec_json)
    postgres = connection.vendor == "postgresql"
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    with open("/dev/null", "w") as quiet:
        call_command("load_demo", stdout=quiet)
    demo_s = time.perf_counter() - started
    office = set_office()
    step = time.perf_counter()
    counts = load_leads(spec, Cast.read(office), postgres)
    load_s = time.perf_counter() - step
    step = time.perf_counter()
    from yancheng.investment import summary

    summary.refresh()  # written in bulk, past the actions: the funnel's cells and funds behind recounted
    recount_s = time.perf_counter() - step
    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if postgres else "ANALYZE")
    analyze_s = time.perf_counter() - step

    from yancheng.core.models import Region
    from yancheng.investment import warnings
    from yancheng.investment.choices import WarningKind
    from yancheng.investment.models import Lead

    today = timezone.localdate()
    limits = warnings.Limits.now()
    warned = warnings.with_funds_due(Lead.objects.all(), limits).aggregate(
        **{kind: _count(q) for kind, q in warnings.conditions(limits).items()}
    )
    pooled = Lead.objects.filter(pooled_on__year=today.year).count()
    summary = (
        f"load: {time.perf_counter() - started:.1f} s — migrate and demo {demo_s:.1f} s, the leads "
        f"{load_s:.1f} s, their recount (summary.refresh) {recount_s:.1f} s, ANALYZE {analyze_s:.1f} s\nrows: "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items())
        + f"\nwarnings ({office.name} the office, the default limits): "
        + ", ".join(
            f"{WarningKind(kind).label} {n:,} ({100 * n / counts['leads']:.1f}%)"
            for kind, n in warned.items()
        )
        + f"; pooled this year {pooled:,}"
    )
    rng = random.Random(14)
    counties = list(
        Region.objects.filter(level=Region.Level.COUNTY, parent__code="430400").values_list("pk", flat=True)
    )
    count = spec["requests"] + projects.WARM_UP
    groups = ["region", "section"] * 4 + ["unit", "source"]
    paths = {
        "funnel": [
            f"/investment/big-data/?year={today.year}&by={groups[n % len(groups)]}" for n in range(count)
        ],
        "warnings": [
            f"/investment/?warning={rng.choice(WarningKind.values)}"
            if n % 4 == 1
            else f"/investment/?warning=any&region={rng.choice(counties)}"
            if n % 4 == 3
            else f"/investment/?warning=any&page={rng.randint(1, 5)}"
            for n in range(count)
        ],
    }
    drive = {"paths": paths, "pooled": pooled, "year": today.year}
    Path(spec["out"]).write_text(json.dumps({"summary": summary, "drive": drive}))


def _count(condition):
    from django.db.models import Count

    return Count("pk", filter=condition)


def set_office():
    """The investment office: the demo's 市商务局 (any department if the demo has none), in the rules'
    row (created with the default limits when the demo has none)."""
    from yancheng.core.models import Unit
    from yancheng.investment.models import InvestmentRules

    office = (
        Unit.objects.filter(code="city-commerce").first()
        or Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).order_by("pk").first()
    )
    rules = InvestmentRules.current()
    if rules.office_id is None:
        rules.office = office
        rules.save()
    return rules.office


class Cast:
    """Who the leads are made of: the counties, their governments and parks, the city departments, and
    each unit's officials (person, user)."""

    @classmethod
    def read(cls, office) -> "Cast":
        from yancheng.core.models import Person, Unit

        world = projects.World.read()
        cast = cls()
        cast.counties = sorted(world.counties, key=lambda county: county.pk)
        officials: dict[int, list[tuple[int, int]]] = {}
        for person, user, unit in (
            Person.objects.filter(unit__isnull=False, user__isnull=False)
            .order_by("pk")
            .values_list("pk", "user_id", "unit_id")
        ):
            officials.setdefault(unit, []).append((person, user))
        cast.officials = officials
        staffed = [u for u in Unit.objects.order_by("pk") if u.pk in officials]
        cast.governments = {
            u.region_id: u for u in staffed if u.kind == Unit.Kind.COUNTY_GOVERNMENT
        }  # a county's own
        cast.departments = [u for u in staffed if u.kind == Unit.Kind.DEPARTMENT]
        cast.office = office if office.pk in officials else (cast.departments or [office])[0]
        cast.parks = {}
        for park in sorted(world.parks, key=lambda park: park.pk):
            cast.parks.setdefault(park.region_id, []).append(park)
        if not cast.departments and not cast.governments:
            raise RuntimeError("the demo has no staffed county government or department")
        return cast

    def responsible(self, rng, county):
        """A lead's unit: mostly the county's government, else a city department or the office."""
        own = self.governments.get(county.pk)
        roll = rng.random()
        if own is not None and roll < 0.65:
            return own
        if roll < 0.9 and self.departments:
            return rng.choice(self.departments)
        return self.office if self.office.pk in self.officials else own or rng.choice(self.departments)


LEAD_FIELDS = [
    "id", "name", "investor_name", "investor_uscc", "investor_country", "investor_key", "name_key",
    "industry", "source", "region_id", "park_id", "unit_id", "person_id", "content", "contracted_amount",
    "expands_id", "counted_amount", "stage", "stage_since", "pooled_on", "negotiating_on", "signed_on",
    "start_due_on", "started_on", "funded_on", "producing_on", "dropped_on", "drop_reason", "funded_total",
    "last_activity_on", "created_by_id", "created_at", "submission_key",
]  # fmt: skip
EVENT_FIELDS = ["id", "lead_id", "kind", "stage", "at", "by_id", "note"]
TRANSFER_FIELDS = ["id", "lead_id", "event_id", "amount", "received_on"]
LINE_FIELDS = ["id", "lead_id", "due_on", "amount"]


def load_leads(spec: dict, cast: Cast, postgres: bool) -> dict:
    """The leads, their events, transfers and schedules, in bulk with explicit ids, CHUNK leads at a
    time, in one load (bulk_loading: indexes and constraints rebuilt, and so checked, at the end)."""
    from django.core.management.color import no_style
    from django.db import connection

    from yancheng.investment.models import FundsLine, Lead, LeadEvent, Transfer

    models = {"leads": Lead, "events": LeadEvent, "transfers": Transfer, "funds lines": FundsLine}
    fields = {
        "leads": LEAD_FIELDS,
        "events": EVENT_FIELDS,
        "transfers": TRANSFER_FIELDS,
        "funds lines": LINE_FIELDS,
    }
    maker = LeadMaker(
        spec, cast, postgres, {name: five_systems.first_id(model) for name, model in models.items()}
    )
    counts = dict.fromkeys(models, 0)
    with checkin.bulk_loading(connection, [model._meta.db_table for model in models.values()]):
        made = 0
        while made < spec["leads"]:
            rows = maker.chunk(min(CHUNK, spec["leads"] - made))
            for name, model in models.items():
                counts[name] += checkin.bulk_write(connection, model, fields[name], rows[name])
            made += len(rows["leads"])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
            cursor.execute(statement)
    return counts


class LeadMaker:
    """Leads shaped as a city's: the day each stage was reached worked back from the stage's own day
    (chosen so that a warning holds or not), the schedule and the transfers from the signing."""

    def __init__(self, spec: dict, cast: Cast, postgres: bool, first_ids: dict):
        from django.utils import timezone

        from yancheng.core.reference.industries import DIVISIONS
        from yancheng.core.validators import make_uscc
        from yancheng.investment.actions import identity

        self.make_uscc, self.identity = make_uscc, identity
        self.rng = random.Random(430400 + 14)
        self.cast = cast
        self.today = timezone.localdate()
        self.T = self.today.toordinal()
        self.S = date(self.today.year - 1, 1, 1).toordinal()
        self.ids = dict(first_ids)
        self.divisions = list(DIVISIONS.items())
        self.remaining_leads = spec["leads"]
        self.remaining_rows = spec["events"]
        self.made, self.fixed_rows = 0, 0  # leads made, and the rows they made other than follow-ups
        self.earlier: list[tuple[int, int]] = []  # (id, contracted amount): leads an expansion may expand
        stamp = projects.db_stamp(postgres)
        shanghai = ZoneInfo("Asia/Shanghai")
        self.days = {d: date.fromordinal(d).isoformat() for d in range(self.S - 1, self.T + 800)}
        self.stamps = {
            (d, hour): stamp(
                datetime.combine(date.fromordinal(d), datetime.min.time(), shanghai) + timedelta(hours=hour)
            )
            for d in range(self.S - 1, self.T + 1)
            for hour in HOURS
        }

    def next_id(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name] - 1

    def day(self, d: int | None) -> str | None:
        return None if d is None else self.days[d]

    def between(self, low: int, high: int) -> int:
        return self.rng.randint(low, max(low, high))

    def chunk(self, size: int) -> dict:
        rows = {"leads": [], "events": [], "transfers": [], "funds lines": []}
        for _ in range(size):
            self.lead(rows)
        return rows

    def dates(self, stage: str, warnings: set) -> dict:
        """The day each stage was reached: the stage's own day first, in a window where its warning
        holds or not, then back to the pool, each gap clamped to last year's 1 January."""
        rng, S, T = self.rng, self.S, self.T
        if stage == "pooled":
            since = self.between(S, T - 91) if "pooled_long" in warnings else self.between(max(S, T - 89), T)
        elif stage == "negotiating":
            since = (
                self.between(S + 5, T - 181) if "negotiating_long" in warnings else self.between(T - 179, T)
            )
        elif stage == "signed" and "not_started" in warnings:
            since = self.between(S + 30, T - 2)
        else:
            since = self.between(S + 30, T)
        reached = ORDER[: ORDER.index(stage) + 1] if stage != "dropped" else ORDER[: rng.randint(1, 2)]
        on = {reached[-1]: since}
        for before, after in zip(reversed(reached[:-1]), reversed(reached[1:]), strict=True):
            on[before] = max(S, on[after] - rng.randint(*GAPS[after]))
        if "negotiating" in on and stage not in ("pooled", "negotiating", "dropped") and rng.random() < 0.15:
            del on["negotiating"]  # signed with no talks recorded
        if "started" in on and stage in ("funded", "producing") and rng.random() < 0.3:
            del on["started"]  # the first funds before the start
        if stage == "dropped":
            on["dropped"] = min(T, max(on.values()) + rng.randint(10, 200))
        return on

    def lead(self, rows: dict) -> None:
        rng, T = self.rng, self.T
        stage = projects.weighted(rng, STAGE_MIX)
        warnings = {kind for kind, share in WARNED.items() if rng.random() < share}
        on = self.dates(stage, warnings)
        since = on["dropped" if stage == "dropped" else stage]
        active = stage not in ("producing", "dropped")
        lead_id = self.next_id("leads")
        county = rng.choice(self.cast.counties)
        unit = self.cast.responsible(rng, county)
        person, user = rng.choice(self.cast.officials[unit.pk])
        parks = self.cast.parks.get(county.pk)
        park = rng.choice(parks).pk if parks and rng.random() < 0.4 else None
        code, division = rng.choice(self.divisions)
        amount = (
            max(5_000_000, min(50_000_000_000, int(rng.lognormvariate(math.log(2e8), 1.0))))
            // 10_000
            * 10_000
        )
        expands, counted = None, amount
        if self.earlier and rng.random() < 1 / 30:
            expands, base = rng.choice(self.earlier)
            amount, counted = base + amount, amount
        elif len(self.earlier) < 5_000:
            self.earlier.append((lead_id, amount))
        signed = on.get("signed")
        start_due = None
        if signed is not None:
            if stage == "signed" and "not_started" in warnings:
                start_due = self.between(signed + 1, T - 1)
            elif stage == "signed":
                start_due = max(signed + 30, T) + rng.randint(0, 120)
            else:
                start_due = signed + rng.randint(30, 180)
        # The schedule (cumulative thirds), the funds received, and the last day anything was recorded.
        lines, funded_total = [], 0
        behind = "funds_behind" in warnings and stage in ("signed", "started", "funded") and signed < T - 1
        if signed is not None:
            first_due = signed + rng.randint(60, 180)
            if behind and first_due >= T:
                first_due = self.between(signed + 1, T - 1)
            elif not behind and stage in ("signed", "started") and first_due < T:
                first_due = T + rng.randint(0, 60)
            lines = [(first_due + 180 * k, amount * (k + 1) // 3) for k in range(3)]
            due = max((a for d, a in lines if d < T), default=0)
            if stage == "funded":
                funded_total = (
                    due * rng.randint(20, 80) // 100
                    if behind
                    else min(amount, max(due, amount * rng.randint(10, 40) // 100))
                )
            elif stage == "producing":
                funded_total = max(due, amount * rng.randint(60, 100) // 100)
        idle = "idle" in warnings and active and since <= T - 31
        if stage == "dropped":
            last = since
        elif idle:
            last = self.between(since, T - 31)
        elif active:
            last = self.between(max(since, T - 29), T)
        else:
            last = self.between(since, T)
        # Transfers: the first on the day the funds stage was reached, the others up to the last day.
        transfers = []
        if funded_total:
            n = rng.randint(1, 4) if funded_total >= 4 else 1
            days = sorted([on["funded"]] + [self.between(on["funded"], last) for _ in range(n - 1)])
            cuts = sorted(rng.sample(range(1, funded_total), n - 1))
            parts = [b - a for a, b in zip([0, *cuts], [*cuts, funded_total], strict=True)]
            transfers = list(zip(days, parts, strict=True))
        # The history: filed, each stage, the transfers, the drop, follow-ups up to the last day.
        events = [(on["pooled"], "filed", "pooled", "")]
        for name in ORDER[1:]:
            if name in on and name != "funded":
                events.append((on[name], "stage", name, ""))
        if stage == "dropped":
            events.append((on["dropped"], "dropped", "dropped", rng.choice(DROP_REASONS)))
        # Follow-ups fill what is left of the rows' budget, spread evenly over the leads still to make
        # (less the rows a lead makes anyway, on average so far).
        fixed = len(events) + 2 * len(transfers)
        self.fixed_rows += fixed
        share = self.remaining_rows / self.remaining_leads - self.fixed_rows / (self.made + 1)
        follow_ups = rng.randint(0, max(0, round(2 * share)))
        self.remaining_rows -= fixed
        recorded = [d for d, *_ in events] + [d for d, _p in transfers]
        if last > max(recorded):
            follow_ups = max(1, follow_ups)
        follow_days = [self.between(on["pooled"], last) for _ in range(follow_ups)]
        if follow_ups and last > max(recorded):
            follow_days[0] = last
        stage_dates = sorted((d, name) for name, d in on.items())
        for d in follow_days:
            at_stage = [name for sd, name in stage_dates if sd <= d][-1]
            events.append((d, "follow_up", at_stage, "电话跟进，了解投资方最新意向"))
        self.remaining_rows -= follow_ups
        self.remaining_leads -= 1
        self.made += 1

        events.sort(key=lambda e: e[0])
        for d, kind, at_stage, note in events:
            rows["events"].append(
                (
                    self.next_id("events"),
                    lead_id,
                    kind,
                    at_stage,
                    self.stamps[d, rng.choice(HOURS)],
                    user,
                    note,
                )
            )
        for d, part in transfers:
            event_id = self.next_id("events")
            rows["events"].append(
                (event_id, lead_id, "transfer", "funded", self.stamps[d, 16], user, "银行回单已上传")
            )
            rows["transfers"].append((self.next_id("transfers"), lead_id, event_id, part, self.days[d]))
        for d, cumulative in lines:
            rows["funds lines"].append(
                (self.next_id("funds lines"), lead_id, self.days[d], max(1, cumulative))
            )

        if rng.random() < 0.05:
            who = {
                "investor_name": f"{rng.choice(COUNTRIES)}投资控股公司{lead_id}",
                "investor_uscc": "",
                "investor_country": rng.choice(COUNTRIES),
            }
        else:
            body = _base31(lead_id)
            who = {
                "investor_name": f"{division[:4]}科技有限公司{lead_id}",
                "investor_uscc": self.make_uscc("9", "1", "440300", body),
                "investor_country": "中国",
            }
        who["name"] = f"{county.name}{division[:6]}{'扩建' if expands else ''}项目{lead_id}"
        investor_key, name_key = self.identity(**who)
        rows["leads"].append(
            (
                lead_id, who["name"], who["investor_name"], who["investor_uscc"], who["investor_country"],
                investor_key, name_key, code, projects.weighted(rng, SOURCE_MIX), county.pk, park, unit.pk,
                person, "", amount, expands, counted, stage, self.days[since], self.days[on["pooled"]],
                self.day(on.get("negotiating")), self.day(signed), self.day(start_due), self.day(on.get("started")),
                self.day(on.get("funded")), self.day(on.get("producing")), self.day(on.get("dropped")),
                rng.choice(DROP_REASONS) if stage == "dropped" else "", funded_total, self.days[last], user,
                self.stamps[on["pooled"], 9], f"bench-investment-{lead_id}",
            )
        )  # fmt: skip


def _base31(n: int) -> str:
    """n as the 8 characters of a USCC's organisation body (unique for n < 31⁸)."""
    from yancheng.core.validators import USCC_ALPHABET

    digits = []
    for _ in range(8):
        n, rest = divmod(n, len(USCC_ALPHABET))
        digits.append(USCC_ALPHABET[rest])
    return "".join(reversed(digits))


# =====================================================================================================
# The client (`_drive spec`)
# =====================================================================================================

POOLED = re.compile(rb'data-count="pooled">\s*([\d,]+)\s*<')


def drive(spec_json: str) -> None:
    spec = json.loads(spec_json)
    browser = performance.sign_in(spec["port"], LOGIN)
    for path in sorted({p for name in PAGES for p in spec["paths"][name]}):
        status, _location, data = browser.get(path)
        projects.expect(status, 200, path, data)
    path = f"/investment/big-data/?year={spec['year']}&by=region"
    status, _location, data = browser.get(path)
    projects.expect(status, 200, path, data)
    shown = POOLED.search(data)
    if shown is None:
        raise RuntimeError(f'{path}: no pooled count (data-count="pooled") on the page')
    if int(shown.group(1).replace(b",", b"")) != spec["pooled"]:
        raise RuntimeError(
            f"{path}: the funnel shows {shown.group(1).decode()} leads pooled in {spec['year']}, "
            f"the database holds {spec['pooled']}"
        )
    count = spec["requests"] + projects.WARM_UP
    driven = {"baseline": projects.timed_pages(browser, ["/api/v1/health"] * count), "pooled": spec["pooled"]}
    for name in PAGES:
        driven[name] = performance.timed(browser, spec["paths"][name])
    Path(spec["out"]).write_text(json.dumps(driven))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("_load", "_drive"):
        {"_load": load, "_drive": drive}[sys.argv[1]](sys.argv[2])
        sys.exit(0)
    sys.exit(main())
