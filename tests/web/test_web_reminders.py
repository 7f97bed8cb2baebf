"""`loa web send_reminders`: units that have not reported are reminded before the deadline, told they
are late after it, and their parent unit's users hear of it after the grace days — once a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from factories import create_dispatch, create_report, create_user

from loa.web.access.models import Role
from loa.web.dispatches.models import Reminder
from loa.web.reports.models import ActivityReport

pytestmark = pytest.mark.django_db
ISSUED = date(2026, 3, 2)
DEADLINE = ISSUED + timedelta(days=30)


@pytest.fixture
def dispatch(tree, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LOA_SITE_URL = "https://loa.example.gov.vn"
    tree.school_long_an.email = "thcs.longan@example.edu.vn"
    tree.school_long_an.save()
    for name, unit in (("gv", tree.school_long_an), ("tn", tree.school_tan_an), ("pla", tree.long_an)):
        user = create_user(name, role=Role.REPORTER if unit.kind == "school" else Role.LEADER, unit=unit)
        user.email = f"{name}@example.gov.vn"
        user.save()
    create_user("no-mail", role=Role.REPORTER, unit=tree.police_long_an)
    sent = create_dispatch(
        tree.issuer, issued_on=ISSUED, units=[tree.school_long_an, tree.school_tan_an, tree.police_long_an]
    )
    reported = sent.deliveries.get(unit=tree.school_tan_an)
    create_report(reported, status=ActivityReport.Status.SUBMITTED, submitted_on=ISSUED + timedelta(days=3))
    return sent


def run(day: date, *extra: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(
        "send_reminders",
        "--today",
        day.isoformat(),
        "--before",
        "3",
        "--escalate-after",
        "7",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_nothing_is_sent_before_the_reminder_window(dispatch) -> None:
    assert "Đã gửi: 0 nhắc sắp đến hạn, 0 nhắc quá hạn, 0 báo cấp trên" in run(DEADLINE - timedelta(days=4))
    assert mail.outbox == []


def test_units_that_have_not_reported_are_reminded_before_the_deadline_once_a_day(dispatch) -> None:
    output = run(DEADLINE - timedelta(days=3))
    assert "1 nhắc sắp đến hạn" in output and "1 đơn vị không có địa chỉ thư" in output  # the police
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["thcs.longan@example.edu.vn", "gv@example.gov.vn"]
    assert "hạn 01/04/2026" in message.subject and "https://loa.example.gov.vn/cong-van/" in message.body
    assert "tn@example.gov.vn" not in message.to  # Tân An reported
    assert "0 nhắc sắp đến hạn" in run(DEADLINE - timedelta(days=3)) and len(mail.outbox) == 1
    assert Reminder.objects.count() == 1
    run(DEADLINE)  # a new day, a new reminder
    assert len(mail.outbox) == 2 and Reminder.objects.count() == 2


def test_after_the_deadline_the_unit_is_told_it_is_late_then_the_parent_unit_hears(dispatch) -> None:
    run(DEADLINE + timedelta(days=7))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[Loa] Quá hạn báo cáo") and "(7 ngày)" in mail.outbox[0].subject
    mail.outbox.clear()
    output = run(DEADLINE + timedelta(days=8))
    assert "2 báo cấp trên" in output  # the police has no address of its own: its parent still hears
    assert len(mail.outbox) == 2
    escalated = next(m for m in mail.outbox if "Trường THCS Long An" in m.subject)
    assert escalated.to == ["pla@example.gov.vn"]  # the ward's leader
    assert escalated.cc == ["thcs.longan@example.edu.vn", "gv@example.gov.vn"]
    assert "Trường THCS Long An" in escalated.subject and "quá hạn 8 ngày" in escalated.body
    assert Reminder.objects.filter(kind=Reminder.Kind.ESCALATED).count() == 2
    run(DEADLINE + timedelta(days=8))
    assert len(mail.outbox) == 2  # idempotent for the day


def test_a_report_submitted_stops_the_reminders(dispatch, tree) -> None:
    delivery = dispatch.deliveries.get(unit=tree.school_long_an)
    create_report(delivery, status=ActivityReport.Status.SUBMITTED, submitted_on=DEADLINE)
    run(DEADLINE + timedelta(days=10))
    assert len(mail.outbox) == 1 and "Công an phường Long An" in mail.outbox[0].subject  # still silent
    assert "gv@example.gov.vn" not in mail.outbox[0].cc
    assert not Reminder.objects.filter(delivery=delivery).exists()


def test_a_dry_run_counts_without_sending_or_recording(dispatch) -> None:
    assert "Sẽ gửi: 1 nhắc sắp đến hạn" in run(DEADLINE, "--dry-run")
    assert mail.outbox == [] and not Reminder.objects.exists()
