"""Drill: Redis restarts EMPTY in the middle of a Celery build; the build still finishes, whole.

A Redis of our own (never the machine's) is the broker and holds the leases and results; one
`loa worker` renders a slow drill job (tests/drills/plugin) while the build's other jobs wait in the
queue. Mid-render Redis is killed and started again on the same port with nothing kept: queued
messages, leases, started marks and results are gone. The build must notice, send its unfinished
jobs again, and finish within a bound, byte-identical to a local build, each job once in the store
and no traceback in its output. With RabbitMQ as the broker only the ledger (Redis) restarts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

if os.environ.get("LOA_REQUIRE_SERVICES") != "1":  # else a missing cluster extra fails, as it should
    pytest.importorskip("celery", reason="the cluster extra is not installed: pip install -e '.[cluster]'")

import web_stack

from loa.cluster.app import Cluster
from loa.config import Settings
from loa_support import ROOTS, SETTINGS_VARIABLES, loa_executable, tree_digest
from test_cluster import PLUGIN, RABBITMQ, Place, local_build, service_problem, workers

REQUIRED = os.environ.get("LOA_REQUIRE_SERVICES") == "1"
FORMATS = ["drill", "cards", "infographics"]  # the slow job first, then quick ones left in the queue
RENDER_SECONDS = "5"
OUTAGE = 1.5  # seconds Redis stays down
WITHIN = 90.0  # seconds the whole build may take


@dataclass(frozen=True)
class PrivatePlace(Place):
    """A test's cluster whose ledger is a private Redis (and, by default, its broker too)."""

    ledger_url: str = ""

    @property
    def settings(self) -> Settings:
        return Settings(
            executor="celery",
            broker_url=self.broker,
            redis_url=self.ledger_url,
            queue=self.queue,
            cluster_store=self.store,
            lease_seconds=self.lease,
        )

    def env(self, **extra: str) -> dict[str, str]:
        return {**super().env(), "LOA_REDIS_URL": self.ledger_url, **extra}


@pytest.fixture
def private_redis() -> object:
    server = web_stack.PrivateRedis()
    try:
        server.start()
    except FileNotFoundError as exc:
        if REQUIRED:
            pytest.fail(f"cannot start a private Redis: {exc} (LOA_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(f"cannot start a private Redis: {exc}")
    try:
        yield server
    finally:
        server.stop()


def restart_empty(server: web_stack.PrivateRedis) -> None:
    """kill -9 Redis, wait, and start it again on the same port with nothing kept."""
    assert server.process is not None
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)
    server.process = None
    time.sleep(OUTAGE)
    server.start()


def lease_taken(place: PrivatePlace) -> bool:
    ledger = Cluster(place.settings).ledger
    return any(ledger.redis.scan_iter(f"loa:{place.queue}:lease:*"))


@pytest.mark.parametrize(
    ("broker", "processes"),
    [("redis", 1), ("redis", 2), ("rabbitmq", 1)],
    ids=["redis", "redis-2-processes", "rabbitmq"],
)
def test_a_build_survives_redis_restarting_empty_mid_render_with_each_job_done_once(
    tmp_path: Path,
    private_redis: web_stack.PrivateRedis,
    broker: str,
    processes: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN))
    if broker == "rabbitmq" and (problem := service_problem(RABBITMQ)):
        if REQUIRED:
            pytest.fail(f"{problem} (LOA_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(problem)
    url = private_redis.url
    place = PrivatePlace(
        url if broker == "redis" else RABBITMQ, tmp_path / "store", f"t-{os.urandom(5).hex()}", 5.0, url
    )
    expected = local_build(ROOTS / "full", tmp_path / "local", formats=FORMATS, units=None)
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environ |= {**place.env(), "PYTHONPATH": str(PLUGIN), "NO_COLOR": "1", "COLUMNS": "200"}
    command = [str(loa_executable()), "build", str(ROOTS / "full"), "--formats", ",".join(FORMATS)]
    command += ["--out", str(tmp_path / "celery")]
    drill = {"LOA_DRILL_SECONDS": RENDER_SECONDS}
    with workers(place, tmp_path, concurrency=processes, env=drill) as started:
        began = time.monotonic()
        build = subprocess.Popen(
            command, cwd=tmp_path, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            deadline = time.monotonic() + 30
            while not lease_taken(place):
                assert build.poll() is None, build.communicate()
                assert time.monotonic() < deadline, "no render started within 30 s"
                time.sleep(0.05)
            time.sleep(1)  # mid-render
            restart_empty(private_redis)
            restarted = time.monotonic()
            out, err = build.communicate(timeout=WITHIN - (restarted - began))
            ended = time.monotonic()
        finally:
            if build.poll() is None:
                build.kill()
                build.wait()
        worker_log = started[0].log.read_text(errors="replace")
    store = Cluster(place.settings).store
    paths = Counter(a.path for key in store.entries() for a in store.load(key))
    seconds = ended - began
    report = {
        "seconds": round(seconds, 1),
        "after restart": round(ended - restarted, 1),
        "artifacts": len(paths),
    }
    print(f"Redis restart ({broker}, {processes} processes):", report)
    assert build.returncode == 0, f"{out}\n{err}\n--- worker ---\n{worker_log[-4000:]}"
    assert "Traceback" not in out + err
    assert tree_digest(tmp_path / "celery") == expected
    assert paths and max(paths.values()) == 1, "each job's artifacts are in the store once"
    assert not any((place.store / "tmp").iterdir()), "no half-written job is left in the store"
    assert seconds < WITHIN


def test_a_render_that_cannot_reach_redis_is_tried_again_not_dropped(
    tmp_path: Path, private_redis: web_stack.PrivateRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Longer than the client's own retries: the task fails on Redis, and Celery runs it again."""
    import redis

    from loa.cluster import tasks
    from loa.cluster.orders import RenderOrder
    from loa.readers import read_campaign
    from loa.renderers.base import Fingerprints

    monkeypatch.syspath_prepend(str(PLUGIN))
    from loa_drill import DrillRenderer

    place = PrivatePlace(
        private_redis.url, tmp_path / "store", f"t-{os.urandom(5).hex()}", 5.0, private_redis.url
    )
    here = Cluster(place.settings)
    campaign = read_campaign(ROOTS / "visuals")[0]
    job = DrillRenderer().plan(campaign)[0]
    key = DrillRenderer().input_hash(job, Fingerprints(campaign))
    order = RenderOrder(job, key, str(ROOTS / "visuals"), None, str(place.store))
    take, failures = here.ledger._take, []

    def unreachable_once(**kwargs: object) -> object:
        if not failures:
            failures.append(1)
            raise redis.ConnectionError("Error 111 connecting to Redis. Connection refused.")
        return take(**kwargs)

    monkeypatch.setattr(here.ledger, "_take", unreachable_once)
    monkeypatch.setattr(tasks, "cluster", lambda: here)
    result = tasks.render.apply(args=[order.to_json()])
    assert failures == [1]
    assert result.get() == "rendered", result.traceback
    assert here.store.entries() == [key] and here.ledger.runs(key) == 1
