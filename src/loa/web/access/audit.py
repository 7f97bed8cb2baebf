"""Record changes and sensitive reads in the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from loa.web.access.models import AuditEvent


def record(
    user: Any,
    action: str,
    obj: models.Model,
    summary: str,
    *,
    path: str = "/",
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Add one audit event for an action on an object that lies at a unit path."""
    authenticated = getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk),
        summary=summary[:300],
        changes=changes or {},
        scope_path=path,
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Return {field: [old, new]} for the fields whose values differ (as text)."""
    return {k: [str(before.get(k)), str(v)] for k, v in after.items() if str(before.get(k)) != str(v)}
