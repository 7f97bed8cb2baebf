"""Portal pages open in Chromium in Vietnamese, render in Be Vietnam Pro and keep help in sight."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from portal_harness import DESKTOP, MOBILE, wait_for_fonts

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"], indirect=True)

PAGES = {
    "": (
        "Bảo vệ trẻ em trên môi trường mạng",
        [
            "Giữ kín địa chỉ nhà và tên trường",
            "Cảnh giác lừa đảo qua điện thoại",
            "Tổng đài điện thoại quốc gia bảo vệ trẻ em",
            "Trẻ em 11–15 tuổi",
        ],
    ),
    "chu-de/lua-dao-qua-dien-thoai/": (
        "Cảnh giác lừa đảo qua điện thoại",
        [
            "Điều cần ghi nhớ",
            "Đừng vội làm theo. Cúp máy.",
            "Dấu hiệu người lớn cần để ý",
            "Khi cần giúp đỡ",
            "Luật Trẻ em số 102/2016/QH13",
        ],
    ),
    "tro-giup/": (
        "Tìm giúp đỡ ở đâu",
        [
            "Tổng đài điện thoại quốc gia bảo vệ trẻ em",
            "Khi có chuyện, làm gì trước?",
            "đừng xóa cuộc trò chuyện",
            "Báo cáo trên các nền tảng",
        ],
    ),
    "tai-ve/": (
        "Trung tâm tải về",
        [
            "Giữ kín địa chỉ nhà và tên trường",
            "Cảnh giác lừa đảo qua điện thoại",
            "Bài viết dành cho Trẻ em 11–15 tuổi",
        ],
    ),
}
ALL_PAGES = [
    *PAGES,
    "chu-de/",
    "chu-de/giu-kin-dia-chi/",
    "doi-tuong/tre-11-15/",
    "doi-tuong/cha-me/",
    "doi-tuong/thay-co/",
    "tim-kiem/",
    "cau-do/",
    "cau-do/tre-11-15/",
    "404.html",
]


@pytest.mark.parametrize("path", list(PAGES), ids=["home", "topic", "help", "downloads"])
def test_page_opens_in_vietnamese_with_its_heading_and_text(page: Any, base_url: str, path: str) -> None:
    heading, phrases = PAGES[path]
    response = page.goto(base_url + path)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == heading
    assert heading in page.title()
    text = page.locator("body").inner_text()
    assert unicodedata.is_normalized("NFC", text)
    missing = [p for p in phrases if p not in text]
    assert not missing, f"thiếu trên trang /{path}: {missing}"


FONT_PAGES = {
    "home": "",
    "topic": "chu-de/lua-dao-qua-dien-thoai/",
    "help": "tro-giup/",
    "downloads": "tai-ve/",
    "search": "tim-kiem/?q=dien%20thoai",
    "quiz": "cau-do/tre-11-15/",
}


@pytest.mark.parametrize("name", list(FONT_PAGES))
def test_every_letter_renders_in_be_vietnam_pro_with_no_fallback_font(
    page: Any, base_url: str, name: str
) -> None:
    page.goto(base_url + FONT_PAGES[name])
    if name == "search":
        page.wait_for_selector(".pagefind-ui__result-link", timeout=10_000)
    wait_for_fonts(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    document = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": document, "selector": "body *:not(svg, svg *)"})
    strays: dict[str, set[str]] = {}
    checked = 0
    for node in nodes["nodeIds"]:
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        checked += bool(fonts)
        # Only the site's own web font (any weight): a system font means a fallback mid-word.
        wrong = {
            f["familyName"]
            for f in fonts
            if not (f["isCustomFont"] and f["familyName"].startswith("Be Vietnam Pro"))
        }
        if wrong:
            described = cdp.send("DOM.describeNode", {"nodeId": node})["node"]
            strays.setdefault(described["localName"], set()).update(wrong)
    assert checked > 20, "không tìm thấy chữ nào để kiểm tra phông"
    assert not strays, f"chữ hiển thị bằng phông dự phòng trên {name}: {strays}"


@VIEWPORTS
@pytest.mark.parametrize("path", ["", "chu-de/giu-kin-dia-chi/", "tro-giup/"], ids=["home", "topic", "help"])
def test_help_bar_with_111_stays_in_view_while_scrolling(page: Any, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    hotline = page.locator('.helpbar a[href="tel:111"]')
    assert hotline.is_visible()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(50)
    box = hotline.bounding_box()
    assert box is not None
    assert box["y"] >= 0, box
    assert box["y"] + box["height"] <= page.viewport_size["height"], box


@VIEWPORTS
def test_first_tab_shows_the_skip_link_and_it_jumps_to_the_content(page: Any, base_url: str) -> None:
    page.goto(base_url + "chu-de/giu-kin-dia-chi/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip"
    box = page.locator(".skip").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "noi-dung"


@pytest.mark.parametrize(
    "viewport", [DESKTOP, MOBILE, SMALL_PHONE], indirect=True, ids=["desktop", "mobile", "small-phone"]
)
def test_pages_fit_the_window_without_sideways_scrolling(page: Any, base_url: str) -> None:
    assert_pages_fit(page, base_url)


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}], indirect=True, ids=["320px"])
def test_pages_fit_a_small_phone_before_the_web_fonts_arrive(page: Any, base_url: str) -> None:
    """On a slow connection text first shows in the phone's own, wider font: nothing may widen the page."""
    page.route("**/*.woff2", lambda route: route.abort())
    assert_pages_fit(page, base_url)


def assert_pages_fit(page: Any, base_url: str) -> None:
    for path in ALL_PAGES:
        page.goto(base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"/{path} rộng {width}px"
        # The menu must not hide an entry past the edge either (it once scrolled, cutting off help).
        cut = page.eval_on_selector_all(
            ".site-nav a",
            "(links, w) => links.filter(a => a.offsetParent !== null)"
            "  .filter(a => { const b = a.getBoundingClientRect(); return b.left < 0 || b.right > w; })"
            "  .map(a => a.textContent.trim())",
            page.viewport_size["width"],
        )
        assert not cut, f"/{path}: mục menu bị che {cut}"


def test_every_internal_link_and_resource_resolves(page: Any, base_url: str) -> None:
    checked: dict[str, int] = {}
    for path in ALL_PAGES:
        page.goto(base_url + path)
        refs = page.eval_on_selector_all(
            "a[href], link[href], script[src], img[src]",
            "els => els.map(e => e.getAttribute('href') ?? e.getAttribute('src'))",
        )
        for ref in refs:
            url = urljoin(page.url, ref).split("#")[0]
            if urlsplit(url).netloc != urlsplit(base_url).netloc or url in checked:
                continue
            checked[url] = page.request.get(url).status
    broken = {u: s for u, s in checked.items() if s != 200}
    assert not broken, f"liên kết hỏng: {broken}"
    assert len(checked) > 20


def test_download_centre_lists_each_product_once_with_a_link_per_format(page: Any, base_url: str) -> None:
    page.goto(base_url + "tai-ve/")
    row = page.locator("#d-giu-kin-dia-chi ~ table tbody tr", has_text="Bài viết dành cho Trẻ em 11–15 tuổi")
    assert row.count() == 1
    links = row.locator("a.format")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert [h.rsplit(".", 1)[-1] for h in hrefs] == ["html", "docx"]
    assert "HTML" in links.first.inner_text()
