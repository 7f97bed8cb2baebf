"""Exports of a dispatch's progress over the user's subtree: XLSX (one row per recipient and a
summary sheet) and the official report as DOCX in the Decree 30/2020 layout, with a chart."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from loa.web.access.scoping import membership_of, scoped
from loa.web.dashboard import charts
from loa.web.dashboard import indicators as ind
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.quiz.models import QuizResult
from loa.web.reports.models import AUDIENCE_FIELDS, ActivityReport
from loa.web.units.models import OrgUnit, UnitKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Progress:
    """Everything the exports say about one dispatch, counted over what the user may see."""

    dispatch: Dispatch
    today: dt.date
    statuses: list[ind.RecipientStatus]
    areas: dict[int, OrgUnit]  # delivery pk → its area (commune, or the province)
    reach_by_delivery: dict[int, dict[str, int]]
    reach: list[tuple[str, int]]
    area_rows: list[ind.AreaRow]
    schools: ind.Rate
    learning: list[ind.LearningRow]
    focus: OrgUnit | None = None  # the drill-down unit the figures are narrowed to, if any

    @property
    def reporting(self) -> ind.Rate:
        return ind.reporting_rate(self.statuses)

    @property
    def on_time(self) -> ind.Rate:
        return ind.on_time_rate(self.statuses)

    @property
    def acknowledged(self) -> ind.Rate:
        return ind.acknowledgement_rate(self.statuses)


def progress(dispatch: Dispatch, user: Any, *, focus: OrgUnit | None = None) -> Progress:
    """Count a dispatch's progress in the user's subtree, or in the part of it under `focus`
    (foreign deliveries and reports never enter: `focus` only narrows, `scoped` still applies)."""
    under = {"unit__path__startswith": focus.path} if focus is not None else {}
    statuses = ind.recipient_statuses(scoped(Delivery.objects.filter(dispatch=dispatch, **under), user))
    reports = scoped(ActivityReport.objects.filter(delivery__dispatch=dispatch, **under), user)
    per_delivery = (
        reports.filter(status__in=ind.COUNTED)
        .values("delivery")
        .annotate(**{name: Sum(name) for name, _ in AUDIENCE_FIELDS})
    )
    reach_by_delivery = {
        row["delivery"]: {name: int(row[name] or 0) for name, _ in AUDIENCE_FIELDS} for row in per_delivery
    }
    ancestor_ids = {i for s in statuses for i in s.delivery.unit.ancestor_ids[:2]}
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ancestor_ids)}
    schools = scoped(
        OrgUnit.objects.filter(
            kind=UnitKind.SCHOOL, deliveries__dispatch=dispatch, path__startswith=focus.path if focus else "/"
        ),
        user,
    )
    return Progress(
        dispatch=dispatch,
        today=timezone.localdate(),
        statuses=statuses,
        areas={s.delivery.pk: ind.area_of(s.delivery.unit, units) for s in statuses},
        reach_by_delivery=reach_by_delivery,
        reach=ind.reach_by_audience(reports),
        area_rows=ind.rates_by_area(statuses),
        schools=ind.schools_with_session(schools, reports),
        learning=ind.learning_by_code(scoped(QuizResult.objects.filter(**under), user), limit=20),
        focus=focus,
    )


def _percent(rate: ind.Rate) -> float | None:
    return None if rate.percent is None else round(rate.percent / 100, 4)


def render_xlsx(p: Progress) -> bytes:
    """Return the progress workbook: "Tổng hợp" (summary) and "Đơn vị" (one row per recipient).

    Written row by row (openpyxl's write-only mode), each cell styled as it is written: a national
    dispatch's workbook has 50,000 recipients and a summary row per province and commune, which a
    workbook kept whole in memory and styled afterwards took most of a minute to write."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F0")
    wrapped = Alignment(wrap_text=True, vertical="top")

    summary = book.create_sheet("Tổng hợp")
    summary.column_dimensions["A"].width = 44
    for letter in "BCDEF":
        summary.column_dimensions[letter].width = 18

    def summary_row(*values: Any, head: bool = False, title: bool = False) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(summary, value=value)
            if isinstance(value, float):
                cell.number_format = "0.0%"
            elif isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            if title:
                cell.font = Font(bold=True, size=13)
            elif head and value is not None:
                cell.font, cell.fill = bold, head_fill
            cells.append(cell)
        summary.append(cells)

    d = p.dispatch
    summary_row(f"Tiến độ thực hiện Công văn số {d.number_and_symbol}", title=True)
    summary_row(f"V/v {d.subject}")
    summary_row("Hạn báo cáo", d.deadline)
    summary_row("Số liệu đến ngày", p.today)
    if p.focus is not None:
        summary_row("Phạm vi số liệu", p.focus.name)
    summary_row()
    summary_row("Chỉ số", "Số đơn vị", "Trên tổng", "Tỷ lệ", head=True)
    for rate_name, rate in (
        ("Đã xác nhận nhận công văn", p.acknowledged),
        ("Đã báo cáo", p.reporting),
        ("Báo cáo đúng hạn", p.on_time),
        ("Trường đã tổ chức tiết học", p.schools),
    ):
        summary_row(rate_name, rate.numerator, rate.denominator, _percent(rate))
    summary_row()
    summary_row("Đối tượng", "Số người được tuyên truyền", head=True)
    for label, value in p.reach:
        summary_row(label, value)
    summary_row("Tổng cộng", sum(v for _, v in p.reach))
    summary_row()
    summary_row(
        "Địa bàn", "Số đơn vị nhận", "Đã báo cáo", "Tỷ lệ đã báo cáo", "Đúng hạn", "Tỷ lệ đúng hạn", head=True
    )
    for row in p.area_rows:
        summary_row(
            row.area.name,
            row.recipients,
            row.reporting.numerator,
            _percent(row.reporting),
            row.on_time.numerator,
            _percent(row.on_time),
        )

    sheet = book.create_sheet("Đơn vị")
    audiences = [label for _, label in AUDIENCE_FIELDS]
    header = [
        "Mã đơn vị",
        "Đơn vị",
        "Loại",
        "Địa bàn",
        "Xác nhận nhận lúc",
        "Đã báo cáo",
        "Ngày nộp đầu tiên",
        "Đúng hạn",
        "Số ngày trễ",
        "Số báo cáo",
        *audiences,
        "Tổng số người",
    ]
    widths = [14, 40, 18, 24, 18, 11, 14, 10, 10, 10, *[12] * len(audiences), 12]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(p.statuses) + 1}"
    heads = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill, cell.alignment = bold, head_fill, wrapped
        heads.append(cell)
    sheet.append(heads)
    kinds = {kind: str(label) for kind, label in UnitKind.choices}  # the model's lookup, per row, cost more
    for s in p.statuses:
        unit = s.delivery.unit
        reach = p.reach_by_delivery.get(s.delivery.pk, {})
        counts = [reach.get(name, 0) for name, _ in AUDIENCE_FIELDS]
        acknowledged = WriteOnlyCell(
            sheet,
            value=timezone.localtime(s.delivery.acknowledged_at).replace(tzinfo=None)
            if s.delivery.acknowledged_at
            else None,
        )
        acknowledged.number_format = "DD/MM/YYYY HH:MM"
        first = WriteOnlyCell(sheet, value=s.first_submitted)
        first.number_format = "DD/MM/YYYY"
        sheet.append(
            [
                unit.code,
                unit.name,
                kinds.get(unit.kind, unit.kind),
                p.areas[s.delivery.pk].name,
                acknowledged,
                "có" if s.reported else "chưa",
                first,
                "có" if s.on_time else "không",
                s.days_late(p.today),
                s.reports,
                *counts,
                sum(counts),
            ]
        )
    book.properties.creator = "Loa"
    book.properties.title = f"Tiến độ Công văn {d.number_and_symbol}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_report_docx(p: Progress, user: Any) -> bytes:
    """Return the official report on the dispatch (Decree 30/2020 layout) with indicators and charts."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from loa.renderers.ooxml import fixed_zip
    from loa.web.dispatches import document as layout

    d = p.dispatch
    membership = membership_of(user)
    agency = membership.unit if membership is not None else d.issuer
    parent = agency.parent.name if agency.parent is not None else ""
    document = docx.Document()
    layout._page(document)
    layout._fonts(document)
    table = layout._table(document, (layout.LEFT_COLUMN, layout.RIGHT_COLUMN))
    left, right = table.rows[0].cells
    if parent:
        layout._line(left, parent.upper(), size=13)
    layout._line(left, agency.name.upper(), size=13, bold=True)
    layout._rule_under(left, column=layout.LEFT_COLUMN, length=Mm(22))
    layout._line(left, "", size=6)
    layout._line(left, "Số:        /BC-", size=13)
    layout._line(right, layout.NATIONAL_TITLE, size=12.5, bold=True)
    layout._line(right, layout.MOTTO, size=13.5, bold=True)
    layout._rule_under(right, column=layout.RIGHT_COLUMN, length=Mm(61))
    layout._line(right, "", size=6)
    layout._line(right, layout.date_line(d.place, p.today), size=14, italic=True)

    def centred(text: str, *, size: float, bold: bool = False, before: float = 0) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(before)
        layout._run(paragraph, text, size=size, bold=bold)

    centred("BÁO CÁO", size=14, bold=True, before=18)
    centred(f"Kết quả triển khai Công văn số {d.number_and_symbol}", size=14, bold=True)
    centred(f"ngày {d.issued_on:%d/%m/%Y} về việc {d.subject}", size=14, bold=True)

    def heading(text: str) -> None:
        paragraph = layout._body_paragraph(document, text)
        for run in paragraph.runs:
            run.bold = True
        paragraph.paragraph_format.keep_with_next = True

    scope = p.focus.name if p.focus is not None else agency.name
    heading("I. TÌNH HÌNH TIẾP NHẬN VÀ BÁO CÁO")
    layout._body_paragraph(
        document,
        f"Trong phạm vi {scope}, công văn được gửi tới {len(p.statuses)} đơn vị; hạn báo cáo là ngày "
        f"{d.deadline:%d/%m/%Y}. Số liệu tính đến ngày {p.today:%d/%m/%Y}:",
    )
    _docx_table(
        document,
        ["Chỉ số", "Số đơn vị", "Tỷ lệ"],
        [
            [
                "Đã xác nhận nhận công văn",
                f"{p.acknowledged.numerator}/{p.acknowledged.denominator}",
                str(p.acknowledged),
            ],
            ["Đã báo cáo kết quả", f"{p.reporting.numerator}/{p.reporting.denominator}", str(p.reporting)],
            ["Báo cáo đúng hạn", f"{p.on_time.numerator}/{p.on_time.denominator}", str(p.on_time)],
            [
                "Trường đã tổ chức tiết học",
                f"{p.schools.numerator}/{p.schools.denominator}",
                str(p.schools),
            ],
        ],
    )
    _picture(
        document,
        charts.bar_chart_png(
            [(r.area.name, r.reporting.percent or 0) for r in p.area_rows[:15]],
            title="Tỷ lệ đơn vị đã báo cáo theo địa bàn (%)",
            max_value=100,
            suffix="%",
            colour_by_value=True,
        ),
    )
    heading("II. KẾT QUẢ TUYÊN TRUYỀN")
    total = sum(v for _, v in p.reach)
    layout._body_paragraph(
        document,
        f"Các đơn vị đã tuyên truyền tới {charts._number(total)} lượt người "
        "(tính trên báo cáo đã nộp và đã duyệt):",
    )
    _docx_table(
        document,
        ["Đối tượng", "Số người"],
        [[label, charts._number(value)] for label, value in p.reach] + [["Tổng cộng", charts._number(total)]],
    )
    _picture(document, charts.bar_chart_png(p.reach, title="Số người được tuyên truyền theo đối tượng"))
    if p.learning:
        heading("III. KẾT QUẢ CÂU ĐỐ TRỰC TUYẾN (ẨN DANH)")
        _docx_table(
            document,
            ["Mã trường/lớp", "Câu đố", "Số lượt", "Tỷ lệ câu đúng"],
            [[r.code, r.quiz, str(r.results), str(r.correct)] for r in p.learning],
        )
    late = ind.laggards(p.statuses, today=p.today)
    heading(f"{'IV' if p.learning else 'III'}. ĐƠN VỊ CHƯA BÁO CÁO")
    if late:
        _docx_table(
            document,
            ["Đơn vị", "Đã nhận", "Số ngày trễ"],
            [
                [
                    s.delivery.unit.name,
                    "có" if s.acknowledged else "chưa",
                    str(s.days_late(p.today) or "còn hạn"),
                ]
                for s in late
            ],
        )
    else:
        layout._body_paragraph(document, "Tất cả đơn vị đã báo cáo.")
    layout._body_paragraph(
        document, f"Trên đây là báo cáo kết quả triển khai Công văn số {d.number_and_symbol}./."
    )
    document.add_paragraph().paragraph_format.keep_with_next = True
    sign = layout._table(document, (layout.SIGN_LEFT, layout.SIGN_RIGHT))
    sign_left, sign_right = sign.rows[0].cells
    layout._line(sign_left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in (f"- {d.issuer_name.title()};", "- Lưu: VT."):
        layout._line(sign_left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    layout._line(sign_right, "THỦ TRƯỞNG ĐƠN VỊ", size=14, bold=True)
    layout._line(sign_right, "(Ký, ghi rõ họ tên, đóng dấu)", size=14, italic=True)
    props = document.core_properties
    props.title, props.author, props.language = (
        f"Báo cáo kết quả Công văn {d.number_and_symbol}",
        "Loa",
        "vi-VN",
    )
    when = dt.datetime.combine(p.today, dt.time())
    props.created = props.modified = when
    out = io.BytesIO()
    document.save(out)
    return fixed_zip(out.getvalue(), when=p.today)


def _docx_table(document: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(12)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.paragraphs[0].add_run(text).font.size = Pt(12)
    document.add_paragraph()


def _picture(document: Any, png: bytes) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    document.add_picture(io.BytesIO(png), width=Mm(160))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
