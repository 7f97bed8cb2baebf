"""Scoping: a user never sees or changes another subtree's units, dispatches, reports or files —
lists leak no foreign rows, and every detail, export and file endpoint answers 404 for them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from factories import create_dispatch, create_report, create_user, sample_jpeg, sign_in

from loa.web.access.models import AuditEvent, Role
from loa.web.access.scoping import scoped
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.reports.flows import add_photo
from loa.web.reports.models import ActivityReport, EvidencePhoto
from loa.web.units.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    """A sent dispatch in each province, with a report and a photo in each."""
    tn = create_dispatch(tree.issuer, units=[tree.school_long_an, tree.school_tan_an, tree.police_long_an])
    hn = create_dispatch(tree.hanoi_issuer, units=[tree.school_hoan_kiem])
    reports = {}
    for dispatch in (tn, hn):
        for delivery in dispatch.deliveries.all():
            report = create_report(delivery, status=ActivityReport.Status.SUBMITTED, children_11_15=10)
            add_photo(report, sample_jpeg(), caption="", by=None)
            reports[delivery.unit.code] = report
    users = {
        "admin_tn": create_user("admin_tn", role=Role.ADMIN, unit=tree.issuer, scope=tree.tay_ninh),
        "leader_long_an": create_user("leader_long_an", role=Role.LEADER, unit=tree.long_an),
        "reporter_school": create_user("reporter_school", role=Role.REPORTER, unit=tree.school_long_an),
        "reporter_tan_an": create_user("reporter_tan_an", role=Role.REPORTER, unit=tree.school_tan_an),
        "admin_hn": create_user("admin_hn", role=Role.ADMIN, unit=tree.hanoi_issuer, scope=tree.ha_noi),
    }
    return {"tree": tree, "tn": tn, "hn": hn, "reports": reports, "users": users}


def foreign_objects(world, username):
    """Objects outside each user's subtree, by the endpoint that must refuse them."""
    r, tree = world["reports"], world["tree"]
    outside = {
        "admin_tn": ("70-THCS", world["hn"], tree.hoan_kiem),
        "admin_hn": ("27700-THCS", world["tn"], tree.long_an),
        "leader_long_an": ("27694-THCS", world["hn"], tree.tan_an),
        "reporter_school": ("27694-THCS", world["hn"], tree.police_long_an),
        "reporter_tan_an": ("27700-THCS", world["hn"], tree.long_an),
    }[username]
    report, dispatch, unit = r[outside[0]], outside[1], outside[2]
    delivery = report.delivery
    photo = report.photos.first()
    return [
        ("get", reverse("staff:dispatch", args=[dispatch.pk])),
        ("get", reverse("staff:dispatch-docx", args=[dispatch.pk])),
        ("get", reverse("staff:dispatch-edit", args=[dispatch.pk])),
        ("post", reverse("staff:dispatch-send", args=[dispatch.pk])),
        ("get", reverse("staff:pack-file", args=[dispatch.pk, "bai-viet/x.html"])),
        ("get", reverse("staff:dashboard-dispatch", args=[dispatch.pk])),
        ("get", reverse("staff:export-csv", args=[dispatch.pk])),
        ("get", reverse("staff:export-xlsx", args=[dispatch.pk])),
        ("get", reverse("staff:export-report", args=[dispatch.pk])),
        ("post", reverse("staff:acknowledge", args=[delivery.pk])),
        ("get", reverse("staff:report-create", args=[delivery.pk])),
        ("get", reverse("staff:report", args=[report.pk])),
        ("get", reverse("staff:report-edit", args=[report.pk])),
        ("post", reverse("staff:report-submit", args=[report.pk])),
        ("post", reverse("staff:report-review", args=[report.pk])),
        ("post", reverse("staff:photo-upload", args=[report.pk])),
        ("get", reverse("staff:photo", args=[photo.pk, "lon"])),
        ("get", reverse("staff:photo", args=[photo.pk, "nho"])),
        ("get", reverse("staff:unit", args=[unit.pk])),
    ]


USERS = ["admin_tn", "admin_hn", "leader_long_an", "reporter_school", "reporter_tan_an"]


@pytest.mark.parametrize("username", USERS)
def test_every_endpoint_answers_404_for_objects_outside_the_users_subtree(client, world, username) -> None:
    sign_in(client, world["users"][username])
    before = {m: m.objects.count() for m in (Delivery, ActivityReport, EvidencePhoto, Dispatch)}
    refused = []
    for verb, url in foreign_objects(world, username):
        response = getattr(client, verb)(
            url, {"decision": "approve", "note": "x"} if verb == "post" else None
        )
        refused.append((url, response.status_code))
    assert [(url, code) for url, code in refused if code != 404] == []
    assert {m: m.objects.count() for m in before} == before
    assert not Delivery.objects.filter(acknowledged_at__isnull=False).exists()
    assert not ActivityReport.objects.filter(status=ActivityReport.Status.APPROVED).exists()


@pytest.mark.parametrize("username", USERS)
def test_list_pages_show_no_row_from_another_subtree(client, world, username) -> None:
    user = world["users"][username]
    sign_in(client, user)
    scope = user.membership.scope
    # Named outside the subtree, and only these: the issuers of dispatches sent into it, and the
    # units above it (as "trực thuộc").
    issuers = scoped(Dispatch.objects.all(), user).values("issuer")
    foreign_units = (
        OrgUnit.objects.exclude(path__startswith=scope.path)
        .exclude(pk__in=issuers)
        .exclude(pk__in=scope.ancestor_ids)
    )
    pages = "".join(
        client.get(reverse(name)).content.decode()
        for name in ("staff:dispatches", "staff:reports", "staff:units", "staff:inbox", "staff:dashboard")
    )
    leaked = [u.name for u in foreign_units if u.kind != "province" and f">{u.name}<" in pages]
    assert leaked == []


def test_the_progress_export_holds_only_the_users_own_subtree(client, world) -> None:
    sign_in(client, world["users"]["leader_long_an"])
    csv_text = client.get(reverse("staff:export-csv", args=[world["tn"].pk])).content.decode("utf-8-sig")
    assert "Trường THCS Long An" in csv_text and "Công an phường Long An" in csv_text
    assert "Tân An" not in csv_text


def test_the_scoping_helper_filters_each_model_by_its_units(world) -> None:
    user = world["users"]["reporter_school"]
    assert list(scoped(ActivityReport.objects.all(), user)) == [world["reports"]["27700-THCS"]]
    assert list(scoped(Dispatch.objects.all(), user)) == [world["tn"]]
    assert scoped(EvidencePhoto.objects.all(), user).count() == 1
    assert scoped(OrgUnit.objects.all(), user).count() == 1


def test_users_without_a_role_see_nothing_and_get_a_clear_page(client, world, django_user_model) -> None:
    stranger = django_user_model.objects.create_user("stranger", password="x-y-z-1234567")
    assert scoped(Dispatch.objects.all(), stranger).count() == 0
    client.force_login(stranger)
    response = client.get(reverse("staff:dispatches"))
    assert response.status_code == 403
    assert "chưa được phân quyền" in response.content.decode()


def test_a_reporter_cannot_approve_even_inside_the_subtree(client, world) -> None:
    sign_in(client, world["users"]["reporter_school"])
    report = world["reports"]["27700-THCS"]
    response = client.post(reverse("staff:report-review", args=[report.pk]), {"decision": "approve"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.SUBMITTED


def test_a_leader_cannot_approve_the_report_of_their_own_unit(client, world, tree) -> None:
    leader = create_user("leader_school", role=Role.LEADER, unit=tree.school_long_an)
    sign_in(client, leader)
    report = world["reports"]["27700-THCS"]
    assert (
        client.post(reverse("staff:report-review", args=[report.pk]), {"decision": "approve"}).status_code
        == 403
    )


def test_viewing_an_evidence_photo_is_recorded_in_the_audit_log(client, world) -> None:
    sign_in(client, world["users"]["leader_long_an"])
    photo = world["reports"]["27700-THCS"].photos.first()
    response = client.get(reverse("staff:photo", args=[photo.pk, "lon"]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="photo.viewed", object_id=str(photo.pk)).count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(client, world) -> None:
    response = client.get(reverse("staff:report", args=[world["reports"]["27700-THCS"].pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff:login"))
