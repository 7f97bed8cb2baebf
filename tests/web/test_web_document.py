"""The dispatch DOCX follows Decree 30/2020 (Phụ lục I, Mẫu 1.5 "Công văn")."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from docx.shared import Pt
from factories import create_dispatch

from loa.web.dispatches.document import date_line, render_dispatch_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(tree):
    dispatch = create_dispatch(tree.issuer, issued_on=date(2026, 2, 5), units=[tree.school_long_an])
    return docx.Document(io.BytesIO(render_dispatch_docx(dispatch))), dispatch


def test_the_page_is_a4_portrait_with_the_decree_margins(document) -> None:
    section = document[0].sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # stored in twips
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20


def test_every_run_is_times_new_roman_between_11_and_14_points(document) -> None:
    doc = document[0]
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in doc.tables for c in t._cells for p in c.paragraphs for r in p.runs if r.text.strip()]
    assert runs
    assert {r.font.name for r in runs} == {"Times New Roman"}
    assert all(Pt(11) <= r.font.size <= Pt(14) for r in runs)
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "Times New Roman"
    )


def test_the_heading_has_the_agency_left_and_the_national_title_right(document) -> None:
    doc, dispatch = document
    left, right = (c.text.split("\n") for c in doc.tables[0].rows[0].cells)
    assert left[:3] == ["UBND TỈNH TÂY NINH", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", ""]
    assert "Số: 01/SVHTTDL-TTBCXB" in left and f"V/v {dispatch.subject}" in left
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    date_paragraph = next(p for p in doc.tables[0].rows[0].cells[1].paragraphs if "ngày" in p.text)
    assert date_paragraph.text == "Tây Ninh, ngày 05 tháng 02 năm 2026"
    assert all(r.italic for r in date_paragraph.runs)
    agency, rule = doc.tables[0].rows[0].cells[0].paragraphs[1:3]
    assert agency.runs[0].bold and rule.text == ""
    border = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr"
    assert rule._p.pPr.find(border) is not None  # the short line under the agency name


def test_the_body_starts_with_kinh_gui_and_ends_with_noi_nhan_and_the_signature(document) -> None:
    doc, _ = document
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert (
        texts[0] == "Kính gửi:"
        and texts[1] == "- Sở, ban, ngành tỉnh;"
        and texts[2] == "- UBND các xã, phường."
    )
    body = next(p for p in doc.paragraphs if p.text == "Đoạn mở đầu.")
    assert body.paragraph_format.first_line_indent is not None and body.runs[0].font.size == Pt(14)
    assert texts[-1] == "Trân trọng./."
    left, right = (c.text for c in doc.tables[1].rows[0].cells)
    assert left.startswith("Nơi nhận:\n- Như trên;") and left.endswith("- Lưu: VT, TTBCXB.")
    assert right.startswith("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC") and right.endswith("Trần Minh Khoa")


def test_page_numbers_start_on_page_two(document) -> None:
    section = document[0].sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml and "PAGE" not in section.first_page_header._element.xml


def test_the_same_record_gives_the_same_bytes(tree) -> None:
    dispatch = create_dispatch(tree.issuer, units=[tree.school_long_an])
    assert render_dispatch_docx(dispatch) == render_dispatch_docx(dispatch)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2026, 11, 28), "ngày 28 tháng 11 năm 2026"),
    ],
)
def test_the_date_line_pads_days_and_the_first_two_months(day, expected) -> None:
    assert date_line("Tây Ninh", day) == f"Tây Ninh, {expected}"
