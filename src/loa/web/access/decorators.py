"""`staff_required`: logged in, given a role, and past the second factor when the role needs one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from loa.web.access.rules import role_of
from loa.web.access.twofactor import confirmed_device, needs_second_factor

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Let through users with a role; send administrators to TOTP first."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if role_of(user) is None:
            return render(request, "staff/no_role.html", status=403)
        if needs_second_factor(user) and not user.is_verified():
            step = "staff:otp-verify" if confirmed_device(user) else "staff:otp-enrol"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped
