"""Probes, clean 503s during an outage, the proxy-aware shared rate limit, and report forms that can be
sent again without making a second report."""

from __future__ import annotations

import json
import os
import re
import uuid

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from factories import create_dispatch, create_user, sign_in

from loa.web import health
from loa.web.access.models import Role
from loa.web.quiz import api, limits
from loa.web.quiz.models import QuizResult, RateBucket
from loa.web.reports.models import ActivityReport

REQUIRED = os.environ.get("LOA_REQUIRE_SERVICES") == "1"
REDIS = os.environ.get("LOA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def quiz_body() -> str:
    return json.dumps(
        {
            "submission_id": str(uuid.uuid4()),
            "quiz": "an-toan-mang-11-15",
            "audience": "tre-11-15",
            "code": "27700-THCS/6A",
            "score": 7,
            "answers": 10,
        }
    )


def post_quiz(client: Client, **headers: str):
    return client.post("/api/quiz-results", quiz_body(), content_type="application/json", headers=headers)


def test_liveness_answers_without_touching_the_database(client) -> None:
    response = client.get("/healthz")  # no django_db mark: a query would raise
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"] and not response.cookies


@pytest.mark.django_db
def test_readiness_checks_the_database_and_its_migrations(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ready"}


@pytest.mark.django_db
def test_readiness_names_what_fails_and_nothing_more(client, monkeypatch) -> None:
    def down() -> bool:
        raise OperationalError('connection to server at "10.1.2.3", port 5432 failed: password')

    monkeypatch.setattr(health, "_CHECKS", (("database", down), *health._CHECKS[1:]))
    response = client.get("/readyz")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {"status": "unavailable", "failing": ["database"]}
    assert b"10.1.2.3" not in response.content and b"password" not in response.content


@pytest.mark.django_db
def test_a_database_outage_during_a_request_answers_503_retry_not_an_error_page(monkeypatch) -> None:
    def down(clean: object) -> bool:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(api, "insert_once", down)
    response = post_quiz(Client(raise_request_exception=False))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "thử lại" in response.json()["error"] and b"Traceback" not in response.content


@pytest.mark.django_db
def test_a_bug_is_still_a_500(monkeypatch) -> None:
    def bug(clean: object) -> bool:
        raise KeyError("x")

    monkeypatch.setattr(api, "insert_once", bug)
    assert post_quiz(Client(raise_request_exception=False)).status_code == 500


@pytest.mark.django_db
def test_forwarded_addresses_count_only_from_a_trusted_proxy(settings) -> None:
    settings.LOA_QUIZ_BURST, settings.LOA_QUIZ_RATE = 1, 0.01
    direct = Client(REMOTE_ADDR="198.51.100.1")
    assert post_quiz(direct, **{"X-Forwarded-For": "10.0.0.1"}).status_code == 201
    assert post_quiz(direct, **{"X-Forwarded-For": "10.0.0.2"}).status_code == 429  # spoofing gains nothing

    settings.LOA_TRUSTED_PROXIES = ["127.0.0.1", "172.16.0.0/12"]
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    for school in ("203.0.113.5", "203.0.113.6"):  # two schools behind our proxy: one bucket each
        assert post_quiz(proxy, **{"X-Forwarded-For": f"6.6.6.6, {school}, 172.16.0.9"}).status_code == 201
    assert post_quiz(proxy, **{"X-Forwarded-For": "9.9.9.9, 203.0.113.5"}).status_code == 429
    assert RateBucket.objects.count() == 3


@pytest.fixture
def redis_cache(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if REQUIRED:
            pytest.fail(f"Redis at {REDIS} is unreachable: {exc} (LOA_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(f"Redis at {REDIS} is unreachable: {exc}")
    settings.REDIS_URL = REDIS
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"loa-test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    limits._script = None
    return settings


@pytest.mark.django_db
def test_with_redis_the_bucket_is_shared_there_and_the_database_is_left_alone(redis_cache) -> None:
    redis_cache.LOA_QUIZ_BURST, redis_cache.LOA_QUIZ_RATE = 2, 0.01
    codes = [post_quiz(Client(REMOTE_ADDR="192.0.2.10")).status_code for _ in range(3)]  # separate clients
    assert codes == [201, 201, 429]
    assert RateBucket.objects.count() == 0 and QuizResult.objects.count() == 2


@pytest.mark.django_db
def test_when_redis_is_down_the_database_keeps_the_limit_and_nothing_is_lost(redis_cache) -> None:
    import socket

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    redis_cache.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    redis_cache.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_cache.REDIS_URL,
        }
    }
    limits._script = None
    assert post_quiz(Client()).status_code == 201
    assert RateBucket.objects.count() == 1 and QuizResult.objects.count() == 1


@pytest.mark.django_db
def test_readiness_names_redis_when_it_is_configured_and_down(client, settings) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failing"] == ["redis"]


def _report_form(delivery, token: str) -> dict[str, object]:
    return {
        "client_token": token,
        "kind": "class",
        "held_on": delivery.dispatch.issued_on.isoformat(),
        "title": "Tiết sinh hoạt lớp",
        "children_11_15": 30,
        **{f: 0 for f in ("children_under_6", "children_6_10", "children_16_17", "parents", "teachers")},
        "others": 0,
        "links": "",
    }


def test_a_report_form_sent_again_makes_no_second_report(client, tree) -> None:
    reporter = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    delivery = create_dispatch(tree.issuer, units=[tree.school_long_an]).deliveries.get()
    sign_in(client, reporter)
    url = reverse("staff:report-create", args=[delivery.pk])
    page = client.get(url).content.decode()
    token = re.search(r'name="client_token" value="([0-9a-f-]{36})"', page)
    assert token, "the form carries a one-time token"
    first = client.post(url, _report_form(delivery, token[1]))
    again = client.post(url, _report_form(delivery, token[1]))  # e.g. resent after a 503
    report = ActivityReport.objects.get()
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert str(report.client_token) == token[1]
    assert client.post(url, _report_form(delivery, str(uuid.uuid4()))).status_code == 302  # a new form
    assert ActivityReport.objects.count() == 2


def test_a_session_lost_to_a_database_outage_is_a_503_not_a_400(rf) -> None:
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.exceptions import SessionInterrupted

    try:  # how SessionMiddleware reports a session save that met a dead connection (the context chain)
        try:
            try:
                raise OperationalError("terminating connection due to administrator command")
            except OperationalError:
                raise UpdateError from None
        except UpdateError:
            raise SessionInterrupted("The request's session was deleted") from None
    except SessionInterrupted as exc:
        interrupted = exc
    response = health.bad_request(rf.post("/nhan/1/bao-cao-moi/"), interrupted)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    plain = health.bad_request(rf.post("/nhan/1/bao-cao-moi/"), SessionInterrupted("logged out elsewhere"))
    assert plain.status_code == 400
