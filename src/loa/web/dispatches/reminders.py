"""E-mail reminders that escalate: recipients that have not reported hear about it from N days before
the deadline, and M days after it their parent unit's users are told too.

For each delivery of a sent dispatch whose unit has not reported (no submitted or approved report):

- from `deadline − before_days` to the deadline: "upcoming" to the unit (its users and its address);
- after the deadline, up to `deadline + escalate_after_days`: "overdue" to the unit;
- after `deadline + escalate_after_days`: "escalated" to the parent unit's users and address,
  the unit in copy.

One `Reminder` row per delivery, kind and day makes a run idempotent for the day: run it from cron
as often as you like, each unit hears at most once a day of each kind.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q

from loa.web.access.models import Membership
from loa.web.dispatches.models import Delivery, Dispatch, Reminder
from loa.web.reports.models import ActivityReport
from loa.web.units.models import OrgUnit

log = logging.getLogger("loa.web.reminders")
COUNTED = (ActivityReport.Status.SUBMITTED, ActivityReport.Status.APPROVED)


@dataclass
class Outcome:
    sent: dict[str, int] = field(default_factory=lambda: {k: 0 for k in Reminder.Kind.values})
    already: int = 0
    no_address: int = 0


def addresses(unit: OrgUnit) -> list[str]:
    """The unit's own address and those of the active users who act for it, without repeats."""
    found = [unit.email] if unit.email else []
    users = Membership.objects.filter(unit=unit, user__is_active=True).exclude(user__email="")
    found += [m.user.email for m in users.select_related("user").order_by("user__username")]
    return list(dict.fromkeys(a.strip().lower() for a in found if a.strip()))


def kind_for(deadline: dt.date, today: dt.date, *, before_days: int, escalate_after_days: int) -> str | None:
    if deadline - dt.timedelta(days=before_days) <= today <= deadline:
        return str(Reminder.Kind.UPCOMING)
    if deadline < today <= deadline + dt.timedelta(days=escalate_after_days):
        return str(Reminder.Kind.OVERDUE)
    if today > deadline + dt.timedelta(days=escalate_after_days):
        return str(Reminder.Kind.ESCALATED)
    return None


def send_reminders(
    *, today: dt.date, before_days: int = 3, escalate_after_days: int = 7, dry_run: bool = False
) -> Outcome:
    """Send today's reminders (see the module's docstring) and return what was sent."""
    outcome = Outcome()
    waiting = (
        Delivery.objects.filter(dispatch__status=Dispatch.Status.SENT, unit__active=True)
        .exclude(Q(reports__status__in=COUNTED))
        .select_related("dispatch", "unit", "unit__parent")
        .order_by("dispatch_id", "unit__path")
    )
    connection = get_connection()
    for delivery in waiting.distinct():
        deadline = delivery.dispatch.deadline
        kind = kind_for(deadline, today, before_days=before_days, escalate_after_days=escalate_after_days)
        if kind is None:
            continue
        if Reminder.objects.filter(delivery=delivery, kind=kind, sent_on=today).exists():
            outcome.already += 1
            continue
        unit_addresses = addresses(delivery.unit)
        parent = delivery.unit.parent
        if kind == Reminder.Kind.ESCALATED:
            to, cc = (addresses(parent) if parent else []), unit_addresses
        else:
            to, cc = unit_addresses, []
        if not to:
            outcome.no_address += 1
            log.warning(
                "no address for a %s reminder: delivery=%s unit=%s", kind, delivery.pk, delivery.unit.code
            )
            continue
        message = _message(delivery, kind, today, to=to, cc=[a for a in cc if a not in to])
        if dry_run:
            outcome.sent[kind] += 1
            continue
        try:
            with transaction.atomic():  # the record first: a second run (even a parallel one) skips
                Reminder.objects.create(
                    delivery=delivery, kind=kind, sent_on=today, recipients=", ".join(to + cc)
                )
                message.connection = connection
                message.send()
        except IntegrityError:
            outcome.already += 1
            continue
        outcome.sent[kind] += 1
    return outcome


def _message(delivery: Delivery, kind: str, today: dt.date, *, to: list[str], cc: list[str]) -> EmailMessage:
    d, unit = delivery.dispatch, delivery.unit
    number = d.number_and_symbol
    deadline = f"{d.deadline:%d/%m/%Y}"
    late = (today - d.deadline).days
    base = getattr(settings, "LOA_SITE_URL", "").rstrip("/")
    link = f"{base}/cong-van/{d.pk}/" if base else f"/cong-van/{d.pk}/"
    if kind == Reminder.Kind.UPCOMING:
        subject = f"[Loa] Nhắc báo cáo Công văn {number}: hạn {deadline}"
        lead = (
            f"{unit.name} chưa báo cáo kết quả thực hiện Công văn số {number}. "
            f"Hạn báo cáo là ngày {deadline}."
        )
    elif kind == Reminder.Kind.OVERDUE:
        subject = f"[Loa] Quá hạn báo cáo Công văn {number} ({late} ngày)"
        lead = (
            f"{unit.name} chưa báo cáo kết quả thực hiện Công văn số {number}; "
            f"đã quá hạn {late} ngày (hạn {deadline})."
        )
    else:
        parent = unit.parent.name if unit.parent else ""
        subject = f"[Loa] Đơn vị trực thuộc chưa báo cáo Công văn {number}: {unit.name}"
        lead = (
            f"Kính gửi {parent}: {unit.name} (đơn vị trực thuộc) chưa báo cáo kết quả thực hiện Công văn số "
            f"{number}, đã quá hạn {late} ngày (hạn {deadline}). Đề nghị đơn vị đôn đốc."
        )
    body = (
        f"{lead}\n\nV/v {d.subject}\n\nXem công văn và gửi báo cáo: {link}\n\n"
        "Thư này do hệ thống Loa gửi tự động, mỗi ngày nhiều nhất một lần; vui lòng không trả lời thư."
    )
    return EmailMessage(subject=subject, body=body, to=to, cc=cc)
