"""The one place that limits what a user sees: every queryset of the staff area goes through `scoped`.

Each scoped model names, in `scope_lookups`, the unit paths that tie a row to the tree; a row is
visible when one of them lies inside the user's subtree. Objects outside it answer 404, never 403,
so their existence does not leak.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from django.db import models
from django.http import Http404

from loa.web.access.models import Membership

log = logging.getLogger("loa.web.access")
M = TypeVar("M", bound=models.Model)


def membership_of(user: Any) -> Membership | None:
    """Return the user's membership, or None for anonymous users and users without a role."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_loa_membership"):  # once per request: the user object lives that long
        user._loa_membership = (
            Membership.objects.select_related("unit", "scope").filter(user=user, user__is_active=True).first()
        )
    return user._loa_membership


def scope_path(user: Any) -> str | None:
    """Return the path prefix the user may see: "/" for superusers, None for no access."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return "/"
    membership = membership_of(user)
    return None if membership is None or not user.is_active else str(membership.scope.path)


def scoped(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """Return the rows of a queryset that lie in the user's subtree (none without a role)."""
    lookups: tuple[str, ...] = queryset.model.scope_lookups
    prefix = scope_path(user)
    if prefix is None:
        return queryset.none()
    if prefix == "/":
        return queryset
    # One subquery per lookup rather than a join: rows reached through several related units appear
    # once, and each subquery can start from the path index (an OR across joins cannot).
    manager = queryset.model._default_manager
    condition = models.Q()
    for lookup in lookups:
        condition |= models.Q(pk__in=manager.filter(**{f"{lookup}__startswith": prefix}).values("pk"))
    return queryset.filter(condition)


def get_scoped_or_404(queryset: models.QuerySet[M], user: Any, **lookup: Any) -> Any:
    """Return one visible object, or raise 404 (logged) when it is missing or outside the subtree."""
    try:
        return scoped(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist:
        log.warning(
            "refused or missing: user=%s model=%s lookup=%s",
            getattr(user, "pk", None),
            queryset.model.__name__,
            lookup,
        )
        raise Http404 from None
