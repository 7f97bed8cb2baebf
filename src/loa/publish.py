"""Publishing a build: plan the posts from manifest.json, then deliver each one at most once.

The recipe: read the build → prepare one post per topic and channel (pure, limits checked) →
plan them in the outbox → deliver due posts in parallel (mark sending, send, record the outcome;
reconcile unknowns upstream before any retry; back off on 429 and rate-limit codes).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from loa.channels.base import (
    Channel,
    LimitError,
    MissingSecretError,
    Post,
    PublishError,
    RateLimitedError,
    RejectedError,
    RetryableError,
    UnknownOutcomeError,
    backoff,
)
from loa.channels.facebook import GRAPH_URL, FacebookPage, beyond_window, prepare_facebook
from loa.channels.provinces import read_city_codes
from loa.channels.secrets import Secrets, scrub
from loa.channels.webhook import Webhook, prepare_webhook
from loa.channels.zalo import (
    API_URL,
    OAUTH_URL,
    VIETNAM,
    ZaloOA,
    ZaloTokens,
    prepare_zalo_article,
    prepare_zalo_broadcast,
    quota_problem,
    zalo_target,
)
from loa.outbox import FILE_NAME, Outbox, Record, Vault, data_dir
from loa.platforms import ZALO_BROADCAST_PER_MONTH_DEFAULT
from loa.social import FACEBOOK_IMAGE_SIZES

log = logging.getLogger("loa.publish")
CHANNEL_NAMES = ("facebook", "zalo", "webhook")
ZALO_COVER_SIZES = ((1280, 720), (1200, 630), (1080, 1080))


@dataclass(frozen=True)
class Policy:
    """How hard to try: attempts per post, backoff base and cap (seconds), and parallel senders."""

    max_attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 60.0
    workers: int = 8
    lease_seconds: float = 600.0


@dataclass(frozen=True)
class Slot:
    """When a topic goes out, and on which channels (all chosen ones when empty)."""

    topic: str | None
    at: datetime | None
    channels: tuple[str, ...] = ()
    photos: tuple[str, ...] = ()
    """More images of the build (manifest paths) after the topic's card: a multi-photo Facebook post."""


@dataclass(frozen=True)
class Targets:
    """Where each channel posts: the Page id, the OA id and the webhook URL."""

    facebook: str = ""
    zalo: str = ""
    webhook: str = ""


def plan_posts(
    site: Path,
    *,
    channels: Sequence[str],
    targets: Targets,
    slots: Sequence[Slot],
    now: datetime,
    sent: Callable[[str], bool] = lambda key: False,
) -> list[Post]:
    """Return the posts of a build for the chosen channels and times; raise naming any limit broken.

    `sent(key)` tells which posts are already sent: their schedule window is not checked again.
    """
    manifest = _manifest(site)
    topics = [t["id"] for t in manifest.get("topics", [])]
    posts, problems = [], []
    for slot in slots or [Slot(None, None)]:
        for topic in [slot.topic] if slot.topic else topics:
            if topic not in topics:
                raise PublishError(f"lịch đăng: chủ đề '{topic}' không có trong bản build {site}")
            for name in slot.channels or channels:
                try:
                    posts.append(_prepare(site, manifest, name, topic, targets, slot, now, sent))
                except LimitError as exc:
                    problems.append(str(exc))
    if problems:
        raise LimitError("vượt giới hạn nền tảng:\n" + "\n".join(problems))
    return posts


def deliver_all(
    posts: Sequence[Post],
    channels: Mapping[str, Channel],
    outbox: Outbox,
    *,
    policy: Policy,
    now: datetime,
) -> list[Record]:
    """Deliver every due post at most once, in parallel; return their outbox rows."""
    outbox.recover_stale(policy.lease_seconds)
    for post in posts:
        outbox.plan(post)
    due = [p for p in posts if _due(p, channels[p.channel], now)]
    stop = threading.Event()
    errors: list[PublishError] = []

    def one(post: Post) -> None:
        if stop.is_set():
            return
        try:
            deliver(post, channels[post.channel], outbox, policy=policy)
        except PublishError as exc:
            errors.append(exc)
            stop.set()

    with ThreadPoolExecutor(max_workers=max(1, policy.workers)) as pool:
        list(pool.map(one, due))
    if errors:
        raise errors[0]
    return [r for r in (outbox.get(p.key) for p in posts) if r is not None]


def deliver(post: Post, channel: Channel, outbox: Outbox, *, policy: Policy) -> Record:
    """Send one post at most once: claim, send, record; reconcile an unknown outcome before a retry."""
    outbox.plan(post)
    for attempt in range(1, policy.max_attempts + 1):
        record = _current(outbox, post)
        if record.state == "unknown":
            if not (channel.idempotent_resend or channel.can_find(post)):
                return record  # cannot be searched: a person checks the platform
            if not _reconcile(post, channel, outbox, attempt, policy):
                continue
            record = _current(outbox, post)
        if record.state != "planned" and record.state != "failed":
            return record  # sent, unknown for a person to check, or another worker is sending it
        if not outbox.claim(post.key):
            return _current(outbox, post)
        try:
            _attempt(post, channel, outbox, attempt, policy)
        except _Stop:
            return _current(outbox, post)
    return _current(outbox, post)


def _attempt(post: Post, channel: Channel, outbox: Outbox, attempt: int, policy: Policy) -> None:
    """Make one send of a claimed post and record what happened."""
    try:
        receipt = channel.publish(post)
    except RateLimitedError as exc:
        wait = exc.retry_after if exc.retry_after is not None else _pause(attempt, policy)
        channel.gate.hold(wait)
        outbox.mark_failed(post.key, str(exc))
    except RetryableError as exc:
        outbox.mark_failed(post.key, str(exc))
        time.sleep(_pause(attempt, policy))
    except UnknownOutcomeError as exc:
        outbox.mark_unknown(post.key, str(exc))
        time.sleep(_pause(attempt, policy))
    except RejectedError as exc:
        outbox.mark_failed(post.key, str(exc))
        raise _Stop from None
    except PublishError as exc:
        outbox.mark_failed(post.key, str(exc))
        raise
    else:
        outbox.mark_sent(post.key, receipt.upstream_id, receipt.link)
        log.info("đã đăng %s %s → %s", post.channel, post.topic, receipt.upstream_id)


def _reconcile(post: Post, channel: Channel, outbox: Outbox, attempt: int, policy: Policy) -> bool:
    """Settle an unknown post: sent if found upstream, failed (to resend) if not; False if undecided."""
    if channel.idempotent_resend:
        outbox.mark_not_found(post.key)  # the receiver deduplicates on the key
        return True
    try:
        found = channel.find(post)
    except (RetryableError, UnknownOutcomeError) as exc:
        log.info("đối soát %s chưa xong: %s", post.key, scrub(str(exc)))
        time.sleep(_pause(attempt, policy))
        return False
    if found is not None:
        outbox.mark_sent(post.key, found.upstream_id, found.link)
    else:
        outbox.mark_not_found(post.key)
    return True


class _Stop(Exception):
    """This post was refused for good; the others go on."""


def _current(outbox: Outbox, post: Post) -> Record:
    record = outbox.get(post.key)
    assert record is not None
    return record


def _pause(attempt: int, policy: Policy) -> float:
    return backoff(attempt, base=policy.base_delay, cap=policy.max_delay)


def _due(post: Post, channel: Channel, now: datetime) -> bool:
    """Sent now: unscheduled, due, or held by the platform and inside its window (else it waits)."""
    if post.scheduled_at is None or post.scheduled_at <= now:
        return True
    return channel.schedules_natively and not beyond_window(post.scheduled_at, now)


def read_calendar(path: Path) -> list[Slot]:
    """Return the slots of a calendar file: a YAML list of {at, topic, channels?}."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PublishError(f"{path}: không đọc được lịch đăng ({exc})") from None
    if not isinstance(data, list):
        raise PublishError(f"{path}: lịch đăng cần một danh sách các mục 'at:' và 'topic:'")
    slots = []
    for number, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or "at" not in entry or "topic" not in entry:
            raise PublishError(f"{path}: mục {number}: cần 'at:' (ngày giờ) và 'topic:' (mã chủ đề)")
        channels = entry.get("channels") or ()
        at = parse_time(entry["at"], f"{path}: mục {number}")
        photos = tuple(str(x) for x in entry.get("photos") or ())
        slots.append(Slot(str(entry["topic"]), at, tuple(channels), photos))
    return slots


def parse_time(value: Any, where: str = "--schedule") -> datetime:
    """Return an aware datetime from ISO 8601 text (Vietnam time when no offset is given)."""
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise PublishError(f"{where}: '{value}' không phải ngày giờ — ví dụ 2026-06-01T09:00+07:00") from None
    return when if when.tzinfo else when.replace(tzinfo=VIETNAM)


def _manifest(site: Path) -> dict[str, Any]:
    try:
        data = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise PublishError(
            f"{site}: không có manifest.json — chạy trước: loa build <chiến-dịch> --out {site}"
        ) from None
    if not isinstance(data, dict):
        raise PublishError(f"{site}/manifest.json: không đúng định dạng")
    return data


def _product(manifest: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    found: Mapping[str, Any] | None = next(
        (x for x in manifest.get("products", []) if x.get("path") == path), None
    )
    return found


def card_path(site: Path, topic: str, channel: str) -> str | None:
    """Return the manifest path of the card a topic's post carries on a channel (for previews)."""
    sizes = FACEBOOK_IMAGE_SIZES if channel == "facebook" else ZALO_COVER_SIZES
    card = _card(_manifest(site), topic, sizes)
    return str(card["path"]) if card else None


def topic_images(site: Path, topic: str) -> list[str]:
    """Return the manifest paths of a topic's PNG/JPEG products: the photos a multi-photo post may add."""
    return [
        str(x["path"])
        for x in _manifest(site).get("products", [])
        if x.get("topic") == topic and x.get("format") in ("png", "jpg", "jpeg")
    ]


def _card(
    manifest: Mapping[str, Any], topic: str, sizes: Iterable[tuple[int, int]]
) -> Mapping[str, Any] | None:
    cards: list[Mapping[str, Any]] = [
        x
        for x in manifest.get("products", [])
        if x.get("kind") == "card" and x.get("format") == "png" and x.get("topic") == topic
    ]
    for size in sizes:
        for card in cards:
            if (card.get("width"), card.get("height")) == size:
                return card
    return cards[0] if cards else None


def _prepare(
    site: Path,
    manifest: Mapping[str, Any],
    name: str,
    topic: str,
    targets: Targets,
    slot: Slot,
    now: datetime,
    sent: Callable[[str], bool],
) -> Post:
    at = slot.at
    folder = f"mang-xa-hoi/{topic}"
    article_entry = _product(manifest, f"{folder}/zalo.json")
    article = json.loads((site / folder / "zalo.json").read_text(encoding="utf-8")) if article_entry else {}
    link = str(
        article.get("related_link") or manifest["campaign"]["base_url"].rstrip("/") + f"/chu-de/{topic}/"
    )
    if name == "facebook":
        text = _product(manifest, f"{folder}/facebook.txt")
        if text is None:
            raise PublishError(f"{site}: thiếu {folder}/facebook.txt — build lại với định dạng social")
        card = _card(manifest, topic, FACEBOOK_IMAGE_SIZES)
        photo = (site / card["path"]).read_bytes() if card else None
        options: dict[str, Any] = {
            "page_id": targets.facebook,
            "topic": topic,
            "message": (site / text["path"]).read_text(encoding="utf-8"),
            "product_sha256": _combined(text, card),
            "link": link,
            "photo": photo,
            "photo_name": Path(card["path"]).name if card else "",
            "scheduled_at": at,
            "photos": _images(site, manifest, slot.photos),
        }
        if slot.photos:
            options["product_sha256"] = _combined(text, card, *(_product(manifest, x) for x in slot.photos))
        unchecked = prepare_facebook(now=None, **options)
        if sent(unchecked.key) or beyond_window(at, now):
            return unchecked  # sent, or waiting in the outbox until it enters the window
        return prepare_facebook(now=now, **options)
    if name == "zalo":
        if article_entry is None:
            raise PublishError(f"{site}: thiếu {folder}/zalo.json — build lại với định dạng social")
        card = _card(manifest, topic, ZALO_COVER_SIZES)
        cover = (site / card["path"]).read_bytes() if card else None
        post = prepare_zalo_article(
            oa_id=targets.zalo,
            topic=topic,
            article=article,
            product_sha256=_combined(article_entry, card),
            cover=cover,
        )
        return replace(post, scheduled_at=at)
    if name == "webhook":
        payload = {
            "title": article.get("title", topic),
            "description": article.get("description", ""),
            "link": link,
            "scheduled_at": at.isoformat() if at else None,
        }
        post = prepare_webhook(
            url=targets.webhook,
            topic=topic,
            payload=payload,
            product_sha256=str((article_entry or {}).get("sha256", topic)),
        )
        return replace(post, scheduled_at=at)
    raise PublishError(f"kênh '{name}' không có — chọn trong: {', '.join(CHANNEL_NAMES)}")


def _images(site: Path, manifest: Mapping[str, Any], paths: Sequence[str]) -> list[tuple[str, bytes]]:
    """Return the named images of the build; only products its manifest lists (never another file)."""
    images = []
    for path in paths:
        entry = _product(manifest, path)
        target = (site / path).resolve()
        inside = target.is_relative_to(site.resolve()) and target.is_file()
        if entry is None or entry.get("format") not in ("png", "jpg", "jpeg") or not inside:
            raise PublishError(
                f"{site}: ảnh '{path}' không phải ảnh PNG/JPEG trong manifest.json của bản build"
            )
        images.append((target.name, target.read_bytes()))
    return images


def _combined(*entries: Mapping[str, Any] | None) -> str:
    joined = "|".join(str(e.get("sha256", "")) for e in entries if e)
    return hashlib.sha256(joined.encode()).hexdigest()


def targets_from(secrets: Secrets) -> Targets:
    """Return the Page id, OA id and webhook URL set in the environment."""
    return Targets(
        facebook=secrets.setting("LOA_FACEBOOK_PAGE_ID"),
        zalo=secrets.setting("LOA_ZALO_OA_ID", "oa"),
        webhook=secrets.setting("LOA_WEBHOOK_URL"),
    )


def open_channels(
    names: Sequence[str], secrets: Secrets, outbox: Outbox, *, timeout: float
) -> dict[str, Channel]:
    """Return the configured channels; raise naming the first missing token or setting."""
    opened: dict[str, Channel] = {}
    targets = targets_from(secrets)
    for name in names:
        if name == "facebook":
            if not targets.facebook:
                raise MissingSecretError("thiếu LOA_FACEBOOK_PAGE_ID (mã Trang Facebook)")
            opened[name] = FacebookPage(
                page_id=targets.facebook,
                token=secrets.require("LOA_FACEBOOK_PAGE_TOKEN", "token Trang Facebook dài hạn"),
                base_url=secrets.setting("LOA_FACEBOOK_GRAPH_URL", GRAPH_URL),
                timeout=timeout,
            )
        elif name == "zalo":
            opened[name] = _zalo(secrets, outbox, targets, timeout)
        elif name == "webhook":
            if not targets.webhook:
                raise MissingSecretError("thiếu LOA_WEBHOOK_URL (địa chỉ nhận webhook)")
            opened[name] = Webhook(
                url=targets.webhook,
                secret=secrets.require("LOA_WEBHOOK_SECRET", "khóa ký HMAC"),
                timeout=timeout,
            )
        else:
            raise PublishError(f"kênh '{name}' không có — chọn trong: {', '.join(CHANNEL_NAMES)}")
    return opened


def _zalo(secrets: Secrets, outbox: Outbox, targets: Targets, timeout: float) -> ZaloOA:
    key = secrets.require("LOA_SECRET_KEY", "khóa mã hóa token lưu trong outbox")
    app_id = secrets.setting("LOA_ZALO_APP_ID")
    if not app_id:
        raise MissingSecretError("thiếu LOA_ZALO_APP_ID (mã ứng dụng Zalo)")
    tokens = ZaloTokens(
        Vault(outbox, key.reveal()),
        app_id=app_id,
        app_secret=secrets.require("LOA_ZALO_APP_SECRET", "khóa bí mật ứng dụng Zalo"),
        seed_access=secrets.get("LOA_ZALO_ACCESS_TOKEN"),
        seed_refresh=secrets.get("LOA_ZALO_REFRESH_TOKEN"),
        oauth_url=secrets.setting("LOA_ZALO_OAUTH_URL", OAUTH_URL),
        timeout=timeout,
    )
    tokens.current()  # raises when no token was ever given
    return ZaloOA(
        oa_id=targets.zalo,
        tokens=tokens,
        base_url=secrets.setting("LOA_ZALO_API_URL", API_URL),
        timeout=timeout,
    )


@dataclass(frozen=True)
class PlanRow:
    """One line of `loa publish --plan`: what goes where, when, and its outbox state."""

    channel: str
    topic: str
    kind: str
    when: str
    scheduling: str
    state: str
    key: str
    upstream_id: str = ""
    error: str = ""


def run(
    site: Path,
    *,
    channels: Sequence[str],
    send: bool,
    schedule: str | None = None,
    calendar: Path | None = None,
    environ: Mapping[str, str] | None = None,
    now: datetime | None = None,
    broadcast: Broadcast | None = None,
    policy: Policy | None = None,
) -> list[PlanRow]:
    """Plan the posts of a build (and send the due ones when `send`); return the plan with states.

    With `broadcast`, the Zalo articles of the plan that are sent go out as one broadcast as well.
    """
    secrets = Secrets(environ)
    slots = read_calendar(calendar) if calendar else [Slot(None, parse_time(schedule))] if schedule else []
    planned = publish_slots(
        site, channels=channels, slots=slots, secrets=secrets, send=send, now=now, policy=policy
    )
    if broadcast is not None and send:
        topics = tuple(dict.fromkeys(p.topic for p, _r in planned if p.channel == "zalo"))
        planned.append(send_broadcast(replace(broadcast, topics=topics), secrets=secrets, now=now))
    return [_row(post, record) for post, record in planned]


def publish_slots(
    site: Path,
    *,
    channels: Sequence[str],
    slots: Sequence[Slot],
    secrets: Secrets,
    send: bool,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> list[tuple[Post, Record | None]]:
    """Plan the posts of a build for some slots, send the due ones when `send`; return each with its row.

    The accounts, tokens and outbox folder (LOA_DATA_DIR) come from `secrets`: the command reads them
    from the environment, the web app from its encrypted accounts.
    """
    now = now or datetime.now(VIETNAM)
    folder = data_dir(secrets.environ)
    outbox = Outbox(folder) if send or (folder / FILE_NAME).exists() else None
    posts = plan_posts(
        site, channels=channels, targets=targets_from(secrets), slots=slots, now=now, sent=_sent_in(outbox)
    )
    if send and outbox is not None:
        timeout = float(secrets.setting("LOA_PUBLISH_TIMEOUT", "30"))
        opened = open_channels(sorted({p.channel for p in posts}), secrets, outbox, timeout=timeout)
        try:
            deliver_all(posts, opened, outbox, policy=policy or Policy(), now=now)
        finally:
            for channel in opened.values():
                channel.close()
    return [(post, outbox.get(post.key) if outbox else None) for post in posts]


@dataclass(frozen=True)
class Broadcast:
    """A Zalo broadcast ("tin truyền thông") of sent articles, with its targeting."""

    at: datetime | None = None
    provinces: tuple[str, ...] = ()
    """2025 province codes (34 units); Zalo is sent the old provinces they were formed from."""
    gender: str = ""
    ages: str = ""
    topics: tuple[str, ...] = ()


def send_broadcast(
    broadcast: Broadcast, *, secrets: Secrets, now: datetime | None = None, policy: Policy | None = None
) -> tuple[Post, Record | None]:
    """Send the sent Zalo articles of some topics as one broadcast, once, inside hours and quotas."""
    now = now or datetime.now(VIETNAM)
    outbox = Outbox(data_dir(secrets.environ))
    oa_id = targets_from(secrets).zalo
    post = plan_broadcast(outbox, broadcast, oa_id=oa_id, secrets=secrets, now=now)
    channel = _zalo(
        secrets, outbox, targets_from(secrets), float(secrets.setting("LOA_PUBLISH_TIMEOUT", "30"))
    )
    try:
        if not _due(post, channel, now):
            return post, outbox.plan(post)  # Loa holds it: the first run after its time sends it
        return post, deliver(post, channel, outbox, policy=policy or Policy())
    finally:
        channel.close()


def plan_broadcast(
    outbox: Outbox, broadcast: Broadcast, *, oa_id: str, secrets: Secrets, now: datetime
) -> Post:
    """Return the broadcast post of the sent articles; raise naming the hour, count or quota broken."""
    articles = [
        r
        for r in outbox.records()
        if r.channel == "zalo" and r.kind == "article" and r.state == "sent" and r.topic in broadcast.topics
    ]
    ids = tuple(dict.fromkeys(str(r.upstream_id) for r in articles if r.upstream_id))
    if not ids:
        raise PublishError("Zalo broadcast: chưa có bài viết Zalo nào đã đăng để gửi tin truyền thông")
    table_file = secrets.setting("LOA_ZALO_CITY_CODES")
    target = zalo_target(
        provinces=broadcast.provinces,
        city_codes=read_city_codes(Path(table_file)) if table_file else None,
        gender=broadcast.gender,
        ages=broadcast.ages,
    )
    post = prepare_zalo_broadcast(oa_id=oa_id, article_ids=ids, at=broadcast.at, target=target, now=now)
    if outbox.get(post.key) is None:  # a rerun of the same broadcast is not a second one
        per_month = int(secrets.setting("LOA_ZALO_BROADCAST_QUOTA", str(ZALO_BROADCAST_PER_MONTH_DEFAULT)))
        problem = quota_problem(
            outbox.scheduled_times("zalo", oa_id, "broadcast"), post.scheduled_at or now, per_month=per_month
        )
        if problem:
            raise LimitError(problem)
    return post


def rotate_key(environ: Mapping[str, str] | None = None) -> tuple[int, int]:
    """Re-encrypt every token stored in the outbox with the newest LOA_SECRET_KEY; return (done, total)."""
    secrets = Secrets(environ)
    folder = data_dir(secrets.environ)
    if not (folder / FILE_NAME).exists():
        return 0, 0
    key = secrets.require("LOA_SECRET_KEY", "khóa mã hóa token: khóa mới trước, khóa cũ sau dấu phẩy")
    return Vault(Outbox(folder), key.reveal()).rotate()


def _sent_in(outbox: Outbox | None) -> Callable[[str], bool]:
    def sent(key: str) -> bool:
        record = outbox.get(key) if outbox else None
        return record is not None and record.state == "sent"

    return sent


def _row(post: Post, record: Record | None) -> PlanRow:
    when = post.scheduled_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") if post.scheduled_at else "ngay"
    scheduling = (
        ""
        if post.scheduled_at is None
        else "nền tảng giữ lịch"
        if post.channel == "facebook"
        else "Loa gửi khi đến giờ"
    )
    return PlanRow(
        channel=post.channel,
        topic=post.topic,
        kind=post.kind,
        when=when,
        scheduling=scheduling,
        state=record.state if record else "mới",
        key=post.key[:12],
        upstream_id=(record.upstream_id or "") if record else "",
        error=(record.last_error or "") if record else "",
    )
