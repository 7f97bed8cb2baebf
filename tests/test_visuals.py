"""Posters, infographics and social cards: exact sizes, the help strip, QR codes, fitting titles,
readable colours, glyph coverage, deterministic bytes and golden perceptual hashes."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from loa import model as m
from loa.fonts import font_dir, font_paths
from loa.readers import read_campaign
from loa.renderers.base import Artifact, Job, available_renderers
from loa.renderers.qr import QUIET_ZONE, qr_svg
from loa.renderers.visuals import cards, infographics, posters
from loa.renderers.visuals.cards import CardRenderer
from loa.renderers.visuals.checks import fit_report
from loa.renderers.visuals.content import LABELS, Variant
from loa.renderers.visuals.infographics import InfographicRenderer
from loa.renderers.visuals.palette import TEXT_PAIRS, contrast, palette
from loa.renderers.visuals.posters import PosterRenderer

TESTS = Path(__file__).parent
ROOT = TESTS / "roots" / "visuals"
BUNDLED = TESTS.parent / "campaigns" / "bao-ve-tre-em"
GOLDEN = TESTS / "golden" / "visuals" / "pngs.txt"
TOPIC = "ban-be-tren-mang"
TOPIC_URL = "https://tre-em.example.gov.vn/chu-de/ban-be-tren-mang/"
LONG_TITLE = (
    "Hướng dẫn chi tiết cho cha mẹ, thầy cô và học sinh: nhận diện, phòng tránh và ứng phó với "
    "kẻ xấu dụ dỗ trẻ em trên mạng!"
)
A4_POINTS = (595.28, 841.89)
A3_POINTS = (841.89, 1190.55)
DHASH_TOLERANCE = 8
"""Bits of 64 a PNG's dHash may differ from the golden one (font hinting differs between machines)."""


# --- fixtures and helpers ---------------------------------------------------------------------


@cache
def campaign() -> m.Campaign:
    """The visuals root, read once."""
    return read_campaign(ROOT)[0]


@cache
def rendered() -> tuple[Artifact, ...]:
    """Every artifact the three renderers make for the visuals root, rendered once."""
    found: list[Artifact] = []
    for renderer in (CardRenderer(), PosterRenderer(), InfographicRenderer()):
        for job in renderer.plan(campaign()):
            found += renderer.render(campaign(), job)
    return tuple(found)


def artifact(path: str) -> Artifact:
    """Return the rendered artifact at a path."""
    return next(a for a in rendered() if a.path == path)


def png_size(data: bytes) -> tuple[int, int]:
    """Return the pixel size written in a PNG's header."""
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


def pdf_pages(data: bytes) -> list[Any]:
    """Return the pages of a PDF (pypdf)."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extra: pip install -e '.[test]'")
    return list(pypdf.PdfReader(io.BytesIO(data)).pages)


def pdf_text(data: bytes) -> str:
    """Return the text of a PDF, NFC, with runs of white space made one space."""
    text = " ".join(page.extract_text() for page in pdf_pages(data))
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def reader_text(data: bytes) -> str:
    """Return a PDF's text as poppler's readers show and copy it (pdftotext)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils): cannot read the PDF")
    read = subprocess.run([pdftotext, "-", "-"], input=data, capture_output=True, check=True)
    return unicodedata.normalize("NFC", read.stdout.decode())


def decode_qr(data: bytes, tmp_path: Path) -> list[str]:
    """Return the QR codes zbarimg reads in a PNG."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.skip("zbarimg is not installed (apt-get install zbar-tools): cannot decode QR codes")
    image = tmp_path / "qr.png"
    image.write_bytes(data)
    done = subprocess.run([zbarimg, "--raw", "-q", str(image)], capture_output=True, text=True, check=False)
    return done.stdout.split()


def margin_is_blank(data: bytes, band: int, colour: str) -> bool:
    """Return whether the outer band of an image (px) is all one background colour."""
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        w, h = rgb.size
        strips = [(0, 0, w, band), (0, h - band, w, h), (0, 0, band, h), (w - band, 0, w, h)]
        return all(
            rgb.crop(box).getcolors(1) == [((box[2] - box[0]) * (box[3] - box[1]), want)] for box in strips
        )


def dhash(data: bytes) -> int:
    """Return the 64-bit difference hash of an image: brighter-than-right-neighbour bits on a 9×8 grey."""
    with Image.open(io.BytesIO(data)) as image:
        grey = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
        pixels = [grey.getpixel((x, y)) for y in range(8) for x in range(9)]
    bits = [pixels[r * 9 + c] > pixels[r * 9 + c + 1] for r in range(8) for c in range(8)]
    return sum(1 << i for i, bit in enumerate(bits) if bit)


def long_title_campaign() -> m.Campaign:
    """The visuals root with a 120-character Vietnamese title on the first topic."""
    topic = campaign().topic(TOPIC).model_copy(update={"title": LONG_TITLE})
    return campaign().model_copy(update={"topics": (topic, *campaign().topics[1:])})


def with_unit(source: m.Campaign) -> m.Campaign:
    """The campaign with one recipient unit, for co-branded jobs."""
    unit = m.Unit(code="thcs-le-loi", name="Trường THCS Lê Lợi", contact="Cô Lan phụ trách: 0276 3822 000")
    return source.model_copy(update={"units": (unit,)})


# --- registration and planning -----------------------------------------------------------------


def test_visual_renderers_are_registered_by_name() -> None:
    registry = available_renderers()
    assert registry["cards"] is CardRenderer
    assert registry["posters"] is PosterRenderer
    assert registry["infographics"] is InfographicRenderer


def test_cards_are_planned_for_everyone_and_for_each_children_band_with_actions() -> None:
    jobs = CardRenderer().plan(campaign())
    # tre-11-15 is among the topic's audiences but has no actions of its own: no card for it.
    assert [(j.topic, j.audience) for j in jobs] == [
        ("ban-be-tren-mang", None),
        ("ban-be-tren-mang", "tre-6-10"),
        ("ke-voi-nguoi-lon", None),
    ]


def test_posters_and_cards_are_cobranded_and_infographics_are_not() -> None:
    assert PosterRenderer.cobrand and CardRenderer.cobrand and not InfographicRenderer.cobrand


# --- exact sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", cards.GENERAL_SIZES, ids=lambda s: s.slug)
def test_each_card_has_the_exact_pixel_size_of_its_platform(size: cards.CardSize) -> None:
    card = artifact(f"the/{TOPIC}/chung-{size.slug}.png")
    assert png_size(card.data) == (size.width, size.height) == (card.width, card.height)


def test_card_sizes_are_the_ones_facebook_and_zalo_take() -> None:
    sizes = {s.slug: (s.width, s.height) for s in cards.GENERAL_SIZES}
    assert sizes == {
        "facebook-doc": (1080, 1350),
        "facebook-vuong": (1080, 1080),
        "lien-ket": (1200, 630),
        "story": (1080, 1920),
        "zalo-bia": (1280, 720),
    }


def test_children_band_card_is_a_facebook_portrait() -> None:
    card = artifact(f"the/{TOPIC}/tre-6-10-facebook-doc.png")
    assert png_size(card.data) == (1080, 1350)
    assert card.audience == "tre-6-10"


def test_zalo_cover_is_under_one_megabyte() -> None:
    assert len(artifact(f"the/{TOPIC}/chung-zalo-bia.png").data) < 1_000_000


def test_every_card_has_svg_and_pdf_siblings_of_the_same_size() -> None:
    for png in (a for a in rendered() if a.kind == "card" and a.format == "png"):
        stem = png.path.removesuffix(".png")
        svg, pdf = artifact(f"{stem}.svg"), artifact(f"{stem}.pdf")
        assert svg.media_type == "image/svg+xml" and svg.data.startswith(b"<svg")
        (page,) = pdf_pages(pdf.data)
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            png.width // 2,
            png.height // 2,
        )


@pytest.mark.parametrize(("slug", "points"), [("a4", A4_POINTS), ("a3", A3_POINTS)])
def test_posters_are_print_size_pdfs(slug: str, points: tuple[float, float]) -> None:
    (page,) = pdf_pages(artifact(f"ap-phich/{TOPIC}/{slug}.pdf").data)
    assert float(page.mediabox.width) == pytest.approx(points[0], abs=0.05)
    assert float(page.mediabox.height) == pytest.approx(points[1], abs=0.05)


@pytest.mark.parametrize(("slug", "pixels"), [("a4", (1240, 1754)), ("a3", (1754, 2480))])
def test_poster_previews_are_150_ppi_pngs(slug: str, pixels: tuple[int, int]) -> None:
    preview = artifact(f"ap-phich/{TOPIC}/{slug}.png")
    assert png_size(preview.data) == pixels == (preview.width, preview.height)


@pytest.mark.parametrize("slug", ["a4", "a3"])
def test_posters_print_nothing_in_the_10_mm_safe_margin(slug: str) -> None:
    ten_mm_at_150_ppi = round(10 / 25.4 * 150)
    preview = artifact(f"ap-phich/{TOPIC}/{slug}.png")
    assert margin_is_blank(preview.data, ten_mm_at_150_ppi, campaign().brand.background)


def test_infographic_is_1080_by_1350_with_svg_and_pdf() -> None:
    png = artifact(f"do-hoa/{TOPIC}.png")
    assert png_size(png.data) == (1080, 1350)
    assert artifact(f"do-hoa/{TOPIC}.svg").data.startswith(b"<svg")
    assert len(pdf_pages(artifact(f"do-hoa/{TOPIC}.pdf").data)) == 1


# --- content: help strip, QR, alt text ----------------------------------------------------------


@pytest.mark.parametrize(
    "path", [f"ap-phich/{TOPIC}/a4.pdf", f"the/{TOPIC}/chung-facebook-doc.pdf", f"do-hoa/{TOPIC}.pdf"]
)
def test_help_strip_with_111_is_printed_on_every_product(path: str) -> None:
    text = pdf_text(artifact(path).data)
    assert "Gọi 111" in text
    assert "Tổng đài điện thoại quốc gia bảo vệ trẻ em" in text
    assert "miễn phí, 24 giờ mỗi ngày, tất cả các ngày" in text


def test_help_strip_words_come_from_the_hotline_data() -> None:
    hotline = campaign().hotlines[0].model_copy(update={"description": "Trực suốt ngày đêm. Không mất phí."})
    changed = campaign().model_copy(update={"hotlines": (hotline, *campaign().hotlines[1:])})
    poster_pdf = PosterRenderer().render(changed, Job("posters", TOPIC))[0]
    text = pdf_text(poster_pdf.data)
    assert "Gọi 111" in text and "trực suốt ngày đêm" in text
    assert "miễn phí, 24 giờ" not in text


def test_posters_list_the_other_hotlines_after_111() -> None:
    text = pdf_text(artifact(f"ap-phich/{TOPIC}/a4.pdf").data)
    assert text.index("111") < text.index("113 Công an")


@pytest.mark.parametrize(
    "path",
    [
        f"ap-phich/{TOPIC}/a4.png",
        f"ap-phich/{TOPIC}/a3.png",
        f"the/{TOPIC}/chung-lien-ket.png",
        f"the/{TOPIC}/chung-facebook-vuong.png",
        f"the/{TOPIC}/chung-facebook-doc.png",
        f"do-hoa/{TOPIC}.png",
    ],
)
def test_qr_code_leads_to_the_topic_page(path: str, tmp_path: Path) -> None:
    assert decode_qr(artifact(path).data, tmp_path) == [TOPIC_URL]


def test_cobranded_poster_names_the_unit_and_its_qr_carries_the_unit_code(tmp_path: Path) -> None:
    source = with_unit(campaign())
    artifacts = PosterRenderer().render(source, Job("posters", TOPIC, unit="thcs-le-loi"))
    assert [a.format for a in artifacts] == ["pdf", "pdf"], "a unit's copies are print PDFs only"
    pdf = artifacts[0]
    assert pdf.path == f"don-vi/thcs-le-loi/ap-phich/{TOPIC}/a4.pdf"
    text = pdf_text(pdf.data)
    assert "Trường THCS Lê Lợi" in text and "Cô Lan phụ trách: 0276 3822 000" in text
    assert decode_qr(pdf_page_png(pdf.data, tmp_path), tmp_path) == [TOPIC_URL + "?dv=thcs-le-loi"]


def with_units(source: m.Campaign) -> m.Campaign:
    """The campaign with four recipient units: with and without a contact line, a very long name."""
    units = (
        m.Unit(code="thcs-le-loi", name="Trường THCS Lê Lợi", contact="Cô Lan phụ trách: 0276 3822 000"),
        m.Unit(code="25747", name="UBND xã Phước Vinh"),
        m.Unit(code="25750", name="UBND phường Long Hoa", contact="Liên hệ: 0276 3822 111"),
        m.Unit(
            code="thpt-tran-dai-nghia",
            name="Trường Trung học phổ thông chuyên Trần Đại Nghĩa, thành phố Tây Ninh, tỉnh Tây Ninh",
            contact="Thầy Hoàng Văn Ể, phó hiệu trưởng phụ trách công tác học sinh: 0276 3822 999 (giờ HC)",
        ),
    )
    return source.model_copy(update={"units": units})


@cache
def batch() -> tuple[Artifact, ...]:
    """A batch job's posters for the four units (the base laid out once, each unit stamped over it)."""
    source = with_units(campaign())
    return tuple(
        PosterRenderer().render(source, Job("posters", TOPIC, units=tuple(u.code for u in source.units)))
    )


def test_a_batch_of_units_gets_every_units_posters_at_the_usual_paths() -> None:
    codes = [u.code for u in with_units(campaign()).units]
    assert [a.path for a in batch()] == [
        f"don-vi/{code}/ap-phich/{TOPIC}/{size}.pdf" for code in codes for size in ("a3", "a4")
    ]
    for poster in batch():
        (page,) = pdf_pages(poster.data)
        points = A4_POINTS if poster.path.endswith("a4.pdf") else A3_POINTS
        assert float(page.mediabox.width) == pytest.approx(points[0], abs=0.05)
        assert float(page.mediabox.height) == pytest.approx(points[1], abs=0.05)


def test_batched_posters_name_their_unit_and_its_contact_and_carry_the_whole_poster() -> None:
    for unit in with_units(campaign()).units:
        a4 = next(a for a in batch() if a.path == f"don-vi/{unit.code}/ap-phich/{TOPIC}/a4.pdf")
        text = pdf_text(a4.data)
        assert unit.name in text
        assert (unit.contact or "") in text
        assert "Gọi 111" in text
        # The address is drawn in two parts (the topic's, the unit's code) that read as one word.
        assert f"{TOPIC_URL.split('://')[1]}?dv={unit.code}" in reader_text(a4.data).split()
        assert campaign().topic(TOPIC).key_messages[0].split()[0] in text
        assert "loa-slot" not in text and b"loa-slot" not in a4.data, "the base's slot links are left out"


def test_batched_poster_qr_carries_the_unit_code(tmp_path: Path) -> None:
    for code in ("thcs-le-loi", "25747"):
        pdf = next(a for a in batch() if a.path == f"don-vi/{code}/ap-phich/{TOPIC}/a4.pdf")
        assert decode_qr(pdf_page_png(pdf.data, tmp_path), tmp_path) == [f"{TOPIC_URL}?dv={code}"]


@pytest.mark.parametrize("code", ["thcs-le-loi", "25747"])
def test_a_batched_poster_looks_like_the_one_laid_out_alone(code: str, tmp_path: Path) -> None:
    source = with_units(campaign())
    for alone in PosterRenderer().render(source, Job("posters", TOPIC, unit=code)):
        stamped = next(a for a in batch() if a.path == alone.path)
        differ = dhash(pdf_page_png(alone.data, tmp_path)) ^ dhash(pdf_page_png(stamped.data, tmp_path))
        assert bin(differ).count("1") <= 2, alone.path


def test_a_unit_whose_name_is_too_long_for_the_stamp_is_laid_out_alone() -> None:
    source = with_units(campaign())
    alone = PosterRenderer().render(source, Job("posters", TOPIC, unit="thpt-tran-dai-nghia"))
    batched = {a.path: a.data for a in batch() if a.path.startswith("don-vi/thpt-tran-dai-nghia/")}
    assert {a.path: a.data for a in alone} == batched


def test_batched_posters_are_byte_identical_across_runs() -> None:
    source = with_units(campaign())
    again = PosterRenderer().render(source, Job("posters", TOPIC, units=tuple(u.code for u in source.units)))
    assert [a.data for a in again] == [a.data for a in batch()]


def test_qr_codes_decode_back_to_their_links() -> None:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.skip("zbarimg is not installed (apt-get install zbar-tools): cannot read the codes back")
    from PIL import Image

    from loa.renderers.qr import qr_matrix

    urls = [f"{TOPIC_URL}?don-vi={code}" for code in (27000, 27039, 31999)] + [TOPIC_URL, "https://a.vn/"]
    for url in urls:
        rows = qr_matrix(url)
        image = Image.frombytes("L", (len(rows[0]), len(rows)), b"".join(rows))
        canvas = Image.new("L", (image.width + 8, image.height + 8), 255)
        canvas.paste(image, (4, 4))
        png = io.BytesIO()
        canvas.resize((canvas.width * 6, canvas.height * 6), Image.Resampling.NEAREST).save(png, "PNG")
        read = subprocess.run(
            [zbarimg, "--quiet", "--raw", "-"], input=png.getvalue(), capture_output=True, check=True
        )
        assert read.stdout.decode().strip() == url


def pdf_page_png(data: bytes, tmp_path: Path) -> bytes:
    """Return the first page of a PDF as a 150 ppi PNG (poppler's pdftoppm)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils): cannot read the PDF")
    (tmp_path / "poster.pdf").write_bytes(data)
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            "150",
            "-singlefile",
            str(tmp_path / "poster.pdf"),
            str(tmp_path / "poster"),
        ],
        check=True,
    )
    return (tmp_path / "poster.png").read_bytes()


def test_qr_svg_is_error_correction_m_with_a_four_module_quiet_zone() -> None:
    svg = qr_svg(TOPIC_URL)
    side = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))  # type: ignore[union-attr]
    segno = pytest.importorskip("segno")
    code = segno.make(TOPIC_URL, error="m", boost_error=False, micro=False)
    assert code.error == "M"
    assert side == code.symbol_size(border=QUIET_ZONE)[0]
    assert f'<path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/>' in svg  # white quiet zone drawn


def test_every_image_has_alt_text_with_its_title_and_the_help_line() -> None:
    images = [a for a in rendered() if a.media_type.startswith("image/")]
    assert images
    for image in images:
        topic = campaign().topic(image.topic or "")
        assert image.alt and topic.title in image.alt, image.path
        assert "Gọi 111" in image.alt, image.path


def test_card_alt_text_says_its_messages() -> None:
    alt = artifact(f"the/{TOPIC}/chung-facebook-doc.png").alt or ""
    for message in campaign().topic(TOPIC).key_messages:
        assert message.rstrip(".") in alt
    band_alt = artifact(f"the/{TOPIC}/tre-6-10-facebook-doc.png").alt or ""
    assert "trẻ em 6–10 tuổi" in band_alt and "Không nên: Gửi ảnh của em cho người lạ" in band_alt


def test_infographic_follows_risks_signs_actions_and_help() -> None:
    text = pdf_text(artifact(f"do-hoa/{TOPIC}.pdf").data)
    order = [LABELS["risks"], LABELS["signs"], LABELS["actions"], "Gọi 111"]
    assert [text.index(label) for label in order] == sorted(text.index(label) for label in order)
    assert "Trò chuyện với con mỗi ngày" in text  # the parents' "do", not the children's


def test_topic_without_risks_or_signs_still_gets_an_infographic() -> None:
    text = pdf_text(artifact("do-hoa/ke-voi-nguoi-lon.pdf").data)
    assert LABELS["risks"] not in text and LABELS["actions"] in text and "Gọi 111" in text


# --- layout: long titles, contrast -------------------------------------------------------------


def long_title_renders() -> Iterator[tuple[str, dict[str, Any], str]]:
    """Yield (template, data, name) for every product with the 120-character title."""
    source = long_title_campaign()
    topic = source.topic(TOPIC)
    for size in cards.GENERAL_SIZES:
        yield "card.typ", cards.card_data(source, topic, Variant(None), None, size), size.slug
    band = Variant(source.audience("tre-6-10"))
    yield "card.typ", cards.card_data(source, topic, band, None, cards.FACEBOOK_PORTRAIT), "band"
    for paper in posters.PAPER_SIZES:
        yield "poster.typ", posters.poster_data(source, topic, None, paper), paper.slug
    yield "infographic.typ", infographics.infographic_data(source, topic, None), "infographic"


def test_a_120_character_title_shrinks_and_wraps_inside_its_box_everywhere() -> None:
    assert len(LONG_TITLE) == 120
    for template, data, name in long_title_renders():
        report = fit_report(template, data, root=ROOT)
        assert {r["label"] for r in report} >= {"title"}, name
        assert all(r["fits"] for r in report), (name, report)


def test_a_120_character_title_leaves_the_outer_margins_blank() -> None:
    source = long_title_campaign()
    bands = {s.slug: 2 * round(min(s.top, s.bottom, s.side)) - 4 for s in cards.GENERAL_SIZES}
    bands |= {p.slug: round(10 / 25.4 * posters.PREVIEW_PPI) for p in posters.PAPER_SIZES}
    bands["do-hoa"] = 2 * 24 - 4
    made = [
        *CardRenderer().render(source, Job("cards", TOPIC)),
        *PosterRenderer().render(source, Job("posters", TOPIC)),
        *InfographicRenderer().render(source, Job("infographics", TOPIC)),
    ]
    for art in (a for a in made if a.format == "png"):
        band = next(b for slug, b in bands.items() if slug in art.path)
        assert margin_is_blank(art.data, band, source.brand.background), art.path


def test_text_colours_of_the_campaign_brand_meet_wcag_contrast() -> None:
    colours = palette(campaign().brand)
    for text, background, minimum in TEXT_PAIRS:
        assert contrast(colours[text], colours[background]) >= minimum, (text, background)


def test_unreadable_brand_colours_fall_back_to_readable_ones() -> None:
    bad = m.Brand(
        primary="#FFD54F", secondary="#5A5A5A", accent="#1E3A5F", text="#C8C8C8", background="#FFFFFF"
    )
    colours = palette(bad)
    for text, background, minimum in TEXT_PAIRS:
        assert contrast(colours[text], colours[background]) >= minimum, (text, background)
    assert colours["title"] != "#FFFFFF"  # white on yellow fails: the title turns dark
    assert colours["text"] != "#C8C8C8"


# --- fonts, determinism, golden ----------------------------------------------------------------


def product_strings(source: m.Campaign) -> Iterator[str]:
    """Yield every piece of text the visual templates are given for a campaign."""

    def walk(value: Any, key: str = "") -> Iterator[str]:
        if key in ("qr", "colours", "fonts", "logo", "url", "url-text", "page"):
            return
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, k)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)

    for topic in source.topics:
        variants = [Variant(None), *(Variant(a) for a in cards.children_bands(source, topic))]
        for variant in variants:
            yield from walk(cards.card_data(source, topic, variant, None, cards.STORY))
        yield from walk(posters.poster_data(source, topic, None, posters.A4))
        yield from walk(infographics.infographic_data(source, topic, None))


def cmap(path: Path) -> set[int]:
    """Return the code points a font file has glyphs for."""
    ttlib = pytest.importorskip(
        "fontTools.ttLib", reason="fontTools is in the test extra: pip install fonttools"
    )
    with ttlib.TTFont(path, lazy=True) as font:
        return set(font.getBestCmap())


def test_glyph_gate_every_character_in_the_products_has_a_glyph() -> None:
    weights = ("Regular", "Medium", "SemiBold", "Bold", "ExtraBold", "Black")  # the weights the templates use
    primary = set.intersection(*(cmap(font_dir() / f"BeVietnamPro-{w}.ttf") for w in weights))
    fallback_files = [
        p for d in font_paths()[1:] for p in d.glob("*.ttf") if p.stem in ("NotoSans-Regular", "DejaVuSans")
    ]
    fallback = set().union(*(cmap(p) for p in fallback_files))
    campaigns = [campaign()]
    with contextlib.suppress(Exception):  # the bundled campaign is being written: check it when it reads
        campaigns.append(read_campaign(BUNDLED)[0])
    text = "ể ặ ỡ Ắ Ặ Ễ “ ” – — ·" + "".join(s for c in campaigns for s in product_strings(c))
    # Kickers and the issuer's parent body are printed in capitals: check those letters too.
    missing = {
        ch for ch in set(text + text.upper()) if not ch.isspace() and ord(ch) not in primary | fallback
    }
    assert not missing, f"no glyph for: {sorted(missing)}"
    assert {ord(c) for c in "ểặỡ"} <= primary  # stacked marks come from Be Vietnam Pro itself


def test_same_input_gives_byte_identical_visuals() -> None:
    again: list[Artifact] = []
    for renderer in (CardRenderer(), PosterRenderer(), InfographicRenderer()):
        for job in renderer.plan(campaign()):
            again += renderer.render(campaign(), job)
    assert [(a.path, a.sha256) for a in again] == [(a.path, a.sha256) for a in rendered()]


def test_png_sizes_and_perceptual_hashes_match_the_golden_file() -> None:
    lines = [f"{a.path} {a.width}x{a.height} {dhash(a.data):016x}" for a in rendered() if a.format == "png"]
    if os.environ.get("LOA_REGEN_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    expected = dict(line.split(" ", 1) for line in GOLDEN.read_text(encoding="utf-8").splitlines())
    now = dict(line.split(" ", 1) for line in lines)
    assert sorted(now) == sorted(expected), (
        "products changed: run `make golden` and review tests/golden/visuals"
    )
    for path, value in now.items():
        size, hash_now = value.split()
        golden_size, hash_then = expected[path].split()
        assert size == golden_size, path
        distance = bin(int(hash_now, 16) ^ int(hash_then, 16)).count("1")
        assert distance <= DHASH_TOLERANCE, (
            f"{path} looks different (dHash distance {distance}): `make golden`"
        )
