"""`loa worker`: a Celery worker for the settings' broker and queue, run in this process."""

from __future__ import annotations

import os

from celery.schedules import crontab  # type: ignore[import-untyped]

from loa.cluster.app import Cluster
from loa.config import Settings

REMINDERS_AT = crontab(hour=7, minute=0)
"""When `loa worker --beat` sends the day's dispatch reminders (the worker's local time)."""
PUBLISH_DUE_EVERY = 300.0
"""How often, in seconds, `loa worker --beat` sends the web app's approved posts that are due."""


def run_worker(settings: Settings, *, concurrency: int, beat: bool = False, loglevel: str = "INFO") -> None:
    """Run a worker until it is stopped; with beat, it also sends the daily reminders and, every five
    minutes, the web app's posts that are due."""
    app = Cluster.from_settings(settings).worker_app()
    argv = [
        "worker",
        f"--concurrency={concurrency}",
        f"--queues={settings.queue}",
        f"--hostname=loa-{os.getpid()}@%h",
        f"--loglevel={loglevel}",
        "--without-gossip",  # workers need not know each other: leases in Redis coordinate them
        "--without-mingle",
    ]
    if beat:
        app.conf.beat_schedule = {
            "reminders": {
                "task": "loa.reminders",
                "schedule": REMINDERS_AT,
                "options": {"queue": settings.queue},
            },
            "publish-due": {
                "task": "loa.web_publish_due",
                "schedule": PUBLISH_DUE_EVERY,
                "options": {"queue": settings.queue},
            },
        }
        store = settings.cluster_store.resolve()
        store.mkdir(parents=True, exist_ok=True)
        argv += ["--beat", f"--schedule={store / 'beat-schedule'}"]
    app.worker_main(argv)
