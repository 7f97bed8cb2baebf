"""Publishing in Chromium: connect a Page, preview the plan, create, approve and see the log — each page
passes axe-core, and screenshots land in tests/.artifacts/web/publishing-*.png to be looked at."""

from __future__ import annotations

from typing import Any

import pytest
from test_web_browser import PASSWORD, SHOTS, _check, _sign_in, browser  # noqa: F401 - fixture
from test_web_publishing import built_site  # noqa: F401 - fixture

from fakes.graph import FakeGraph

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any, built_site, settings, tmp_path, monkeypatch) -> str:  # noqa: F811
    from loa.web.dispatches.models import Dispatch
    from loa.web.staff.demo import create_demo

    settings.DATA_DIR = tmp_path
    create_demo(pack="", password=PASSWORD)
    Dispatch.objects.update(pack_manifest=str(built_site))
    SHOTS.mkdir(parents=True, exist_ok=True)
    return str(live_server.url)


def test_an_administrator_connects_a_page_previews_approves_and_sees_the_post_in_the_log(
    browser,  # noqa: F811
    demo,
    monkeypatch,
) -> None:
    from loa.web.dispatches.models import Delivery
    from loa.web.publishing.models import Publication

    with FakeGraph() as graph:
        monkeypatch.setenv("LOA_FACEBOOK_GRAPH_URL", graph.base_url)
        page = _sign_in(browser, demo, "quantri")
        page.get_by_role("link", name="Đăng bài").click()
        page.get_by_role("link", name="Kết nối Trang Facebook").click()
        page.fill("#id_name", "Sở VHTTDL Tây Ninh")
        page.fill("#id_target_id", graph.page_id)
        page.fill("#id_page_token", graph.token)
        _check(page, "publishing-connect")
        page.get_by_role("button", name="Lưu").click()
        assert graph.token not in page.content()
        page.get_by_role("link", name="Lập kế hoạch đăng").click()
        page.select_option("#cv", index=1)
        page.get_by_role("button", name="Xem").click()
        assert page.locator(".fb-post").count() >= 1
        _check(page, "publishing-plan")
        page.get_by_role("button", name="Tạo bài, gửi duyệt").first.click()
        _check(page, "publishing-review")
        page.get_by_role("button", name="Duyệt và đăng").click()
        assert page.get_by_text("Trạng thái: Đã đăng.").is_visible()
        assert len(graph.posts) == 1
        page.get_by_role("link", name="Đăng bài", exact=True).first.click()
        assert page.get_by_role("link", name="Xem bài").first.is_visible()
        _check(page, "publishing-log")
    publication = Publication.objects.get()
    assert publication.state == "sent"
    delivery = Delivery.objects.filter(dispatch=publication.dispatch).first()
    page.goto(f"{demo}/nhan/{delivery.pk}/bao-cao-moi/")
    page.get_by_role("link", name=publication.title, exact=False).first.click()
    assert page.input_value("#id_links") == publication.link
    assert page.input_value("#id_kind") == "post"
    _check(page, "publishing-report")


def test_a_zalo_oas_plan_previews_each_article_with_its_cover(browser, demo) -> None:  # noqa: F811
    from factories import connect_zalo_oa

    from loa.web.units.models import OrgUnit

    account = connect_zalo_oa(OrgUnit.objects.get(name__startswith="Sở Văn hóa"))
    page = _sign_in(browser, demo, "quantri")
    page.goto(f"{demo}/dang-bai/tai-khoan/{account.pk}/ke-hoach/")
    page.select_option("#cv", index=1)
    page.get_by_role("button", name="Xem").click()
    assert page.locator(".zalo-article").count() >= 1
    assert "zat-demo" not in page.content()
    _check(page, "publishing-plan-zalo")
