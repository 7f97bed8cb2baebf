"""Benchmark: co-branded posters for N communes on the local executor and on 1 and 2 Celery workers.

Run: .venv/bin/python benchmarks/cluster.py [--quick] [--units N] [--broker redis://127.0.0.1:6379/15]
Needs Redis (leases, and the broker unless --broker names RabbitMQ). Each worker runs one job at a
time (`loa worker --concurrency 1`), so the Celery rows show how throughput scales with workers; the
local executor uses one process per core. Workers are started and ready before the clock starts.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results import machine, write_section

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "campaigns" / "bao-ve-tre-em"
LOA = Path(sys.executable).parent / "loa"
REDIS = "redis://127.0.0.1:6379/15"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 units instead of 3,321")
    parser.add_argument("--units", type=int, default=0, help="number of units (default 3,321)")
    parser.add_argument("--broker", default=REDIS, help="Celery broker URL (redis:// or amqp://)")
    args = parser.parse_args()
    count = args.units or (100 if args.quick else 3321)
    work = Path(tempfile.mkdtemp(prefix="loa-bench-cluster-"))
    try:
        units = write_units(work / "units.csv", count)
        rows = [timed(work, "local executor (one process per core)", units, {"LOA_EXECUTOR": "local"})]
        for workers in (1, 2):
            rows.append(on_celery(work, units, workers, args.broker))
        write_section("cluster", report(rows, count, args))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(Path(__file__).with_name("RESULTS.md").read_text(encoding="utf-8"))


def write_units(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "contact"])
        writer.writerows(
            [f"{27000 + i}", f"UBND xã Thử Nghiệm {i}", f"Liên hệ: 0272 38{i:05d}"] for i in range(count)
        )
    return path


def cluster_env(work: Path, broker: str) -> dict[str, str]:
    """Settings of a fresh cluster: its own queue and an empty store, so nothing is reused."""
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    return {
        "LOA_EXECUTOR": "celery",
        "LOA_BROKER_URL": broker,
        "LOA_REDIS_URL": broker if broker.startswith("redis") else REDIS,
        "LOA_QUEUE": queue,
        "LOA_CLUSTER_STORE": str(work / queue),
    }


def on_celery(work: Path, units: Path, count: int, broker: str) -> dict[str, object]:
    env = cluster_env(work, broker)
    started = [start_worker(work, env) for _ in range(count)]
    try:
        label = f"Celery, {count} worker{'s' if count > 1 else ''} × concurrency 1"
        return timed(work, label, units, env)
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        forget(env)


def forget(env: dict[str, str]) -> None:
    """Delete the run's keys from Redis (its namespace and queue) and its queue from RabbitMQ."""
    import redis
    from kombu import Connection

    queue, client = env["LOA_QUEUE"], redis.Redis.from_url(env["LOA_REDIS_URL"])
    for key in client.scan_iter(f"loa:{queue}:*"):
        client.delete(key)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    if env["LOA_BROKER_URL"].startswith("amqp"):
        with Connection(env["LOA_BROKER_URL"]) as connection:
            connection.default_channel.queue_delete(queue)


def start_worker(work: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = work / f"worker-{uuid.uuid4().hex[:6]}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(LOA), "worker", "--concurrency", "1"],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"loa worker did not start:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.1)
    return process


def timed(work: Path, label: str, units: Path, env: dict[str, str]) -> dict[str, object]:
    """Time one cold co-branded build of the posters."""
    out = work / f"out-{uuid.uuid4().hex[:6]}"
    command = [
        str(LOA),
        "build",
        str(CAMPAIGN),
        "--out",
        str(out),
        "--units",
        str(units),
        "--formats",
        "posters",
    ]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(
        command, env={**os.environ, "COLUMNS": "400", **env}, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{label}: loa build failed:\n{done.stderr[-2000:]}")
    files = sum(1 for p in out.rglob("*.pdf"))
    shutil.rmtree(out, ignore_errors=True)
    return {"label": label, "seconds": seconds, "files": files, "load": load}


def report(rows: list[dict[str, object]], count: int, args: argparse.Namespace) -> str:
    flags = " --quick" if args.quick else f" --units {count}" if args.units else ""
    broker = args.broker.split("://")[0]
    local = float(rows[0]["seconds"])  # type: ignore[arg-type]
    lines = [
        "## Co-branded packs on Celery workers",
        "",
        f"`.venv/bin/python benchmarks/cluster.py{flags}` — {machine()}; posters of the bundled campaign "
        f"for {count:,} units, cold (empty store), {broker} broker on this machine, one run each. Workers "
        "run one job at a time and share the machine's cores with the build that collects their output. "
        "Load average before each run is given: other work on the machine inflates wall times.",
        "",
        "| executor | seconds | units/s | PDFs | vs local | load before |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        seconds = float(row["seconds"])  # type: ignore[arg-type]
        lines.append(
            f"| {row['label']} | {seconds:.1f} | {count / seconds:.1f} | {row['files']} "
            f"| {local / seconds:.2f}× | {row['load']:.1f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
