"""Probes for process managers and load balancers, and a clean 503 while a backing service is down.

/healthz  liveness: the process answers (touches nothing else)
/readyz   readiness: the database answers, its migrations are applied, Redis answers when configured;
          503 with the names of what fails (never a detail an outsider could use)
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import server_error as django_server_error

log = logging.getLogger("loa.web.health")
_migrated = False  # once every migration is applied, this process's code never needs another check


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return _json({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    failing = [name for name, check in _CHECKS if not _passes(name, check)]
    if failing:
        response = _json({"status": "unavailable", "failing": failing}, status=503)
        response["Retry-After"] = "5"
        return response
    return _json({"status": "ready"})


def _passes(name: str, check: Any) -> bool:
    try:
        return bool(check())
    except Exception as exc:
        log.warning("readiness check %s failed: %s", name, exc)
        return False


def _database() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _migrations() -> bool:
    global _migrated
    if not _migrated:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


def _redis() -> bool:
    if not settings.REDIS_URL:
        return True
    from django.core.cache import cache

    return bool(cache._cache.get_client(write=True).ping())


_CHECKS = (("database", _database), ("migrations", _migrations), ("redis", _redis))


def is_outage(exc: BaseException | None) -> bool:
    """Whether an exception, or one it was raised from, means a backing service is unreachable."""
    seen = 0
    while exc is not None and seen < 10:
        if _is_outage_error(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _is_outage_error(exc: BaseException) -> bool:
    if isinstance(exc, DatabaseError):
        from django.db import InterfaceError, OperationalError

        return isinstance(exc, OperationalError | InterfaceError)
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:
        return False
    return isinstance(exc, RedisConnectionError | RedisTimeoutError)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: while the database or Redis is down, a short 503 asking to retry, not an error page."""
    if not is_outage(sys.exc_info()[1]):
        return django_server_error(request, template_name)
    return service_unavailable(request)


def bad_request(request: HttpRequest, exception: Exception, template_name: str = "400.html") -> HttpResponse:
    """handler400: a session that could not be saved because the database went away is an outage too
    (Django reports it as SessionInterrupted, a 400)."""
    if not is_outage(exception):
        return django_bad_request(request, exception, template_name)
    return service_unavailable(request)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API, a short page for people."""
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(
            {"error": "Hệ thống đang tạm gián đoạn, vui lòng thử lại sau ít giây."}, status=503
        )
    else:
        response = HttpResponse(
            "<!doctype html><html lang=vi><meta charset=utf-8><title>Tạm gián đoạn</title>"
            "<p>Hệ thống đang tạm gián đoạn. Nếu bạn vừa gửi biểu mẫu, hãy gửi lại sau ít giây — "
            "gửi lại không tạo bản trùng.</p></html>",
            status=503,
        )
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response
