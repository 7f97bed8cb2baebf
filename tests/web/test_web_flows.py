"""The whole loop through the staff pages: issue, send, acknowledge, report with evidence, approve,
and the dashboard sees it. Plus the flows' own rules (numbering, recipients, transitions)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from factories import (
    create_dispatch,
    create_group,
    create_report,
    create_unit,
    create_user,
    sample_jpeg,
    sign_in,
)

from loa.web.access.models import AuditEvent, Role
from loa.web.dispatches.flows import DispatchError, acknowledge, next_number, send_dispatch
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.reports import flows as report_flows
from loa.web.reports.models import ActivityReport
from loa.web.units.models import UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack(tmp_path):
    """A built campaign folder with a manifest listing one product per audience."""
    (tmp_path / "bai-viet").mkdir()
    products = []
    for audience in ("cha-me", "giao-vien", "doanh-nghiep"):
        path = f"bai-viet/{audience}.html"
        (tmp_path / path).write_text(f"<h1>{audience}</h1>", encoding="utf-8")
        products.append(
            {
                "path": path,
                "kind": "article",
                "format": "html",
                "title": f"Bài cho {audience}",
                "topic": "bat-nat",
                "audience": audience,
            }
        )
    manifest = {
        "campaign": {"title": "Bảo vệ trẻ em trên môi trường mạng"},
        "products": products,
        "audiences": [
            {"id": "cha-me", "name": "Cha mẹ", "kind": "parents"},
            {"id": "giao-vien", "name": "Giáo viên", "kind": "teachers"},
            {"id": "doanh-nghiep", "name": "Doanh nghiệp", "kind": "businesses"},
        ],
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return str(tmp_path)


def test_a_department_issues_and_units_report_and_the_leader_sees_it(client, tree, pack) -> None:
    admin = create_user("admin", role=Role.ADMIN, unit=tree.issuer, scope=tree.tay_ninh)
    reporter = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    leader = create_user("leader", role=Role.LEADER, unit=tree.long_an)
    schools = create_group("Trường THCS", within=tree.tay_ninh, kinds=[UnitKind.SCHOOL], levels=["thcs"])

    sign_in(client, admin)
    issued_on = timezone.localdate() - timedelta(days=5)
    form = {
        "issuer_parent_name": "UBND TỈNH TÂY NINH",
        "issuer_name": "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        "symbol": "svhttdl-ttbcxb",
        "place": "Tây Ninh",
        "issued_on": issued_on.isoformat(),
        "subject": "phổ biến Tài liệu tuyên truyền",
        "addressees": "Các trường THCS",
        "body": "Nội dung.",
        "closing": "Trân trọng./.",
        "copies_to": "Như trên\nLưu: VT",
        "signer_authority": "KT. GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "signer_name": "Trần Minh Khoa",
        "pack_manifest": pack,
        "deadline_days": "30",
        "recipient_groups": [schools.pk],
        "recipient_units": [tree.police_long_an.pk],
    }
    response = client.post(reverse("staff:dispatch-create"), form)
    dispatch = Dispatch.objects.get()
    assert response.status_code == 302 and dispatch.symbol == "SVHTTDL-TTBCXB" and dispatch.is_draft
    client.post(reverse("staff:dispatch-send", args=[dispatch.pk]))
    dispatch.refresh_from_db()
    assert dispatch.number == 1 and dispatch.deadline == issued_on + timedelta(days=30)
    assert set(dispatch.deliveries.values_list("unit__code", flat=True)) == {
        "27700-THCS",
        "27694-THCS",
        "27700-CA",
    }

    sign_in(client, reporter)
    page = client.get(reverse("staff:dispatch", args=[dispatch.pk])).content.decode()
    assert page.index("Bài cho giao-vien") < page.index("Bài cho cha-me")  # teachers first for a school
    assert "Luật Trẻ em 2016, Điều 54 khoản 1" in page  # the school's legal duties, with sources
    product = client.get(reverse("staff:pack-file", args=[dispatch.pk, "bai-viet/giao-vien.html"]))
    assert product.status_code == 200 and b"giao-vien" in b"".join(product.streaming_content)
    delivery = Delivery.objects.get(unit=tree.school_long_an)
    client.post(reverse("staff:acknowledge", args=[delivery.pk]))
    report_form = {
        "kind": "class",
        "held_on": issued_on.isoformat(),
        "title": "Tiết sinh hoạt lớp",
        "children_under_6": 0,
        "children_6_10": 0,
        "children_11_15": 120,
        "children_16_17": 0,
        "parents": 10,
        "teachers": 4,
        "others": 0,
        "links": "https://thcslongan.edu.vn/tin/1",
        "materials": ["bai-viet/giao-vien.html"],
    }
    client.post(reverse("staff:report-create", args=[delivery.pk]), report_form)
    report = ActivityReport.objects.get()
    upload = client.post(
        reverse("staff:photo-upload", args=[report.pk]),
        {"image": _file("lop.jpg", sample_jpeg()), "caption": "Lớp 8A"},
    )
    assert upload.status_code == 302 and report.photos.count() == 1
    client.post(reverse("staff:report-submit", args=[report.pk]))

    sign_in(client, leader)
    client.post(reverse("staff:report-review", args=[report.pk]), {"decision": "approve", "note": "Tốt"})
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.APPROVED and report.reviewed_by == leader
    dashboard = client.get(reverse("staff:dashboard-dispatch", args=[dispatch.pk]))
    assert dashboard.context["reporting"].numerator == 1 and dashboard.context["reporting"].denominator == 2
    assert dashboard.context["reach_total"] == 134
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "dispatch.created",
        "dispatch.sent",
        "delivery.acknowledged",
        "report.created",
        "photo.added",
        "report.submitted",
        "report.approved",
    } <= actions


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_numbers_restart_each_year_and_count_per_issuer(tree) -> None:
    first = create_dispatch(tree.issuer, issued_on=date(2025, 12, 30), units=[tree.school_long_an])
    second = create_dispatch(tree.issuer, issued_on=date(2025, 12, 31), units=[tree.school_long_an])
    new_year = create_dispatch(tree.issuer, issued_on=date(2026, 1, 2), units=[tree.school_long_an])
    other = create_dispatch(tree.hanoi_issuer, issued_on=date(2025, 12, 31), units=[tree.school_hoan_kiem])
    assert [d.number for d in (first, second, new_year, other)] == [1, 2, 1, 1]
    assert second.number_and_symbol == "02/SVHTTDL-TTBCXB"
    assert next_number(Dispatch(issuer=tree.issuer, issued_on=date(2025, 6, 1))) == 3


def test_sending_twice_or_to_nobody_is_refused_with_a_reason(tree) -> None:
    empty = create_dispatch(tree.issuer, send=False)
    with pytest.raises(DispatchError, match="Chưa chọn"):
        send_dispatch(empty, by=None)
    sent = create_dispatch(tree.issuer, units=[tree.school_long_an])
    with pytest.raises(DispatchError, match="đã được gửi"):
        send_dispatch(sent, by=None)


def test_the_issuer_is_never_its_own_recipient(tree) -> None:
    departments = create_group("Sở", within=tree.tay_ninh, kinds=[UnitKind.DEPARTMENT])
    dispatch = create_dispatch(tree.issuer, groups=[departments])
    assert list(dispatch.deliveries.values_list("unit", flat=True)) == [tree.education.pk]


def test_acknowledging_twice_keeps_the_first_time(tree) -> None:
    delivery = create_dispatch(tree.issuer, units=[tree.school_long_an]).deliveries.get()
    assert acknowledge(delivery, by=None) is True
    first = delivery.acknowledged_at
    assert acknowledge(delivery, by=None) is False
    delivery.refresh_from_db()
    assert delivery.acknowledged_at == first


def test_a_report_moves_draft_submitted_returned_submitted_approved(tree) -> None:
    delivery = create_dispatch(tree.issuer, units=[tree.school_long_an]).deliveries.get()
    report = create_report(delivery)
    report_flows.submit(report, by=None)
    first_submission = report.submitted_at
    with pytest.raises(report_flows.ReportError, match="Ghi rõ"):
        report_flows.send_back(report, by=None, note=" ")
    report_flows.send_back(report, by=None, note="Bổ sung ảnh")
    report_flows.submit(report, by=None)
    report_flows.approve(report, by=None)
    assert report.status == ActivityReport.Status.APPROVED
    assert report.submitted_at == first_submission  # on time is judged by the first submission
    with pytest.raises(report_flows.ReportError):
        report_flows.submit(report, by=None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("children_11_15", "-5", "lớn hơn hoặc bằng"),
        ("held_on", "2000-01-01", "trước ngày ban hành"),
        ("held_on", "2999-01-01", "tương lai"),
        ("links", "javascript:alert(1)", "không phải đường dẫn http(s)"),
        ("links", "ftp://example.org/x", "không phải đường dẫn http(s)"),
    ],
)
def test_bad_report_inputs_get_a_clear_message_and_no_500(client, tree, field, value, message) -> None:
    reporter = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    delivery = create_dispatch(tree.issuer, units=[tree.school_long_an]).deliveries.get()
    sign_in(client, reporter)
    form = {
        "kind": "class",
        "held_on": delivery.dispatch.issued_on.isoformat(),
        "title": "Tiết học",
        "children_under_6": 0,
        "children_6_10": 0,
        "children_11_15": 1,
        "children_16_17": 0,
        "parents": 0,
        "teachers": 0,
        "others": 0,
        "links": "",
    } | {field: value}
    response = client.post(reverse("staff:report-create", args=[delivery.pk]), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ActivityReport.objects.exists()


def test_a_dispatch_form_names_a_missing_pack_and_a_bad_symbol(client, tree) -> None:
    admin = create_user("admin", role=Role.ADMIN, unit=tree.issuer, scope=tree.tay_ninh)
    sign_in(client, admin)
    response = client.post(
        reverse("staff:dispatch-create"), {"symbol": "SV HT", "pack_manifest": "/khong/co"}
    )
    page = response.content.decode()
    assert (
        response.status_code == 200 and "không có dấu cách" in page and "Không đọc được manifest.json" in page
    )


def test_administrators_must_pass_totp_before_any_staff_page(client, tree) -> None:
    admin = create_user("admin", role=Role.ADMIN, unit=tree.issuer, scope=tree.tay_ninh)
    client.force_login(admin)  # password only
    response = client.get(reverse("staff:dispatches"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff:otp-enrol"))
    enrol = client.get(response["Location"])
    assert "<svg" in enrol.content.decode() and enrol.context["secret"]
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=admin)
    client.post(reverse("staff:otp-enrol"), {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert client.get(reverse("staff:dispatches")).status_code == 302  # a wrong code does not let in
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    client.post(reverse("staff:otp-enrol"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get(reverse("staff:dispatches")).status_code == 200


def test_ten_wrong_passwords_lock_the_account_for_a_while(client, tree) -> None:
    create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    for _ in range(10):
        client.post(reverse("staff:login"), {"username": "school", "password": "sai"})
    response = client.post(
        reverse("staff:login"), {"username": "school", "password": "mat-khau-thu-nghiem-2026"}
    )
    assert "tạm khóa" in response.content.decode()
    from django.core.cache import cache

    cache.clear()


def test_the_demo_command_builds_the_example_dispatch_for_tay_ninh(tmp_path, capsys) -> None:
    from django.core.management import call_command

    call_command("demo", "--pack", "", "--password", "mat-khau-demo-2026")
    out = capsys.readouterr().out
    dispatch = Dispatch.objects.get()
    assert dispatch.issuer.name == "Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh"
    assert dispatch.place == "Tây Ninh" and "UBND huyện" not in dispatch.addressees
    assert "Thông tin và Truyền thông" not in dispatch.addressees + dispatch.copies_to
    assert dispatch.deliveries.count() > 96 and ActivityReport.objects.count() == 7
    assert "quantri" in out and "mat-khau-demo-2026" in out and "mã TOTP" in out
    call_command("demo", "--pack", "")  # a second run keeps the data and renews the passwords
    assert Dispatch.objects.count() == 1


def test_the_staff_area_speaks_english_as_a_second_language(client, tree) -> None:
    reporter = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    sign_in(client, reporter)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("staff:inbox")).content.decode()
    assert 'lang="en"' in page and "Incoming dispatches" in page and "Sign out" in page
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Đăng xuất" in client.get(reverse("staff:inbox")).content.decode()


@pytest.mark.django_db
def test_a_dispatch_to_many_recipients_shows_them_a_page_at_a_time_with_rates_over_all(client, tree) -> None:
    from loa.web.dispatches.views import RECIPIENTS_PER_PAGE

    communes = [
        create_unit(f"9{i:04d}", f"Xã Thử Nghiệm {i:03d}", "xa", parent=tree.tay_ninh)
        for i in range(RECIPIENTS_PER_PAGE + 20)
    ]
    dispatch = create_dispatch(tree.issuer, units=communes)
    first = dispatch.deliveries.get(unit=communes[0])
    first.acknowledged_at = timezone.now()
    first.save()
    admin = create_user("admin_tn", role=Role.ADMIN, unit=tree.issuer, scope=tree.tay_ninh)
    sign_in(client, admin)
    url = reverse("staff:dispatch", args=[dispatch.pk])
    page_one = client.get(url).content.decode()
    assert page_one.count("<tr><td><a href=") == RECIPIENTS_PER_PAGE
    assert f"({len(communes)})" in page_one and "Trang 1/2" in page_one
    assert "0,8%" in page_one, "1 of 120 acknowledged, counted over every recipient"
    page_two = client.get(url, {"trang": 2}).content.decode()
    assert page_two.count("<tr><td><a href=") == 20
    listed = re.findall(r"<tr><td><a href=[^>]*>(Xã Thử Nghiệm \d+)</a>", page_one + page_two)
    assert sorted(listed) == sorted(c.name for c in communes), "every recipient on one page or the other"


def test_no_unit_is_told_its_duty_rests_on_an_instrument_no_longer_in_force() -> None:
    """The duties a dispatch lists cite their legal basis; one that has lapsed (Decision 830's
    2021–2025 programme, say) must not be given as a current basis, nor its target as a target."""
    from pathlib import Path

    from loa.readers.campaign import read_campaign
    from loa.web.dispatches.duties import DUTIES

    campaign, _ = read_campaign(Path(__file__).parents[2] / "campaigns" / "bao-ve-tre-em")
    lapsed = [ref.number for ref in campaign.legal_references if not ref.in_force(date.today())]
    assert any(n.startswith("830/") for n in lapsed), "the campaign's register knows Decision 830 has lapsed"
    cited = [duty.source for duties in DUTIES.values() for duty in duties]
    assert not [(n, s) for n in lapsed for s in cited if n in s]
