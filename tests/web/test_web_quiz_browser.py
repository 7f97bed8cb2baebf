"""The portal's quiz in Chromium, served from its own origin: with a results API configured it posts
the score once per completed quiz; with the API unreachable the quiz works exactly as offline."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from test_web_browser import PASSWORD, _check, _sign_in, browser, demo  # noqa: F401 - fixtures

from loa.build import build
from loa.web.quiz.models import QuizResult
from loa.web.units.models import OrgUnit, UnitKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FULL = Path(__file__).resolve().parents[1] / "roots" / "full"


@pytest.fixture
def portal(tmp_path: Path, live_server: Any, settings: Any) -> Any:
    """Build tests/roots/full's portal with quiz_api pointing at the live server; serve it elsewhere."""
    root = tmp_path / "campaign"
    shutil.copytree(FULL, root)
    yaml = root / "campaign.yaml"
    api = f"{live_server.url}/api/quiz-results"
    yaml.write_text(
        re.sub(r"(?m)^portal:\n", f"portal:\n  quiz_api: {api}\n", yaml.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build(root, out=out, formats=["portal"])
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LOA_QUIZ_CORS_ORIGINS = [origin]
    yield origin
    server.shutdown()


def _answer_everything(page: Any) -> None:
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator("input[type=radio]").first.check()
    page.locator(".quiz-result").wait_for(state="visible")


def test_the_portal_quiz_posts_its_score_once_and_the_dashboard_shows_it(browser, demo, portal) -> None:  # noqa: F811
    school = OrgUnit.objects.filter(kind=UnitKind.SCHOOL).order_by("path").first()
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{portal}/cau-do/tre-11-15/?ma={school.code}/6A")
    assert page.locator("form[data-api]").count() == 1
    _answer_everything(page)
    page.wait_for_function("() => true")
    for _ in range(50):
        if QuizResult.objects.exists():
            break
        page.wait_for_timeout(100)
    result = QuizResult.objects.get()
    assert result.code == f"{school.code}/6A" and result.unit == school and result.quiz == "tre-11-15"
    assert 0 <= result.score <= result.answers
    assert not context.cookies()  # the API sets none
    _check(page, "portal-quiz-posted")
    page.get_by_role("button", name="Làm lại").click()
    _answer_everything(page)  # a second attempt is a new submission
    page.wait_for_timeout(500)
    assert QuizResult.objects.count() == 2
    leader = _sign_in(browser, demo, "lanhdao")
    leader.goto(f"{demo}/chi-so/#hoc-tap")
    assert leader.get_by_text(f"{school.code}/6A").first.is_visible()
    _check(leader, "dashboard-learning")


def test_the_quiz_still_scores_when_the_api_is_down(browser, demo, portal) -> None:  # noqa: F811
    page = browser.new_context(locale="vi-VN").new_page()
    page.route("**/api/quiz-results", lambda route: route.abort("internetdisconnected"))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{portal}/cau-do/tre-11-15/?ma=27700-THCS/6A")
    _answer_everything(page)
    assert "câu" in page.locator(".quiz-result .score").inner_text()
    page.wait_for_timeout(300)
    assert errors == [] and QuizResult.objects.count() == 0


def test_without_a_class_code_nothing_is_sent(browser, demo, portal) -> None:  # noqa: F811
    page = browser.new_context(locale="vi-VN").new_page()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/api/" in request.url else None)
    page.goto(f"{portal}/cau-do/tre-11-15/")
    _answer_everything(page)
    page.wait_for_timeout(300)
    assert sent == [] and QuizResult.objects.count() == 0
