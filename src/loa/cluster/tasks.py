"""The tasks workers run: render one job, publish a build, send the day's e-mail reminders.

Each runs under its job's lease and is idempotent: a job already done is skipped, a job whose lease
another live worker holds is left to it, and results are written once (atomic store, first result
wins, the publishing outbox never sends a post twice). A message delivered twice is thus harmless.
"""

from __future__ import annotations

import functools
import logging
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import redis

from loa import model as m
from loa.cluster.app import Cluster, app
from loa.cluster.lease import holder
from loa.cluster.orders import PublishOrder, RenderOrder
from loa.config import load_settings
from loa.errors import BuildError, LoaError
from loa.executors import render_one
from loa.readers import read_campaign
from loa.renderers.base import Fingerprints, Renderer, load_renderer, renderer_names

if TYPE_CHECKING:
    from loa.publish import PlanRow

log = logging.getLogger("loa.cluster")
_campaigns: dict[tuple[str, str], tuple[m.Campaign, Fingerprints]] = {}
_renderers: dict[str, Renderer] = {}
WHILE_REDIS_IS_AWAY = {
    "autoretry_for": (redis.ConnectionError, redis.TimeoutError),
    "retry_backoff": 5,
    "retry_backoff_max": 60,
    "max_retries": 30,
}
"""A job that cannot reach Redis (its client already retried for about 20 s) is tried again later,
for half an hour at most, instead of being dropped; the lease and the store keep it done once."""


@functools.cache
def cluster() -> Cluster:
    """Return this worker's cluster, from its own settings (loa.yaml and LOA_* variables)."""
    return Cluster.from_settings(load_settings())


@app.task(name="loa.render", **WHILE_REDIS_IS_AWAY)  # type: ignore[untyped-decorator]
def render(order: dict[str, Any]) -> str:
    """Render one job into the shared store, once; return what happened (for the worker's log)."""
    return run_render(RenderOrder.from_json(order), cluster())


def run_render(order: RenderOrder, here: Cluster) -> str:
    """Render a job under its lease unless it is done or running elsewhere; record the outcome."""
    store, ledger = order.store(), here.ledger
    if store.has(order.key):
        return "done already"
    with ledger.lease(order.key) as held:
        if not held:
            return "running elsewhere"
        if store.has(order.key):
            return "done already"
        started = time.monotonic()
        try:
            artifacts = render_one(_renderer(order.job.renderer), _campaign(order), order.job)
            store.put(order.key, artifacts)
        except Exception as exc:  # recorded for the build to stop on, not retried: it would fail again
            ledger.fail(order.key, _message(order.job.key, exc))
            return "failed"
        seconds = round(time.monotonic() - started, 3)
        ledger.finish(order.key, {"worker": holder(), "artifacts": len(artifacts), "seconds": seconds})
    return "rendered"


@app.task(name="loa.publish", **WHILE_REDIS_IS_AWAY)  # type: ignore[untyped-decorator]
def publish(order: dict[str, Any]) -> str:
    """Publish a build's due posts through the outbox, once; the rows go to the job's result."""
    return run_publish(PublishOrder.from_json(order), cluster())


def run_publish(order: PublishOrder, here: Cluster) -> str:
    """Publish under the order's lease unless another copy did or does; record the rows."""
    ledger = here.ledger
    if ledger.result(order.key) is not None:
        return "done already"
    with ledger.lease(order.key) as held:
        if not held:
            return "running elsewhere"
        try:
            rows = _publish_settled(order)
        except Exception as exc:
            ledger.fail(order.key, _message("loa publish", exc))
            return "failed"
        ledger.finish(order.key, {"worker": holder(), "rows": [asdict(r) for r in rows]})
    return "published"


def _publish_settled(order: PublishOrder) -> list[PlanRow]:
    """Publish, then settle posts a dead worker left `sending`: reconciled upstream, never resent blind.

    Only one publishing task holds the lease, and an HTTP call gives up after LOA_PUBLISH_TIMEOUT, so
    a post `sending` for longer than that has no live sender.
    """
    from loa.publish import Broadcast, Policy, run  # the network code loads only when publishing

    settle = float(os.environ.get("LOA_PUBLISH_TIMEOUT") or 30) + 5
    deadline = time.monotonic() + 2 * settle
    broadcast = None if order.provinces is None else Broadcast(provinces=order.provinces)
    while True:
        rows = run(
            Path(order.site),
            channels=order.channels,
            send=True,
            schedule=order.schedule,
            calendar=Path(order.calendar) if order.calendar else None,
            policy=Policy(lease_seconds=settle),
            broadcast=broadcast,
        )
        broadcast = None  # sent (or recorded) by the first round
        if not any(r.state == "sending" for r in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(1)


@app.task(name="loa.reminders")  # type: ignore[untyped-decorator]
def reminders() -> str:
    """Send today's dispatch reminders: `loa web send_reminders`, idempotent for the day."""
    return _web_command("send_reminders")


@app.task(name="loa.web_publish_due")  # type: ignore[untyped-decorator]
def web_publish_due() -> str:
    """Send the web app's approved posts whose time has come: `loa web publish_due`.

    Each post goes through its outbox, which sends it at most once, so a task delivered twice, or
    running beside the periodic one, is harmless.
    """
    return _web_command("publish_due")


def _web_command(name: str) -> str:
    """Run one of the web app's management commands and return what it printed."""
    # Django runs in its own process, as for `loa web`: the core never imports it.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "loa.web.settings"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "django", name], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return done.stdout.strip()


def _message(what: str, exc: Exception) -> str:
    if isinstance(exc, LoaError):
        return str(exc)
    log.exception("%s failed", what)
    return f"{what}: lỗi trên worker {holder()} ({type(exc).__name__}: {exc})"


def _renderer(name: str) -> Renderer:
    if name not in _renderers:
        if name not in renderer_names():
            raise BuildError(f"worker không có định dạng {name} — cài cùng phiên bản Loa và phần mở rộng")
        _renderers[name] = load_renderer(name)()
    return _renderers[name]


def _campaign(order: RenderOrder) -> m.Campaign:
    """Return the campaign the job was planned from, read here; raise if this copy differs."""
    cache = (order.root, order.units or "")
    renderer = _renderer(order.job.renderer)
    for fresh in (False, True):
        if fresh or cache not in _campaigns:
            campaign = read_campaign(Path(order.root))[0]
            if order.units:
                campaign = campaign.model_copy(update={"units": order.store().units(order.units)})
            _campaigns[cache] = (campaign, Fingerprints(campaign))
        campaign, fingerprints = _campaigns[cache]
        if renderer.input_hash(order.job, fingerprints) == order.key:
            return campaign
    raise BuildError(
        f"{order.job.key}: chiến dịch ở {order.root} trên worker khác với bản đang build "
        "(tệp đã sửa giữa chừng, hoặc worker chạy phiên bản Loa khác) — build lại"
    )
