"""Mortgage benchmark: from a bank's filing to the signed certificate stored and the bank's notice
received, through the production server and its task workers.

    .venv/bin/python bench/mortgage.py [--database sqlite|postgres|both] [--filings 500] [--rate 8]
                                       [--register 100000] [--task-workers 2] [--connections 16]

Per backend: a fresh database (SQLite in a temp YANCHENG_VAR_DIR; PostgreSQL in a database of its own,
``yancheng_bench_mortgage``, created and dropped on the same server), migrated and loaded through the ORM:
Hengyang's counties, the two demo banks (each with a bank clerk holding an API token, and a webhook to a
receiver on 127.0.0.1 with its own signing secret), ``--register`` property units already in the
register, and one clean property unit for every filing (state-owned land, one or two holders with valid
ID numbers, no seizure, no mortgage). Then granian serves the platform as in production (``--interface
wsgi --workers 2 --blocking-threads 8``, debug off) beside ``--task-workers`` processes of ``manage.py
worker`` (as production runs them: the queue in the database, the worker's own polling), and a separate
load process files applications (``POST /api/v1/mortgage/applications`` with a clerk's Bearer token, each
on its own unit with its own contract number) while a receiver in the same process takes the banks'
webhooks and checks their signatures. A filing is done when its answer (201, recorded, certificate
signed: the server signs before it answers) and its notice (queued once the certificate is signed,
sent by a worker) are both in:

    A  filings the review sends to a person (collective land), paced at --rate  -> the baseline's p50
    B  filings at full speed on --connections connections                       -> per_s
    C  filings paced open-loop at --rate (the target, 8/s)                      -> p50_s, p95_s

Latencies run from each filing's (scheduled) send time to the later of its answer and its notice. The
baseline is the same request through the same server, authentication, validation and review, without
what the mortgage adds (the recording under the register's lock, the certificate's signature, the
notice): the ratio C/A says what those cost, on whatever the machine gives at the time. Afterwards the
checker reads every application back (recorded, certificate signed and stored, bank notified; A's sent
to a person) and walks the register's hash chain. The last line printed is
``p50_s=… p95_s=… per_s=… vs_seed=…`` with ``vs_seed`` = 360 s (the seed's six minutes) ÷ p95_s,
PostgreSQL's when both backends run.

Processes: this orchestrator (no Django), the loader and the checker (``_load``, ``_check``: Django on the
bench database) and the load generator with the banks' receiver (``_drive``: http.client, http.server).
"""

import argparse
import collections
import hashlib
import hmac
import http.client
import http.server
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import checkin  # bench/checkin.py: the environment, server, process, CPU and PostgreSQL helpers

ROOT = Path(__file__).resolve().parents[1]
HOST = checkin.HOST  # the load and the notices go here and nowhere else
PG_BENCH_DB = "yancheng_bench_mortgage"  # the only database this script creates, fills and drops (--postgres)
FILING_PATH = "/api/v1/mortgage/applications"
SIGNATURE_HEADER = "X-Yancheng-Signature"  # yancheng.mortgage.tasks.SIGNATURE_HEADER
SEED_SECONDS = 360  # the seed: six minutes from filing to certificate
NOISE_CORES = checkin.NOISE_CORES
PHASES = ("warmup", "A", "B", "C")


# =====================================================================================================
# The orchestrator
# =====================================================================================================


def main() -> int:
    parser = argparse.ArgumentParser(description="Mortgage filing to signed certificate and bank notice.")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--filings", type=int, default=500, help="filings in each of B and C")
    parser.add_argument("--rate", type=float, default=8.0, help="filings per second in A and C")
    parser.add_argument(
        "--connections",
        type=int,
        default=checkin.SERVER_WORKERS * checkin.SERVER_THREADS,
        help="the banks' keep-alive connections (default: the server's threads)",
    )
    parser.add_argument("--register", type=int, default=100_000, help="property units already registered")
    parser.add_argument("--task-workers", type=int, default=2, help="`manage.py worker` processes")
    parser.add_argument(
        "--worker-interval",
        type=float,
        default=None,
        help="seconds an idle worker waits before looking again (default: the worker's own, 1 s)",
    )
    parser.add_argument("--notice-timeout", type=float, default=120.0, help="seconds to wait for notices")
    checkin.add_postgres_argument(parser, PG_BENCH_DB)
    args = parser.parse_args()
    if min(args.filings, args.rate, args.connections, args.task_workers, args.notice_timeout) <= 0:
        parser.error("sizes, rates and timeouts must be positive")
    if args.register < 0:
        parser.error("--register cannot be negative")

    return checkin.run_backends(run_backend, args)


def phase_sizes(args) -> dict[str, int]:
    """Filings per phase: a warm-up that reaches every server thread, a fifth of --filings for A."""
    return {
        "warmup": min(args.filings, max(4, args.connections * 2)),
        "A": max(2, args.filings // 5),
        "B": args.filings,
        "C": args.filings,
    }


def run_backend(backend: str, args) -> str:
    title = "SQLite" if backend == "sqlite" else "PostgreSQL"
    sizes = phase_sizes(args)
    print(
        f"\n=== {title}: {args.register:,} registered units, {sum(sizes.values()):,} filings on units of their "
        f"own, {args.task_workers} task workers ===",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix=f"yancheng-bench-mortgage-{backend}-"))
    processes: list[subprocess.Popen] = []
    database_url = None
    try:
        var_dir = work / "var"
        (var_dir / "static").mkdir(parents=True)  # what collectstatic makes; the API serves none of it
        if backend == "postgres":
            database_url = args.postgres  # set first: dropped in `finally` whatever happens
            checkin.create_pg_database(database_url)
        env = checkin.server_env(var_dir, database_url)
        receiver_port = checkin.free_port()
        spec = {
            "register": args.register,
            "sizes": sizes,
            "webhook": f"http://{HOST}:{receiver_port}/notice",
            "out": str(work / "loaded.json"),
        }
        started = time.monotonic()
        checkin.run_child(["_load", json.dumps(spec)], env, processes, timeout=3600, script=__file__)
        loaded = json.loads((work / "loaded.json").read_text())
        t = loaded["timings"]
        print(
            f"load: {t['total']:.1f} s in all — migrate {t['migrate']:.1f} s, banks and clerks "
            f"{t['banks']:.1f} s, {loaded['units']:,} property units and their holders {t['units']:.1f} s, "
            f"{loaded['finish_label']} {t['finish']:.1f} s (wall {time.monotonic() - started:.1f} s)",
            flush=True,
        )
        print(f"database: {loaded['database']}", flush=True)

        port = checkin.free_port()
        server = checkin.start_server(env, port, work / "granian.log", processes)
        workers = start_workers(env, args, work, processes)
        groups = {server.pid: "server"} | {worker.pid: "workers" for worker in workers}
        pg_db = checkin.pg_database_name(database_url) if database_url else None
        results = {}

        def phase(name: str, label: str | None, mode: str, rate: float | None = None) -> dict:
            spec_path, out_path = work / f"{name}.spec.json", work / f"{name}.out.json"
            filings = loaded["filings"][name]
            drive_spec = {
                "port": port,
                "receiver_port": receiver_port,
                "secrets": loaded["secrets"],
                "filings": filings,
                "expect_notice": name != "A",
                "mode": mode,
                "rate": rate,
                "connections": args.connections,
                "notice_timeout": args.notice_timeout,
                "out": str(out_path),
            }
            spec_path.write_text(json.dumps(drive_spec))
            tracker = checkin.CpuTracker(groups, pg_db)
            timeout = len(filings) / (rate or 1) * 3 + args.notice_timeout + 300
            checkin.run_child(
                ["_drive", str(spec_path)], env, processes, timeout, tick=tracker.sample, script=__file__
            )
            result = json.loads(out_path.read_text())
            result["cpu"] = tracker.finish(result)
            results[name] = result
            if label:
                print(describe(label, result), flush=True)
            return result

        try:
            phase("warmup", None, "closed")
            phase(
                "A",
                f"A  baseline: filings the review sends to a person, paced at {args.rate:g}/s",
                "open",
                args.rate,
            )
            phase("B", f"B  filings at full speed, {args.connections} connections", "closed")
            phase("C", f"C  filings paced open-loop at {args.rate:g}/s", "open", args.rate)
        finally:
            for process in [*workers, server]:
                checkin.stop(process)
                processes.remove(process)
        for log in [work / "granian.log", *(work / f"worker-{n}.log" for n in range(len(workers)))]:
            print_errors(log)

        contracts = {name: [f["body"]["contract_number"] for f in loaded["filings"][name]] for name in PHASES}
        check_path = work / "check.spec.json"
        check_path.write_text(json.dumps({"contracts": contracts, "out": str(work / "checked.json")}))
        checkin.run_child(["_check", str(check_path)], env, processes, timeout=600, script=__file__)
        checked = json.loads((work / "checked.json").read_text())
        return report(title, args, results, checked)
    finally:
        for process in reversed(processes):
            checkin.stop(process)
        if database_url is not None:
            checkin.drop_pg_database(database_url)
        shutil.rmtree(work, ignore_errors=True)


def print_errors(log: Path) -> None:
    """How many error lines a server or worker log holds, and the first with what follows it (its
    traceback)."""
    lines = log.read_text(errors="replace").splitlines()
    errors = [n for n, line in enumerate(lines) if " error" in line.lower() or "traceback" in line.lower()]
    if errors:
        print(f"{log.name}: {len(errors)} error lines; the first:", file=sys.stderr)
        for line in lines[errors[0] : errors[0] + 40]:
            print(f"   {line}", file=sys.stderr)


def start_workers(env: dict, args, work: Path, processes: list) -> list[subprocess.Popen]:
    """`manage.py worker` processes, as production starts them (each in its own process group)."""
    command = [sys.executable, "manage.py", "worker"]
    if args.worker_interval is not None:
        command += ["--interval", str(args.worker_interval)]
    print(f"task workers: {args.task_workers} × .venv/bin/python {' '.join(command[1:])}", flush=True)
    workers = []
    for n in range(args.task_workers):
        with (work / f"worker-{n}.log").open("wb") as log:
            worker = subprocess.Popen(  # noqa: S603  (our own interpreter and manage.py)
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        processes.append(worker)
        workers.append(worker)
    return workers


def seconds(values: dict) -> str:
    return ", ".join(f"{name} {values[name]:.3f} s" for name in ("p50", "p90", "p95", "max"))


def describe(label: str, r: dict) -> str:
    problems = ", ".join(f"{k}: {v}" for k, v in sorted(r["problems"].items())) or "none"
    done = "sent to a person" if not r["expect_notice"] else "recorded, signed and notified"
    lines = [
        label,
        f"   {r['count']:,} filings in {r['elapsed']:.1f} s: {r['done']:,} {done} ({r['per_s']:.2f}/s); "
        f"problems: {problems}",
        f"   {'answer' if not r['expect_notice'] else 'filing to certificate and notice'}: {seconds(r['latency'])}",
    ]
    if r["expect_notice"]:
        lines.append(f"   of which the answer (certificate signed): {seconds(r['answer'])}")
        lines.append(f"   the notice received, from the filing: {seconds(r['notice'])}")
    if r["mode"] == "open":
        lines.append(
            f"   pacing: {r['count']:,} sent at {r['sent_rate']:.2f}/s for a target of {r['rate']:.2f}/s"
        )
    cpu = r["cpu"]
    postgres = (
        f", PostgreSQL {cpu['postgres']:.2f} ({cpu['postgres_ms_per_response']:.0f} ms/filing)"
        if cpu["postgres"] > 0.005
        else ""
    )
    lines.append(
        f"   CPU in cores (of {os.cpu_count()}): machine {cpu['machine']:.2f} = server {cpu['server']:.2f} "
        f"({cpu['server_ms_per_response']:.0f} ms/filing), task workers {cpu['workers']:.2f} "
        f"({cpu['workers_ms_per_response']:.0f} ms/filing){postgres}, load generator {cpu['load generator']:.2f}, "
        f"other processes {cpu['other']:.2f}"
    )
    if cpu["other"] > NOISE_CORES:
        lines.append(
            f"   warning: processes that are not this benchmark's kept {cpu['other']:.2f} cores busy: "
            "these figures are pessimistic; run again on a quiet machine"
        )
    return "\n".join(lines)


def report(title: str, args, results: dict, checked: dict) -> str:
    baseline, peak, paced = results["A"], results["B"], results["C"]
    print(
        "stored: "
        + "; ".join(
            f"{name} {c['count']} applications, {c['recorded']} recorded, {c['signed']} certificates signed "
            f"and stored, {c['notified']} banks notified, {c['to_person']} sent to a person"
            for name, c in checked["phases"].items()
        )
    )
    print(f"register: {checked['register']}")
    broken = [
        f"{name}: {what}"
        for name in PHASES
        for what in integrity(name, checked["phases"][name], results[name])
    ]
    if broken:
        raise RuntimeError("the run did not do what it measures: " + "; ".join(broken))
    p50, p95 = paced["latency"]["p50"], paced["latency"]["p95"]
    per_s = peak["per_s"]
    review = baseline["latency"]["p50"]
    print(
        f"{title} baseline: a filing recorded, signed and notified takes {p50 / review:.1f} × the p50 of one "
        f"the review sends to a person ({p50:.3f} s against {review:.3f} s)"
    )
    verdict = [
        f"p95 {p95:.3f} s {'≤' if p95 <= 1 else '>'} 1 s",
        f"{per_s:.1f} recorded/s {'≥' if per_s >= 8 else '<'} 8/s",
    ]
    print(f"{title} targets: " + "; ".join(verdict))
    return f"p50_s={p50:.3f} p95_s={p95:.3f} per_s={per_s:.1f} vs_seed={SEED_SECONDS / p95:.0f}"


def integrity(name: str, stored: dict, result: dict) -> list[str]:
    """What would make the phase's figures wrong: a filing not done, in the answers or in the database."""
    problems = []
    if result["done"] != result["count"]:
        problems.append(f"{result['count'] - result['done']} of {result['count']} filings not done")
    if stored["count"] != result["count"]:
        problems.append(f"{stored['count']} applications stored for {result['count']} filings")
    if name == "A":
        if stored["to_person"] != stored["count"]:
            problems.append(f"{stored['count'] - stored['to_person']} not sent to a person")
    elif not stored["count"] == stored["recorded"] == stored["signed"] == stored["notified"]:
        problems.append("not every application is recorded, signed and notified")
    return problems


# =====================================================================================================
# The load generator and the banks' receiver (`_drive spec.json`): http.client and http.server only
# =====================================================================================================


def drive(spec_path: str) -> None:
    import resource

    spec = json.loads(Path(spec_path).read_text())
    filings, mode, rate = spec["filings"], spec["mode"], spec["rate"]
    expect_notice = spec["expect_notice"]
    count = len(filings)
    index_of = {f["body"]["contract_number"]: i for i, f in enumerate(filings)}
    bodies = [json.dumps(f["body"]).encode() for f in filings]
    starts: list[float | None] = [None] * count
    answers: list[float | None] = [None] * count  # when a right answer came
    notices: list[float | None] = [None] * count  # when its notice came
    problems: collections.Counter = collections.Counter()
    lock = threading.Lock()
    receiver = http.server.ThreadingHTTPServer(
        (HOST, spec["receiver_port"]), _receiver(spec, index_of, notices, problems, lock)
    )
    receiver.daemon_threads = True
    threading.Thread(target=receiver.serve_forever, daemon=True).start()

    state = {"next": 0}
    start = time.perf_counter() + 0.05

    def take() -> int | None:
        with lock:
            index = state["next"]
            if index >= count:
                return None
            state["next"] = index + 1
            return index

    def sender() -> None:
        conn = http.client.HTTPConnection(HOST, spec["port"], timeout=60)
        try:
            while (index := take()) is not None:
                scheduled = start + index / rate if mode == "open" else None
                if scheduled is not None and (delay := scheduled - time.perf_counter()) > 0:
                    time.sleep(delay)
                starts[index] = scheduled or time.perf_counter()
                headers = {
                    "Authorization": f"Bearer {filings[index]['token']}",
                    "Content-Type": "application/json",
                }
                try:
                    conn.request("POST", FILING_PATH, body=bodies[index], headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as error:
                    with lock:
                        problems[type(error).__name__] += 1
                    conn.close()
                    continue
                answered = time.perf_counter()
                outcome = _outcome(response.status, body, expect_notice)
                with lock:
                    if outcome:
                        problems[outcome] += 1
                    else:
                        answers[index] = answered
        finally:
            conn.close()

    while time.perf_counter() < start:
        time.sleep(0.001)
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    threads = [threading.Thread(target=sender, daemon=True) for _ in range(min(spec["connections"], count))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    last_sent = max(s for s in starts if s is not None)
    deadline = time.perf_counter() + spec["notice_timeout"]
    while expect_notice and time.perf_counter() < deadline:
        with lock:
            if all(notices[i] is not None for i in range(count) if answers[i] is not None):
                break
        time.sleep(0.005)
    receiver.shutdown()
    usage = resource.getrusage(resource.RUSAGE_SELF)

    done = [
        i for i in range(count) if answers[i] is not None and (notices[i] is not None or not expect_notice)
    ]
    if expect_notice:
        missing = sum(1 for i in range(count) if answers[i] is not None and notices[i] is None)
        if missing:
            problems[f"no notice within {spec['notice_timeout']:g} s"] = missing
    finished = {i: max(answers[i], notices[i] or 0.0) for i in done}
    first = min(s for s in starts if s is not None)
    elapsed = max([*finished.values(), last_sent]) - first
    out = {
        "mode": mode,
        "rate": rate,
        "expect_notice": expect_notice,
        "count": count,
        "done": len(done),
        "elapsed": elapsed,
        "per_s": len(done) / elapsed if elapsed > 0 else math.nan,
        "rps": count / elapsed if elapsed > 0 else math.nan,  # for the CPU per filing
        "sent_rate": (count - 1) / (last_sent - first) if count > 1 and last_sent > first else math.nan,
        "client_cpu": (usage.ru_utime - usage_before.ru_utime + usage.ru_stime - usage_before.ru_stime)
        / elapsed,
        "latency": quantiles([finished[i] - starts[i] for i in done]),
        "answer": quantiles([answers[i] - starts[i] for i in done]),
        "notice": quantiles([notices[i] - starts[i] for i in done if notices[i] is not None]),
        "problems": dict(problems),
    }
    Path(spec["out"]).write_text(json.dumps(out))


def _outcome(status: int, body: bytes, expect_notice: bool) -> str:
    """'' for the answer a filing should get (201: recorded with its certificate signed, or for A sent
    to a person), else what went wrong."""
    try:
        data = json.loads(body)
    except ValueError:
        data = {}
    if status != 201:
        return f"HTTP {status} {data.get('code', '')}".strip()
    if not expect_notice:
        return "" if data.get("status") == "to_person" else f"answered {data.get('status')!r}, not to_person"
    if data.get("status") != "recorded":
        return f"answered {data.get('status')!r}, not recorded"
    if not data.get("certificate_signed_at"):
        return "recorded without a signed certificate"
    return ""


def _receiver(spec: dict, index_of: dict, notices: list, problems: collections.Counter, lock):
    secrets_ = {bank: secret.encode() for bank, secret in spec["secrets"].items()}

    class Receiver(http.server.BaseHTTPRequestHandler):
        """The banks' webhook: /notice/<bank code>, signed with that bank's secret."""

        def do_POST(self):
            arrived = time.perf_counter()
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            secret = secrets_.get(self.path.rsplit("/", 1)[-1], b"")
            signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
            with lock:
                if not hmac.compare_digest(signature, self.headers.get(SIGNATURE_HEADER, "")):
                    problems["notice with a wrong signature"] += 1
                elif (index := index_of.get(json.loads(body).get("contract_number"))) is None:
                    problems["notice for a contract not filed in this phase"] += 1
                elif notices[index] is not None:
                    problems["notice received twice"] += 1
                else:
                    notices[index] = arrived
            # 200 whatever it was: a refused notice would come back a minute later, after the phase.
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):  # noqa: A002  (the base class's name)
            pass

    return Receiver


def quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        name: checkin.percentile(ordered, q)
        for name, q in (("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("max", 1.0))
    }


# =====================================================================================================
# The loader (`_load spec`) and the checker (`_check spec`): Django on the bench database
# =====================================================================================================

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗谢彭曾邓唐"
GIVEN = [
    "建国",
    "秀兰",
    "志强",
    "丽华",
    "海燕",
    "伟",
    "敏",
    "军",
    "静",
    "晓东",
    "红梅",
    "国庆",
    "春花",
    "文斌",
]
BATCH = 5000


def load(spec_json: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import random
    import secrets
    from datetime import date, timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password  # make_password(None): unusable, never logs in
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from yancheng.core.actions import issue_api_token
    from yancheng.core.demo.reference import COUNTIES, HENGYANG, HUNAN, UNITS
    from yancheng.core.models import Person, PersonRole, Region, Unit
    from yancheng.core.roles import Role
    from yancheng.core.validators import make_id_number, make_property_unit_number
    from yancheng.mortgage.choices import LandKind
    from yancheng.mortgage.models import Bank, Holding, PropertyUnit

    spec = json.loads(spec_json)
    rng = random.Random(430400)
    User = get_user_model()
    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    timings["migrate"] = time.perf_counter() - started

    step = time.perf_counter()
    banks, webhook_secrets = [], {}
    with transaction.atomic():
        Region.objects.create(code=HUNAN[0], name=HUNAN[1], level="province")
        Region.objects.create(code=HENGYANG[0], name=HENGYANG[1], level="city", parent_id=HUNAN[0])
        Region.objects.bulk_create(
            [Region(code=c, name=n, level="county", parent_id=HENGYANG[0]) for c, n in COUNTIES]
        )
        for code, name, short, kind, region, _parent in UNITS:
            if kind != "bank":
                continue
            unit = Unit.objects.create(code=code, name=name, short_name=short, kind=kind, region_id=region)
            webhook_secrets[code] = secrets.token_urlsafe(32)
            Bank.objects.create(
                unit=unit,
                name=name,
                webhook_url=f"{spec['webhook']}/{code}",
                webhook_secret=webhook_secrets[code],
            )
            clerk = User.objects.create(username=f"bench-clerk-{code}", password=make_password(None))
            person = Person.objects.create(user=clerk, full_name=f"{short}柜员", unit=unit)
            PersonRole.objects.create(person=person, role=Role.BANK_CLERK)
            _token, secret = issue_api_token(owner=clerk, by=clerk, name="银行核心系统（压测）")
            banks.append((code, secret))
    timings["banks"] = time.perf_counter() - step

    # Property units through the ORM, in batches: the register first, then one unit per filing.
    step = time.perf_counter()
    counties = [code for code, _name in COUNTIES]
    serial = 0

    def new_units(count: int, land_kind: str) -> list[tuple[PropertyUnit, list]]:
        nonlocal serial
        collective = land_kind == LandKind.COLLECTIVE
        made = []
        for _ in range(count):
            county, k = counties[serial % len(counties)], serial // len(counties) + 1
            serial += 1
            number = make_property_unit_number(
                county, "001001", "J" if collective else "G", "B", f"{k // 1000 + 1:05d}", "F", f"{k:08d}"
            )
            holders = []
            for n in range(1 if rng.random() < 0.45 else 2):
                birth = date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28))
                holders.append(
                    {
                        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                        "id_number": make_id_number(county, birth, f"{rng.randint(10, 99)}{n}"),
                    }
                )
            unit = PropertyUnit(
                number=number,
                region_id=county,
                location=f"湖南省衡阳市压测路{serial}号",
                land_kind=land_kind,
                land_use="集体经营性建设用地" if collective else "城镇住宅用地",
                land_use_term_end=None if collective else date(2085, 12, 31),
                building=f"{k % 30 + 1}栋{k % 3000 + 101}室",
                area=Decimal("98.50"),
            )
            made.append((unit, holders))
        return made

    def register(count: int, land_kind: str) -> list[tuple[PropertyUnit, list]]:
        made = []
        for first in range(0, count, BATCH):
            batch = new_units(min(BATCH, count - first), land_kind)
            with transaction.atomic():
                PropertyUnit.objects.bulk_create([unit for unit, _holders in batch])
                Holding.objects.bulk_create(
                    Holding(
                        property_unit=unit,
                        holder_name=h["name"],
                        id_number=h["id_number"],
                        share=Decimal(100) / len(holders),
                        started_at=date(2015, 6, 1),
                    )
                    for unit, holders in batch
                    for h in holders
                )
            made += batch
        return made

    register(spec["register"], LandKind.STATE_OWNED)
    today = timezone.localdate()
    verified = (timezone.now() - timedelta(minutes=5)).isoformat()
    filings = {}
    for phase, size in spec["sizes"].items():
        units = register(size, LandKind.COLLECTIVE if phase == "A" else LandKind.STATE_OWNED)
        filings[phase] = []
        for n, (unit, holders) in enumerate(units, 1):
            code, token = banks[n % len(banks)]
            body = {
                "unit_number": unit.number,
                "contract_number": f"BENCH-{phase.upper()}-{n:06d}",
                "mortgagors": holders,
                "debtor": holders[0]["name"],
                "kind": "ordinary",
                "amount": f"{rng.randint(20, 300) * 10000}.00",
                "term_start": str(today),
                "term_end": str(today.replace(year=today.year + 20) - timedelta(days=1)),
                "identity_method": "face",
                "identity_verified_at": verified,
            }
            filings[phase].append({"bank": code, "token": token, "body": body})
    timings["units"] = time.perf_counter() - step

    step = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What autovacuum would do after such a load; then the load's pages written out, so that no
            # checkpoint caused by it falls into a measured phase.
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
            cursor.execute(
                "SELECT version(), current_setting('synchronous_commit'), current_setting('shared_buffers')"
            )
            version, sync, buffers = cursor.fetchone()
            database = f"{version.split(' on ')[0]}, synchronous_commit={sync}, shared_buffers={buffers}"
            finish_label = "VACUUM ANALYZE and CHECKPOINT"
        else:
            import sqlite3

            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = Path(connection.settings_dict["NAME"]).stat().st_size / 2**20
            database = f"SQLite {sqlite3.sqlite_version}, file {size:,.0f} MiB"
            finish_label = "ANALYZE and WAL checkpoint"
    timings["finish"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    Path(spec["out"]).write_text(
        json.dumps(
            {
                "timings": timings,
                "units": serial,
                "filings": filings,
                "secrets": webhook_secrets,
                "database": database,
                "finish_label": finish_label,
            }
        )
    )


def check(spec_path: str) -> None:
    """Every phase's applications as the database has them, and the register's hash chain walked."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import io

    from django.core.management import call_command

    from yancheng.mortgage.choices import ApplicationStatus
    from yancheng.mortgage.models import Application

    spec = json.loads(Path(spec_path).read_text())
    phases = {}
    for name, contracts in spec["contracts"].items():
        stored = Application.objects.filter(contract_number__in=contracts).select_related("certificate")
        counts = collections.Counter()
        for app in stored:
            certificate = getattr(app, "certificate", None)
            counts["count"] += 1
            counts["recorded"] += app.status == ApplicationStatus.RECORDED
            counts["to_person"] += app.status == ApplicationStatus.TO_PERSON
            counts["signed"] += bool(certificate and certificate.pdf and app.certificate_signed_at)
            counts["notified"] += app.bank_notified_at is not None
        phases[name] = {key: counts[key] for key in ("count", "recorded", "signed", "notified", "to_person")}
    out = io.StringIO()
    call_command("verify_register", stdout=out)  # raises CommandError when the chain is broken
    Path(spec["out"]).write_text(json.dumps({"phases": phases, "register": out.getvalue().strip()}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_load":
        load(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "_drive":
        drive(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "_check":
        check(sys.argv[2])
    else:
        sys.exit(main())
