"""`staff_required`: logged in, given a role, and past the second factor when the role needs one.

Every refusal on the way in or out of a staff view is logged on `loa.web.access` (one line: who,
what, why), so a denial never goes unrecorded; `BackOfficeDenials` logs the back office's (Django's
admin turns users away itself).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from loa.web.access.rules import role_of
from loa.web.access.twofactor import confirmed_device, needs_second_factor

View = Callable[..., HttpResponse]
log = logging.getLogger("loa.web.access")


def staff_required(view: View) -> View:
    """Let through users with a role; send administrators to TOTP first."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            _denied(request, 302, "not signed in")
            return redirect_to_login(request.get_full_path())
        if role_of(user) is None:
            _denied(request, 403, "no role")
            return render(request, "staff/no_role.html", status=403)
        if needs_second_factor(user) and not user.is_verified():
            _denied(request, 302, "second factor needed")
            step = "staff:otp-verify" if confirmed_device(user) else "staff:otp-enrol"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            _denied(request, 403, "not allowed for the role")
            raise
        except Http404:
            _denied(request, 404, "missing or outside the subtree")
            raise

    return wrapped


def _denied(request: HttpRequest, status: int, reason: str) -> None:
    log.warning(
        "denied %s %s: status=%s user=%s reason=%s",
        request.method,
        request.path,
        status,
        getattr(request.user, "pk", None),
        reason,
    )


class BackOfficeDenials:
    """Middleware: log on `loa.web.access` the refusals of the back office (Django's admin), which
    sends a user without a staff account or a confirmed second factor to its own sign-in page and
    answers 403 to one without the permission, outside `staff_required`."""

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        places = _back_office()
        if places is None or not request.path.startswith(places[0]) or request.path in places[1:]:
            return response
        if response.status_code in (403, 404):
            _denied(request, response.status_code, "back office: not allowed or missing")
        elif response.status_code == 302 and response.get("Location", "").startswith(places[1]):
            _denied(request, 302, "back office: a staff account and its second factor needed")
        return response


@functools.cache
def _back_office() -> tuple[str, ...] | None:
    """Return the back office's prefix, then its sign-in and sign-out pages; None without one."""
    try:
        return (reverse("admin:index"), reverse("admin:login"), reverse("admin:logout"))
    except NoReverseMatch:
        return None
