"""What a role may do to an object it can see (seeing is decided by `scoping.scoped`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from loa.web.access.models import Role
from loa.web.access.scoping import membership_of
from loa.web.units.models import OrgUnit


def role_of(user: Any) -> str | None:
    """Return the user's role ("admin" for superusers), or None."""
    if getattr(user, "is_superuser", False):
        return str(Role.ADMIN)
    membership = membership_of(user)
    return None if membership is None else str(membership.role)


def in_scope(user: Any, unit: OrgUnit) -> bool:
    """Return whether a unit lies in the user's subtree."""
    if getattr(user, "is_superuser", False):
        return True
    membership = membership_of(user)
    return membership is not None and membership.scope.contains(unit)


def can_issue(user: Any) -> bool:
    """Issuer administrators write and send dispatches for their unit."""
    return role_of(user) == Role.ADMIN


def can_act_for(user: Any, unit: OrgUnit) -> bool:
    """Reporters (and administrators) acknowledge and report for units in their subtree."""
    return role_of(user) in (Role.REPORTER, Role.ADMIN) and in_scope(user, unit)


def can_approve(user: Any, unit: OrgUnit) -> bool:
    """Leaders and administrators approve reports of units strictly below their own unit's level."""
    if role_of(user) not in (Role.LEADER, Role.ADMIN) or not in_scope(user, unit):
        return False
    if getattr(user, "is_superuser", False):
        return True
    membership = membership_of(user)
    return membership is not None and not unit.contains(membership.unit)


def require(allowed: bool) -> None:
    """Refuse with 403 when an action on a visible object is not allowed."""
    if not allowed:
        raise PermissionDenied
