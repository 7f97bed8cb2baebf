"""Sending a dispatch and acknowledging it: the only places that create deliveries."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from loa.web.access import audit
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.units.models import OrgUnit, UnitGroup


class DispatchError(Exception):
    """A dispatch cannot be sent as it is; the message says what to fix (in Vietnamese)."""


def recipients_of(dispatch: Dispatch) -> dict[int, tuple[OrgUnit, UnitGroup | None]]:
    """Return the recipient units (by pk) with the group each came through, the issuer excluded."""
    chosen: dict[int, tuple[OrgUnit, UnitGroup | None]] = {}
    for group in dispatch.recipient_groups.select_related("within"):
        for unit in group.resolve():
            chosen.setdefault(unit.pk, (unit, group))
    for unit in dispatch.recipient_units.filter(active=True):
        chosen[unit.pk] = (unit, None)
    chosen.pop(dispatch.issuer_id, None)
    return chosen


def next_number(dispatch: Dispatch) -> int:
    """Return the next number of the issuer's register for the dispatch's year (restarts each 1 January)."""
    last = (
        Dispatch.objects.filter(issuer=dispatch.issuer, issued_on__year=dispatch.issued_on.year)
        .exclude(pk=dispatch.pk)
        .aggregate(Max("number"))["number__max"]
    )
    return int(last or 0) + 1


@transaction.atomic
def send_dispatch(dispatch: Dispatch, *, by: Any, request: Any = None) -> int:
    """Number the dispatch, deliver it to every recipient and mark it sent; return the recipients."""
    original, dispatch = dispatch, Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if not dispatch.is_draft:
        raise DispatchError("Công văn này đã được gửi.")
    recipients = recipients_of(dispatch)
    if not recipients:
        raise DispatchError("Chưa chọn đơn vị hoặc nhóm đơn vị nhận — chọn ít nhất một nơi nhận rồi gửi lại.")
    now = timezone.now()
    if not dispatch.number:
        dispatch.number = next_number(dispatch)
    Delivery.objects.bulk_create(
        Delivery(dispatch=dispatch, unit=unit, via_group=group, delivered_at=now)
        for unit, group in recipients.values()
    )
    dispatch.status, dispatch.sent_at = Dispatch.Status.SENT, now
    dispatch.save(update_fields=["number", "status", "sent_at", "updated_at"])
    original.refresh_from_db()
    audit.record(
        by,
        "dispatch.sent",
        dispatch,
        f"Gửi công văn {dispatch.number_and_symbol} đến {len(recipients)} đơn vị",
        path=dispatch.issuer.path,
        request=request,
    )
    return len(recipients)


def acknowledge(delivery: Delivery, *, by: Any, request: Any = None) -> bool:
    """Record that the recipient has received the dispatch; return False if it already had."""
    updated = Delivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=by
    )
    if updated:
        delivery.refresh_from_db()
        audit.record(
            by,
            "delivery.acknowledged",
            delivery,
            f"{delivery.unit} xác nhận đã nhận công văn {delivery.dispatch.number_and_symbol}",
            path=delivery.unit.path,
            request=request,
        )
    return bool(updated)
