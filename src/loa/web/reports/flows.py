"""The life of an activity report: save, add evidence, submit, approve or return."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from loa.web.access import audit
from loa.web.reports.models import ActivityReport, EvidencePhoto
from loa.web.reports.photos import sanitize_photo

MAX_PHOTOS = 10


class ReportError(Exception):
    """The report cannot move on as asked; the message says why (in Vietnamese)."""


def submit(report: ActivityReport, *, by: Any, request: Any = None) -> None:
    """Send a draft (or returned) report to the parent unit for approval."""
    _move(
        report,
        to=ActivityReport.Status.SUBMITTED,
        allowed=(ActivityReport.Status.DRAFT, ActivityReport.Status.RETURNED),
        by=by,
        request=request,
    )


def approve(report: ActivityReport, *, by: Any, note: str = "", request: Any = None) -> None:
    """Approve a submitted report (the parent unit's decision)."""
    _move(
        report,
        to=ActivityReport.Status.APPROVED,
        allowed=(ActivityReport.Status.SUBMITTED,),
        by=by,
        note=note,
        request=request,
    )


def send_back(report: ActivityReport, *, by: Any, note: str, request: Any = None) -> None:
    """Return a submitted report to its unit with what to add or fix."""
    if not note.strip():
        raise ReportError("Ghi rõ cần bổ sung, sửa gì trước khi trả lại báo cáo.")
    _move(
        report,
        to=ActivityReport.Status.RETURNED,
        allowed=(ActivityReport.Status.SUBMITTED,),
        by=by,
        note=note,
        request=request,
    )


@transaction.atomic
def _move(
    report: ActivityReport, *, to: str, allowed: tuple[str, ...], by: Any, note: str = "", request: Any = None
) -> None:
    current = ActivityReport.objects.select_for_update().get(pk=report.pk)
    if current.status not in allowed:
        raise ReportError(
            f"Báo cáo đang ở trạng thái “{current.get_status_display()}”, không thể chuyển tiếp."
        )
    now = timezone.now()
    before = current.status
    if to == ActivityReport.Status.SUBMITTED:
        current.submitted_at = current.submitted_at or now  # on time is judged by the first submission
    else:
        current.reviewed_at, current.reviewed_by, current.review_note = now, by, note.strip()
    current.status = to
    current.save()
    report.refresh_from_db()
    audit.record(
        by,
        f"report.{to}",
        current,
        f"{current.unit}: {current.title} → {current.get_status_display()}",
        path=current.unit.path,
        changes={"status": [before, to]},
        request=request,
    )


def add_photo(
    report: ActivityReport, data: bytes, *, caption: str, by: Any, request: Any = None
) -> EvidencePhoto:
    """Sanitise an uploaded photo and attach it to a report (PhotoRejected if it is not acceptable)."""
    if report.photos.count() >= MAX_PHOTOS:
        raise ReportError(f"Mỗi báo cáo có tối đa {MAX_PHOTOS} ảnh minh chứng.")
    clean = sanitize_photo(data, max_bytes=settings.LOA_PHOTO_MAX_BYTES)
    if same := report.photos.filter(sha256=clean.sha256).first():
        return same  # the same photo sent again (a retry after an outage, a double click): kept once
    name = uuid.uuid4().hex
    photo = EvidencePhoto(
        report=report,
        width=clean.width,
        height=clean.height,
        size=len(clean.data),
        sha256=clean.sha256,
        caption=caption.strip()[:200],
        uploaded_by=by,
    )
    photo.image.save(f"{name}.jpg", ContentFile(clean.data), save=False)
    photo.thumbnail.save(f"{name}-thumb.jpg", ContentFile(clean.thumbnail), save=False)
    photo.save()
    audit.record(
        by,
        "photo.added",
        photo,
        f"Thêm ảnh minh chứng cho “{report.title}”",
        path=report.unit.path,
        request=request,
    )
    return photo
