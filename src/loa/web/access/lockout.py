"""Failed sign-ins counted per account in the database, shared by every web worker (G4).

After `MAX_FAILURES` failures within `LOCK_SECONDS` of each other the account is refused until
`LOCK_SECONDS` after the last one: at most 10 tries per 15 minutes, 40 an hour, under ASVS's 100.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from loa.web.access.models import LoginFailure

MAX_FAILURES = 10
LOCK_SECONDS = 15 * 60
log = logging.getLogger("loa.web.access")


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def is_locked(username: str) -> bool:
    """Return whether the account has failed too often, too recently."""
    since = timezone.now() - timedelta(seconds=LOCK_SECONDS)
    return LoginFailure.objects.filter(
        username=_key(username), failures__gte=MAX_FAILURES, last_failed_at__gt=since
    ).exists()


def record_failure(username: str) -> int:
    """Count one failure (atomically: an UPDATE with F(), or the first INSERT); return the count."""
    key, now = _key(username), timezone.now()
    stale = now - timedelta(seconds=LOCK_SECONDS)
    # A failure long after the last one starts the count again.
    LoginFailure.objects.filter(username=key, last_failed_at__lte=stale).update(failures=0)
    if not LoginFailure.objects.filter(username=key).update(failures=F("failures") + 1, last_failed_at=now):
        try:
            with transaction.atomic():
                LoginFailure.objects.create(username=key, failures=1, last_failed_at=now)
        except IntegrityError:  # another worker created it first
            LoginFailure.objects.filter(username=key).update(failures=F("failures") + 1, last_failed_at=now)
    failures = LoginFailure.objects.filter(username=key).values_list("failures", flat=True).first() or 0
    if failures == MAX_FAILURES:
        log.warning("account locked after %s failed sign-ins: %s", failures, key)
    return failures


def clear(username: str) -> None:
    """Forget the failures of an account that has just signed in."""
    LoginFailure.objects.filter(username=_key(username)).delete()
