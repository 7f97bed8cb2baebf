"""Worker kill drills on this machine (G11, G12): kill -9 a worker child mid-render, then a whole
worker, then a worker mid-post; each job still completes, exactly once in effect.

The slow job comes from the drill renderer (tests/drills/plugin, registered by its own entry point):
it sleeps LOA_DRILL_SECONDS in the workers, so there is a render to interrupt. Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fakes.graph import FakeGraph
from fakes.server import Faults
from fakes.zalo import FakeZalo
from loa.build import build
from loa.cluster.app import Cluster
from loa.cluster.executor import CeleryExecutor
from loa.errors import BuildError
from loa_support import ROOTS, SOURCE_DATE_EPOCH, tree_digest
from test_cluster import PLUGIN, RABBITMQ, REDIS, Place, create_place, local_build, start_worker, workers
from test_publish_cli import platform_env

RENDER_SECONDS = "3"


class Background(threading.Thread):
    """Run a call in a thread, keeping its result or exception."""

    def __init__(self, call: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.call, self.result, self.error = call, None, None
        self.finished_at = 0.0

    def run(self) -> None:
        try:
            self.result = self.call()
        except BaseException as exc:
            self.error = exc
        self.finished_at = time.monotonic()

    def outcome(self, timeout: float) -> Any:
        self.join(timeout)
        assert not self.is_alive(), f"did not finish within {timeout:.0f} s"
        if self.error:
            raise self.error
        return self.result


def wait_for(what: str, check: Callable[[], Any], timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"waited {timeout:.0f} s for {what}"
        time.sleep(0.05)
    return found


def lease_holder(place: Place) -> int | None:
    """Return the process id holding a job's lease in this place, or None."""
    ledger = Cluster(place.settings).ledger
    for key in ledger.redis.scan_iter(f"loa:{place.queue}:lease:*"):
        value = ledger.redis.get(key)
        if value:
            return int(str(value).rpartition(":")[2])
    return None


def drill_build(place: Place, out: Path) -> tuple[CeleryExecutor, Background]:
    executor = CeleryExecutor(place.settings)
    job = Background(lambda: build(ROOTS / "visuals", out=out, formats=["drill"], executor=executor))
    job.start()
    return executor, job


@pytest.fixture
def drill(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the drill renderer on the path of this process (for planning) and fix the build time."""
    monkeypatch.syspath_prepend(str(PLUGIN))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)


def test_kill_9_of_a_worker_child_mid_render_leaves_exactly_one_artifact_and_one_result(
    tmp_path: Path, drill: None
) -> None:
    """G11: the child dies mid-render; the job is done again once, its output identical to a local build."""
    place = create_place(tmp_path, lease=6)
    expected = local_build(ROOTS / "visuals", tmp_path / "local", formats=["drill"], units=None)
    with workers(place, tmp_path, env={"LOA_DRILL_SECONDS": RENDER_SECONDS}) as [worker]:
        executor, job = drill_build(place, tmp_path / "celery")
        child = wait_for("a render to start", lambda: lease_holder(place))
        assert child in worker.children(), "the lease is held by the worker's child"
        os.kill(child, signal.SIGKILL)
        job.outcome(timeout=place.lease + 60)
        cluster = Cluster(place.settings)
        keys = cluster.store.entries()
        report = {
            "artifacts": len(keys),
            "runs": [cluster.ledger.runs(k) for k in keys],
            "results": sum(cluster.ledger.result(k) is not None for k in keys),
            "resent": executor.resent,
        }
    print("G11", report)
    assert report["artifacts"] == 1 and report["runs"] == [1], "exactly 1 artefact, rendered once"
    assert report["results"] == 1, "1 result row"
    assert tree_digest(tmp_path / "celery") == expected
    assert not any((place.store / "tmp").iterdir())


@pytest.mark.parametrize("broker", [REDIS, RABBITMQ], ids=["redis", "rabbitmq"])
def test_kill_9_of_a_whole_worker_mid_render_is_done_by_a_fresh_worker_within_the_lease_plus_60_s(
    tmp_path: Path, drill: None, broker: str
) -> None:
    """G12: parent and children die. Redis would redeliver in minutes: the sweeper re-sends once the
    lease lapses. RabbitMQ redelivers when the connection drops: the fresh worker takes over the lease."""
    place = create_place(tmp_path, broker, lease=5)
    with workers(place, tmp_path, env={"LOA_DRILL_SECONDS": RENDER_SECONDS}) as started:
        executor, job = drill_build(place, tmp_path / "celery")
        wait_for("a render to start", lambda: lease_holder(place))
        started[0].kill()
        killed = time.monotonic()
        started.append(start_worker(place, tmp_path, env={"LOA_DRILL_SECONDS": RENDER_SECONDS}))
        job.outcome(timeout=place.lease + 60)
        seconds = job.finished_at - killed
        cluster = Cluster(place.settings)
        keys = cluster.store.entries()
        report = {
            "seconds": round(seconds, 1),
            "artifacts": len(keys),
            "runs": [cluster.ledger.runs(k) for k in keys],
            "resent": executor.resent,
        }
    print("G12", broker.split(":")[0], report)
    assert seconds <= place.lease + 60
    assert report["artifacts"] == 1 and report["runs"] == [1]
    assert report["resent"] == 1 if broker == REDIS else report["resent"] <= 1, "the sweeper re-sent it once"
    assert (tmp_path / "celery" / "manifest.json").is_file()


def test_a_renderer_failing_on_a_worker_stops_the_build_with_its_message(tmp_path: Path, drill: None) -> None:
    place = create_place(tmp_path)
    with workers(place, tmp_path, env={"LOA_DRILL_FAIL": "1"}):
        _executor, job = drill_build(place, tmp_path / "celery")
        with pytest.raises(BuildError, match=r"drill/.*RuntimeError: hỏng như đã định"):
            job.outcome(timeout=60)
    assert not (tmp_path / "celery").exists(), "nothing written"


@pytest.fixture(scope="module")
def built_social(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "social"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        build(ROOTS / "full", out=out, formats=["cards", "social"], workers=1)
    return out


def test_kill_9_of_a_worker_after_the_platform_took_a_post_makes_no_duplicate_post(
    tmp_path: Path, built_social: Path
) -> None:
    """G11 for publishing: the post was accepted but not recorded; the next worker finds it upstream."""
    place = create_place(tmp_path, lease=4)
    slow = Faults(timeout=1.0, hang=3.0)  # every post is taken, then answered too late
    with FakeGraph(faults=slow) as graph, FakeZalo() as zalo:
        platform = {**platform_env(graph, zalo, tmp_path / "var"), "LOA_PUBLISH_TIMEOUT": "1"}
        with workers(place, tmp_path, env=platform) as started:
            executor = CeleryExecutor(place.settings)
            job = Background(
                lambda: executor.publish(built_social, channels=["facebook"], schedule=None, calendar=None)
            )
            job.start()
            wait_for("the platform to take a post", lambda: graph.posts)
            assert states(tmp_path / "var").get("sending"), "killed while a post is in flight"
            started[0].kill()
            started.append(start_worker(place, tmp_path, env=platform))
            rows = job.outcome(timeout=place.lease + 60)
    upstream = Counter(post.message for post in graph.posts)
    print(
        "G11 publish",
        {"upstream": len(graph.posts), "resent": executor.resent, "states": states(tmp_path / "var")},
    )
    assert len(upstream) == 2 and max(upstream.values()) == 1, "0 duplicate posts"
    assert [row["state"] for row in rows] == ["sent", "sent"]


def states(data: Path) -> dict[str, int]:
    with sqlite3.connect(data / "outbox.sqlite3") as db:
        return dict(Counter(state for (state,) in db.execute("SELECT state FROM posts")))
