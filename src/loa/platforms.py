"""Every limit of the platforms Loa publishes to, in one place, with where each comes from.

Re-check against the live documentation before relying on a limit in production; third-party
SDK documentation is marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """One platform limit on one field."""

    platform: str
    field: str
    maximum: int
    unit: str
    source: str


FACEBOOK_MESSAGE = Limit(
    "Facebook",
    "message",
    63_206,
    "ký tự",
    "Graph API /{page-id}/feed message field (commonly documented maximum)",
)
FACEBOOK_SCHEDULE_MIN_MINUTES = 10
FACEBOOK_SCHEDULE_MAX_DAYS = 30
"""Pages API guide: a scheduled time must be between 10 minutes and 30 days from the request."""

ZALO_TITLE = Limit("Zalo", "title", 150, "ký tự", "article/create, third-party SDK docs")
ZALO_AUTHOR = Limit("Zalo", "author", 50, "ký tự", "article/create, third-party SDK docs")
ZALO_DESCRIPTION = Limit("Zalo", "description", 300, "ký tự", "article/create, third-party SDK docs")
ZALO_COVER_BYTES = Limit("Zalo", "cover", 1_000_000, "byte", "article/create: image ≤ 1 MB")
ZALO_ARTICLES_PER_BROADCAST = 5
ZALO_SENDING_HOURS = (6, 20)
"""Broadcasts are reported to be delivered between 06:00 and 20:00."""

FACEBOOK_PHOTO_BYTES = Limit(
    "Facebook",
    "photo",
    4_000_000,
    "byte",
    "Graph API /{page-id}/photos: photos should be less than 4 MB",
)
FACEBOOK_PHOTOS_PER_POST = 10
FACEBOOK_PHOTOS_PER_POST_SOURCE = "attached_media: common practice, not an official limit — verify"
"""A multi-photo post: photos uploaded unpublished, then attached to one feed post."""

ZALO_BROADCAST_PER_FOLLOWER_PER_DAY = 1
"""Each follower receives at most one broadcast a day (Zalo OA FAQ, marked possibly outdated)."""
ZALO_BROADCAST_PER_MONTH_BY_PACKAGE = (1, 4, 6)
"""Broadcasts a follower may receive per month, by OA package; quotas reset monthly (Zalo OA FAQ)."""
ZALO_BROADCAST_PER_MONTH_DEFAULT = 1
"""The strictest package, until LOA_ZALO_BROADCAST_QUOTA names the OA's own."""

RATE_LIMIT_CODES: dict[str, frozenset[int]] = {
    "facebook": frozenset({4, 17, 32, 613, 80001}),
    "zalo": frozenset({-32}),
}
"""Error codes that mean "slow down": Graph API rate-limiting guide (4 app, 17 user, 32 page,
613 call rate, 80001 Pages business use case); Zalo OA API -32 (request rate exceeded)."""
ZALO_EXPIRED_TOKEN = -216
"""Zalo: access token invalid or expired (also HTTP 401); refresh and retry once."""
ZALO_REFRESH_TOKEN_USED = -14020
"""Zalo OAuth v4: the refresh token was already used (it works once)."""
FACEBOOK_EXPIRED_TOKEN = 190
"""Graph API OAuthException: the access token is invalid or expired."""

HASHTAG_MAX = 30
"""Facebook shows no more than this many hashtags usefully; more reads as spam."""


def over(limit: Limit, value: str | bytes) -> str | None:
    """Return a message naming the limit and the field if the value exceeds it, else None."""
    size = len(value)
    if size <= limit.maximum:
        return None
    return f"{limit.platform} {limit.field}: dài {size} {limit.unit}, tối đa {limit.maximum} ({limit.source})"
