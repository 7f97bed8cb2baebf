"""What every staff page shows in its frame: who is signed in, for which unit, and the menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from loa.web.access.models import Role
from loa.web.access.rules import role_of
from loa.web.access.scoping import membership_of


def staff(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    return {
        "membership": membership_of(user),
        "role": role,
        "role_label": Role(role).label if role else "",
        "is_leader_view": role in (Role.ADMIN, Role.LEADER),
        "is_admin_role": role == Role.ADMIN,
    }
