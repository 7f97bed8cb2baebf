"""Session lifetime (G5): 30 minutes idle (Django's cookie age), at most `LOA_SESSION_MAX_AGE`
(12 hours) from sign-in whatever the activity, and every session of a user ended when the user is
disabled. Each sign-in is noted in UserSession so a user's sessions can be found without decoding
every session in the store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.http import HttpRequest, HttpResponse

from loa.web.access.models import UserSession

SIGNED_IN_AT = "loa_signed_in_at"
log = logging.getLogger("loa.web.access")


def _store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def end_sessions_of(user: Any) -> int:
    """Delete every session the user signed in with; return how many."""
    store = _store()
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    request.session[SIGNED_IN_AT] = time.time()
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.get_or_create(session_key=request.session.session_key, defaults={"user": user})


def _signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


def _user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and not instance.is_active:
        ended = end_sessions_of(instance)
        if ended:
            log.warning("user %s disabled: %s sessions ended", instance.pk, ended)


class AbsoluteSessionLifetimeMiddleware:
    """Sign out a session older than LOA_SESSION_MAX_AGE seconds since sign-in, however active."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            if started is None or time.time() - float(started) > settings.LOA_SESSION_MAX_AGE:
                _signed_out(None, request, user)
                logout(request)
        return self.get_response(request)


def connect() -> None:
    """Note sign-ins and sign-outs, and end the sessions of users who are disabled."""
    from django.contrib.auth.signals import user_logged_in, user_logged_out
    from django.db.models.signals import post_save

    user_logged_in.connect(_signed_in, dispatch_uid="loa-session-signed-in")
    user_logged_out.connect(_signed_out, dispatch_uid="loa-session-signed-out")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="loa-session-user-disabled")
