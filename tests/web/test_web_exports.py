"""The XLSX progress workbook and the official DOCX report: right figures, the Decree 30 frame, a
chart, and only the user's own subtree (foreign rows never appear)."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import timedelta

import docx
import pytest
from django.urls import reverse
from django.utils import timezone
from factories import create_dispatch, create_report, create_user, sign_in
from openpyxl import load_workbook

from loa.web.access.models import Role
from loa.web.dashboard.charts import bar_chart_png
from loa.web.quiz.models import QuizResult
from loa.web.reports.models import ActivityReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    dispatch = create_dispatch(
        tree.issuer,
        units=[tree.school_long_an, tree.primary_long_an, tree.police_long_an, tree.school_tan_an],
    )
    create_dispatch(tree.hanoi_issuer, units=[tree.school_hoan_kiem])
    deliveries = {d.unit.code: d for d in dispatch.deliveries.select_related("unit")}
    create_report(
        deliveries["27700-THCS"],
        status=ActivityReport.Status.APPROVED,
        submitted_on=timezone.localdate() - timedelta(days=5),
        children_11_15=120,
        teachers=6,
    )
    create_report(
        deliveries["27694-THCS"],
        status=ActivityReport.Status.SUBMITTED,
        submitted_on=timezone.localdate() - timedelta(days=5),
        children_11_15=999,
    )
    deliveries["27700-THCS"].acknowledged_at = timezone.now()
    deliveries["27700-THCS"].save()
    for code, unit in (("27700-THCS/6A", tree.school_long_an), ("27694-THCS/7B", tree.school_tan_an)):
        QuizResult.objects.create(
            submission_id=uuid.uuid4(), quiz="q", audience="a", code=code, unit=unit, score=3, answers=4
        )
    leader = create_user("leader_long_an", role=Role.LEADER, unit=tree.long_an)
    return dispatch, leader


def test_the_workbook_has_a_summary_and_one_row_per_recipient_of_the_subtree(client, world) -> None:
    dispatch, leader = world
    sign_in(client, leader)
    response = client.get(reverse("staff:export-xlsx", args=[dispatch.pk]))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tổng hợp", "Đơn vị"]
    rows = list(book["Đơn vị"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("Mã đơn vị", "Đơn vị", "Loại", "Địa bàn") and header[-1] == "Tổng số người"
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert set(by_code) == {"27700-THCS", "27700-TH", "27700-CA"}  # Tân An's school is outside
    school = by_code["27700-THCS"]
    assert (
        school["Địa bàn"] == "Phường Long An" and school["Đã báo cáo"] == "có" and school["Đúng hạn"] == "có"
    )
    assert school["Xác nhận nhận lúc"] is not None and by_code["27700-CA"]["Xác nhận nhận lúc"] is None
    assert school["Trẻ em 11–15 tuổi"] == 120 and school["Giáo viên"] == 6 and school["Tổng số người"] == 126
    summary = {row[0]: row[1:] for row in book["Tổng hợp"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Đã báo cáo"][:3] == (1, 3, 0.3333)
    assert summary["Trẻ em 11–15 tuổi"][0] == 120 and summary["Tổng cộng"][0] == 126
    text = " ".join(str(c) for row in rows for c in row) + str(summary)
    assert "Tân An" not in text and "999" not in text


def test_the_official_report_follows_decree_30_and_holds_only_the_subtree(client, world) -> None:
    dispatch, leader = world
    sign_in(client, leader)
    response = client.get(reverse("staff:export-report", args=[dispatch.pk]))
    assert response.status_code == 200 and "wordprocessingml" in response["Content-Type"]
    document = docx.Document(io.BytesIO(response.content))
    heading = document.tables[0].rows[0].cells
    assert "PHƯỜNG LONG AN" in heading[0].text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading[1].text
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "BÁO CÁO" in text and f"Công văn số {dispatch.number_and_symbol}" in text
    assert "1/3" in text and "126" in text and "27700-THCS/6A" in text and "75,0%" in text
    assert "Công an phường Long An" in text  # a laggard in the subtree
    assert "Tân An" not in text and "27694" not in text and "999" not in text and "Hoàn Kiếm" not in text
    section = document.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    pictures = [n for n in zipfile.ZipFile(io.BytesIO(response.content)).namelist() if n.endswith(".png")]
    assert len(pictures) == 2  # the area chart and the reach chart


def test_the_png_chart_is_an_image_with_room_for_each_bar() -> None:
    from PIL import Image

    png = bar_chart_png([("Phường Long An", 33.3), ("Xã Bình Minh", 100.0)], title="Tỷ lệ", max_value=100)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 1200 and image.height > 100
