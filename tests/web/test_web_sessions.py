"""Sessions and sign-in limits (G4, G5): a 12-hour absolute lifetime, disabling a user ends every
one of their sessions, and failed sign-ins are counted in the database so all workers share them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import PASSWORD, create_user, sign_in

from loa.web.access import lockout
from loa.web.access.models import LoginFailure, Role, UserSession
from loa.web.access.sessions import SIGNED_IN_AT

pytestmark = pytest.mark.django_db


def _age_session(client: Client, seconds: float) -> None:
    session = client.session
    session[SIGNED_IN_AT] = time.time() - seconds
    session.save()


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, tree, settings) -> None:
    assert settings.LOA_SESSION_MAX_AGE <= 12 * 3600 and settings.SESSION_COOKIE_AGE <= 30 * 60
    user = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    sign_in(client, user)
    _age_session(client, 11.9 * 3600)
    assert client.get(reverse("staff:inbox")).status_code == 200  # active, and still within 12 h
    _age_session(client, 12 * 3600 + 1)
    stolen = client.cookies["sessionid"].value
    response = client.get(reverse("staff:inbox"))
    assert response.status_code == 302 and reverse("staff:login") in response["Location"]
    assert not UserSession.objects.filter(user=user).exists()
    client.cookies["sessionid"] = stolen  # the old cookie replayed: still signed out
    assert client.get(reverse("staff:inbox")).status_code == 302


def test_a_session_without_a_sign_in_time_is_not_trusted(client, tree) -> None:
    sign_in(client, create_user("school", role=Role.REPORTER, unit=tree.school_long_an))
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert client.get(reverse("staff:inbox")).status_code == 302


def test_disabling_a_user_ends_all_of_their_sessions(tree) -> None:
    user = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    other = create_user("police", role=Role.REPORTER, unit=tree.police_long_an)
    phone, laptop, colleague = Client(), Client(), Client()
    for client, who in ((phone, user), (laptop, user), (colleague, other)):
        sign_in(client, who)
        assert client.get(reverse("staff:inbox")).status_code == 200
    keys = [phone.cookies["sessionid"].value, laptop.cookies["sessionid"].value]
    assert UserSession.objects.filter(user=user).count() == 2
    user.is_active = False
    user.save()
    assert not Session.objects.filter(session_key__in=keys).exists()  # 100% of their sessions
    assert phone.get(reverse("staff:inbox")).status_code == 302
    assert laptop.get(reverse("staff:inbox")).status_code == 302
    assert colleague.get(reverse("staff:inbox")).status_code == 200  # others keep theirs


def test_signing_out_forgets_the_session(client, tree) -> None:
    user = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    client.post(reverse("staff:login"), {"username": "school", "password": PASSWORD})
    assert UserSession.objects.filter(user=user).count() == 1
    client.post(reverse("staff:logout"))
    assert not UserSession.objects.filter(user=user).exists()


def _try(client: Client, password: str, username: str = "school") -> str:
    return client.post(reverse("staff:login"), {"username": username, "password": password}).content.decode()


def test_ten_failures_lock_the_account_for_every_worker_until_fifteen_minutes_pass(client, tree) -> None:
    create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    for _attempt in range(lockout.MAX_FAILURES):
        assert "tạm khóa" not in _try(client, "sai-mat-khau")
    cache.clear()  # another worker has its own memory: the count lives in the database
    assert "tạm khóa" in _try(Client(), PASSWORD, username="School ")  # right password, still locked
    assert LoginFailure.objects.get(username="school").failures == lockout.MAX_FAILURES
    LoginFailure.objects.update(last_failed_at=timezone.now() - timedelta(seconds=lockout.LOCK_SECONDS + 1))
    response = client.post(reverse("staff:login"), {"username": "school", "password": PASSWORD})
    assert response.status_code == 302 and not LoginFailure.objects.exists()  # success clears the count


def test_failures_spread_over_time_start_the_count_again(tree) -> None:
    for _attempt in range(lockout.MAX_FAILURES - 1):
        lockout.record_failure("school")
    LoginFailure.objects.update(last_failed_at=timezone.now() - timedelta(seconds=lockout.LOCK_SECONDS + 1))
    assert lockout.record_failure("school") == 1 and not lockout.is_locked("school")


def test_an_hour_of_guessing_gets_far_fewer_than_a_hundred_tries(tree) -> None:
    """G4: at most 10 failures per 15-minute lock window, so at most 40 in an hour (ASVS: ≤ 100)."""
    create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    client, counted = Client(), 0
    for _attempt in range(150):
        page = _try(client, "doan-mo")
        counted += "tạm khóa" not in page
    assert counted == lockout.MAX_FAILURES and 4 * lockout.MAX_FAILURES <= 100
