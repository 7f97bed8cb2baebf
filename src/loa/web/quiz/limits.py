"""The quiz API's rate limit: one token bucket per client, shared by every web process.

The client is the connecting address, or — when that address is a trusted reverse proxy
(LOA_TRUSTED_PROXIES) — the last address in X-Forwarded-For that is not one of those proxies.
Buckets live in Redis when LOA_REDIS_URL is set (one atomic script, one round trip), else in the
database (a locked row); when Redis is unreachable the database takes over, so an outage never
loses a submission.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import logging
import secrets
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from loa.web.quiz.models import RateBucket

log = logging.getLogger("loa.web.quiz")

# KEYS[1] the bucket; ARGV capacity, refill per second, now, seconds to keep an idle bucket.
# Returns the seconds to wait as a string (Redis would truncate a Lua number to an integer).
TOKEN_BUCKET = """
local capacity, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
local wait = 0
if tokens < 1 then
  if rate > 0 then wait = (1 - tokens) / rate else wait = 3600 end
else
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', tostring(now))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return tostring(wait)
"""


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_proxy(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(proxies))


def client_address(request: HttpRequest) -> str:
    """The client's address, believing X-Forwarded-For only when it comes from a trusted proxy."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = tuple(settings.LOA_TRUSTED_PROXIES)
    if not proxies or not _is_proxy(remote, proxies):
        return remote
    chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(chain):  # the right end was written by our proxies, the left by anyone
        if not _is_proxy(address, proxies):
            return address
    return chain[0] if chain else remote


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address: the limit needs to tell clients apart, not to know them."""
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def take_token(key: str, *, now: float | None = None) -> float:
    """Take one token from the client's bucket; return 0 when taken, else the seconds to wait."""
    now = time.time() if now is None else now
    if settings.REDIS_URL:
        try:
            return _take_from_redis(key, now)
        except Exception as exc:  # Redis down or restarting: the database keeps the limit meanwhile
            _warn_once_a_minute(exc, now)
    return _take_from_database(key, now)


_last_warning = 0.0


def _warn_once_a_minute(exc: Exception, now: float) -> None:
    global _last_warning
    if now - _last_warning >= 60:  # an outage means hundreds of requests a second: one line is enough
        _last_warning = now
        log.warning("quiz rate limit falls back to the database while Redis fails: %s", exc)


_script: Any = None


def _take_from_redis(key: str, now: float) -> float:
    global _script
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    if _script is None:
        _script = client.register_script(TOKEN_BUCKET)
    capacity, per_second = settings.LOA_QUIZ_BURST, settings.LOA_QUIZ_RATE
    idle = int(capacity / per_second) + 60 if per_second > 0 else 86_400
    wait = _script(
        keys=[cache.make_key(f"quiz-rate:{key}")], args=[capacity, per_second, now, idle], client=client
    )
    return float(wait)


def _take_from_database(key: str, now: float) -> float:
    capacity, per_second = settings.LOA_QUIZ_BURST, settings.LOA_QUIZ_RATE
    if secrets.randbelow(1000) == 0:  # now and then, forget clients idle for a day (full buckets)
        RateBucket.objects.filter(updated__lt=now - 86_400).delete()
    with transaction.atomic():
        bucket, _ = RateBucket.objects.select_for_update().get_or_create(
            key=key, defaults={"tokens": capacity, "updated": now}
        )
        tokens = min(capacity, bucket.tokens + max(0.0, now - bucket.updated) * per_second)
        if tokens < 1:
            RateBucket.objects.filter(key=key).update(tokens=tokens, updated=now)
            return (1 - tokens) / per_second if per_second > 0 else 3600.0
        RateBucket.objects.filter(key=key).update(tokens=tokens - 1, updated=now)
        return 0.0
