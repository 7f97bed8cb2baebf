"""Recording consent to publish an evidence photo, and the state it allows (G8).

A photo is internal by default. It becomes publishable only when asked for *and* a complete
consent record stands behind it; anything less keeps it, or puts it back, internal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from loa.web.access import audit
from loa.web.reports.models import EvidencePhoto, PhotoConsent


class ConsentIncomplete(ValueError):
    """Publishing was asked for without the consent the law requires; the message says what is missing."""


@transaction.atomic
def record_consent(
    photo: EvidencePhoto,
    *,
    shows_children: bool,
    parent_consent: bool,
    child_aged_7_or_over: bool,
    child_consent: bool,
    form_reference: str,
    consented_on: date,
    publish: bool,
    by: Any,
    request: Any = None,
) -> PhotoConsent:
    """Save the consent record of a photo and set its publication state (ConsentIncomplete if
    publishing is asked for without the consent it needs)."""
    consent, _created = PhotoConsent.objects.update_or_create(
        photo=photo,
        defaults={
            "shows_children": shows_children,
            "parent_consent": parent_consent,
            "child_aged_7_or_over": child_aged_7_or_over,
            "child_consent": child_consent,
            "form_reference": form_reference.strip(),
            "consented_on": consented_on,
            "recorded_by": by if getattr(by, "is_authenticated", False) else None,
        },
    )
    if publish and not consent.complete:
        raise ConsentIncomplete(_missing(consent))
    state = EvidencePhoto.Publication.PUBLISHABLE if publish else EvidencePhoto.Publication.INTERNAL
    before = photo.publication
    photo.publication, photo.consent_recorded = state, consent.complete
    photo.save(update_fields=["publication", "consent_recorded"])
    audit.record(
        by,
        "photo.consent",
        photo,
        f"Ghi nhận đồng ý cho ảnh {photo.pk} ({consent.form_reference}): {photo.get_publication_display()}",
        path=photo.report.unit.path,
        changes={"publication": [before, state]},
        request=request,
    )
    return consent


def make_internal(photo: EvidencePhoto, *, by: Any, request: Any = None) -> None:
    """Withdraw a photo from publication (consent withdrawn, or a doubt): it stays as evidence."""
    EvidencePhoto.objects.filter(pk=photo.pk).update(publication=EvidencePhoto.Publication.INTERNAL)
    photo.refresh_from_db()
    audit.record(
        by,
        "photo.internal",
        photo,
        f"Ảnh {photo.pk}: chỉ dùng nội bộ",
        path=photo.report.unit.path,
        request=request,
    )


def _missing(consent: PhotoConsent) -> str:
    if not consent.form_reference.strip():
        return "Ghi số, ký hiệu của giấy đồng ý đã ký (lưu tại đơn vị) trước khi cho phép công bố."
    if consent.shows_children and not consent.parent_consent:
        return "Ảnh có trẻ em: cần đồng ý bằng văn bản của cha mẹ hoặc người giám hộ trước khi công bố."
    return (
        "Ảnh có trẻ từ đủ 7 tuổi: cần cả sự đồng ý của trẻ trước khi công bố "
        "(Luật Trẻ em, Nghị định 56/2017)."
    )
