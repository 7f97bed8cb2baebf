"""Keep RecipientProgress true: recount a delivery's counted reports whenever one of them changes.

Signals on ActivityReport call `refresh`; `rebuild` recounts a whole dispatch in one statement per
table (after a bulk load, or to repair). The delivery row is locked while recounting, so two
reports saved at once for one unit cannot leave a stale sum behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from loa.web.dashboard.models import RecipientProgress
from loa.web.dispatches.models import Delivery
from loa.web.reports.models import AUDIENCE_FIELDS, ActivityKind, ActivityReport

COUNTED = (ActivityReport.Status.SUBMITTED, ActivityReport.Status.APPROVED)
_TOTALS: dict[str, Any] = {
    "first_submitted_at": Min("submitted_at", filter=Q(status__in=COUNTED)),
    "reports": Count("pk", filter=Q(status__in=COUNTED)),
    "class_sessions": Count("pk", filter=Q(status__in=COUNTED, kind=ActivityKind.CLASS_SESSION)),
    **{name: Sum(name, filter=Q(status__in=COUNTED), default=0) for name, _label in AUDIENCE_FIELDS},
}


def refresh(delivery_id: int) -> None:
    """Recount one delivery's reports into its progress row (nothing if the delivery is gone)."""
    with transaction.atomic():
        if not Delivery.objects.select_for_update().filter(pk=delivery_id).exists():
            return
        totals = ActivityReport.objects.filter(delivery_id=delivery_id).aggregate(**_TOTALS)
        RecipientProgress.objects.update_or_create(delivery_id=delivery_id, defaults=totals)


def rebuild(deliveries: Iterable[int] | None = None, *, dispatch_id: int | None = None) -> int:
    """Recount the progress of many deliveries (a dispatch's, or given ones); return the rows written."""
    reports = ActivityReport.objects.all()
    if dispatch_id is not None:
        reports = reports.filter(delivery__dispatch_id=dispatch_id)
    if deliveries is not None:
        reports = reports.filter(delivery_id__in=list(deliveries))
    rows = [
        RecipientProgress(delivery_id=row.pop("delivery"), **row)
        for row in reports.values("delivery").annotate(**_TOTALS).order_by()
    ]
    fields = [*_TOTALS, "updated_at"]
    with transaction.atomic():
        RecipientProgress.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["delivery"],
            update_fields=fields,
        )
    return len(rows)


def _saved(sender: Any, instance: ActivityReport, **kwargs: Any) -> None:
    refresh(instance.delivery_id)


def _deleted(sender: Any, instance: ActivityReport, **kwargs: Any) -> None:
    # Only update: while a delivery itself is being deleted, creating its row would break the cascade.
    totals = ActivityReport.objects.filter(delivery_id=instance.delivery_id).aggregate(**_TOTALS)
    RecipientProgress.objects.filter(delivery_id=instance.delivery_id).update(
        **totals, updated_at=timezone.now()
    )


def connect() -> None:
    """Wire the recount to every save and delete of an activity report."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_saved, sender=ActivityReport, dispatch_uid="loa-progress-saved")
    post_delete.connect(_deleted, sender=ActivityReport, dispatch_uid="loa-progress-deleted")
