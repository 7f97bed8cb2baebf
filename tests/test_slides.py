"""Slide decks: the outline, the editable PPTX, the one-file HTML deck and the PDF handout."""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PIL import ImageFont
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader

from loa import model as m
from loa.fonts import font_file
from loa.readers import read_campaign
from loa.renderers.base import Artifact, Job
from loa.renderers.deck import MAX_CLASS_SLIDES, build_deck, deck_audiences
from loa.renderers.slide_fit import fits
from loa.renderers.slide_scene import Text, compose
from loa.renderers.slides_html import SlidesHtmlRenderer
from loa.renderers.slides_pdf import SlidesHandoutRenderer
from loa.renderers.slides_pptx import SlidesPptxRenderer
from loa_support import ROOTS, assert_golden

ROOT = ROOTS / "slides"
NATIONAL = Path(__file__).parent.parent / "campaigns" / "bao-ve-tre-em"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
EMU_PER_PT = 12700
DECKS = ("hoi-nghi", "lop-tre-6-10", "lop-tre-11-15")


@pytest.fixture(scope="module")
def campaign() -> m.Campaign:
    return read_campaign(ROOT)[0]


@pytest.fixture(scope="module")
def products(campaign: m.Campaign) -> dict[str, Artifact]:
    """Every slide product of the test campaign, by path."""
    out: dict[str, Artifact] = {}
    for renderer in (SlidesPptxRenderer(), SlidesHtmlRenderer(), SlidesHandoutRenderer()):
        for job in renderer.plan(campaign):
            out |= {a.path: a for a in renderer.render(campaign, job)}
    return out


def presentation(products: dict[str, Artifact], slug: str) -> Any:
    return Presentation(io.BytesIO(products[f"bai-giang/{slug}.pptx"].data))


def text_frames(deck: Any) -> Iterator[tuple[int, Any]]:
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                yield number, shape


# --- the outline ---------------------------------------------------------------------------


def test_plan_has_a_conference_deck_and_a_classroom_deck_per_childrens_band(campaign: m.Campaign) -> None:
    jobs = SlidesPptxRenderer().plan(campaign)
    assert jobs == [Job("slides-pptx", None, None), Job("slides-pptx", None, "tre-6-10"),
                    Job("slides-pptx", None, "tre-11-15")]  # fmt: skip


def test_decks_have_vietnamese_titles_and_paths_under_bai_giang(products: dict[str, Artifact]) -> None:
    conference = products["bai-giang/hoi-nghi.pptx"]
    assert (conference.title, conference.audience, conference.topic) == (
        "Bài trình chiếu hội nghị",
        None,
        None,
    )
    classroom = products["bai-giang/lop-tre-6-10.html"]
    assert (classroom.title, classroom.audience) == ("Bài giảng cho Trẻ em 6–10 tuổi", "tre-6-10")
    assert products["bai-giang/lop-tre-11-15-handout.pdf"].kind == "handout"
    assert {p.rsplit("/", 1)[1].split(".")[0].removesuffix("-handout") for p in products} == set(DECKS)


def test_classroom_deck_keeps_only_topics_for_its_band(campaign: m.Campaign) -> None:
    titles = {s.title for s in build_deck(campaign, "tre-6-10").slides if s.kind == "section"}
    assert titles == {"Giữ kín thông tin cá nhân", "Cùng nhau nói không với bắt nạt trên mạng"}
    assert len([s for s in build_deck(campaign, None).slides if s.kind == "section"]) == 3


def test_classroom_deck_uses_the_bands_actions_and_leaves_out_adult_sections(campaign: m.Campaign) -> None:
    deck = build_deck(campaign, "tre-6-10")
    shown = " ".join(p.text for s in deck.slides for c in s.columns for p in c.paras)
    assert "Nói địa chỉ nhà cho người lạ trên mạng." in shown  # tre-6-10 "dont"
    assert "Tắt chia sẻ vị trí trong ứng dụng." not in shown  # tre-11-15 only
    assert "Dành cho thầy cô" not in " ".join(s.title for s in deck.slides)
    assert "Khoe ảnh con" not in shown
    assert "“Con chưa hỏi bố mẹ, con không gửi đâu.”" in shown


def test_classroom_deck_follows_the_lesson_plan_of_its_band(campaign: m.Campaign) -> None:
    deck = build_deck(campaign, "tre-11-15")
    assert deck.slides[0].title == "An toàn trên mạng cho học sinh trung học cơ sở"
    assert deck.slides[1].title == "Hôm nay chúng mình sẽ"
    assert "Cùng thảo luận" in [s.title for s in deck.slides]
    assert any("gọi 111 miễn phí" in n for n in deck.slides[-1].notes)


def test_classroom_decks_are_one_lesson_long(campaign: m.Campaign) -> None:
    for band in ("tre-6-10", "tre-11-15"):
        assert 12 <= len(build_deck(campaign, band).slides) <= MAX_CLASS_SLIDES


def test_long_content_is_split_across_slides_never_cut(campaign: m.Campaign) -> None:
    deck = build_deck(campaign, None)
    titles = [s.title for s in deck.slides]
    assert "Thông tin nào là của riêng em? (1/2)" in titles
    assert "Thông tin nào là của riêng em? (2/2)" in titles
    shown = [p.text for s in deck.slides for c in s.columns for p in c.paras]
    assert "Số thẻ ngân hàng của bố mẹ." in shown and "Họ tên đầy đủ và ngày sinh." in shown
    notes = " ".join(n for s in deck.slides for n in s.notes)
    assert "Đó là cách đơn giản nhất để bảo vệ con." in notes  # a long paragraph is said in full


def test_every_slide_has_speaker_notes_in_full_sentences(campaign: m.Campaign) -> None:
    for audience in deck_audiences(campaign):
        for slide in build_deck(campaign, audience).slides:
            assert slide.notes, slide.title
            assert all(n.strip()[-1] in '.!?:”"' for n in slide.notes), slide.notes


def test_every_text_of_every_scene_fits_its_box(campaign: m.Campaign) -> None:
    for audience in deck_audiences(campaign):
        deck = build_deck(campaign, audience)
        for index in range(len(deck.slides)):
            for element in compose(campaign, deck, index).elements:
                if isinstance(element, Text):
                    assert fits(element.paras, element.box, element.size), (deck.slug, index + 1, element)


@pytest.mark.skipif(not (NATIONAL / "campaign.yaml").is_file(), reason="the bundled campaign is not here")
def test_bundled_campaign_decks_fit_and_classroom_decks_stay_one_lesson_long() -> None:
    campaign = read_campaign(NATIONAL)[0]
    for audience in deck_audiences(campaign):
        deck = build_deck(campaign, audience)
        if audience:
            assert 12 <= len(deck.slides) <= MAX_CLASS_SLIDES, deck.slug
        body_sizes = [s.size for s in deck.slides if s.kind in ("bullets", "columns", "remember")]
        assert min(body_sizes) >= 20, deck.slug
        for index in range(len(deck.slides)):  # 14 topics: the agenda needs two columns
            for element in compose(campaign, deck, index).elements:
                if isinstance(element, Text):
                    assert fits(element.paras, element.box, element.size), (deck.slug, index + 1, element)
    agenda = [s for s in build_deck(campaign, None).slides if s.kind == "agenda"]
    listed = [p.text for slide in agenda for column in slide.columns for p in column.paras]
    assert listed == [t.title for t in campaign.topics], "every topic on the agenda, in order"
    assert len({s.size for s in agenda}) == 1, "one text size across the agenda's slides"


# --- PPTX ----------------------------------------------------------------------------------


def test_pptx_opens_as_a_16_9_widescreen_deck(products: dict[str, Artifact]) -> None:
    deck = presentation(products, "hoi-nghi")
    assert (deck.slide_width, deck.slide_height) == (Emu(12192000), Emu(6858000))


def test_pptx_titles_sit_in_title_placeholders(products: dict[str, Artifact]) -> None:
    deck = presentation(products, "lop-tre-6-10")
    assert [s.shapes.title.text for s in deck.slides][-1] == "Em không một mình"
    assert all(s.shapes.title is not None and s.shapes.title.text for s in deck.slides)


def test_pptx_body_is_one_text_box_with_bullet_levels(products: dict[str, Artifact]) -> None:
    deck = presentation(products, "hoi-nghi")
    slide = next(s for s in deck.slides if s.shapes.title.text == "Em giữ kín thông tin bằng cách nào?")
    bodies = [
        sh for sh in slide.shapes if sh.has_text_frame and "Nhờ bố mẹ đặt mật khẩu" in sh.text_frame.text
    ]
    assert len(bodies) == 1
    levels = {p.text: p.level for p in bodies[0].text_frame.paragraphs}
    assert levels["Người lạ nhắn tin thì không trả lời."] == 1
    assert levels["Chỉ kết bạn với người em biết ngoài đời."] == 0


def test_pptx_text_fits_every_box_at_its_font_size(products: dict[str, Artifact]) -> None:
    for slug in DECKS:
        for number, shape in text_frames(presentation(products, slug)):
            needed, room = _text_height_pt(shape), shape.height / EMU_PER_PT
            assert needed <= room + 0.5, (
                f"{slug} slide {number}: {shape.text_frame.text[:60]!r} {needed} > {room}"
            )


def test_pptx_body_text_is_never_below_18_points(products: dict[str, Artifact]) -> None:
    for slug in DECKS:
        for number, shape in text_frames(presentation(products, slug)):
            if shape.top / EMU_PER_PT < 500 and shape.height / EMU_PER_PT > 60:  # bodies, not footers
                sizes = [r.font.size.pt for p in shape.text_frame.paragraphs for r in p.runs]
                assert min(sizes) >= 18, f"{slug} slide {number}: {shape.text_frame.text[:40]!r}"


def test_pptx_has_notes_on_every_slide(products: dict[str, Artifact]) -> None:
    for slug in DECKS:
        for slide in presentation(products, slug).slides:
            assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()


def test_pptx_closing_slide_shows_111_first_then_the_other_hotlines(products: dict[str, Artifact]) -> None:
    last = presentation(products, "hoi-nghi").slides[-1]
    texts = [sh.text_frame.text for sh in last.shapes if sh.has_text_frame]
    joined = "\n".join(texts)
    assert "111" in texts and "Tổng đài điện thoại quốc gia bảo vệ trẻ em" in joined
    assert joined.index("111") < joined.index("113") and "Công an" in joined
    assert "111" in last.notes_slide.notes_text_frame.text


def test_pptx_vietnamese_text_round_trips_in_nfc(products: dict[str, Artifact], campaign: m.Campaign) -> None:
    deck = presentation(products, "hoi-nghi")
    texts = [sh.text_frame.text for _, sh in text_frames(deck)]
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    assert "Điều cần ghi nhớ" in texts and campaign.topics[0].title in texts
    assert "Thông tin riêng giống như chìa khóa nhà" in " ".join(texts)


def test_pptx_every_run_is_vietnamese_in_be_vietnam_pro(products: dict[str, Artifact]) -> None:
    for slug in DECKS:
        for slide in presentation(products, slug).slides:
            for part in (slide, slide.notes_slide):
                for rpr in part._element.iter(f"{A}rPr"):
                    assert rpr.get("lang") == "vi-VN"
                    faces = {c.tag.removeprefix(A): c.get("typeface") for c in rpr if c.get("typeface")}
                    assert faces == dict.fromkeys(("latin", "ea", "cs"), "Be Vietnam Pro")


def test_pptx_core_properties_come_from_the_campaign(products: dict[str, Artifact]) -> None:
    props = presentation(products, "hoi-nghi").core_properties
    assert props.author == "Sở Văn hóa, Thể thao và Du lịch"
    assert props.created.date().isoformat() == props.modified.date().isoformat() == "2026-06-01"
    assert props.title == "Bài trình chiếu hội nghị" and props.language == "vi-VN"


def test_every_slide_product_is_byte_identical_across_builds(
    campaign: m.Campaign, products: dict[str, Artifact]
) -> None:
    for renderer in (SlidesPptxRenderer(), SlidesHtmlRenderer(), SlidesHandoutRenderer()):
        for artifact in renderer.render(campaign, Job(renderer.name, None, "tre-11-15")):
            assert artifact.data == products[artifact.path].data, artifact.path


@pytest.mark.parametrize("slug", DECKS)
def test_pptx_text_outline_matches_the_golden_file(products: dict[str, Artifact], slug: str) -> None:
    assert_golden(f"slides/{slug}.txt", outline(presentation(products, slug)))


def outline(deck: Any) -> str:
    """Return the deck's text as an outline: each slide, its text boxes with sizes, and its notes."""
    lines: list[str] = []
    for number, slide in enumerate(deck.slides, start=1):
        lines.append(f"## {number}. {slide.shapes.title.text.replace(chr(11), ' ')}")
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip() and shape != slide.shapes.title:
                lines += _box_lines(shape)
        lines += [f"> {p.text}" for p in slide.notes_slide.notes_text_frame.paragraphs]
    return "\n".join(lines) + "\n"


def _box_lines(shape: Any) -> list[str]:
    out = []
    for paragraph in shape.text_frame.paragraphs:
        size = max((r.font.size.pt for r in paragraph.runs if r.font.size), default=0)
        ppr = paragraph._p.pPr
        mark = ""
        if ppr is not None and ppr.find(f"{A}buChar") is not None:
            mark = ppr.find(f"{A}buChar").get("char") + " "
        elif ppr is not None and ppr.find(f"{A}buAutoNum") is not None:
            mark = ppr.find(f"{A}buAutoNum").get("startAt", "1") + ". "
        text = "".join(r.text for r in paragraph.runs) + (_field_text(paragraph))
        out.append(f"  {'  ' * paragraph.level}[{size:g}] {mark}{text}")
    return out


def _field_text(paragraph: Any) -> str:
    return "".join(f"{{{f.get('type')}}}" for f in paragraph._p.iter(f"{A}fld"))


# A measurement of our own, from the font files: does every text frame hold its lines?


@cache
def _face(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file("Bold" if bold else "Regular")), 100)


def _width_pt(text: str, bold: bool, size: float) -> float:
    return float(_face(bold).getlength(text)) * size / 100


def _text_height_pt(shape: Any) -> float:
    total = 0.0
    for index, paragraph in enumerate(shape.text_frame.paragraphs):
        runs = paragraph.runs
        if not runs:
            continue
        size = runs[0].font.size.pt
        ppr = paragraph._p.pPr
        indent = int(ppr.get("marL", "0")) / EMU_PER_PT if ppr is not None else 0.0
        room = shape.width / EMU_PER_PT - indent
        words = [(w, bool(r.font.bold)) for r in runs for w in r.text.split()]
        lines = _wrapped_lines(words, room, size)
        pitch = paragraph.line_spacing.pt if paragraph.line_spacing else size * 1.2
        before = paragraph.space_before.pt if paragraph.space_before and index else 0.0
        total += before + lines * pitch
    return total


def _wrapped_lines(words: list[tuple[str, bool]], room: float, size: float) -> int:
    lines, used = 1, 0.0
    for word, bold in words:
        width = _width_pt(word, bold, size)
        space = _width_pt(" ", False, size)
        if used and used + space + width > room:
            lines, used = lines + 1 + math.floor(width / room), width % room
        else:
            used = used + space + width if used else width
    return lines


# --- HTML ----------------------------------------------------------------------------------


def test_html_deck_is_one_file_with_no_web_address_at_all(products: dict[str, Artifact]) -> None:
    html_files = [p for p in products if p.endswith(".html")]
    assert sorted(html_files) == sorted(f"bai-giang/{slug}.html" for slug in DECKS)
    for path in html_files:
        page = products[path].data.decode()
        assert not re.search(r"https?://", page), path
        assert not re.search(r"""(src|href)=["'](?!data:|#)""", page), path
        assert "data:font/woff;base64," in page and '<html lang="vi">' in page


def test_html_deck_has_as_many_slides_as_the_pptx(products: dict[str, Artifact]) -> None:
    for slug in DECKS:
        page = products[f"bai-giang/{slug}.html"].data.decode()
        count = len(re.findall(r'<section class="slide ', page))
        assert count == len(presentation(products, slug).slides) and count > 0


def test_html_deck_has_keyboard_navigation_notes_and_print_rules(products: dict[str, Artifact]) -> None:
    page = products["bai-giang/hoi-nghi.html"].data.decode()
    for key in ('"ArrowRight"', '"ArrowLeft"', '" "', '"Home"', '"End"', '"n"'):
        assert f"case {key}" in page
    assert "@media print" in page and "@page{size:13.333in 7.5in" in page
    assert page.count("<h1>") == 1 and ":focus-visible" in page
    assert "Ghi chú cho người trình bày" in page


def _browser() -> Any:
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not chromium.exists():
        if os.environ.get("LOA_REQUIRE_SERVICES") == "1":
            pytest.fail("Chromium and Playwright are required (LOA_REQUIRE_SERVICES=1)")
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium and Playwright")
    return sync_playwright, chromium


@pytest.mark.browser
def test_html_deck_moves_with_the_keyboard_offline(products: dict[str, Artifact], tmp_path: Path) -> None:
    sync_playwright, chromium = _browser()
    path = tmp_path / "lop-tre-6-10.html"
    path.write_bytes(products["bai-giang/lop-tre-6-10.html"].data)
    total = len(presentation(products, "lop-tre-6-10").slides)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route(re.compile(r"^https?://"), lambda route: route.abort())
        page.goto(path.as_uri())
        counter = page.locator("#counter")
        assert counter.inner_text() == f"1 / {total}"
        page.keyboard.press("ArrowRight")
        page.keyboard.press(" ")
        assert counter.inner_text() == f"3 / {total}"
        page.keyboard.press("End")
        assert counter.inner_text() == f"{total} / {total}"
        assert "111" in page.locator(".slide.current").inner_text()
        page.keyboard.press("n")
        assert page.locator(".slide.current .notes").is_visible()
        page.keyboard.press("Home")
        assert counter.inner_text() == f"1 / {total}"
        assert page.evaluate("document.fonts.check('16px \"Be Vietnam Pro\"')")
        browser.close()


# --- PDF handout ---------------------------------------------------------------------------


def test_handout_pages_hold_slide_titles_notes_and_the_help_block(products: dict[str, Artifact]) -> None:
    reader = PdfReader(io.BytesIO(products["bai-giang/lop-tre-11-15-handout.pdf"].data))
    pages = [unicodedata.normalize("NFC", p.extract_text()) for p in reader.pages]
    flat = re.sub(r"\s+", " ", " ".join(pages))
    for slide in presentation(products, "lop-tre-11-15").slides:
        assert re.sub(r"\s+", " ", slide.shapes.title.text) in flat
    assert "111" in pages[-1] and "Khi cần giúp đỡ" in pages[-1]
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_handout_renders_to_images_with_pdftoppm(products: dict[str, Artifact], tmp_path: Path) -> None:
    import subprocess

    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(products["bai-giang/lop-tre-6-10-handout.pdf"].data)
    subprocess.run(["pdftoppm", "-png", "-r", "20", str(pdf), str(tmp_path / "page")], check=True)
    assert sorted(tmp_path.glob("page-*.png"))
