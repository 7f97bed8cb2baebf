"""The platform limits as a Markdown table, for docs/publishing.md (a test keeps the two in step)."""

from __future__ import annotations

from loa import platforms as p


def limits_table() -> str:
    """Return every limit the channels check, one Markdown row each, from `loa.platforms`."""
    rows = [
        (x.platform, x.field, f"≤ {x.maximum:,} {x.unit}".replace(",", "."), x.source)
        for x in (
            p.FACEBOOK_MESSAGE,
            p.FACEBOOK_PHOTO_BYTES,
            p.ZALO_TITLE,
            p.ZALO_AUTHOR,
            p.ZALO_DESCRIPTION,
            p.ZALO_COVER_BYTES,
        )
    ]
    start, end = p.ZALO_SENDING_HOURS
    rows += [
        (
            "Facebook",
            "scheduled_publish_time",
            f"{p.FACEBOOK_SCHEDULE_MIN_MINUTES} phút – {p.FACEBOOK_SCHEDULE_MAX_DAYS} ngày sau lúc gửi",
            "Pages API guide",
        ),
        ("Zalo", "cover", "bắt buộc", "article/create, third-party SDK docs"),
        (
            "Zalo",
            "broadcast articles",
            f"≤ {p.ZALO_ARTICLES_PER_BROADCAST} bài",
            "broadcast, third-party SDK docs",
        ),
        ("Zalo", "broadcast giờ gửi", f"{start:02d}:00–{end:02d}:00 giờ Việt Nam", "reported by OA guides"),
        (
            "Facebook",
            "attached_media",
            f"≤ {p.FACEBOOK_PHOTOS_PER_POST} ảnh một bài",
            p.FACEBOOK_PHOTOS_PER_POST_SOURCE,
        ),
        (
            "Zalo",
            "broadcast hạn mức",
            f"{p.ZALO_BROADCAST_PER_FOLLOWER_PER_DAY} tin/ngày; "
            + "/".join(map(str, p.ZALO_BROADCAST_PER_MONTH_BY_PACKAGE))
            + " tin/tháng theo gói OA",
            "Zalo OA FAQ (marked possibly outdated)",
        ),
        (
            "Facebook",
            "mã giới hạn tần suất",
            ", ".join(map(str, sorted(p.RATE_LIMIT_CODES["facebook"]))),
            "Graph API rate limiting",
        ),
        (
            "Zalo",
            "mã giới hạn tần suất",
            ", ".join(map(str, sorted(p.RATE_LIMIT_CODES["zalo"]))),
            "Zalo OA API",
        ),
    ]
    lines = ["| nền tảng | trường | giới hạn | nguồn |", "|---|---|---|---|"]
    return "\n".join([*lines, *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)])
