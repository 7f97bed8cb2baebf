"""Consent before publishing evidence photos (G8): internal by default; "may be published" only
with the parents' consent for an identifiable child and the child's own from age 7, on a record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from factories import create_dispatch, create_report, create_user, sample_jpeg, sign_in

from loa.web.access.models import AuditEvent, Role
from loa.web.reports import flows
from loa.web.reports.models import EvidencePhoto, PhotoConsent

pytestmark = pytest.mark.django_db
Publication = EvidencePhoto.Publication


@pytest.fixture
def photo(tree):
    dispatch = create_dispatch(tree.issuer, units=[tree.school_long_an])
    report = create_report(dispatch.deliveries.get())
    return flows.add_photo(report, sample_jpeg(size=(80, 60)), caption="Tiết học", by=None)


def _post(client, photo, **fields):
    data = {
        "shows_children": "on",
        "form_reference": "01/GĐY-THCSLA",
        "consented_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        **fields,
    }
    return client.post(reverse("staff:photo-consent", args=[photo.pk]), {k: v for k, v in data.items() if v})


def test_a_new_photo_is_internal_and_may_not_be_published(photo) -> None:
    assert photo.publication == Publication.INTERNAL and not photo.may_be_published


@pytest.mark.parametrize(
    ("fields", "allowed"),
    [
        ({}, False),  # a child in the photo, no parent consent
        ({"parent_consent": "on"}, True),  # children under 7: the parents' consent suffices
        ({"parent_consent": "on", "child_aged_7_or_over": "on"}, False),  # the child's own is missing
        ({"parent_consent": "on", "child_aged_7_or_over": "on", "child_consent": "on"}, True),
        ({"shows_children": "", "form_reference": ""}, False),  # no record to point to
        ({"shows_children": ""}, True),  # no identifiable child, on a recorded decision
    ],
)
def test_publishing_needs_the_consent_the_law_asks_for(client, tree, photo, fields, allowed) -> None:
    sign_in(client, create_user("school", role=Role.REPORTER, unit=tree.school_long_an))
    response = _post(client, photo, publish="on", **fields)
    photo.refresh_from_db()
    assert (response.status_code == 302) is allowed
    assert (photo.publication == Publication.PUBLISHABLE) is allowed
    assert EvidencePhoto.objects.select_related("consent").get(pk=photo.pk).may_be_published is allowed
    if not allowed:
        assert response.status_code == 400 and "công bố" in response.content.decode()


def test_consent_can_be_recorded_without_publishing_and_withdrawn(client, tree, photo) -> None:
    sign_in(client, create_user("school", role=Role.REPORTER, unit=tree.school_long_an))
    assert _post(client, photo, parent_consent="on").status_code == 302
    photo.refresh_from_db()
    assert photo.publication == Publication.INTERNAL and photo.consent.complete
    _post(client, photo, parent_consent="on", publish="on")
    photo.refresh_from_db()
    assert photo.may_be_published
    _post(client, photo, parent_consent="on")  # publishing withdrawn: back to internal
    photo.refresh_from_db()
    assert photo.publication == Publication.INTERNAL and not photo.may_be_published
    assert AuditEvent.objects.filter(action="photo.consent").count() == 3
    assert PhotoConsent.objects.count() == 1


def test_the_consent_page_is_scoped_and_only_for_the_units_reporters(client, tree, photo) -> None:
    sign_in(client, create_user("other", role=Role.REPORTER, unit=tree.school_tan_an))
    assert client.get(reverse("staff:photo-consent", args=[photo.pk])).status_code == 404
    sign_in(client, create_user("viewer", role=Role.LEADER, unit=tree.long_an))
    assert client.get(reverse("staff:photo-consent", args=[photo.pk])).status_code == 403
    sign_in(client, create_user("school", role=Role.REPORTER, unit=tree.school_long_an))
    page = client.get(reverse("staff:photo-consent", args=[photo.pk])).content.decode()
    assert "Nghị định 56/2017" in page and "không ghi tên trẻ" in page.lower()
    detail = client.get(reverse("staff:report", args=[photo.report_id])).content.decode()
    assert reverse("staff:photo-consent", args=[photo.pk]) in detail and "Nội bộ" in detail


def test_a_consent_date_in_the_future_is_refused(client, tree, photo) -> None:
    sign_in(client, create_user("school", role=Role.REPORTER, unit=tree.school_long_an))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _post(client, photo, parent_consent="on", consented_on=tomorrow).status_code == 400
    assert not PhotoConsent.objects.exists()
