"""The build's side of the cluster: send jobs to Celery workers, collect them, re-send the abandoned.

The recipe: store the recipient units → send each job not yet in the store → until every job is in:
collect the finished ones, stop on a recorded error, and re-send any job whose worker died (its
lease lapsed while it was started and not done). That last step is the sweeper: the broker's own
redelivery waits for its visibility timeout, far too long for a build someone is waiting on. The
sweeper also sends every unfinished job again when Redis restarts empty (the build's mark is gone).
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import redis
from kombu.exceptions import OperationalError

from loa import model as m
from loa.cluster.app import Cluster
from loa.cluster.orders import PublishOrder, RenderOrder
from loa.config import Settings
from loa.errors import BuildError
from loa.renderers.base import Artifact, Job

log = logging.getLogger("loa.cluster")
POLL_SECONDS = 0.2
MAX_RESENDS = 3
"""A job whose worker dies this many times more is given up: it may be what kills them."""
OUTAGE_SECONDS = 60.0
"""How long a build waits for Redis or the broker to answer again (a restart) before it stops."""
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError, OperationalError)


class CeleryExecutor:
    """Runs a build's jobs on the Celery workers of the settings' broker and queue."""

    def __init__(self, settings: Settings) -> None:
        self.cluster = Cluster.from_settings(settings)
        self.resent = 0
        """Jobs sent again by the sweeper in this build (their first worker died)."""

    def run(
        self, campaign: m.Campaign, jobs: list[Job], keys: list[str], *, staging: Path | None = None
    ) -> Iterator[tuple[int, list[Artifact]]]:
        """Yield (index, artifacts) for each job as workers finish it (from the shared store: a
        worker may be on another machine, so `staging` is not used)."""
        if not jobs:
            return
        store, ledger = self.cluster.store, self.cluster.ledger
        self.cluster.require_workers()
        units = store.put_units(campaign.units) if campaign.units else None
        where: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            where.setdefault(key, []).append(index)
        orders = {
            key: RenderOrder(
                jobs[indices[0]], key, str(Path(campaign.root).resolve()), units, str(store.root)
            )
            for key, indices in where.items()
        }
        mark = self._remember()
        for key, order in orders.items():
            if not store.has(key):
                ledger.clear(key)
                self.cluster.send("loa.render", order.to_json())
        settled = self._settle(list(orders), mark, done=store.has, resend=lambda k: orders[k].to_json())
        for key in settled:
            artifacts = store.load(key)
            for index in where[key]:
                yield index, artifacts

    def _remember(self) -> str:
        """Mark a new build in Redis, before its jobs are sent; return the mark."""
        mark = uuid.uuid4().hex
        self.cluster.ledger.remember(mark)
        return mark

    def _settle(
        self,
        keys: list[str],
        mark: str,
        *,
        done: Callable[[str], bool],
        resend: Callable[[str], dict[str, Any]],
    ) -> Iterator[str]:
        """Yield each job's key once it is done; re-send lost jobs; raise a job's recorded error.

        Redis or the broker out of reach is waited for (up to OUTAGE_SECONDS): a restart is not an error.
        """
        waiting, resends, unsent = set(keys), dict[str, int](), set[str]()
        down_since: float | None = None
        try:
            while waiting:
                try:
                    finished = self._sweep(waiting, mark, done, resend, resends, unsent)
                    down_since = None
                except UNREACHABLE as exc:
                    down_since = self._unreachable(down_since, exc)
                    finished = set()
                for key in [k for k in keys if k in finished]:
                    waiting.discard(key)
                    yield key
                if waiting:
                    time.sleep(POLL_SECONDS)
        finally:
            with contextlib.suppress(*UNREACHABLE):
                self.cluster.ledger.forget_build(mark)

    def _sweep(
        self,
        waiting: set[str],
        mark: str,
        done: Callable[[str], bool],
        resend: Callable[[str], dict[str, Any]],
        resends: dict[str, int],
        unsent: set[str],
    ) -> set[str]:
        """Look at the waiting jobs once: return those done, re-send those lost or abandoned."""
        ledger = self.cluster.ledger
        forgotten = not ledger.remembers(mark)  # read before `done`: a job may finish between
        abandoned = ledger.abandoned(sorted(waiting))
        finished = {key for key in waiting if done(key)}
        rest = sorted(waiting - finished)
        if errors := ledger.errors(rest):
            raise BuildError(next(iter(errors.values())))
        if forgotten:  # Redis restarted empty: queued messages, leases and started marks are gone
            log.warning(
                "Redis forgot this build (restarted?): sending its %d unfinished jobs again", len(rest)
            )
            unsent.update(rest)
            ledger.remember(mark)
        for key in [k for k in abandoned if k in rest and k not in unsent]:
            self._resend(key, resend(key), resends)
        for key in [k for k in rest if k in unsent]:
            order = resend(key)
            self.cluster.send(_task_of(order), order)
            unsent.discard(key)  # only once sent: a failed send is tried again at the next look
            self.resent += 1
        return finished

    def _unreachable(self, since: float | None, exc: Exception) -> float:
        """Note that Redis or the broker did not answer; raise once it has been so for too long."""
        now = time.monotonic()
        if since is None:
            log.warning("Redis or the broker does not answer (%s); waiting for it", exc)
            return now
        if now - since > OUTAGE_SECONDS:
            raise BuildError(
                f"Redis hoặc broker không trả lời đã {OUTAGE_SECONDS:.0f} giây ({exc}) — "
                "kiểm tra dịch vụ rồi build lại (việc đã xong vẫn còn trong kho)"
            )
        return since

    def _resend(self, key: str, order: dict[str, Any], resends: dict[str, int]) -> None:
        """Send a job again whose worker died (the sweeper's one action), a few times at most."""
        resends[key] = resends.get(key, 0) + 1
        if resends[key] > MAX_RESENDS:
            raise BuildError(f"việc {key[:12]} đã làm dừng worker {resends[key]} lần — xem nhật ký worker")
        log.warning("%s: its worker stopped; sending it again", key)
        self.cluster.ledger.forget_start(key)
        self.cluster.send(_task_of(order), order)
        self.resent += 1

    def publish(
        self,
        site: Path,
        *,
        channels: list[str],
        schedule: str | None,
        calendar: Path | None,
        provinces: tuple[str, ...] | None = None,
    ) -> list[dict[str, Any]]:
        """Publish a build on a worker (its environment holds the tokens); return the plan's rows."""
        order = PublishOrder(
            key=uuid.uuid4().hex,
            site=str(site.resolve()),
            channels=tuple(channels),
            schedule=schedule,
            calendar=str(calendar.resolve()) if calendar else None,
            provinces=provinces,
        )
        self.cluster.require_workers()
        mark = self._remember()
        self.cluster.send("loa.publish", order.to_json())
        ledger = self.cluster.ledger
        finished = self._settle(
            [order.key], mark, done=lambda k: ledger.result(k) is not None, resend=lambda k: order.to_json()
        )
        for _key in finished:
            pass
        result = ledger.result(order.key) or {}
        rows: list[dict[str, Any]] = result.get("rows", [])
        return rows


def _task_of(order: dict[str, Any]) -> str:
    return "loa.render" if "job" in order else "loa.publish"
