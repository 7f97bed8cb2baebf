"""Load test of the web tier on loopback: the quiz API, report submission and the portal (G15, G16).

Run: .venv/bin/python benchmarks/web_load.py [--seconds 30] [--workers 1,2,4] [--rate 300]
(`--seconds 600` is G15's ten minutes.) Each case starts the documented deployment — `loa web serve`
(gunicorn) on a fresh PostgreSQL database with Redis — with 1, 2 and 4 workers, then:

- quiz: an open loop of new submissions at `--rate` per second from many client addresses (as the
  proxy reports them in X-Forwarded-For), then every accepted id replayed once (G16: 0 rows added);
  rows stored must equal the 201s;
- report: `--report-clients` signed-in reporters each saving reports one after another (form post
  with its one-time token → 302), as fast as the server takes them;
- portal: the built portal's pages fetched by 16 clients from `loa serve` (the static preview server;
  production puts the portal behind the reverse proxy, see docs/deployment.md).

Latency is measured by the client, from sending the request to the last byte of the answer. The
client is a small asyncio HTTP/1.1 client so it takes little of the CPU it shares with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests" / "drills")]
import httpx  # noqa: E402
import web_stack  # noqa: E402
from results import machine, write_section  # noqa: E402

from loa.web import gunicorn_conf  # noqa: E402

CAMPAIGN = HERE.parent / "campaigns" / "bao-ve-tre-em"
QUIZ_CODE = "80-BENCH/6A"
MAX_IN_FLIGHT = 256


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    late: int = 0  # open loop: requests that could not start on time (too many in flight)
    cpu: float | None = None  # CPU seconds the web processes spent on these requests

    def add(self, status: int, seconds: float) -> None:
        self.statuses[status] += 1
        self.latencies.append(seconds)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


async def request(url: str, method: str = "GET", body: bytes = b"", headers: dict[str, str] | None = None):
    """One HTTP/1.1 request on its own connection; return (status, headers, body)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        head = {
            "Host": parts.netloc,
            "Connection": "close",
            "Content-Length": str(len(body)),
            **(headers or {}),
        }
        lines = [f"{method} {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1"]
        lines += [f"{k}: {v}" for k, v in head.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        status_line = await reader.readline()
        answer: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            answer[name.strip().lower()] = value.strip()
        if "content-length" in answer:
            payload = await reader.readexactly(int(answer["content-length"]))
        else:
            payload = await reader.read()
        return int(status_line.split()[1]), answer, payload
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def timed(sample: Sample, make) -> None:
    started = time.perf_counter()
    try:
        status, _headers, _body = await make()
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
        sample.errors[type(exc).__name__] += 1
        return
    sample.add(status, time.perf_counter() - started)


async def open_loop(rate: float, seconds: float, make) -> Sample:
    """Start one request every 1/rate seconds, whatever the answers do (no coordinated omission)."""
    sample, tasks, started = Sample(), set(), time.perf_counter()
    total = int(rate * seconds)
    for n in range(total):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        if len(tasks) >= MAX_IN_FLIGHT:
            sample.late += 1
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        task = asyncio.create_task(timed(sample, make))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    sample.elapsed = time.perf_counter() - started
    return sample


async def closed_loop(clients: int, seconds: float, make_for) -> Sample:
    """`clients` users, each sending its next request when the previous one is answered."""
    sample, started = Sample(), time.perf_counter()

    async def user(number: int) -> None:
        while time.perf_counter() - started < seconds:
            await timed(sample, make_for(number))

    await asyncio.gather(*(user(n) for n in range(clients)))
    sample.elapsed = time.perf_counter() - started
    return sample


def quiz_case(server, database_url: str, *, rate: float, seconds: float) -> tuple[Sample, str]:
    base, cpu = server.url, server.cpu_seconds()
    accepted: list[bytes] = []

    def make():
        submission = str(uuid.uuid4())
        body = json.dumps(
            {
                "submission_id": submission,
                "quiz": "an-toan-mang-11-15",
                "audience": "tre-11-15",
                "code": QUIZ_CODE,
                "score": random.randint(0, 10),
                "answers": 10,
            }
        ).encode()
        school = f"203.0.{random.randint(0, 255)}.{random.randint(1, 254)}"  # many schools, one proxy

        async def send():
            answer = await request(
                f"{base}/api/quiz-results",
                "POST",
                body,
                {"Content-Type": "application/json", "X-Forwarded-For": school},
            )
            if answer[0] == 201:
                accepted.append(body)
            return answer

        return send()

    sample = asyncio.run(open_loop(rate, seconds, make))
    sample.cpu = server.cpu_seconds() - cpu
    replays = asyncio.run(_replay(base, accepted[:10_000]))
    rows = _count(database_url, "SELECT count(*) FROM quiz_quizresult WHERE code = %s", QUIZ_CODE)
    check = f"{rows} = {len(accepted)}" + (" ✓" if rows == len(accepted) else " ✗")
    check += f"; {sum(replays.values())} replays: {dict(replays)}"
    _execute(database_url, "DELETE FROM quiz_quizresult WHERE code = %s", QUIZ_CODE)
    return sample, check


async def _replay(base: str, bodies: list[bytes]) -> Counter[int]:
    """Send accepted submissions again, unchanged: each must answer 200 "duplicate" (G16)."""
    statuses: Counter[int] = Counter()
    gate = asyncio.Semaphore(32)

    async def one(body: bytes) -> None:
        async with gate:
            with contextlib.suppress(OSError):
                status, _h, _b = await request(
                    f"{base}/api/quiz-results", "POST", body, {"Content-Type": "application/json"}
                )
                statuses[status] += 1

    await asyncio.gather(*(one(b) for b in bodies))
    return statuses


def report_case(server, database_url: str, *, clients: int, seconds: float) -> tuple[Sample, str]:
    base = server.url
    delivery, held_on = _fetch(
        database_url,
        "SELECT d.id, s.issued_on FROM dispatches_delivery d JOIN units_orgunit u ON u.id = d.unit_id "
        "JOIN dispatches_dispatch s ON s.id = d.dispatch_id WHERE u.name = 'Trường THCS Long An'",
    )
    sessions = [_sign_in(base) for _ in range(clients)]
    before = _count(
        database_url, "SELECT count(*) FROM reports_activityreport WHERE client_token IS NOT NULL"
    )
    counts = ("children_under_6", "children_6_10", "children_16_17", "parents", "teachers", "others")

    def make_for(number: int):
        cookie, csrf = sessions[number]

        def make():
            form = {
                "client_token": str(uuid.uuid4()),
                "kind": "class",
                "held_on": held_on.isoformat(),
                "title": "Tiết sinh hoạt lớp",
                "children_11_15": 35,
                **dict.fromkeys(counts, 0),
                "links": "",
            }
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "X-CSRFToken": csrf,
            }
            return request(f"{base}/nhan/{delivery}/bao-cao-moi/", "POST", urlencode(form).encode(), headers)

        return make

    cpu = server.cpu_seconds()
    sample = asyncio.run(closed_loop(clients, seconds, make_for))
    sample.cpu = server.cpu_seconds() - cpu
    rows = _count(database_url, "SELECT count(*) FROM reports_activityreport WHERE client_token IS NOT NULL")
    saved = sample.statuses[302]
    return sample, f"{rows - before} = {saved}" + (" ✓" if rows - before == saved else " ✗")


def _sign_in(base: str) -> tuple[str, str]:
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/dang-nhap/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        form = {"csrfmiddlewaretoken": token, "username": "thcs.longan", "password": web_stack.PASSWORD}
        answer = client.post("/dang-nhap/", data=form)
        if answer.status_code != 302:
            raise RuntimeError(f"sign-in answered {answer.status_code}: {answer.text[:2000]}")
        cookies = dict(client.cookies)
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), cookies["csrftoken"]


def portal_case(site: Path, *, clients: int, seconds: float) -> tuple[Sample, str]:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))[:200]
    port = web_stack.free_port()
    server = subprocess.Popen(
        [web_stack.LOA, "serve", str(site), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)

        def make_for(number: int):
            return lambda: request(f"http://127.0.0.1:{port}/{random.choice(pages)}")

        sample = asyncio.run(closed_loop(clients, seconds, make_for))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return sample, f"{len(pages)} pages"


def _psycopg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _fetch(database_url: str, sql: str, *params: object) -> tuple:
    import psycopg

    with psycopg.connect(_psycopg(database_url), autocommit=True) as db:
        return db.execute(sql, params).fetchone()


def _count(database_url: str, sql: str, *params: object) -> int:
    return int(_fetch(database_url, sql, *params)[0])


def _execute(database_url: str, sql: str, *params: object) -> None:
    import psycopg

    with psycopg.connect(_psycopg(database_url), autocommit=True) as db:
        db.execute(sql, params)


def build_portal(out: Path) -> Path | None:
    done = subprocess.run(
        [web_stack.LOA, "build", str(CAMPAIGN), "--out", str(out), "--formats", "article-html,portal"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 or not (out / "index.html").is_file():
        print(f"portal case skipped: the build failed\n{done.stderr[-1500:]}", file=sys.stderr)
        return None
    return out


def measure(server, database_url: str, label: str, cases: set[str], args: argparse.Namespace) -> list[str]:
    """The quiz and report cases against one running server; one table row each."""
    rows = []
    if "quiz" in cases:
        sample, check = quiz_case(server, database_url, rate=args.rate, seconds=args.seconds)
        rows.append(row("quiz API", label, f"{args.rate:.0f}/s", sample, check))
        print(rows[-1], flush=True)
    if "report" in cases:
        clients = args.report_clients
        sample, check = report_case(server, database_url, clients=clients, seconds=args.seconds)
        rows.append(row("report form", label, f"{clients} clients", sample, check))
        print(rows[-1], flush=True)
    return rows


def row(case: str, workers: str, offered: str, sample: Sample, check: str) -> str:
    bad = sum(n for status, n in sample.statuses.items() if status >= 400) + sum(sample.errors.values())
    cpu = sample.cpu
    per_request = f"{cpu * 1000 / len(sample.latencies):.2f}" if cpu is not None and sample.latencies else "–"
    return (
        f"| {case} | {workers} | {offered} | {sample.rate:.0f} | {sample.percentile(0.50):.1f} | "
        f"{sample.percentile(0.95):.1f} | {sample.percentile(0.99):.1f} | {bad} | {per_request} | {check} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30, help="duration of each case (G15: 600)")
    parser.add_argument("--workers", default="1,2,4", help="gunicorn worker counts to measure")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per worker (1: sync workers; default: gunicorn_conf's)",
    )
    parser.add_argument("--rate", type=float, default=300, help="quiz submissions offered per second")
    parser.add_argument("--report-clients", type=int, default=8)
    parser.add_argument("--cases", default="quiz,report,portal")
    parser.add_argument(
        "--section", default="web", help="section of RESULTS.md to write (G15's long run: web-g15)"
    )
    parser.add_argument("--postgres", default=web_stack.DEFAULT_POSTGRES, help="server URL, no database")
    parser.add_argument("--redis", default=web_stack.DEFAULT_REDIS, help="'' to run without Redis")
    parser.add_argument("--portal", type=Path, help="a built portal (default: build one)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args()
    cases = set(args.cases.split(","))
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="loa-web-load-") as scratch:
        with web_stack.fresh_database(args.postgres, prefix="loa_bench") as database_url:
            env = web_stack.web_env(
                data_dir=Path(scratch) / "data",
                database_url=database_url,
                redis_url=args.redis or None,
                LOA_QUIZ_BURST="1000000",
                LOA_HTTPS="0",
            )
            web_stack.prepare(env)
            for workers in [int(w) for w in args.workers.split(",")]:
                label = f"{workers} × {args.threads or gunicorn_conf.threads} threads"
                with web_stack.web_server(env, workers=workers, threads=args.threads) as server:
                    rows += measure(server, database_url, label, cases, args)
        if "portal" in cases:
            site = args.portal or build_portal(Path(scratch) / "site")
            if site is not None:
                sample, check = portal_case(site, clients=16, seconds=args.seconds)
                rows.append(row("portal pages", "loa serve", "16 clients", sample, check))
                print(rows[-1], flush=True)
    if not args.no_write:
        write_section(args.section, report(rows, args))


def report(rows: list[str], args: argparse.Namespace) -> str:
    command = f".venv/bin/python benchmarks/web_load.py --seconds {args.seconds:g} --workers {args.workers}"
    if args.threads is not None:
        command += f" --threads {args.threads}"
    if args.cases != "quiz,report,portal":
        command += f" --cases {args.cases}"
    if args.section != "web":
        command += f" --section {args.section}"
    load = os.getloadavg()[1]
    busy = " (above the core count: other work competed and the figures understate)" if load > 2 else ""
    title = "Quiz API for ten minutes (G15)" if args.section == "web-g15" else "Web tier under load"
    return "\n".join(
        [
            f"## {title} (gunicorn on loopback)",
            "",
            f"`{command}` — {machine()}; PostgreSQL and Redis on the same machine, and the load generator too"
            f" (it shares the cores it measures); load average {load:.1f} over the last 5 min"
            f" of the run{busy}."
            f" Each case runs for {args.seconds:g} s. Target G15: quiz API ≥ 300 req/s for 10 min,"
            " p95 < 100 ms, p99 < 250 ms, 0 unexpected non-2xx, rows = accepted; G16: replays add 0 rows.",
            "",
            "*CPU ms/req* is the web processes' CPU time per answered request (gunicorn master and workers):"
            " it hardly depends on what else runs, so it tells how many requests a quiet core can take.",
            "",
            "| case | workers | load | req/s | p50 ms | p95 ms | p99 ms | errors | CPU ms/req | rows |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )


if __name__ == "__main__":
    main()
