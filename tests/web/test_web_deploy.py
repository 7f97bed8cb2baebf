"""docs/deployment.md, started for real: `loa web serve` (gunicorn, 2 workers) on a fresh PostgreSQL
database and Redis, behind what a reverse proxy would send (X-Forwarded-Proto/-For)."""

from __future__ import annotations

import os
import re
import sys
import uuid
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "drills"))
import web_stack

REQUIRED = os.environ.get("LOA_REQUIRE_SERVICES") == "1"
POSTGRES = os.environ.get("LOA_TEST_POSTGRES_SERVER", web_stack.DEFAULT_POSTGRES)
REDIS = os.environ.get("LOA_TEST_REDIS_URL", web_stack.DEFAULT_REDIS)
PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    problem = web_stack.postgres_problem(POSTGRES) or web_stack.redis_problem(REDIS)
    if problem and REQUIRED:
        pytest.fail(f"{problem} (LOA_REQUIRE_SERVICES=1)", pytrace=False)
    if problem:
        pytest.skip(problem)
    with web_stack.fresh_database(POSTGRES, prefix="loa_deploy") as database_url:
        env = web_stack.web_env(
            data_dir=tmp_path_factory.mktemp("deploy"), database_url=database_url, redis_url=REDIS
        )
        web_stack.prepare(env)
        with web_stack.web_server(env, workers=2) as server:
            yield server, database_url


class Browser:
    """A client that keeps cookies itself: they are Secure (LOA_HTTPS=1) and we talk plain HTTP to the
    app, as the reverse proxy does."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, headers=PROXY, timeout=10)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {**kwargs.pop("headers", {}), **({"Cookie": cookie} if cookie else {})}
        response = self.http.request(method, path, headers=headers, **kwargs)
        for line in response.headers.get_list("set-cookie"):
            name, _, rest = line.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response


def test_the_documented_deployment_runs_two_workers_and_is_ready(deployment) -> None:
    server, _ = deployment
    assert len(server.worker_pids()) == 2
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server.url}/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}
    assert (
        ready.headers["Cache-Control"].startswith("max-age=0") or "no-store" in ready.headers["Cache-Control"]
    )


def test_a_reporter_signs_in_through_the_proxy(deployment) -> None:
    server, _ = deployment
    browser = Browser(server.url)
    page = browser.request("GET", "/dang-nhap/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    form = {"csrfmiddlewaretoken": token[1], "username": "thcs.longan", "password": web_stack.PASSWORD}
    signed_in = browser.request(
        "POST",
        "/dang-nhap/",
        data=form,
        headers={"Referer": f"{server.url.replace('http:', 'https:')}/dang-nhap/"},
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    assert "Secure" in signed_in.headers["set-cookie"] and "HttpOnly" in signed_in.headers["set-cookie"]
    inbox = browser.request("GET", "/cong-van-den/")
    assert inbox.status_code == 200 and "Trường THCS Long An" in inbox.text
    assert "max-age=31536000" in inbox.headers["Strict-Transport-Security"]


def test_a_quiz_result_is_stored_once_in_postgresql(deployment) -> None:
    import psycopg

    server, database_url = deployment
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as db:
        (school,) = db.execute("SELECT code FROM units_orgunit WHERE name = 'Trường THCS Long An'").fetchone()
        body = {
            "submission_id": str(uuid.uuid4()),
            "quiz": "an-toan-mang-11-15",
            "audience": "tre-11-15",
            "code": f"{school}/6A",
            "score": 8,
            "answers": 10,
        }
        first = httpx.post(f"{server.url}/api/quiz-results", json=body, headers=PROXY)
        again = httpx.post(f"{server.url}/api/quiz-results", json=body, headers=PROXY)
        assert (first.status_code, again.status_code) == (201, 200)
        rows = db.execute(
            "SELECT u.code FROM quiz_quizresult q JOIN units_orgunit u ON u.id = q.unit_id "
            "WHERE q.submission_id = %s",
            (body["submission_id"],),
        ).fetchall()
    assert rows == [(school,)]


def test_static_files_are_hashed_compressed_and_cached_for_a_year(deployment) -> None:
    server, _ = deployment
    page = httpx.get(f"{server.url}/dang-nhap/", headers=PROXY)
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the page links a hashed stylesheet (collectstatic's manifest)"
    css = httpx.get(f"{server.url}{stylesheet[1]}", headers={**PROXY, "Accept-Encoding": "gzip"})
    assert css.status_code == 200 and css.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in css.headers["Cache-Control"] and "immutable" in css.headers["Cache-Control"]
