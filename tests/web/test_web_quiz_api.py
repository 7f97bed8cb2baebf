"""The anonymous quiz results API: strict input, idempotent under races, rate-limited, CORS, no cookies;
and the learning indicator it feeds on the dashboard, scoped like everything else."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from factories import create_user

from loa.web.access.models import Role
from loa.web.quiz.api import FIELDS
from loa.web.quiz.models import QuizResult, RateBucket

URL = "/api/quiz-results"
PORTAL = "https://portal.example.gov.vn"


def body(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "submission_id": str(uuid.uuid4()),
        "quiz": "an-toan-mang-11-15",
        "audience": "tre-11-15",
        "code": "27700-THCS/6A",
        "score": 7,
        "answers": 10,
    }
    return values | changes


def post(client: Client, payload: object, **headers: str):
    return client.post(URL, json.dumps(payload), content_type="application/json", headers=headers)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.LOA_QUIZ_CORS_ORIGINS = [PORTAL]
    settings.LOA_QUIZ_BURST = 1000
    settings.LOA_QUIZ_RATE = 100


@pytest.mark.django_db
def test_a_result_is_stored_once_and_replays_add_nothing(client, tree) -> None:
    payload = body()
    first = post(client, payload)
    assert first.status_code == 201 and first.json()["status"] == "created"
    for _ in range(3):
        again = post(client, payload)
        assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert QuizResult.objects.count() == 1
    result = QuizResult.objects.get()
    assert result.unit == tree.school_long_an and (result.score, result.answers) == (7, 10)
    assert "Set-Cookie" not in first.headers and not first.cookies
    conflict = post(client, payload | {"score": 9})
    assert conflict.status_code == 409 and QuizResult.objects.get().score == 7


@pytest.mark.django_db
def test_an_unknown_school_code_is_kept_outside_every_unit(client) -> None:
    assert post(client, body(code="99999-XYZ")).status_code == 201
    assert QuizResult.objects.get().unit is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (body(name="Nguyễn Văn A"), "name"),  # personal data has no field to go in
        (body(email="a@b.vn"), "email"),
        (body(code="Trường THCS Long An"), "code"),  # a name, not a code
        (body(code="27700-THCS/6A/extra"), "code"),
        (body(submission_id="not-a-uuid"), "submission_id"),
        (body(score=11), "score"),
        (body(score=-1), "score"),
        (body(score=True), "score"),
        (body(answers=0), "answers"),
        (body(answers=100000), "answers"),
        (body(quiz="Câu đố 1"), "quiz"),
        ({k: v for k, v in body().items() if k != "audience"}, "audience"),
    ],
)
def test_bad_or_personal_fields_are_refused_clearly(client, payload, field) -> None:
    response = post(client, payload)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert QuizResult.objects.count() == 0


@pytest.mark.django_db
def test_bodies_that_are_not_a_json_object_are_refused(client) -> None:
    assert client.post(URL, "{", content_type="application/json").status_code == 400
    assert post(client, [1, 2]).status_code == 400
    assert client.post(URL, {"a": "b"}).status_code == 415  # a form post
    assert post(client, body(quiz="a" * 3000)).status_code == 413
    assert client.get(URL).status_code == 405


@pytest.mark.django_db
def test_cors_lets_the_portal_in_without_credentials_and_refuses_other_origins(client) -> None:
    preflight = client.options(URL, headers={"Origin": PORTAL, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == PORTAL
    assert "Content-Type" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    allowed = post(client, body(), Origin=PORTAL)
    assert allowed.status_code == 201 and allowed["Access-Control-Allow-Origin"] == PORTAL
    refused = post(client, body(), Origin="https://evil.example")
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers
    assert QuizResult.objects.count() == 1


@pytest.mark.django_db
def test_a_client_over_its_rate_waits_with_retry_after(client, settings) -> None:
    settings.LOA_QUIZ_BURST, settings.LOA_QUIZ_RATE = 3, 0.1
    codes = [post(client, body()).status_code for _ in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    limited = post(client, body())
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 10
    other = Client(REMOTE_ADDR="10.0.0.9")  # another school's address has its own bucket
    assert post(other, body()).status_code == 201
    assert RateBucket.objects.count() == 2
    assert all("127.0.0.1" not in b.key and "10.0.0.9" not in b.key for b in RateBucket.objects.all())


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_identical_posts_store_exactly_one_row() -> None:
    payload = json.dumps(body())

    def send(_: int) -> int:
        try:
            return Client().post(URL, payload, content_type="application/json").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(send, range(50)))
    assert codes.count(201) == 1 and codes.count(200) == 49
    assert QuizResult.objects.count() == 1


def test_the_openapi_document_describes_exactly_the_accepted_fields(client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    schema = spec["components"]["schemas"]["QuizResult"]
    assert set(schema["properties"]) == set(FIELDS) == set(schema["required"])
    assert schema["additionalProperties"] is False
    responses = spec["paths"][URL]["post"]["responses"]
    assert {"200", "201", "400", "429"} <= set(responses)
    assert "Retry-After" in responses["429"]["headers"]


@pytest.mark.django_db
def test_the_dashboard_shows_average_scores_by_code_and_quiz_within_the_subtree(client, tree, login) -> None:
    for code, score in [("27700-THCS/6A", 6), ("27700-THCS/6A", 10), ("27694-THCS/7B", 5), ("70-THCS/9C", 1)]:
        assert post(client, body(code=code, score=score)).status_code == 201
    leader = create_user("lanhdao", role=Role.LEADER, unit=tree.tay_ninh)
    page = login(leader).get("/chi-so/").content.decode()
    assert "27700-THCS/6A" in page and "80,0%" in page  # (6 + 10) / 20
    assert "27694-THCS/7B" in page and "50,0%" in page
    assert "70-THCS/9C" not in page  # a Hà Nội school is outside Tây Ninh
    ward = create_user("phuong", role=Role.LEADER, unit=tree.tan_an)
    page = login(ward).get("/chi-so/").content.decode()
    assert "27694-THCS/7B" in page and "27700-THCS/6A" not in page


@pytest.mark.django_db
def test_the_back_office_lists_results_and_reminders_read_only(client, django_user_model) -> None:
    from factories import sign_in

    assert post(client, body()).status_code == 201
    admin = django_user_model.objects.create_superuser("root", password="mat-khau-thu-nghiem-2026")
    sign_in(client, admin)
    page = client.get("/quan-tri/quiz/quizresult/")
    assert page.status_code == 200 and "27700-THCS/6A" in page.content.decode()
    assert client.get("/quan-tri/quiz/quizresult/add/").status_code == 403
    assert client.get("/quan-tri/dispatches/reminder/").status_code == 200


@pytest.mark.django_db
def test_a_bad_batch_deleted_in_the_back_office_leaves_the_learning_tally_too(
    client, django_user_model
) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from factories import sign_in

    from loa.web.dashboard import learning
    from loa.web.dashboard.models import LearningTally
    from loa.web.quiz.models import QuizResult

    def result(code: str, score: int) -> QuizResult:
        return QuizResult.objects.create(
            submission_id=uuid.uuid4(),
            quiz="tre-11-15",
            audience="tre-11-15",
            code=code,
            score=score,
            answers=10,
        )

    bad = [result("27700-THCS/6A", 10) for _ in range(3)]  # a class that sent its test runs
    kept = [result("27700-THCS/6A", 4), result("27700-THCS/6B", 7)]
    QuizResult.objects.update(received_at=timezone.now() - timedelta(hours=1))
    learning.fold()  # all of them folded into the tally
    late = result("27700-THCS/6A", 10)  # received after the fold: read live, not in the tally
    assert LearningTally.objects.get(code="27700-THCS/6A").results == 4
    admin = django_user_model.objects.create_superuser("root", password="mat-khau-thu-nghiem-2026")
    sign_in(client, admin)
    chosen = [r.pk for r in [*bad, late]]
    answer = client.post(
        "/quan-tri/quiz/quizresult/", {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    )
    assert answer.status_code == 302
    assert sorted(QuizResult.objects.values_list("pk", flat=True)) == sorted(r.pk for r in kept)
    tallies = {t.code: (t.results, t.score, t.answers) for t in LearningTally.objects.all()}
    assert tallies == {"27700-THCS/6A": (1, 4, 10), "27700-THCS/6B": (1, 7, 10)}
    client.post(f"/quan-tri/quiz/quizresult/{kept[1].pk}/delete/", {"post": "yes"})
    assert set(LearningTally.objects.values_list("code", flat=True)) == {"27700-THCS/6A"}, (
        "an empty tally goes"
    )
