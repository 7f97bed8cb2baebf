"""Drill: PostgreSQL and Redis restart while schools submit reports and quiz results.

Our own PostgreSQL and Redis (never the machine's) serve `loa web serve` with 2 workers; two clients
submit in a loop, retrying with the same id or form token; mid-run PostgreSQL crashes (an immediate
stop) and starts again, then Redis restarts empty. Every error during an outage is a clean 503 (no
500, no hang); the clients carry on after it; every submission answered 2xx is stored exactly once;
sending it again adds nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest
import web_stack

REQUIRED = os.environ.get("LOA_REQUIRE_SERVICES") == "1"
RETRY_FOR = 30.0  # seconds a client keeps retrying one submission before the drill fails
OUTAGE = 2.0  # seconds each service stays down


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: list[str] = field(default_factory=list)
    accepted: dict[str, int] = field(default_factory=dict)  # id or token → report pk (or 0)
    given_up: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    try:
        postgres, redis_server = web_stack.PrivatePostgres(), web_stack.PrivateRedis()
    except (OSError, LookupError, subprocess.CalledProcessError) as exc:  # no binaries, no postgres user
        if REQUIRED:
            pytest.fail(f"cannot start a private PostgreSQL or Redis: {exc}", pytrace=False)
        pytest.skip(f"cannot start a private PostgreSQL or Redis: {exc}")
    try:
        postgres.start()
        redis_server.start()
        with web_stack.fresh_database(postgres.url, prefix="loa_drill") as database_url:
            env = web_stack.web_env(
                data_dir=tmp_path_factory.mktemp("drill"),
                database_url=database_url,
                redis_url=redis_server.url,
                LOA_HTTPS="0",
                LOA_QUIZ_BURST="100000",
            )
            web_stack.prepare(env)
            with web_stack.web_server(env, workers=2) as server:
                yield server, postgres, redis_server, database_url
    finally:
        redis_server.close()
        postgres.close()


def _quiz_body(submission_id: str) -> dict[str, object]:
    return {
        "submission_id": submission_id,
        "quiz": "an-toan-mang-11-15",
        "audience": "tre-11-15",
        "code": "80-DRILL/6A",
        "score": 5,
        "answers": 10,
    }


def _send(client: httpx.Client, tally: Tally, method: str, path: str, **kwargs) -> httpx.Response | None:
    try:
        response = client.request(method, path, timeout=10, **kwargs)
    except httpx.HTTPError as exc:  # a hang or a dropped connection: the drill reports it
        tally.transport_errors.append(f"{method} {path}: {exc!r}")
        return None
    tally.statuses[response.status_code] += 1
    if response.status_code == 503 and (
        "Traceback" in response.text or "Retry-After" not in response.headers
    ):
        tally.transport_errors.append(f"{method} {path}: a 503 without Retry-After or with a traceback")
    return response


def _until_done(tally: Tally, attempt, key: str) -> bool:
    """Retry one submission (same id or token) until it is accepted, for at most RETRY_FOR seconds."""
    deadline = time.monotonic() + RETRY_FOR
    while time.monotonic() < deadline:
        if attempt():
            return True
        time.sleep(0.2)
    tally.given_up.append(key)
    return False


def quiz_client(base: str, stop: threading.Event, tally: Tally) -> None:
    with httpx.Client(base_url=base) as client:
        while not stop.is_set():
            submission_id = str(uuid.uuid4())

            def attempt(submission_id: str = submission_id) -> bool:
                response = _send(client, tally, "POST", "/api/quiz-results", json=_quiz_body(submission_id))
                return response is not None and response.status_code in (200, 201)

            if _until_done(tally, attempt, submission_id):
                tally.accepted[submission_id] = 0
            time.sleep(0.01)  # a busy school, not a flood: the report client needs the CPU too


def report_client(base: str, delivery: int, held_on: str, stop: threading.Event, tally: Tally) -> None:
    with httpx.Client(base_url=base) as client:

        def sign_in() -> bool:
            page = _send(client, tally, "GET", "/dang-nhap/")
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text if page else "")
            if not csrf:
                return False
            form = {"csrfmiddlewaretoken": csrf[1], "username": "thcs.longan", "password": web_stack.PASSWORD}
            response = _send(client, tally, "POST", "/dang-nhap/", data=form)
            return response is not None and response.status_code == 302

        if not _until_done(tally, sign_in, "sign-in"):
            return
        while not stop.is_set():
            token = str(uuid.uuid4())
            report: dict[str, int] = {}

            def create(token: str = token, report: dict[str, int] = report) -> bool:
                response = _send(
                    client,
                    tally,
                    "POST",
                    f"/nhan/{delivery}/bao-cao-moi/",
                    data=_report_form(token, held_on),
                    headers={"X-CSRFToken": client.cookies.get("csrftoken", "")},
                )
                found = response is not None and re.match(
                    r"^/bao-cao/(\d+)/$", response.headers.get("location", "")
                )
                if found:
                    report["pk"] = int(found[1])
                return bool(found)

            def submit(report: dict[str, int] = report) -> bool:
                response = _send(
                    client,
                    tally,
                    "POST",
                    f"/bao-cao/{report['pk']}/nop/",
                    headers={"X-CSRFToken": client.cookies.get("csrftoken", "")},
                )
                return response is not None and response.status_code == 302

            if _until_done(tally, create, token) and _until_done(tally, submit, token):
                tally.accepted[token] = report["pk"]


def _report_form(token: str, held_on: str) -> dict[str, object]:
    counts = ("children_under_6", "children_6_10", "children_16_17", "parents", "teachers", "others")
    return {
        "client_token": token,
        "kind": "class",
        "held_on": held_on,
        "title": f"Tiết sinh hoạt {token[:8]}",
        "children_11_15": 35,
        **dict.fromkeys(counts, 0),
        "links": "",
    }


def _sign_in_for_replay(client: httpx.Client) -> bool:
    page = client.get("/dang-nhap/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    form = {"csrfmiddlewaretoken": csrf[1], "username": "thcs.longan", "password": web_stack.PASSWORD}
    return client.post("/dang-nhap/", data=form).status_code == 302


def _db(database_url: str):
    import psycopg

    return psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True)


def test_submissions_survive_postgresql_and_redis_restarts(stack) -> None:
    server, postgres, redis_server, database_url = stack
    with _db(database_url) as db:
        delivery, held_on = db.execute(
            "SELECT d.id, s.issued_on FROM dispatches_delivery d JOIN units_orgunit u ON u.id = d.unit_id "
            "JOIN dispatches_dispatch s ON s.id = d.dispatch_id WHERE u.name = 'Trường THCS Long An'"
        ).fetchone()
    quiz, reports, stop = Tally(), Tally(), threading.Event()
    clients = [
        threading.Thread(target=quiz_client, args=(server.url, stop, quiz)),
        threading.Thread(
            target=report_client, args=(server.url, delivery, held_on.isoformat(), stop, reports)
        ),
    ]
    for client in clients:
        client.start()
    try:
        time.sleep(1.5)
        postgres.stop(mode="immediate")  # as if it crashed: connections cut, recovery from the WAL
        time.sleep(OUTAGE)
        postgres.start()
        time.sleep(1.5)
        redis_server.stop()  # nothing kept on disk: the cache comes back empty
        time.sleep(OUTAGE)
        redis_server.start()
        time.sleep(1.5)
        accepted_before_the_end = (len(quiz.accepted), len(reports.accepted))
        time.sleep(1.0)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=RETRY_FOR + 15)
    assert not any(client.is_alive() for client in clients), "a client hung"
    print(
        f"\nquiz: {dict(quiz.statuses)}, {len(quiz.accepted)} stored; reports: {dict(reports.statuses)}, "
        f"{len(reports.accepted)} stored and submitted"
    )

    for tally in (quiz, reports):
        assert not tally.transport_errors, tally.transport_errors[:5]
        assert not tally.given_up
        assert set(tally.statuses) <= {200, 201, 302, 503}, tally.statuses  # no 500, no 403, no 404
    assert quiz.statuses[503] > 0, "the outage was seen"  # else the drill proved nothing
    assert (
        len(quiz.accepted) > accepted_before_the_end[0] and len(reports.accepted) > accepted_before_the_end[1]
    )

    with _db(database_url) as db:
        stored = Counter(
            str(row[0])
            for row in db.execute(
                "SELECT submission_id FROM quiz_quizresult WHERE code = '80-DRILL/6A'"
            ).fetchall()
        )
        assert set(stored) == set(quiz.accepted) and set(stored.values()) == {1}
        made = {
            str(token): (pk, status)
            for token, pk, status in db.execute(
                "SELECT client_token, id, status FROM reports_activityreport WHERE client_token IS NOT NULL"
            ).fetchall()
        }
        assert {t: pk for t, (pk, _s) in made.items()} == reports.accepted
        assert {status for _pk, status in made.values()} == {"submitted"}

        # Sent again after all that: each answers "already there" and nothing is added.
        with httpx.Client(base_url=server.url) as client:
            replays = [
                client.post("/api/quiz-results", json=_quiz_body(i)).status_code
                for i in list(quiz.accepted)[:200]
            ]
        assert set(replays) == {200}
        token, pk = next(iter(reports.accepted.items()))
        with httpx.Client(base_url=server.url) as client:  # the same report form, sent again
            assert _sign_in_for_replay(client)
            again = client.post(
                f"/nhan/{delivery}/bao-cao-moi/",
                data=_report_form(token, held_on.isoformat()),
                headers={"X-CSRFToken": client.cookies.get("csrftoken", "")},
            )
        assert again.status_code == 302 and again.headers["location"] == f"/bao-cao/{pk}/"
        assert db.execute(
            "SELECT count(*) FROM reports_activityreport WHERE client_token IS NOT NULL"
        ).fetchone() == (len(reports.accepted),)
        assert db.execute("SELECT count(*) FROM quiz_quizresult WHERE code = '80-DRILL/6A'").fetchone() == (
            len(quiz.accepted),
        )
    assert httpx.get(f"{server.url}/readyz").status_code == 200
