"""Retention of evidence photos (G9): expired photos go with every file made from them, the
re-check finds 0, a dry run deletes nothing, and recent photos stay."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from factories import create_dispatch, create_report, sample_jpeg

from loa.web.access.models import AuditEvent
from loa.web.reports import flows, retention
from loa.web.reports.models import EvidencePhoto

pytestmark = pytest.mark.django_db


@pytest.fixture
def photos(tree):
    dispatch = create_dispatch(tree.issuer, units=[tree.school_long_an])
    report = create_report(dispatch.deliveries.get())
    made = [
        flows.add_photo(report, sample_jpeg(size=(80 + n, 60)), caption=f"Ảnh {n}", by=None) for n in range(4)
    ]
    old = timezone.now() - timedelta(days=settings.LOA_EVIDENCE_RETENTION_DAYS + 1)
    EvidencePhoto.objects.filter(pk__in=[p.pk for p in made[:3]]).update(uploaded_at=old)
    return made[:3], made[3]


def _files(photo: EvidencePhoto) -> list[Path]:
    return [Path(settings.MEDIA_ROOT) / photo.image.name, Path(settings.MEDIA_ROOT) / photo.thumbnail.name]


def test_expired_photos_go_with_their_thumbnails_and_the_recheck_finds_none(photos, capsys) -> None:
    expired, recent = photos
    assert all(path.is_file() for photo in expired for path in _files(photo))
    call_command("purge_evidence")
    out = capsys.readouterr().out
    assert "Đã xóa 3 ảnh" in out and "(6 tệp)" in out and "Kiểm tra lại: còn 0" in out
    assert not any(path.exists() for photo in expired for path in _files(photo))
    assert list(EvidencePhoto.objects.all()) == [recent]
    assert all(path.is_file() for path in _files(recent))
    assert retention.recheck(retention.cutoff()) == 0
    assert AuditEvent.objects.filter(action="evidence.purged").count() == 1
    call_command("purge_evidence")  # a second run has nothing left to do
    assert "Đã xóa 0 ảnh" in capsys.readouterr().out


def test_a_dry_run_lists_what_would_go_and_deletes_nothing(photos, capsys) -> None:
    expired, _recent = photos
    call_command("purge_evidence", "--dry-run")
    out = capsys.readouterr().out
    assert "Chạy thử: 3 ảnh" in out and expired[0].thumbnail.name in out
    assert EvidencePhoto.objects.count() == 4
    assert all(path.is_file() for photo in expired for path in _files(photo))


def test_the_retention_period_is_a_setting_and_an_option(photos, settings) -> None:
    settings.LOA_EVIDENCE_RETENTION_DAYS = 100_000
    call_command("purge_evidence")
    assert EvidencePhoto.objects.count() == 4
    call_command("purge_evidence", "--days", "1")
    assert EvidencePhoto.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("purge_evidence", "--days", "0")


def test_files_left_without_a_row_past_the_period_are_deleted_too(photos) -> None:
    stray = Path(settings.MEDIA_ROOT) / "evidence" / "2020" / "01" / "mo-coi-thumb.jpg"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"\xff\xd8\xff\xd9")
    old = time.time() - (settings.LOA_EVIDENCE_RETENTION_DAYS + 2) * 86400
    os.utime(stray, (old, old))
    result = retention.purge(before=retention.cutoff())
    assert "evidence/2020/01/mo-coi-thumb.jpg" in result.orphans and not stray.exists()
    assert result.remaining == 0
