"""Dashboard figures kept in Django's cache (shared by every worker when Redis is configured),
under a fingerprint of the dispatch's data: any report counted or acknowledgement recorded changes
the fingerprint, so a cached page is never behind the database. Only moves in the unit tree are
not in the fingerprint; `LOA_DASHBOARD_CACHE_SECONDS` (10 minutes) bounds how long they may lag.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max

from loa.web.dashboard.models import RecipientProgress
from loa.web.dispatches.models import Delivery, Dispatch

T = TypeVar("T")
log = logging.getLogger("loa.web.dashboard")


def fingerprint(dispatch: Dispatch) -> str:
    """Return what changes whenever a figure of the dispatch can change: acknowledgements, and the
    last recount of any recipient's reports."""
    ack = Delivery.objects.filter(dispatch=dispatch).aggregate(
        n=Count("acknowledged_at"), last=Max("acknowledged_at")
    )
    changed = RecipientProgress.objects.aggregate(last=Max("updated_at"))["last"]
    return f"{dispatch.pk}|{dispatch.sent_at}|{ack['n']}|{ack['last']}|{changed}"


def remember(dispatch: Dispatch, view: tuple[object, ...], compute: Callable[[], T]) -> T:
    """Return the cached value for this dispatch, view and fingerprint, computing it when missing.
    A cache that fails (Redis down) only costs the computation."""
    seconds = int(getattr(settings, "LOA_DASHBOARD_CACHE_SECONDS", 600))
    if seconds <= 0:
        return compute()
    key = "loa-dashboard:" + hashlib.sha256(f"{fingerprint(dispatch)}|{view}".encode()).hexdigest()
    try:
        value: T | None = cache.get(key)
    except Exception:
        log.warning("dashboard cache unavailable; counting from the database")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except Exception:
            log.warning("dashboard cache unavailable; figures not kept")
    return value
