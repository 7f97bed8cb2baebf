"""The build's side of the cluster: send jobs to Celery workers, collect them, re-send the abandoned.

The recipe: store the recipient units → send each job not yet in the store → until every job is in:
collect the finished ones, stop on a recorded error, and re-send any job whose worker died (its
lease lapsed while it was started and not done). That last step is the sweeper: the broker's own
redelivery waits for its visibility timeout, far too long for a build someone is waiting on.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


class CeleryExecutor:
    """Runs a build's jobs on the Celery workers of the settings' broker and queue."""

    def __init__(self, settings: Settings) -> None:
        self.cluster = Cluster.from_settings(settings)
        self.resent = 0
        """Jobs sent again by the sweeper in this build (their first worker died)."""

    def run(
        self, campaign: m.Campaign, jobs: list[Job], keys: list[str]
    ) -> Iterator[tuple[int, list[Artifact]]]:
        """Yield (index, artifacts) for each job as workers finish it."""
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
        for key, order in orders.items():
            if not store.has(key):
                ledger.clear(key)
                self.cluster.send("loa.render", order.to_json())
        for key in self._settle(list(orders), done=store.has, resend=lambda k: orders[k].to_json()):
            artifacts = store.load(key)
            for index in where[key]:
                yield index, artifacts

    def _settle(
        self, keys: list[str], *, done: Callable[[str], bool], resend: Callable[[str], dict[str, Any]]
    ) -> Iterator[str]:
        """Yield each job's key once it is done; re-send abandoned jobs; raise a job's recorded error."""
        ledger, waiting = self.cluster.ledger, set(keys)
        resends: dict[str, int] = {}
        while waiting:
            abandoned = ledger.abandoned(sorted(waiting))  # read before `done`: a job may finish between
            for key in [k for k in keys if k in waiting and done(k)]:
                waiting.discard(key)
                yield key
            if errors := ledger.errors(sorted(waiting)):
                raise BuildError(next(iter(errors.values())))
            for key in [k for k in abandoned if k in waiting and not done(k)]:
                self._resend(key, resend(key), resends)
            if waiting:
                time.sleep(POLL_SECONDS)

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
        self.cluster.send("loa.publish", order.to_json())
        ledger = self.cluster.ledger
        finished = self._settle(
            [order.key], done=lambda k: ledger.result(k) is not None, resend=lambda k: order.to_json()
        )
        for _key in finished:
            pass
        result = ledger.result(order.key) or {}
        rows: list[dict[str, Any]] = result.get("rows", [])
        return rows


def _task_of(order: dict[str, Any]) -> str:
    return "loa.render" if "job" in order else "loa.publish"
