"""Celery executor: `loa build` and `loa publish --yes` on real workers (Redis and RabbitMQ on this
machine), byte-identical to a local build; each job runs once however often its message arrives.

Workers are started as `loa worker` subprocesses, each in its own process group on a queue of its
own, and killed in `finally`. Without Redis or RabbitMQ the tests skip, or fail with
LOA_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from kombu import Connection

from fakes.graph import FakeGraph
from fakes.zalo import FakeZalo
from loa.build import build
from loa.cluster.app import Cluster
from loa.cluster.lease import Ledger, holder
from loa.cluster.orders import PublishOrder
from loa.cluster.store import Store
from loa.config import Settings
from loa.errors import BuildError
from loa.renderers.base import Artifact
from loa_support import ROOTS, SOURCE_DATE_EPOCH, loa_executable, run_loa, tree_digest
from test_publish_cli import platform_env

REQUIRED = os.environ.get("LOA_REQUIRE_SERVICES") == "1"
REDIS = "redis://127.0.0.1:6379/15"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"
PLUGIN = Path(__file__).parent / "drills" / "plugin"
UNITS_CSV = "code,name,contact\n27001,UBND xã Một,Liên hệ: 0272 111\n27002,UBND xã Hai,\n27003,UBND xã Ba,\n"


def service_problem(url: str) -> str | None:
    """Return why a service on this machine cannot be reached, or None."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 0
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        return f"{parts.scheme} at {host}:{port} is unreachable ({exc})"
    return None


def require(*urls: str) -> None:
    for url in urls:
        if problem := service_problem(url):
            if REQUIRED:
                pytest.fail(f"{problem} (LOA_REQUIRE_SERVICES=1)", pytrace=False)
            pytest.skip(problem)


@dataclass(frozen=True)
class Place:
    """One test's cluster: broker, queue of its own, store folder, lease."""

    broker: str
    store: Path
    queue: str
    lease: float = 15.0

    @property
    def settings(self) -> Settings:
        return Settings(
            executor="celery",
            broker_url=self.broker,
            redis_url=REDIS,
            queue=self.queue,
            cluster_store=self.store,
            lease_seconds=self.lease,
        )

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "LOA_EXECUTOR": "celery",
            "LOA_BROKER_URL": self.broker,
            "LOA_REDIS_URL": REDIS,
            "LOA_QUEUE": self.queue,
            "LOA_CLUSTER_STORE": str(self.store),
            "LOA_LEASE_SECONDS": str(self.lease),
            "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
            **extra,
        }


def create_place(tmp_path: Path, broker: str = REDIS, *, lease: float = 15.0) -> Place:
    require(REDIS, broker)
    return Place(broker, tmp_path / "store", f"t-{uuid.uuid4().hex[:10]}", lease)


@dataclass
class Worker:
    """A `loa worker` subprocess, the leader of its own process group."""

    process: subprocess.Popen[bytes]
    log: Path

    def children(self) -> list[int]:
        found = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in found.read_text().split()] if found.exists() else []

    def kill(self) -> None:
        """kill -9 the worker and its children (its process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def start_worker(
    place: Place, tmp_path: Path, *, concurrency: int = 1, env: dict[str, str] | None = None
) -> Worker:
    """Start `loa worker` for a place and wait (at most 40 s) until it is ready."""
    log = tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log"
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LOA_")},
        **place.env(),
        "PYTHONPATH": str(PLUGIN),
        **(env or {}),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(loa_executable()), "worker", "--concurrency", str(concurrency)],
            cwd=tmp_path,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(process, log)
    deadline = time.monotonic() + 40
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail(
                f"loa worker did not start:\n{log.read_text(errors='replace')[-3000:]}", pytrace=False
            )
        time.sleep(0.1)
    return worker


@contextmanager
def workers(place: Place, tmp_path: Path, count: int = 1, **options: object) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    try:
        for _ in range(count):
            started.append(start_worker(place, tmp_path, **options))  # type: ignore[arg-type]
        yield started
    finally:
        for worker in started:
            worker.kill()
        forget(place)


def forget(place: Place) -> None:
    """Delete the place's keys from Redis (its namespace and its queue only)."""
    ledger = Cluster(place.settings).ledger
    for key in ledger.redis.scan_iter(f"loa:{place.queue}:*"):
        ledger.redis.delete(key)
    ledger.redis.delete(
        place.queue, f"_kombu.binding.{place.queue}", f"_kombu.binding_permanent.{place.queue}"
    )
    for tag, message in ledger.redis.hgetall("unacked").items():  # a killed worker's, on Redis
        if place.queue in message:
            ledger.redis.hdel("unacked", tag)
            ledger.redis.zrem("unacked_index", tag)
    if place.broker.startswith("amqp"):
        with Connection(place.broker) as connection:
            connection.default_channel.queue_delete(place.queue)


def write_units(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    return folder / "units.csv"


def local_build(source: Path, out: Path, *, formats: list[str], units: Path | None) -> str:
    """Build on this machine, inline; return the output's digest."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        build(source, out=out, formats=formats, units=units, workers=1)
    return tree_digest(out)


@pytest.mark.parametrize("broker", [REDIS, RABBITMQ], ids=["redis", "rabbitmq"])
def test_loa_build_on_celery_workers_is_byte_identical_to_a_local_build(tmp_path: Path, broker: str) -> None:
    place = create_place(tmp_path, broker)
    units = write_units(tmp_path)
    expected = local_build(ROOTS / "visuals", tmp_path / "local", formats=["posters"], units=units)
    with workers(place, tmp_path, concurrency=2):
        for out in ("celery", "again"):  # the second build takes every job from the store
            args = ("build", ROOTS / "visuals", "--out", tmp_path / out, "--units", units)
            run = run_loa(*args, "--formats", "posters", cwd=tmp_path, env=place.env())
            assert run.returncode == 0, run
        cluster = Cluster(place.settings)
        runs = {key: cluster.ledger.runs(key) for key in cluster.store.entries()}
    assert tree_digest(tmp_path / "celery") == tree_digest(tmp_path / "again") == expected
    assert runs and set(runs.values()) == {1}, "every job ran exactly once, over both builds"
    assert not any((place.store / "tmp").iterdir()), "no half-written job is left in the store"


def test_without_a_worker_the_build_says_to_start_one(tmp_path: Path) -> None:
    require(REDIS)
    place = Place("redis://127.0.0.1:6379/14", tmp_path / "store", f"t-{uuid.uuid4().hex[:10]}")
    from loa.cluster.executor import CeleryExecutor

    with pytest.raises(BuildError, match="loa worker"):
        build(
            ROOTS / "visuals",
            out=tmp_path / "out",
            formats=["posters"],
            executor=CeleryExecutor(place.settings),
        )
    assert not (tmp_path / "out").exists()


def test_celery_without_a_broker_url_names_the_setting(loa_in_process, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = loa_in_process(
        "build", ROOTS / "visuals", "--out", tmp_path / "out", env={"LOA_EXECUTOR": "celery"}
    )
    assert run.returncode == 1 and "LOA_BROKER_URL" in run.stderr


def test_loa_yaml_refuses_a_broker_url_with_a_password(loa_in_process, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cwd").mkdir(exist_ok=True)
    (tmp_path / "cwd" / "loa.yaml").write_text(
        "broker_url: amqp://loa:mat-khau@mq:5672//\n", encoding="utf-8"
    )
    run = loa_in_process("check", ROOTS / "minimal")
    assert run.returncode == 1 and "LOA_BROKER_URL" in run.stderr and "mat-khau" not in run.stderr


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    place = create_place(tmp_path, lease=2)
    yield Cluster(place.settings).ledger
    forget(place)


def test_the_store_keeps_one_entry_per_job_however_often_it_is_written(tmp_path: Path) -> None:
    store = Store(tmp_path)
    artifact = Artifact("a/b.txt", "Bảo vệ trẻ em".encode(), "drill", "txt", "text/plain", topic="t")
    assert store.put("ab" * 32, [artifact]) is True
    assert store.put("ab" * 32, [replace(artifact, data=b"second copy")]) is False
    assert store.entries() == ["ab" * 32] and store.load("ab" * 32) == [artifact]
    assert not any((tmp_path / "tmp").iterdir()), "the losing copy is removed"


def test_a_second_copy_of_a_running_job_finds_its_lease_taken(ledger: Ledger) -> None:
    with ledger.lease("job") as first, ledger.lease("job") as second:
        assert (first, second) == (True, False)
        assert ledger.abandoned(["job"]) == []
        assert ledger.finish("job", {"artifacts": 1}) and not ledger.finish("job", {"artifacts": 2})
    assert ledger.abandoned(["job"]) == [], "finished, not abandoned"
    assert ledger.result("job") == {"artifacts": 1}


def test_a_job_whose_worker_died_is_abandoned_once_its_lease_lapses(ledger: Ledger) -> None:
    assert ledger._acquire("job", "another-machine:1")
    assert ledger.abandoned(["job"]) == []
    time.sleep(2.2)
    assert ledger.abandoned(["job"]) == ["job"]
    ledger.forget_start("job")
    assert ledger.abandoned(["job"]) == []


def test_a_lease_held_by_a_dead_process_of_this_machine_is_taken_over_at_once(ledger: Ledger) -> None:
    assert ledger._acquire("job", f"{socket.gethostname()}:{dead_pid()}")
    with ledger.lease("job") as held:
        assert held
        assert ledger.redis.get(ledger.key("lease", "job")) == holder()


@pytest.fixture(scope="module")
def built_social(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "social"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        build(ROOTS / "full", out=out, formats=["cards", "social"], workers=1)
    return out


def test_loa_publish_on_workers_posts_each_topic_once_even_when_its_task_arrives_twice(
    tmp_path: Path, built_social: Path
) -> None:
    place = create_place(tmp_path)
    with FakeGraph() as graph, FakeZalo() as zalo:
        platform = platform_env(graph, zalo, tmp_path / "var")
        with workers(place, tmp_path, concurrency=2, env=platform):
            first = run_loa("publish", built_social, "--yes", cwd=tmp_path, env=place.env())
            cluster = Cluster(place.settings)
            twice = PublishOrder(uuid.uuid4().hex, str(built_social), ("facebook", "zalo")).to_json()
            cluster.send("loa.publish", twice)
            cluster.send("loa.publish", twice)  # the same task delivered twice, to two worker processes
            deadline = time.monotonic() + 60
            while cluster.ledger.result(str(twice["key"])) is None and time.monotonic() < deadline:
                time.sleep(0.2)
            second = run_loa("publish", built_social, "--yes", cwd=tmp_path, env=place.env())
            runs = cluster.ledger.runs(str(twice["key"]))
    assert first.returncode == 0 and second.returncode == 0, (first, second)
    assert "4 đã đăng, 0 chờ đến giờ" in first.stdout and "4 đã đăng" in second.stdout
    assert len(graph.posts) == 2 and len(zalo.articles) == 2, "0 duplicate posts"
    assert runs == 1
