"""The dispatch as a Word document in the layout of Decree 30/2020/NĐ-CP (Phụ lục I, Mẫu 1.5 "Công văn").

A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, black; the
national title and motto top right, the agency top left with the number and "V/v" under it; the
place-date line in italics; "Kính gửi:", the body at 14 pt, then "Nơi nhận:" beside the signature.
Page numbers from page 2, centred in the top margin.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from loa.renderers.ooxml import fixed_zip
from loa.web.dispatches.models import Dispatch

FONT = "Times New Roman"
BODY_SIZE = 14
LEFT_COLUMN, RIGHT_COLUMN = Mm(64), Mm(101)  # 165 mm of text width: 210 − 30 − 15
SIGN_LEFT, SIGN_RIGHT = Mm(80), Mm(85)
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def render_dispatch_docx(dispatch: Dispatch) -> bytes:
    """Return the dispatch as DOCX bytes, the same bytes for the same record."""
    document = docx.Document()
    _page(document)
    _fonts(document)
    _heading_table(document, dispatch)
    _addressees(document, dispatch.addressee_lines())
    for kind, text in body_parts(dispatch.body):
        _body_paragraph(document, text, bullet=kind == "item")
    _body_paragraph(document, dispatch.closing).paragraph_format.keep_with_next = True
    _signature_table(document, dispatch)
    props = document.core_properties
    props.title, props.subject, props.author = (
        f"Công văn {dispatch.number_and_symbol}",
        dispatch.subject,
        "Loa",
    )
    props.language, props.last_modified_by, props.revision = "vi-VN", "Loa", 1
    when = dt.datetime.combine(dispatch.issued_on, dt.time())
    props.created = props.modified = when
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), when=dispatch.issued_on)


def date_line(place: str, day: dt.date) -> str:
    """Return "Tây Ninh, ngày 05 tháng 02 năm 2026": zero before days below 10 and months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _page(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", size=BODY_SIZE)


def _fonts(document: Any) -> None:
    for style in document.styles:
        if style.type != 1:  # paragraph styles only
            continue
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(key), FONT)
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    lang = OxmlElement("w:lang")
    for key in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(key), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)


def _run(paragraph: Any, text: str, *, size: float, bold: bool = False, italic: bool = False) -> Any:
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic = FONT, Pt(size), bold, italic
    return run


def _line(
    cell: Any,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
) -> Any:
    fresh = len(cell.paragraphs) == 1 and not cell.paragraphs[0].runs
    paragraph = cell.paragraphs[0] if fresh else cell.add_paragraph()
    paragraph.alignment = align
    _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _rule_under(cell: Any, *, column: Any, length: Any) -> None:
    """Draw the short solid line under the agency name or the motto: an empty paragraph whose
    bottom border runs between indents, so the line has its own length, centred in the column."""
    paragraph = cell.add_paragraph()
    indent = int((column - length) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.right_indent, fmt.space_after = indent, indent, Pt(2)
    _run(paragraph, "", size=2)
    ppr = paragraph._p.get_or_add_pPr()
    mark = OxmlElement("w:rPr")  # the paragraph mark at 2 pt, so the line sits close to the text
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    ppr.append(mark)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert(0, borders)


def _table(document: Any, widths: tuple[Any, Any]) -> Any:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return table


def _heading_table(document: Any, dispatch: Dispatch) -> None:
    table = _table(document, (LEFT_COLUMN, RIGHT_COLUMN))
    left, right = table.rows[0].cells
    if dispatch.issuer_parent_name:
        _line(left, dispatch.issuer_parent_name.upper(), size=13)
    _line(left, dispatch.issuer_name.upper(), size=13, bold=True)
    _rule_under(left, column=LEFT_COLUMN, length=Mm(22))
    _line(left, "", size=6)
    _line(left, f"Số: {dispatch.number_and_symbol}", size=13)
    _line(left, f"V/v {dispatch.subject}", size=12)
    _line(right, NATIONAL_TITLE, size=12.5, bold=True)
    _line(right, MOTTO, size=13.5, bold=True)
    _rule_under(right, column=RIGHT_COLUMN, length=Mm(61))
    _line(right, "", size=6)
    _line(right, date_line(dispatch.place, dispatch.issued_on), size=14, italic=True)


def _addressees(document: Any, names: list[str]) -> None:
    document.add_paragraph().paragraph_format.space_after = Pt(6)
    if len(names) == 1:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, f"Kính gửi: {names[0]}", size=BODY_SIZE)
        return
    head = document.add_paragraph()
    head.paragraph_format.left_indent = Cm(2.5)
    _run(head, "Kính gửi:", size=BODY_SIZE)
    for i, name in enumerate(names):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(4.5)
        end = "." if i == len(names) - 1 else ";"
        _run(paragraph, f"- {name.rstrip(';.')}{end}", size=BODY_SIZE)
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def body_parts(body: str) -> list[tuple[str, str]]:
    """Split the body into paragraphs and "- " items; lines within a paragraph are joined."""
    parts: list[tuple[str, str]] = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        for line in lines:
            if line.startswith(("- ", "+ ")):
                parts.append(("item", line))
            elif parts and parts[-1][0] == "para" and line is not lines[0]:
                parts[-1] = ("para", f"{parts[-1][1]} {line}")
            else:
                parts.append(("para", line))
    return parts


def _body_paragraph(document: Any, text: str, *, bullet: bool = False) -> Any:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = paragraph.paragraph_format
    fmt.first_line_indent, fmt.space_before, fmt.space_after = Cm(1.27), Pt(6), Pt(0)
    fmt.line_spacing = 1.15
    for chunk, bold in _bold_chunks(text):
        _run(paragraph, chunk, size=BODY_SIZE, bold=bold)
    return paragraph


def _bold_chunks(text: str) -> list[tuple[str, bool]]:
    """Split "**…**" spans (as in the example dispatch) into bold runs."""
    pieces = text.split("**")
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]


def _signature_table(document: Any, dispatch: Dispatch) -> None:
    document.add_paragraph().paragraph_format.keep_with_next = True
    table = _table(document, (SIGN_LEFT, SIGN_RIGHT))
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # the block stays on one page
    left, right = table.rows[0].cells
    _line(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    lines = dispatch.copies_lines()
    for i, name in enumerate(lines):
        end = "." if i == len(lines) - 1 else ";"
        _line(left, f"- {name.rstrip(';.')}{end}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for text in (dispatch.signer_authority, dispatch.signer_title):
        if text:
            _line(right, text.upper(), size=14, bold=True)
    for _ in range(4):  # room for the signature and the seal
        _line(right, "", size=14)
    _line(right, dispatch.signer_name, size=14, bold=True)


def _field(paragraph: Any, instruction: str, *, size: float) -> None:
    run = _run(paragraph, "", size=size)
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
