"""Site-camera benchmark (issue 15): one snapshot round over a city's cameras with the worker's
concurrency limit, against a real media server.

    .venv/bin/python bench/cameras.py [--database sqlite|postgres|both] [--cameras 100] [--live 16]
                                      [--concurrency 4] [--postgres URL]

Per backend: a fresh database (SQLite in a temp YANCHENG_VAR_DIR; PostgreSQL in a database of its own,
``yancheng_bench_cameras`` unless ``--postgres`` names another, created and dropped), migrated; Debian's
nginx with the RTMP module on loopback ports (yancheng/monitoring/local.py); ``--live`` cameras simulated
by ffmpeg feeds (a 320×180 test pattern at 10 frames a second each, pushed over RTMP and published as live
HLS by nginx), the others (``--cameras`` in all) as HLS files served by the same nginx (one recorded
stream, one playlist per camera); one project with every camera on it, all online.

Then, in one process on that database, as the worker does it (``snapshots.take``: ffmpeg, one process a
grab with the rules' timeout, ``--concurrency`` at once, each JPEG and its thumbnail stored):

- the baseline: one snapshot of one live camera alone (``baseline_s``);
- the round: one snapshot of every camera (``round_s``), the CPU its ffmpeg processes used per snapshot
  (``cpu_ms_per_snapshot``, user + system, from the children's rusage) and the grabs that failed.

The last line printed is ``round_s=… cpu_ms_per_snapshot=… failed=…`` (PostgreSQL's when both ran).
Target: a round of 100 ≤ 60 s on 2 cores, failed=0.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import checkin  # bench/checkin.py: the environment, workspaces, processes

ROOT = Path(__file__).resolve().parents[1]
PG_BENCH_DB = "yancheng_bench_cameras"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_round":
        return _round(sys.argv[2:])
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--cameras", type=int, default=100)
    parser.add_argument(
        "--live", type=int, default=16, help="cameras fed live by ffmpeg (the rest: HLS files)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="grabs at once (the worker's limit)")
    checkin.add_postgres_argument(parser, PG_BENCH_DB)
    args = parser.parse_args()
    if args.cameras < 1 or not 1 <= args.live <= args.cameras or args.concurrency < 1:
        parser.error("--cameras and --concurrency must be positive, 1 <= --live <= --cameras")
    return checkin.run_backends(run_backend, args)


def run_backend(backend: str, args) -> str:
    title = "SQLite" if backend == "sqlite" else "PostgreSQL"
    print(
        f"\n=== {title}: {args.cameras} cameras ({args.live} live), {args.concurrency} grabs at once ===",
        flush=True,
    )
    sys.path.insert(0, str(ROOT))
    from yancheng.monitoring import local

    missing = local.available()
    if missing:
        raise SystemExit(f"missing {missing}: run scripts/system-packages.sh")
    with checkin.workspace(backend, "cameras", args.postgres) as (work, env, processes):
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        with local.MediaServerProcess(work / "nginx") as server:
            keys = [f"bench-live-{n}" for n in range(args.live)]
            for key in keys:
                server.publish(key, size="320x180", rate=10)
            files = _recorded_stream(server, args.cameras - args.live)
            for key in keys:
                server.wait_for_stream(key, 60)
            time.sleep(3)  # a few segments each
            result = work / "result.json"
            urls = [server.playlist(key) for key in keys] + [f"{server.files_base}{name}" for name in files]
            checkin.run_child(
                ["_round", "--result", str(result), "--concurrency", str(args.concurrency), *urls],
                env, processes, timeout=900, script=__file__,
            )  # fmt: skip
            found = json.loads(result.read_text())
    print(
        f"baseline_s={found['baseline_s']:.2f} (one live camera alone) · round of {args.cameras}: "
        f"{found['round_s']:.2f} s, ratio {found['round_s'] / found['baseline_s']:.1f}× the single grab, "
        f"taken={found['taken']}",
        flush=True,
    )
    return (
        f"round_s={found['round_s']:.2f} cpu_ms_per_snapshot={found['cpu_ms']:.1f} failed={found['failed']}"
    )


def _recorded_stream(server, count: int) -> list[str]:
    """A few seconds of the test pattern recorded as HLS once, and a playlist of it per camera."""
    if count == 0:
        return []
    folder = server.root / "files"
    subprocess.run(  # noqa: S603  (our own arguments)
        [shutil.which("ffmpeg") or "ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=10", "-t", "4",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p", "-f", "hls", "-hls_time", "1",
         "-hls_list_size", "0", "-hls_segment_filename", str(folder / "seg%03d.ts"), str(folder / "recorded.m3u8")],
        check=True,
    )  # fmt: skip
    playlist = (folder / "recorded.m3u8").read_text()
    names = [f"camera-{n}.m3u8" for n in range(count)]
    for name in names:
        (folder / name).write_text(playlist)
    return names


def _round(argv) -> int:
    """In the platform's environment: the cameras, the baseline, the round."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yancheng.settings")
    import django

    django.setup()
    from yancheng.core import clock
    from yancheng.monitoring import snapshots
    from yancheng.monitoring.models import MonitoringRules

    MonitoringRules.objects.update_or_create(pk=1, defaults={"concurrency": args.concurrency})
    cameras = _cameras(args.urls)
    started = time.perf_counter()
    baseline = snapshots.take(clock.now(), cameras[:1])
    baseline_s = time.perf_counter() - started
    assert baseline == {"taken": 1, "failed": 0}, baseline
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = snapshots.take(clock.now(), cameras)
    round_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    taken = done["taken"]
    args.result.write_text(
        json.dumps({"baseline_s": baseline_s, "round_s": round_s, "cpu_ms": 1000 * cpu / max(taken, 1), "taken": taken,
                    "failed": done["failed"]})
    )  # fmt: skip
    return 0


def _cameras(urls):
    """One project with a camera on each URL, all online."""
    from datetime import date

    from yancheng.core import clock
    from yancheng.core.models import Region, Unit
    from yancheng.core.validators import make_project_code
    from yancheng.monitoring.choices import State
    from yancheng.monitoring.models import Camera
    from yancheng.projects.models import Project

    city, _ = Region.objects.get_or_create(code="430400", defaults={"name": "衡阳市", "level": "city"})
    unit, _ = Unit.objects.get_or_create(
        code="bench-unit", defaults={"name": "基准测试单位", "kind": "department", "region": city}
    )
    project = Project.objects.create(
        code=make_project_code(2026, "430400", 1), name="云监工基准测试项目", industry="48", region=city,
        responsible_unit=unit, owner_unit=unit, starts_on=date(2026, 1, 1), completes_on=date(2027, 12, 31),
        entered_on=date(2026, 1, 1), total_investment=10**10, stage="continuing",
    )  # fmt: skip
    return [
        Camera.objects.create(
            project=project, name=f"点位{n}", hls_url=url, state=State.ONLINE, created_at=clock.now()
        )
        for n, url in enumerate(urls)
    ]


if __name__ == "__main__":
    sys.exit(main())
