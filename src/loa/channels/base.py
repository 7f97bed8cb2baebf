"""What every channel shares: the Post it prepares, the Receipt it returns, and the errors it raises.

`Channel.prepare` is pure (it validates against `loa.platforms` and returns a `Post`);
`Channel.publish` is the only side effect; `Channel.find` looks for a post upstream so that an
unknown outcome is reconciled instead of posted twice.
"""

from __future__ import annotations

import email.utils
import hashlib
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import httpx

from loa.errors import LoaError

PostKind = Literal["photo", "album", "link", "article", "broadcast", "webhook"]


class PublishError(LoaError):
    """Publishing cannot go on until someone fixes something (a token, a limit, a setting)."""


class LimitError(PublishError):
    """A post breaks a platform limit; the message names the limit and the field."""


class MissingSecretError(PublishError):
    """A token or secret is not configured."""


class RejectedError(PublishError):
    """The platform refused the post for good (retrying will not help)."""


class RetryableError(Exception):
    """The platform did not accept the post, and trying again later may work."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimitedError(RetryableError):
    """HTTP 429 or a platform rate-limit code: wait at least `retry_after` before the next call."""


class UnknownOutcomeError(Exception):
    """The request may have been accepted (timeout after sending, 5xx): reconcile before any retry."""


class ExpiredTokenError(Exception):
    """The access token has expired; refresh it and try once more."""


@dataclass(frozen=True)
class Post:
    """One prepared post: everything `publish` sends, already checked against the platform limits."""

    channel: str
    target: str
    topic: str
    kind: PostKind
    product_sha256: str
    fields: Mapping[str, str]
    scheduled_at: datetime | None = None
    attachment: bytes | None = field(default=None, repr=False)
    attachment_name: str = ""
    articles: tuple[str, ...] = ()
    attachments: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)
    """The photos of a multi-photo post: (file name, bytes) in the order shown."""

    @property
    def key(self) -> str:
        """Return the outbox key: a hash of channel, target, product and scheduled time."""
        when = self.scheduled_at.isoformat() if self.scheduled_at else "now"
        raw = "|".join((self.channel, self.target, self.kind, self.product_sha256, when))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    @property
    def marker(self) -> str:
        """Return the short tag embedded in the post so it can be found upstream."""
        return f"#loa-{self.key[:8]}"


@dataclass(frozen=True)
class Receipt:
    """What the platform answered: its id for the post, and a link when there is one."""

    upstream_id: str
    link: str = ""


class RateGate:
    """Hold every request of one channel until a Retry-After has passed (shared by all threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._not_before = 0.0

    def wait(self) -> None:
        """Sleep until the channel may send again."""
        while True:
            with self._lock:
                delay = self._not_before - time.monotonic()
            if delay <= 0:
                return
            time.sleep(delay)

    def hold(self, seconds: float) -> None:
        """Hold every request for `seconds` from now (never shortening a longer hold)."""
        with self._lock:
            self._not_before = max(self._not_before, time.monotonic() + seconds)


class Channel(ABC):
    """One place Loa publishes to. Subclasses set `name` and implement the three methods."""

    name: str = ""
    schedules_natively: bool = False
    """True when the platform holds scheduled posts itself; otherwise Loa sends them when due."""
    idempotent_resend: bool = False
    """True when the receiver deduplicates on the post key, so an unknown outcome may be resent."""

    def __init__(self, *, timeout: float = 30.0, transport: httpx.BaseTransport | None = None) -> None:
        self.gate = RateGate()
        self._http = httpx.Client(timeout=timeout, transport=transport)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    @abstractmethod
    def publish(self, post: Post) -> Receipt:
        """Send one post; raise RetryableError, UnknownOutcomeError or PublishError on failure."""

    def can_find(self, post: Post) -> bool:
        """Return False when the platform cannot be searched for this post (an unknown then waits)."""
        return True

    @abstractmethod
    def find(self, post: Post) -> Receipt | None:
        """Return the receipt of the post if it is already upstream, else None."""

    def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        """Send one HTTP request, waiting for the rate gate; classify transport failures."""
        self.gate.wait()
        try:
            response = self._http.request(method, url, **kwargs)  # type: ignore[arg-type]
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:  # nothing was sent
            raise RetryableError(f"không kết nối được {_host(url)}: {type(exc).__name__}") from None
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise UnknownOutcomeError(f"{_host(url)}: {type(exc).__name__} sau khi gửi") from None
        if response.status_code == 429:
            wait = retry_after(response)
            self.gate.hold(wait if wait is not None else 1.0)
            raise RateLimitedError(f"{_host(url)}: HTTP 429", retry_after=wait)
        if response.status_code >= 500:
            raise UnknownOutcomeError(f"{_host(url)}: HTTP {response.status_code}")
        return response


def retry_after(response: httpx.Response) -> float | None:
    """Return the Retry-After of a response in seconds (seconds, fractions or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time()) if when else None


def backoff(attempt: int, *, base: float, cap: float) -> float:
    """Return the wait before retry number `attempt` (1, 2, ...): exponential with full jitter."""
    return random.uniform(0, min(cap, base * 2 ** (attempt - 1)))


def _host(url: str) -> str:
    return httpx.URL(url).host or url
