"""Benchmark: the tracking app's dashboard and indicator pages at national scale on PostgreSQL.

Run: .venv/bin/python benchmarks/tracking.py [--quick] [--repeat 30]
Creates a fresh database (loa_bench_<pid>) on the PostgreSQL server of LOA_BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/postgres), migrates it, seeds 34 provinces, 3,321
communes, 50,000 units and 1,000,000 activity reports (`--quick`: a twentieth), then times each
page in-process with Django's test client (server time: middleware, queries, template) as the
national issuer administrator and as a provincial leader, and drops the database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE)]
import psycopg  # noqa: E402
from results import machine, write_section  # noqa: E402

TARGET_MS = 300


@dataclass(frozen=True)
class Timing:
    page: str
    user: str
    cold_ms: float  # median with the dashboard cache emptied before each request
    median_ms: float
    p95_ms: float
    queries: int
    status: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a twentieth of the full sizes")
    parser.add_argument("--communes", type=int)
    parser.add_argument("--units", type=int)
    parser.add_argument("--activities", type=int)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md alone")
    args = parser.parse_args()
    scale = 20 if args.quick else 1
    sizes = {
        "communes": args.communes or 3321 // scale,
        "units": args.units or 50_000 // scale,
        "activities": args.activities or 1_000_000 // scale,
    }
    server = os.environ.get("LOA_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"loa_bench_{os.getpid()}"
    _admin(server, f'CREATE DATABASE "{name}"')
    try:
        markdown = _run(server.rsplit("/", 1)[0] + f"/{name}", sizes, args)
    finally:
        _drop(server, name)
    print(markdown)
    if not args.no_write:
        write_section("tracking", markdown)


def _run(url: str, sizes: dict[str, int], args: argparse.Namespace) -> str:
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="loa.web.settings",
        LOA_DATA_DIR=tempfile.mkdtemp(prefix="loa-bench-"),
        LOA_ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from loa.web.dashboard.seeding import Sizes, seed

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    migrated = time.monotonic() - started
    started = time.monotonic()
    done = seed(Sizes(**sizes, quiz_results=sizes["activities"] // 5))
    seeded = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_before = os.getloadavg()[0]
    timings = _measure(done, repeat=args.repeat)
    load = (load_before, os.getloadavg()[0])
    connections.close_all()
    return _markdown(args, sizes, done, migrated, seeded, timings, load)


def _measure(done: Any, *, repeat: int) -> list[Timing]:
    from django.test import Client

    admin, leader = _client(done.national_admin, second_factor=True), _client(done.provincial_leader)
    d = done.dispatch.pk
    province, commune = done.province, done.commune
    pages: list[tuple[str, str, Client, str]] = [
        ("national", "issuer admin", admin, f"/chi-so/?cv={d}"),
        (f"province ({province.name})", "issuer admin", admin, f"/chi-so/?cv={d}&dv={province.pk}"),
        (f"commune ({commune.name})", "issuer admin", admin, f"/chi-so/?cv={d}&dv={commune.pk}"),
        ("own province", "provincial leader", leader, f"/chi-so/?cv={d}"),
        (f"commune ({commune.name})", "provincial leader", leader, f"/chi-so/?cv={d}&dv={commune.pk}"),
        ("dispatch dashboard URL", "provincial leader", leader, f"/chi-so/cong-van/{d}/"),
        ("dispatch page (recipients, page 1)", "issuer admin", admin, f"/cong-van/{d}/"),
        (
            "XLSX export, commune",
            "provincial leader",
            leader,
            f"/chi-so/cong-van/{d}/tien-do.xlsx?dv={commune.pk}",
        ),
    ]
    # The national exports take seconds each: 3 cold requests and 1 warm one.
    exports: list[tuple[str, str, Client, str]] = [
        ("XLSX export, national", "issuer admin", admin, f"/chi-so/cong-van/{d}/tien-do.xlsx"),
        ("DOCX report (Decree 30 layout), national", "issuer admin", admin, f"/chi-so/cong-van/{d}/bao-cao.docx"),
    ]
    return [
        _time(page, user, lambda c=client, u=url: c.get(u), repeat=repeat)
        for page, user, client, url in pages
    ] + [_time(page, user, lambda c=client, u=url: c.get(u), repeat=1) for page, user, client, url in exports]


def _client(user: Any, *, second_factor: bool = False) -> Any:
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if second_factor:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def _time(page: str, user: str, get: Callable[[], Any], *, repeat: int) -> Timing:
    from django.core.cache import cache
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    cache.clear()
    with connection.execute_wrapper(count):
        status = get().status_code
    cold = []
    for _run in range(max(3, repeat // 6)):  # as after a new report: nothing cached
        cache.clear()
        started = time.perf_counter()
        get()
        cold.append((time.perf_counter() - started) * 1000)
    get()
    samples = []
    for _run in range(repeat):
        started = time.perf_counter()
        get()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return Timing(page, user, statistics.median(cold), statistics.median(samples), p95, len(queries), status)


def _markdown(
    args: argparse.Namespace,
    sizes: dict[str, int],
    done: Any,
    migrated: float,
    seeded: float,
    timings: list[Timing],
    load: tuple[float, float],
) -> str:
    command = ".venv/bin/python benchmarks/tracking.py" + (" --quick" if args.quick else "")
    if args.repeat != 30:
        command += f" --repeat {args.repeat}"
    lines = [
        "## Tracking app at national scale (PostgreSQL)",
        "",
        f"`{command}` — {machine()}, PostgreSQL on the same machine (shared with other work).",
        "",
        f"Data: {sizes['communes']:,} communes in 34 provinces, {done.units:,} units, {done.deliveries:,} "
        f"recipients of one national dispatch, {done.reports:,} activity reports, "
        f"{done.quiz_results:,} quiz results. Migrate {migrated:.1f} s, seed (COPY) {seeded:.1f} s.",
        "",
        f"Server time per page, {args.repeat} requests each after 2 warm-up requests (Django test client "
        "in-process: middleware, queries, template). "
        f"Target: dashboard and indicator pages under {TARGET_MS} ms.",
        "",
        "| page | as | cold median ms | median ms | p95 ms | queries (cold) | status |",
        "|---|---|---:|---:|---:|---:|---:|",
        *(
            f"| {t.page} | {t.user} | {t.cold_ms:.1f} | {t.median_ms:.1f} | {t.p95_ms:.1f} | {t.queries} "
            f"| {t.status} |"
            for t in timings
        ),
        "",
        "*Cold*: the dashboard cache emptied before each request, as after any new report or "
        "acknowledgement (the cache key is a fingerprint of both, so a cached page is never stale). "
        "*Median* and *p95*: repeated views with nothing changed in between (the national exports: "
        "3 cold requests and 1 warm one). "
        f"Load average of the machine while measuring: {load[0]:.1f} at the start, "
        f"{load[1]:.1f} at the end (2 cores, shared).",
    ]
    return "\n".join(lines)


def _admin(server: str, sql: str) -> None:
    with psycopg.connect(server.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _drop(server: str, name: str) -> None:
    _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
