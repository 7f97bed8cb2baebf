"""Stamped posters: each unit's PDF put together from its topic's base and its marks (pdfcompose),
its QR code drawn as a path: the codes decode, sit where the poster laid out alone has its code, and
the files are valid, hold their text and come out byte-identical."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
import typst
from PIL import Image, ImageChops

from loa.errors import BuildError
from loa.fonts import font_paths
from loa.renderers.base import Artifact, Job
from loa.renderers.pdfcompose import Form, Source, compose
from loa.renderers.visuals.posters import PosterRenderer
from loa.renderers.visuals.stamps import QrPath
from test_visuals import TOPIC, TOPIC_URL, batch, campaign, decode_qr, pdf_pages, pdf_text, with_units

STAMPED = ("thcs-le-loi", "25747", "25750")
"""The batch's units whose posters are stamped (the fourth's name is too long: laid out alone)."""
SIZES = ("a4", "a3")
PLACE_TOLERANCE = 3
"""Pixels at 150 ppi the stamped code may sit from the alone-laid-out one's (the base's help strip
already sits up to 2 px lower, as it keeps room for the campaign's longest address)."""


def stamped(code: str, size: str) -> Artifact:
    """Return a unit's poster from the batch (stamped over the shared base)."""
    return next(a for a in batch() if a.path == f"don-vi/{code}/ap-phich/{TOPIC}/{size}.pdf")


def laid_out_alone(code: str, size: str) -> Artifact:
    """Return a unit's poster compiled on its own (the QR code an SVG placed by Typst)."""
    artifacts = PosterRenderer().render(with_units(campaign()), Job("posters", TOPIC, unit=code))
    return next(a for a in artifacts if a.path.endswith(f"/{size}.pdf"))


def page_png(data: bytes, tmp_path: Path, ppi: int) -> bytes:
    """Return the first page of a PDF as a PNG (poppler's pdftoppm)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils): cannot read the PDF")
    (tmp_path / "page.pdf").write_bytes(data)
    pdf, stem = str(tmp_path / "page.pdf"), str(tmp_path / "page")
    subprocess.run([pdftoppm, "-png", "-r", str(ppi), "-singlefile", pdf, stem], check=True)
    return (tmp_path / "page.png").read_bytes()


def black_box(png: bytes) -> tuple[int, int, int, int]:
    """Return the bounding box of the black pixels of an image (only the QR code's are black)."""
    with Image.open(io.BytesIO(png)) as image:
        red, green, blue = image.convert("RGB").split()
    brightest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    box = brightest.point(lambda v: 255 if v <= 16 else 0).getbbox()
    assert box is not None, "no black pixels: the QR code is missing"
    return box


def typst_pdf(source: str) -> bytes:
    """Return a PDF Typst writes for a source, untagged (as pdfcompose takes it)."""
    fonts = typst.Fonts(include_system_fonts=False, font_paths=[str(p) for p in font_paths()])
    compiler = typst.Compiler(root=".", font_paths=fonts, ignore_system_fonts=True)
    pdf = compiler.compile(input=source.encode(), format="pdf", pdf_tags=False)
    assert isinstance(pdf, bytes)
    return pdf


def read_strictly(pdf: bytes) -> None:
    """Read every object of a PDF with pypdf in strict mode (offsets, lengths, references checked)."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extra: pip install -e '.[test]'")
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    for number in range(1, int(reader.trailer["/Size"])):
        assert reader.get_object(number) is not None, number


TWO_PAGES = "#set page(width: 144pt, height: 144pt, margin: 0pt)\nĐơn vị một\n#pagebreak()\nĐơn vị hai\n"
BLACK_INCH = b"0 g\n0 0 72 72 re\nf\n"
"""An overlay: a black square an inch wide at the page's bottom-left corner (default user space)."""


# --- the stamped posters ------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_stamped_qr_code_decodes_to_the_units_link_at_300_ppi(size: str, tmp_path: Path) -> None:
    for code in STAMPED:
        png = page_png(stamped(code, size).data, tmp_path, 300)
        assert decode_qr(png, tmp_path) == [f"{TOPIC_URL}?dv={code}"], code


@pytest.mark.parametrize("size", SIZES)
def test_stamped_qr_code_sits_where_the_poster_laid_out_alone_has_it(size: str, tmp_path: Path) -> None:
    alone = black_box(page_png(laid_out_alone("thcs-le-loi", size).data, tmp_path, 150))
    drawn = black_box(page_png(stamped("thcs-le-loi", size).data, tmp_path, 150))
    assert all(abs(a - b) <= PLACE_TOLERANCE for a, b in zip(alone, drawn, strict=True)), (alone, drawn)
    assert drawn[2] - drawn[0] == pytest.approx(alone[2] - alone[0], abs=1), "the same size"


def test_stamped_posters_are_one_page_pdfs_that_still_name_their_unit() -> None:
    for unit in with_units(campaign()).units:
        if unit.code in STAMPED:
            for size in SIZES:
                read_strictly(stamped(unit.code, size).data)
                (page,) = pdf_pages(stamped(unit.code, size).data)
                forms = page["/Resources"]["/XObject"]
                assert len(forms) == 4 + bool(unit.contact), "base, name, contact, the address's 2 parts"
                assert unit.name in pdf_text(stamped(unit.code, size).data)


def test_stamped_posters_draw_their_units_qr_code_as_a_path() -> None:
    for code in STAMPED:
        runs = QrPath.of(f"{TOPIC_URL}?dv={code}").runs
        assert all(runs in stamped(code, size).data for size in SIZES), code


# --- pdfcompose ---------------------------------------------------------------------------------


ONE_PAGE = "#set page(width: 144pt, height: 144pt, margin: 0pt)\nĐơn vị một\n"
BLACK_MARK = "#set page(width: 36pt, height: 36pt, margin: 0pt, fill: black)\n#text(fill: white)[Ấ]\n"


def test_an_overlay_draws_in_the_pages_default_space(tmp_path: Path) -> None:
    page = compose(Form(Source(typst_pdf(ONE_PAGE)), 0, 0, 0), [], BLACK_INCH)
    with Image.open(io.BytesIO(page_png(page, tmp_path, 72))) as image:
        grey = image.convert("L")
        assert grey.size == (144, 144)
        assert grey.getpixel((36, 108)) == 0, "bottom-left inch is black"
        assert grey.getpixel((108, 36)) == 255, "top-right inch is still white"


def test_a_mark_is_drawn_where_it_is_placed_over_the_base(tmp_path: Path) -> None:
    mark = Form(Source(typst_pdf(BLACK_MARK)), 0, 72, 18)  # its bottom-left corner, from the page's
    page = compose(Form(Source(typst_pdf(ONE_PAGE)), 0, 0, 0), [mark])
    with Image.open(io.BytesIO(page_png(page, tmp_path, 72))) as image:
        grey = image.convert("L")
        assert grey.getpixel((74, 144 - 20)) == 0 and grey.getpixel((106, 144 - 52)) == 0, "the mark's square"
        assert grey.getpixel((60, 144 - 20)) == 255 and grey.getpixel((74, 144 - 60)) == 255, "nothing else"


def test_composed_pages_are_valid_one_page_pdfs_with_their_text() -> None:
    marks = Source(typst_pdf(TWO_PAGES))
    base = Form(Source(typst_pdf(ONE_PAGE)), 0, 0, 0)
    for index, name in enumerate(("Đơn vị một", "Đơn vị hai")):
        pdf = compose(base, [Form(marks, index, 0, 0)], BLACK_INCH)
        read_strictly(pdf)
        (page,) = pdf_pages(pdf)
        assert float(page.mediabox.width) == 144
        assert "Đơn vị một" in pdf_text(pdf) and name in pdf_text(pdf)


def test_pdfcompose_refuses_a_tagged_pdf() -> None:
    fonts = typst.Fonts(include_system_fonts=False, font_paths=[str(p) for p in font_paths()])
    compiler = typst.Compiler(root=".", font_paths=fonts, ignore_system_fonts=True)
    tagged = compiler.compile(input=ONE_PAGE.encode(), format="pdf", pdf_tags=True)
    assert isinstance(tagged, bytes)
    with pytest.raises(BuildError, match="tagged"):
        Source(tagged)


# --- determinism --------------------------------------------------------------------------------


def test_a_qr_path_is_the_same_for_the_same_link_and_differs_between_units() -> None:
    one = QrPath.of(f"{TOPIC_URL}?dv=25747")
    assert one == QrPath.of(f"{TOPIC_URL}?dv=25747")
    assert one.runs != QrPath.of(f"{TOPIC_URL}?dv=25750").runs
    assert one.drawn(10, 800, 90) == QrPath.of(f"{TOPIC_URL}?dv=25747").drawn(10, 800, 90)


def test_composed_pages_are_byte_identical_across_runs() -> None:
    def made() -> list[bytes]:
        base, marks = Source(typst_pdf(ONE_PAGE)), Source(typst_pdf(TWO_PAGES))
        codes = [QrPath.of(f"{TOPIC_URL}?dv={code}").drawn(20, 124, 100) for code in ("25747", "25750")]
        return [compose(Form(base, 0, 0, 0), [Form(marks, i, 0, 0)], codes[i]) for i in range(2)]

    first = made()
    assert made() == first
    assert first[0] != first[1], "each page has its own mark and code"
