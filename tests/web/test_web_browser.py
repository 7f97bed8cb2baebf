"""The staff pages in Debian's Chromium: the main flows work, each page passes axe-core with no
serious or critical violation, and screenshots land in tests/.artifacts/web/ to be looked at."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = REPO / "tests" / ".artifacts" / "web"
PASSWORD = "mat-khau-demo-2026"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("LOA_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (LOA_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = os.environ.get("LOA_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).is_file() and not shutil.which("chromium"):
        _unavailable("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the tests' own ORM calls are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def demo(live_server: Any) -> str:
    from loa.web.staff.demo import create_demo

    create_demo(pack="", password=PASSWORD)
    SHOTS.mkdir(parents=True, exist_ok=True)
    return str(live_server.url)


def _sign_in(browser: Any, base: str, username: str, *, width: int = 1280) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if "/xac-thuc/" in page.url:
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Xác nhận").click()
    return page


def _check(page: Any, name: str) -> None:
    """Screenshot the page, then fail on serious or critical axe-core violations."""
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if not AXE.is_file():
        _unavailable(f"axe-core is not installed ({AXE} missing): run `npm install`")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    serious = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {json.dumps(serious, ensure_ascii=False)}"


def test_a_leader_sees_rates_and_laggards_on_the_dashboard(browser, demo) -> None:
    page = _sign_in(browser, demo, "lanhdao")
    assert page.url.endswith("/chi-so/")
    assert page.get_by_text("Tỷ lệ đã báo cáo").is_visible()
    assert page.locator("svg.chart").count() == 2
    _check(page, "dashboard")
    page.goto(f"{demo}/don-vi/")
    _check(page, "units")
    page.goto(f"{demo}/bao-cao/")
    _check(page, "reports")


def test_a_school_acknowledges_and_reports_with_a_photo(browser, demo, tmp_path) -> None:
    from loa.web.dispatches.models import Dispatch

    page = _sign_in(browser, demo, "thcs.longan")
    assert page.url.endswith("/cong-van-den/")
    _check(page, "inbox")
    page.goto(f"{demo}/cong-van/{Dispatch.objects.get().pk}/")
    _check(page, "dispatch-for-a-school")
    page.get_by_role("link", name="Báo cáo một hoạt động").click()
    page.select_option("#id_kind", "class")
    page.fill("#id_held_on", Dispatch.objects.get().issued_on.isoformat())
    page.fill("#id_title", "Ngoại khóa: an toàn trên mạng")
    page.fill("#id_children_11_15", "95")
    page.fill("#id_children_6_10", "-3")
    page.get_by_role("button", name="Lưu báo cáo").click()
    assert page.get_by_text("lớn hơn hoặc bằng").first.is_visible()  # a negative count is refused, clearly
    _check(page, "report-form-with-errors")
    page.fill("#id_children_6_10", "0")
    page.get_by_role("button", name="Lưu báo cáo").click()
    photo = tmp_path / "lop.jpg"
    from factories import sample_jpeg

    photo.write_bytes(sample_jpeg())
    page.set_input_files("#id_image", str(photo))
    page.get_by_role("button", name="Tải ảnh lên").click()
    assert page.get_by_text("đã xóa thông tin vị trí").is_visible()
    _check(page, "report-with-photo")
    page.get_by_role("button", name="Nộp để duyệt").click()
    assert page.get_by_text("Đã nộp, chờ duyệt").first.is_visible()


def test_an_administrator_signs_in_with_totp_and_drafts_a_dispatch(browser, demo) -> None:
    page = _sign_in(browser, demo, "quantri")
    assert "/chi-so/" in page.url
    page.goto(f"{demo}/cong-van/moi/")
    tree = page.locator(".unit-tree details")
    assert tree.count() >= 2, "recipient units are folded under the unit above them"
    tree.first.locator("summary").click()
    first = tree.first.locator("input[type=checkbox]").first
    first.check()
    assert first.is_checked()
    _check(page, "dispatch-form")
    page.goto(f"{demo}/nhat-ky/")
    _check(page, "audit-log")


def test_the_login_and_dashboard_pages_fit_a_phone(browser, demo) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{demo}/dang-nhap/")
    _check(page, "login-mobile")
    page = _sign_in(browser, demo, "phuong.longan", width=390)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _check(page, "dashboard-mobile")


def test_a_leader_drills_down_from_the_province_to_a_commune(browser, demo) -> None:
    page = _sign_in(browser, demo, "lanhdao")
    table = page.locator("#dia-ban")
    link = table.locator("tbody a").first
    commune = link.inner_text()
    link.click()
    assert page.locator(".crumbs [aria-current=page]").inner_text() == commune
    assert page.get_by_role("heading", name="Từng đơn vị nhận").is_visible()
    _check(page, "dashboard-commune")
    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất tiến độ (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_staff_pages_fit_a_320px_phone_before_the_web_fonts_arrive(browser, demo) -> None:
    """On a slow connection text first shows in the phone's own font: no page may scroll sideways,
    and no menu entry or button may be cut off at the screen's edge."""
    from factories import connect_zalo_oa

    from loa.web.dispatches.models import Delivery, Dispatch
    from loa.web.reports.models import ActivityReport, EvidencePhoto

    dispatch = Dispatch.objects.get()
    oa = connect_zalo_oa(dispatch.issuer, "Zalo OA Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh")
    posted = ActivityReport.objects.get(unit__name__startswith="Cổng Thông tin")
    posted.links = (
        "https://www.facebook.com/SoVanHoaTheThaoVaDuLichTayNinh/posts/pfbid02AbCdEfGhIjKlMnOpQrStUvWxYz0123"
    )
    posted.description = "Liên hệ: phongthongtinbaochixuatban.sovhttdl@tayninh.gov.vn để nhận tài liệu."
    posted.save()
    draft = ActivityReport.objects.get(status="draft")  # the photo upload form shows on a draft
    photo = EvidencePhoto.objects.first()
    school = Delivery.objects.get(dispatch=dispatch, unit__name__startswith="Trường THCS Long An")
    d = f"cong-van/{dispatch.pk}/"
    pages = {
        "quantri": [
            "chi-so/",
            "cong-van/",
            "cong-van/moi/",
            d,
            "bao-cao/",
            f"bao-cao/{posted.pk}/",
            "don-vi/",
            f"don-vi/{dispatch.issuer_id}/",
            "nhat-ky/",
            "dang-bai/",
            "dang-bai/tai-khoan/moi/facebook/",
            f"dang-bai/tai-khoan/{oa.pk}/ke-hoach/",
            f"dang-bai/tai-khoan/{oa.pk}/tin-truyen-thong/",
        ],
        "phuong.longan": ["chi-so/", "cong-van-den/", "cong-van/", d, "bao-cao/", "don-vi/"],
        "phuong.tanan": ["cong-van-den/", d, f"bao-cao/{draft.pk}/", f"bao-cao/{draft.pk}/sua/"],
        "thcs.longan": ["cong-van-den/", d, f"nhan/{school.pk}/bao-cao-moi/", f"anh/{photo.pk}/dong-y/"],
    }
    problems = []
    for username, paths in pages.items():
        page = _sign_in(browser, demo, username, width=320)
        page.route("**/*.{woff2,woff,ttf}", lambda route: route.abort())
        for path in paths:
            response = page.goto(f"{demo}/{path}")
            assert response is not None and response.status == 200, f"{username}: /{path} trả về lỗi"
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                problems.append(f"{username}: /{path} rộng {width}px")
            cut = page.eval_on_selector_all(
                ".mainnav a, .btn",
                "els => els.filter(e => e.offsetParent !== null && !e.closest('.table-wrap'))"
                "  .filter(e => { const b = e.getBoundingClientRect(); return b.left < 0 || b.right > 320; })"
                "  .map(e => e.textContent.trim())",
            )
            if cut:
                problems.append(f"{username}: /{path} cắt mất {cut}")
            if path == "dang-bai/":  # the accounts table: a row per account, its name on full lines
                name = page.eval_on_selector(".table td strong", "e => e.closest('td').offsetWidth")
                if name < 240:
                    problems.append(f"{username}: /{path} tên tài khoản chỉ rộng {name}px")
        page.screenshot(path=str(SHOTS / f"phone-320-{username}.png"), full_page=True)
        page.context.close()
    assert problems == [], "\n".join(problems)
