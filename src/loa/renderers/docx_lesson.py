"""A lesson plan (giáo án) as an editable Word file (python-docx; imported by `lesson_plan` only when a
plan is written)."""

from __future__ import annotations

from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Pt

from loa import model as m
from loa.renderers import lesson_content as text
from loa.renderers.docx_base import DocxInfo, colour_role, document_bytes, new_decimal_list, new_document
from loa.renderers.docx_blocks import (
    DocxBody,
    first_paragraph,
    full_width,
    help_box,
    number,
    page_footer,
    page_header,
    run,
    shading,
)
from loa.renderers.lesson_content import LessonContent
from loa.renderers.ooxml import put, xml

BLANK = "…" * 14
PROCESS_WIDTHS = [2500, 1050, 4288, 1800]  # twips, adding up to the 170 mm text column


def lesson_document(campaign: m.Campaign, content: LessonContent) -> bytes:
    """Return a lesson plan as the bytes of a DOCX file."""
    info = DocxInfo(
        title=f"Kế hoạch bài dạy: {content.title}",
        subject=campaign.title,
        author=campaign.issuer.name,
        created=campaign.period.start,
        keywords="; ".join(("giáo án", "bảo vệ trẻ em", content.audience)),
        category="Kế hoạch bài dạy",
    )
    document = new_document(campaign.brand, info)
    write_lesson(DocxBody(document, campaign), content)
    return document_bytes(document, when=campaign.period.start)


def write_lesson(body: DocxBody, content: LessonContent) -> None:
    """Write the whole lesson plan, section by section."""
    _masthead(body, content)
    headings = content.headings
    _section(body, headings["objectives"], text.OBJECTIVES_INTRO)
    body.bullets(body.document, content.objectives)
    if "preparation" in headings:
        _preparation(body, headings["preparation"], content)
    _process(body, headings["process"], content)
    if "discussion" in headings:
        _section(body, headings["discussion"])
        _numbered(body, content.discussion)
    _review(body, headings["review"], content)
    _section(body, headings["summary"])
    body.document.add_paragraph(content.wrap_up, style="Quote")
    help_box(body, title=text.HELP_TITLE, intro=content.help_intro, hotlines=content.hotlines)
    page_header(body, body.campaign.title)
    page_footer(body.document, f"Kế hoạch bài dạy · {content.audience}")


def _masthead(body: DocxBody, content: LessonContent) -> None:
    document = body.document
    table = document.add_table(rows=1, cols=2)
    full_width(table, [4819, 4819])
    left, right = table.rows[0].cells
    first_paragraph(left, f"Trường: {BLANK}", "Table Text")
    left.add_paragraph(f"Tổ chuyên môn: {BLANK}", style="Table Text")
    first_paragraph(right, f"Lớp: {BLANK}", "Table Text")
    right.add_paragraph(f"Ngày dạy: {BLANK}", style="Table Text")
    right.add_paragraph(f"Giáo viên: {BLANK}", style="Table Text")
    document.add_paragraph("Kế hoạch bài dạy", style="Kicker").paragraph_format.space_before = Pt(14)
    document.add_paragraph(content.title, style="Title")
    lead = document.add_paragraph(style="Lead")
    for label, value in (
        ("Đối tượng: ", content.audience),
        ("   Thời lượng: ", f"{content.duration} phút"),
        ("\nChủ đề: ", "; ".join(content.topics)),
    ):
        run(lead, label, bold=True)
        run(lead, value)


def _section(body: DocxBody, heading: str, intro: str | None = None) -> None:
    body.document.add_paragraph(heading, style="Heading 1")
    if intro:
        body.document.add_paragraph(intro)


def _numbered(body: DocxBody, items: tuple[str, ...]) -> None:
    num_id = new_decimal_list(body.document)
    for item in items:
        paragraph = body.document.add_paragraph(item, style="List Number")
        number(paragraph, num_id, 0)


def _preparation(body: DocxBody, heading: str, content: LessonContent) -> None:
    _section(body, heading)
    for label, items in (("1. Giáo viên chuẩn bị", content.preparation), ("2. Học liệu", content.materials)):
        if items:
            body.document.add_paragraph(label, style="Heading 2")
            body.bullets(body.document, items)


def _process(body: DocxBody, heading: str, content: LessonContent) -> None:
    _section(body, heading)
    brand = body.campaign.brand
    table = body.document.add_table(rows=1, cols=len(text.PROCESS_COLUMNS))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _header_row(table, text.PROCESS_COLUMNS, brand.primary)
    for index, activity in enumerate(content.activities, start=1):
        row = table.add_row()
        put(row._tr.get_or_add_trPr(), xml("<w:cantSplit/>"))  # an activity stays on one page
        _activity_row(row.cells, index, activity)
    total = table.add_row().cells
    first_paragraph(total[0], "Tổng thời gian", "Table Text").runs[0].bold = True
    first_paragraph(total[1], f"{sum(a.minutes for a in content.activities)} phút", "Table Text").runs[
        0
    ].bold = True
    full_width(table, PROCESS_WIDTHS)
    _grid_borders(table, colour_role(brand, "muted"))
    body.spacer()


def _header_row(table: Any, labels: tuple[str, ...], fill: str) -> None:
    row = table.rows[0]
    put(row._tr.get_or_add_trPr(), xml("<w:tblHeader/>"))
    for cell, label in zip(row.cells, labels, strict=True):
        first_paragraph(cell, label, "Table Heading")
        put(cell._tc.get_or_add_tcPr(), shading(fill))


def _activity_row(cells: Any, index: int, activity: m.Activity) -> None:
    title, minutes, steps, materials = cells
    first_paragraph(title, f"{index}. {activity.title}", "Table Text").runs[0].bold = True
    first_paragraph(minutes, f"{activity.minutes} phút", "Table Text")
    first_paragraph(steps, f"1. {activity.steps[0]}", "Table Text")
    for index, step in enumerate(activity.steps[1:], start=2):
        steps.add_paragraph(f"{index}. {step}", style="Table Text")
    first_paragraph(materials, "; ".join(activity.materials) or "—", "Table Text")


def _grid_borders(table: Any, colour: str) -> None:
    edges = "".join(
        f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="{colour.lstrip("#")}"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    put(table._tbl.tblPr, xml(f"<w:tblBorders>{edges}</w:tblBorders>"))
    put(
        table._tbl.tblPr,
        xml(
            '<w:tblCellMar><w:top w:w="60" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
            '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar>'
        ),
    )


def _review(body: DocxBody, heading: str, content: LessonContent) -> None:
    _section(body, heading)
    if not content.questions:
        body.document.add_paragraph(content.no_quiz)
        return
    for index, question in enumerate(content.questions, start=1):
        paragraph = body.document.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(6)
        run(paragraph, f"Câu {index}. ", bold=True)
        run(paragraph, question.question)
        for letter, choice in zip(text.LETTERS, question.choices, strict=False):
            option = body.document.add_paragraph(f"{letter}. {choice}", style="List Continue")
            option.paragraph_format.keep_with_next = choice != question.choices[-1]  # a question stays whole
    brand = body.campaign.brand
    body.spacer(4)
    cell = body.box(fill=brand.secondary, bar=brand.primary)
    first_paragraph(cell, text.KEY_TITLE, "Box Title")
    for entry in content.key:
        paragraph = cell.add_paragraph(style="Box Text")
        run(paragraph, f"Câu {entry.number}: {entry.letter}. {entry.choice}", bold=True)
        paragraph.add_run("\n" + entry.explanation)
    body.spacer()
