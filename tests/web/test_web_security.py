"""Security headers and cookies on staff pages (reliability targets G2 and G5, first cut)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from factories import create_user, sign_in

from loa.web.access.models import Role

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_strict_content_security_policy(client) -> None:
    response = client.get(reverse("staff:login"))
    policy = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_http_only_lax_and_expires_after_30_idle_minutes(client, tree) -> None:
    create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    client.post(reverse("staff:login"), {"username": "school", "password": "mat-khau-thu-nghiem-2026"})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) == 1800


def test_a_logged_out_session_cookie_cannot_be_replayed(client, tree) -> None:
    user = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    sign_in(client, user)
    stolen = client.cookies["sessionid"].value
    client.post(reverse("staff:logout"))
    client.cookies["sessionid"] = stolen
    assert client.get(reverse("staff:inbox")).status_code == 302


def test_disabling_a_user_ends_their_access_at_once(client, tree) -> None:
    user = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    sign_in(client, user)
    user.is_active = False
    user.save()
    assert client.get(reverse("staff:inbox")).status_code == 302


def test_the_back_offices_refusals_are_logged_like_the_staff_areas(client, tree, caplog) -> None:
    """Django's admin turns away a user without a staff account itself; the refusal is still one
    line on loa.web.access (who, what, why)."""
    user = create_user("school", role=Role.REPORTER, unit=tree.school_long_an)
    sign_in(client, user)
    with caplog.at_level("WARNING", logger="loa.web.access"):
        response = client.get(reverse("admin:index"))
        client.get(reverse("admin:login"))  # the sign-in page itself refuses nobody
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    lines = [r.getMessage() for r in caplog.records if r.name == "loa.web.access"]
    reason = "back office: a staff account and its second factor needed"
    assert lines == [f"denied GET /quan-tri/: status=302 user={user.pk} reason={reason}"]
