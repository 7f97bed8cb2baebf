"""The Celery application, configured from Loa's settings (LOA_BROKER_URL, LOA_QUEUE, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

import redis
from celery import Celery  # type: ignore[import-untyped]
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from loa.cluster.lease import Ledger
from loa.cluster.store import Store
from loa.config import Settings
from loa.errors import BuildError, ConfigError

LEDGER_RETRIES = Retry(ExponentialBackoff(cap=2.0, base=0.1), retries=12)
"""A Redis call that cannot connect is tried again for about 20 s (a restart), then fails."""
VISIBILITY_TIMEOUT = 600
"""Seconds before Redis hands an unacknowledged message to another worker. Leases make a second
copy harmless, so this only bounds how long a job reserved by a dead worker, but never started,
waits; the sweeper re-sends started jobs of dead workers within the lease."""

CONFIG = {
    "task_acks_late": True,  # a job is acknowledged when done, so a lost worker's job is not lost
    "task_reject_on_worker_lost": True,  # a killed child's job goes back to the queue at once
    "worker_prefetch_multiplier": 1,  # a worker holds no more jobs than it runs
    "task_ignore_result": True,  # results go to the ledger and the store, not to a result backend
    "task_serializer": "json",
    "accept_content": ["json"],
    "broker_transport_options": {"visibility_timeout": VISIBILITY_TIMEOUT},
    "broker_connection_retry_on_startup": True,
    # A broker that restarts: workers reconnect for as long as it takes, a running job carries on
    # (its lease and the store keep it once), and a message is sent again for about 15 s.
    "broker_connection_retry": True,
    "broker_connection_max_retries": None,
    "worker_cancel_long_running_tasks_on_connection_loss": False,
    "task_publish_retry": True,
    "task_publish_retry_policy": {
        "max_retries": 10,
        "interval_start": 0.2,
        "interval_step": 0.5,
        "interval_max": 2.0,
    },
    "worker_hijack_root_logger": False,
    "imports": ["loa.cluster.tasks"],
}

app = Celery("loa", set_as_current=False)
"""The workers' app: the tasks register on it; `loa worker` points it at the settings' broker."""
app.conf.update(CONFIG)


@dataclass(frozen=True)
class Cluster:
    """What a build and its workers share: the broker's queue, the Redis ledger and the store."""

    settings: Settings

    @classmethod
    def from_settings(cls, settings: Settings) -> Cluster:
        """Return the cluster of some settings; raise naming a missing broker or Redis address."""
        if not settings.broker_url:
            raise ConfigError(
                "LOA_EXECUTOR=celery cần LOA_BROKER_URL — ví dụ redis://127.0.0.1:6379/0 "
                "hoặc amqp://guest@127.0.0.1:5672//"
            )
        if urlsplit(settings.broker_url).scheme not in ("redis", "rediss", "amqp", "amqps", "pyamqp"):
            raise ConfigError(
                f"LOA_BROKER_URL: '{settings.broker_url}' không phải địa chỉ redis:// hay amqp://"
            )
        if not _redis_address(settings):
            raise ConfigError(
                "broker RabbitMQ cần thêm LOA_REDIS_URL (Redis giữ hạn thuê và kết quả của việc), "
                "ví dụ redis://127.0.0.1:6379/0"
            )
        return cls(settings)

    @cached_property
    def app(self) -> Celery:
        """Return an app of its own that sends to this cluster (tasks are named, not imported)."""
        sender = Celery("loa", set_as_current=False)
        sender.conf.update(
            CONFIG, broker_url=self.settings.broker_url, task_default_queue=self.settings.queue
        )
        return sender

    def worker_app(self) -> Celery:
        """Return the workers' app, pointed at this cluster's broker and queue."""
        app.conf.update(broker_url=self.settings.broker_url, task_default_queue=self.settings.queue)
        return app

    @cached_property
    def ledger(self) -> Ledger:
        client = redis.Redis.from_url(
            _redis_address(self.settings),
            socket_timeout=10,
            socket_connect_timeout=5,
            retry=LEDGER_RETRIES,
            decode_responses=True,
        )
        return Ledger(
            client, namespace=f"loa:{self.settings.queue}", lease_seconds=self.settings.lease_seconds
        )

    @property
    def store(self) -> Store:
        return Store(self.store_root)

    @property
    def store_root(self) -> Path:
        return self.settings.cluster_store.resolve()

    def send(self, task: str, order: dict[str, object]) -> None:
        """Put one job on the queue."""
        self.app.send_task(task, args=[order], queue=self.settings.queue)

    def workers(self, timeout: float = 2.0, *, limit: int | None = None) -> list[str]:
        """Return the names of the workers that answer a ping (waiting for `limit` answers at most)."""
        answers = self.app.control.ping(timeout=timeout, limit=limit)
        return sorted(name for answer in answers for name in answer)

    def require_workers(self) -> None:
        """Raise unless at least one worker answers: otherwise the build would wait forever."""
        try:
            found = self.workers(limit=1)
        except Exception as exc:  # kombu's connection errors differ by broker
            raise BuildError(f"không kết nối được broker {_safe(self.settings.broker_url)}: {exc}") from None
        if not found:
            raise BuildError(
                f"không có worker nào trả lời trên {_safe(self.settings.broker_url)} — "
                f"chạy `loa worker` (cùng LOA_BROKER_URL, LOA_QUEUE={self.settings.queue}) rồi thử lại"
            )


def _safe(url: str) -> str:
    """Return a service URL without its password, for messages."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def _redis_address(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    return settings.broker_url if settings.broker_url.startswith(("redis://", "rediss://")) else ""
