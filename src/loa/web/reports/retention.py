"""Retention of evidence photos (G9): photos older than `LOA_EVIDENCE_RETENTION_DAYS` are deleted
with every file made from them (the re-encoded image and its thumbnail), then checked again.

Files go first and the row last, so an interrupted run leaves rows that the next run finds again;
files under `evidence/` that no row names and that are past the period (left by a crash between
writing a file and saving its row) are deleted too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils import timezone

from loa.web.access.models import AuditEvent
from loa.web.reports.models import EvidencePhoto

FOLDER = "evidence"


@dataclass
class Purge:
    """What a retention run found, deleted, and found again afterwards."""

    cutoff: datetime
    photos: int = 0
    files: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    remaining: int = 0  # the re-check: expired photos or files still there (0 after a real run)


def cutoff(*, days: int | None = None, now: datetime | None = None) -> datetime:
    """Return the instant before which photos have expired."""
    keep = settings.LOA_EVIDENCE_RETENTION_DAYS if days is None else days
    return (now or timezone.now()) - timedelta(days=keep)


def expired(before: datetime) -> QuerySet[EvidencePhoto]:
    return EvidencePhoto.objects.filter(uploaded_at__lt=before)


def purge(*, before: datetime, dry_run: bool = False) -> Purge:
    """Delete the photos uploaded before `before` and all their files; with dry_run, only count."""
    result = Purge(cutoff=before)
    for photo in expired(before).iterator(chunk_size=500):
        names = [f.name for f in (photo.image, photo.thumbnail) if f.name]
        result.photos += 1
        result.files += names
        if not dry_run:
            for name in names:
                default_storage.delete(name)  # a file already gone is fine
            photo.delete()
    result.orphans = _orphans(before)
    if not dry_run:
        for name in result.orphans:
            default_storage.delete(name)
        result.remaining = recheck(before, result.files + result.orphans)
        if result.photos or result.orphans:
            AuditEvent.objects.create(
                action="evidence.purged",
                object_type="evidencephoto",
                object_id="",
                summary=(
                    f"Xóa {result.photos} ảnh minh chứng quá hạn lưu trữ ({len(result.files)} tệp) "
                    f"và {len(result.orphans)} tệp không còn dùng"
                ),
                changes={"before": before.isoformat(), "photos": result.photos},
            )
    return result


def recheck(before: datetime, names: list[str] | None = None) -> int:
    """Return the expired photos still stored plus the given files still present: 0 when all is gone."""
    still = sum(1 for name in names or [] if default_storage.exists(name))
    return expired(before).count() + still + len(_orphans(before))


def _orphans(before: datetime) -> list[str]:
    """Files under evidence/ older than `before` that no photo row names."""
    root = Path(settings.MEDIA_ROOT) / FOLDER
    if not root.is_dir():
        return []
    limit = before.timestamp()
    old = [
        path.relative_to(settings.MEDIA_ROOT).as_posix()
        for path in root.rglob("*")
        if path.is_file() and os.stat(path).st_mtime < limit
    ]
    if not old:
        return []
    known = set(EvidencePhoto.objects.values_list("image", flat=True))
    known |= set(EvidencePhoto.objects.values_list("thumbnail", flat=True))
    return sorted(name for name in old if name not in known)
