"""Benchmark: the outbox against fake Graph and Zalo servers with injected faults (G13, G14).

Run: .venv/bin/python benchmarks/publish.py
G13: 1,000 Facebook posts with 20% timeouts after accept, 10% 5xx and 5% 429 (Retry-After 0.15 s,
client timeout 0.2 s, 16 senders). G14: 100 concurrent refreshes of one expired Zalo token, from
threads of one process and from 4 processes × 25 threads.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
import httpx  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from results import machine, write_section  # noqa: E402

from fakes.graph import FakeGraph  # noqa: E402
from fakes.refresher import refresh_in_threads  # noqa: E402
from fakes.server import Faults  # noqa: E402
from fakes.zalo import FakeZalo  # noqa: E402
from loa.channels.facebook import FacebookPage, prepare_facebook  # noqa: E402
from loa.channels.secrets import Secret  # noqa: E402
from loa.channels.zalo import ZaloTokens  # noqa: E402
from loa.outbox import Outbox, Vault  # noqa: E402
from loa.publish import Policy, deliver_all  # noqa: E402


def g13(folder: Path) -> dict[str, object]:
    now = datetime.now(UTC)
    posts = [
        prepare_facebook(
            page_id="1000",
            topic=f"t{n}",
            message=f"Bài {n}",
            now=now,
            link="https://x.vn/",
            product_sha256=hashlib.sha256(str(n).encode()).hexdigest(),
        )
        for n in range(1000)
    ]
    faults = Faults(timeout=0.2, server_error=0.1, rate_limited=0.05, retry_after=0.15, hang=0.4)
    with FakeGraph(faults=faults) as fake:
        channel = FacebookPage(page_id="1000", token=Secret(fake.token), base_url=fake.base_url, timeout=0.2)
        started = time.monotonic()
        records = deliver_all(
            posts,
            {"facebook": channel},
            Outbox(folder),
            now=now,
            policy=Policy(max_attempts=40, base_delay=0.02, max_delay=0.5, workers=16),
        )
        seconds = time.monotonic() - started
    seen = Counter(p.message.rsplit("#loa-", 1)[-1] for p in fake.posts)
    return {
        "upstream": len(fake.posts),
        "duplicates": sum(n - 1 for n in seen.values()),
        "missing": len({p.key[:8] for p in posts} - seen.keys()),
        "sent": sum(r.state == "sent" for r in records),
        "faults": dict(fake.counts),
        "requests": fake.requests,
        "not honoured": fake.violations + fake.early_retries,
        "seconds": seconds,
    }


def g14(folder: Path, processes: int) -> dict[str, object]:
    key = Fernet.generate_key().decode()
    with FakeZalo(refresh_delay=0.1) as fake, httpx.Client(timeout=10) as http:
        tokens = ZaloTokens(
            Vault(Outbox(folder), key),
            app_id=fake.app_id,
            app_secret=Secret(fake.app_secret),
            seed_access=Secret(fake.access_token),
            seed_refresh=Secret(fake.refresh_token),
            oauth_url=fake.url,
            http=http,
        )
        _, seen = tokens.current()
        fake.expire_access()
        args = (str(folder), key, fake.url, fake.app_id, fake.app_secret, seen)
        started = time.monotonic()
        if processes:
            with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
                jobs = [pool.submit(refresh_in_threads, *args, 100 // processes) for _ in range(processes)]
                got = [t for job in jobs for t in job.result()]
        else:
            got = refresh_in_threads(*args, 100)
        return {
            "workers": len(got),
            "refreshes": fake.refreshes,
            "reused": fake.reused,
            "same token": len(set(got)) == 1,
            "seconds": time.monotonic() - started,
        }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a, b, c = g13(root / "g13"), g14(root / "g14t", 0), g14(root / "g14p", 4)
    lines = [
        "## Publishing outbox against fake platforms",
        "",
        f"`.venv/bin/python benchmarks/publish.py` — {machine()}, fake servers on 127.0.0.1 "
        "in the same process.",
        "",
        "| target | result | figures |",
        "|---|---|---|",
        f"| G13: 1,000 Facebook posts, faults {a['faults']} | "
        f"**{a['upstream']} upstream, {a['duplicates']} duplicates, {a['missing']} missing, "
        f"{a['not honoured']} 429 not honoured** | {a['sent']} sent, {a['requests']} requests, "
        f"{a['seconds']:.1f} s |",
        f"| G14: 100 refreshes, 100 threads | **{b['refreshes']} upstream refresh, {b['reused']} × -14020** "
        f"| all got one token: {b['same token']}, {b['seconds']:.2f} s |",
        f"| G14: 100 refreshes, 4 processes × 25 threads | **{c['refreshes']} upstream refresh, "
        f"{c['reused']} × -14020** | all got one token: {c['same token']}, {c['seconds']:.2f} s |",
    ]
    write_section("publishing", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
