"""Publishing from the web app: connect an account, plan from a build, approve, send through the outbox.

Sending goes through `loa.publish.publish_slots`, the code `loa publish` runs: the same limits, the
same outbox (one per account, in LOA_DATA_DIR/publishing/), the same channels. Photos come only
from the build's manifest, never from evidence photos, so no photo of a child can reach a platform.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from loa.channels.base import LimitError, Post, PublishError
from loa.channels.provinces import zalo_cities
from loa.channels.secrets import Secrets, scrub
from loa.channels.zalo import prepare_zalo_broadcast
from loa.outbox import Outbox, Record, Vault
from loa.publish import (
    Broadcast,
    Policy,
    Slot,
    Targets,
    card_path,
    plan_posts,
    publish_slots,
    send_broadcast,
    topic_images,
)
from loa.web.access import audit
from loa.web.access.scoping import scoped
from loa.web.dispatches.models import Dispatch
from loa.web.dispatches.packs import load_pack
from loa.web.publishing.models import ChannelAccount, ChannelKind, Publication
from loa.web.publishing.tokens import readable_with_newest, reseal, seal, token_keys, unseal
from loa.web.units.models import OrgUnit

log = logging.getLogger("loa.web.publishing")

WEB_POLICY = Policy(max_attempts=3, base_delay=0.5, max_delay=5.0, workers=2)
"""A person waits for the page: a few quick tries, then the post shows as not sent, to try again."""
TOKEN_FIELDS = {ChannelKind.FACEBOOK: ("page_token",), ChannelKind.ZALO: ("access_token", "refresh_token")}


class PublishingError(Exception):
    """An action the user must fix or cannot take; the message says what to do (Vietnamese)."""


@dataclass(frozen=True)
class PlanItem:
    """One topic of a build as it would be posted on an account, or the limit it breaks."""

    topic: str
    title: str
    post: Post | None
    problem: str
    card: str | None
    images: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.post.fields.get("message", "") if self.post else ""

    @property
    def link(self) -> str:
        return self.post.fields.get("link", "") if self.post else ""

    @property
    def article(self) -> dict[str, Any]:
        raw = self.post.fields.get("article") if self.post else None
        return dict(json.loads(raw)) if raw else {}


def connect(
    *,
    unit: OrgUnit,
    channel: str,
    name: str,
    target_id: str,
    tokens: dict[str, str],
    second_approval: bool,
    by: Any,
    account: ChannelAccount | None = None,
    request: HttpRequest | None = None,
) -> ChannelAccount:
    """Create or update an account; blank tokens keep the stored ones. The tokens are sealed at once."""
    given = {k: v.strip() for k, v in tokens.items() if v.strip()}
    if account is not None and set(given) != set(TOKEN_FIELDS[ChannelKind(channel)]):
        given = {k: v.reveal() for k, v in unseal(account.sealed_tokens).items()} | given
    missing = [f for f in TOKEN_FIELDS[ChannelKind(channel)] if f not in given]
    if missing:
        raise PublishingError("Cần dán token: " + ", ".join(missing))
    account = account or ChannelAccount(unit=unit, channel=channel)
    account.name, account.target_id, account.second_approval = name, target_id, second_approval
    account.sealed_tokens, account.connected_by = seal(given), by
    account.save()
    audit.record(
        by,
        "publishing.account.connected",
        account,
        f"Lưu token {account}",  # never the token itself
        path=unit.path,
        changes={"second_approval": [None, str(second_approval)]},
        request=request,
    )
    return account


def site_of(dispatch: Dispatch) -> Path:
    """Return the build folder attached to a dispatch, or raise saying how to attach one."""
    pack = load_pack(dispatch.pack_manifest)
    if pack is None:
        raise PublishingError(
            f"Công văn {dispatch.number_and_symbol} chưa có bộ tài liệu (manifest.json) đọc được — "
            "sửa công văn, ghi đường dẫn thư mục đã build."
        )
    return pack.folder


def topics_of(site: Path) -> list[tuple[str, str]]:
    """Return (id, title) of each topic of a build."""
    data = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    return [(str(t["id"]), str(t.get("title") or t["id"])) for t in data.get("topics", [])]


def targets(account: ChannelAccount) -> Targets:
    return Targets(**{account.channel: account.target_id})


def plan(account: ChannelAccount, dispatch: Dispatch, *, now: datetime | None = None) -> list[PlanItem]:
    """Return each topic of the dispatch's build as the post it makes on the account, limits checked."""
    site, now = site_of(dispatch), now or timezone.now()
    items = []
    for topic, title in topics_of(site):
        post, problem = None, ""
        try:
            [post] = plan_posts(
                site, channels=[account.channel], targets=targets(account), slots=[Slot(topic, None)], now=now
            )
        except PublishError as exc:
            problem = str(exc)
        card = card_path(site, topic, account.channel)
        images = tuple(p for p in topic_images(site, topic) if p != card)
        items.append(PlanItem(topic, title, post, problem, card, images))
    return items


def create(
    account: ChannelAccount,
    dispatch: Dispatch,
    *,
    topic: str,
    when: datetime | None,
    photos: list[str],
    by: Any,
    request: HttpRequest | None = None,
) -> Publication:
    """Add a post for review; raise naming the platform limit it breaks."""
    site = site_of(dispatch)
    if photos and account.channel != ChannelKind.FACEBOOK:
        raise PublishingError("Chỉ bài đăng Facebook có thể gồm nhiều ảnh.")
    slot = Slot(topic, when, photos=tuple(photos))
    try:
        plan_posts(
            site, channels=[account.channel], targets=targets(account), slots=[slot], now=timezone.now()
        )
    except LimitError as exc:
        raise PublishingError(str(exc)) from None
    except PublishError as exc:
        raise PublishingError(scrub(str(exc))) from None
    title = dict(topics_of(site)).get(topic, topic)
    publication = Publication.objects.create(
        account=account,
        dispatch=dispatch,
        topic=topic,
        title=title,
        photos=list(photos),
        scheduled_at=when,
        created_by=by,
    )
    _record(by, "publishing.post.created", publication, f"Tạo bài đăng {publication}", request)
    return publication


def create_broadcast(
    account: ChannelAccount,
    *,
    topics: list[str],
    provinces: list[str],
    when: datetime | None,
    by: Any,
    request: HttpRequest | None = None,
) -> Publication:
    """Add a Zalo broadcast of articles already published on the OA, for review; raise naming the
    limit broken (articles per broadcast, sending hours, an unknown province)."""
    sent = account.publications.filter(kind=Publication.Kind.POST, state=Publication.State.SENT)
    articles = list(sent.filter(topic__in=topics).order_by("-published_at"))
    if account.channel != ChannelKind.ZALO or not articles:
        raise PublishingError(
            "Tin truyền thông gửi các bài viết đã đăng trên Zalo OA này — chọn ít nhất một bài."
        )
    try:
        zalo_cities(provinces)
        prepare_zalo_broadcast(
            oa_id=account.target_id, article_ids=tuple(topics), at=when, now=timezone.now()
        )
    except PublishError as exc:
        raise PublishingError(str(exc)) from None
    publication = Publication.objects.create(
        account=account,
        dispatch=articles[0].dispatch,
        kind=Publication.Kind.BROADCAST,
        topic="tin-truyen-thong",
        title=f"Tin truyền thông: {len(topics)} bài",
        broadcast_topics=list(topics),
        provinces=list(provinces),
        scheduled_at=when,
        created_by=by,
    )
    _record(by, "publishing.broadcast.created", publication, f"Tạo {publication}", request)
    return publication


def approve(publication: Publication, *, by: Any, request: HttpRequest | None = None) -> Publication:
    """Record one approval; the last one needed sends the post (or hands it to the outbox's schedule)."""
    with transaction.atomic():
        publication = (
            Publication.objects.select_for_update().select_related("account__unit").get(pk=publication.pk)
        )
        now = timezone.now()
        if publication.state == Publication.State.REVIEW:
            publication.approved_by, publication.approved_at = by, now
            second = publication.account.second_approval
            publication.state = Publication.State.SECOND if second else Publication.State.PLANNED
        elif publication.state == Publication.State.SECOND:
            if publication.approved_by_id == by.pk:
                raise PublishingError("Người duyệt thứ hai phải là một người khác người đã duyệt lần đầu.")
            publication.second_approved_by, publication.second_approved_at = by, now
            publication.state = Publication.State.PLANNED
        else:
            raise PublishingError("Bài này không còn chờ duyệt.")
        publication.save()
        _record(by, "publishing.post.approved", publication, f"Duyệt bài đăng {publication}", request)
    if publication.state == Publication.State.PLANNED and not _hand_to_workers():
        deliver(publication)
    return publication


def _hand_to_workers() -> bool:
    """With Celery configured (LOA_EXECUTOR=celery), ask the workers to send what is due, so the
    page does not wait on Facebook or Zalo; return False to send here (no Celery, or no broker)."""
    from loa.config import load_settings

    loaded = load_settings()
    if loaded.executor != "celery":
        return False
    try:
        from loa.cluster.app import Cluster

        cluster = Cluster.from_settings(loaded)
        cluster.app.send_task("loa.web_publish_due", queue=loaded.queue, retry=False)
    except Exception:  # no broker now: the outbox makes sending here just as safe
        log.warning("publishing: could not queue loa.web_publish_due; sending in the request", exc_info=True)
        return False
    return True


def deliver(publication: Publication, *, now: datetime | None = None) -> Publication:
    """Send an approved post through the outbox (at most once, ever) and record what happened."""
    if publication.is_awaiting_approval:
        raise PublishingError("Bài chưa được duyệt đủ.")
    before = publication.state
    try:
        post, record = _send(publication, now)
    except (PublishError, PublishingError) as exc:
        publication.state, publication.last_error = Publication.State.FAILED, scrub(str(exc))[:500]
    else:
        _apply(publication, post, record)
    publication.save()
    if publication.state != before and publication.state in (
        Publication.State.SENT,
        Publication.State.FAILED,
    ):
        label = Publication.State(publication.state).label
        _record(None, f"publishing.post.{publication.state}", publication, f"{label}: {publication}", None)
    return publication


def _send(publication: Publication, now: datetime | None) -> tuple[Post, Record | None]:
    """Send a post (or a broadcast) through `loa.publish`, with the account's ids and tokens."""
    account, secrets = publication.account, account_secrets(publication.account)
    if publication.kind == Publication.Kind.BROADCAST:
        wanted = Broadcast(
            at=publication.scheduled_at,
            provinces=tuple(publication.provinces),
            topics=tuple(publication.broadcast_topics),
        )
        return send_broadcast(wanted, secrets=secrets, now=now, policy=WEB_POLICY)
    slot = Slot(publication.topic, publication.scheduled_at, photos=tuple(publication.photos))
    [(post, record)] = publish_slots(
        site_of(publication.dispatch),
        channels=[account.channel],
        slots=[slot],
        secrets=secrets,
        send=True,
        now=now,
        policy=WEB_POLICY,
    )
    return post, record


def province_code(unit: OrgUnit) -> str:
    """Return the code of the province a unit lies in (its tree's root)."""
    root = OrgUnit.objects.filter(pk=unit.ancestor_ids[0]).values_list("code", flat=True).first()
    return str(root or "")


def deliver_due(*, now: datetime | None = None) -> list[Publication]:
    """Send the approved posts that wait (Zalo at its time, Facebook once inside its 30-day window)."""
    waiting = Publication.objects.filter(state__in=(Publication.State.PLANNED, Publication.State.UNKNOWN))
    return [deliver(p, now=now) for p in waiting.select_related("account", "dispatch")]


def _apply(publication: Publication, post: Post, record: Record | None) -> None:
    publication.post_key = post.key
    if record is None:
        return
    publication.state = record.state
    publication.upstream_id = record.upstream_id or ""
    publication.link = record.link or ""
    publication.last_error = scrub(record.last_error or "")[:500]
    if record.state == "sent" and publication.published_at is None:
        publication.published_at = publication.scheduled_at or timezone.now()


def outbox_folder(account: ChannelAccount) -> Path:
    """Return the folder of a Page's or OA's outbox (its posts' states and its Zalo tokens).

    One per platform account, whoever connected it: a post is never sent twice to the same Page.
    """
    return Path(settings.DATA_DIR) / "publishing" / f"{account.channel}-{account.target_id}"


def account_secrets(account: ChannelAccount) -> Secrets:
    """Return the settings `loa.publish` reads, with the account's ids and tokens instead of the env's."""
    tokens = {k: v.reveal() for k, v in unseal(account.sealed_tokens).items()}
    environ = dict(os.environ) | {
        "LOA_DATA_DIR": str(outbox_folder(account)),
        "LOA_SECRET_KEY": token_keys(),
    }
    if account.channel == ChannelKind.FACEBOOK:
        environ |= {
            "LOA_FACEBOOK_PAGE_ID": account.target_id,
            "LOA_FACEBOOK_PAGE_TOKEN": tokens["page_token"],
        }
    else:
        environ |= {
            "LOA_ZALO_OA_ID": account.target_id,
            "LOA_ZALO_ACCESS_TOKEN": tokens["access_token"],
            "LOA_ZALO_REFRESH_TOKEN": tokens["refresh_token"],
        }
    return Secrets(environ)


def rotate_keys() -> tuple[int, int]:
    """Re-encrypt every stored token (accounts and their outboxes) with the newest key; (done, total)."""
    done = total = 0
    for account in ChannelAccount.objects.all():
        account.sealed_tokens = reseal(account.sealed_tokens)
        account.save(update_fields=["sealed_tokens"])
        done, total = done + readable_with_newest(account.sealed_tokens), total + 1
        folder = outbox_folder(account)
        if (folder / "outbox.sqlite3").exists():
            vault_done, vault_total = Vault(Outbox(folder), token_keys()).rotate()
            done, total = done + vault_done, total + vault_total
    return done, total


def report_initial(user: Any, pk: str | None) -> dict[str, Any]:
    """Return the fields an activity report takes from a published post the user can see (or none)."""
    if not pk or not pk.isdigit():
        return {}
    publication = (
        scoped(Publication.objects.select_related("account"), user)
        .filter(pk=int(pk), state=Publication.State.SENT)
        .first()
    )
    if publication is None:
        return {}
    return {
        "kind": "post",
        "held_on": timezone.localdate(publication.published_at or timezone.now()),
        "title": f"Đăng bài “{publication.title}” trên {publication.account}"[:200],
        "links": publication.link,
    }


def published(user: Any) -> list[Publication]:
    """Return the user's most recent published posts, for an activity report to pick from."""
    visible = scoped(Publication.objects.select_related("account"), user)
    return list(visible.filter(state=Publication.State.SENT).exclude(link="")[:10])


def _record(
    by: Any, action: str, publication: Publication, summary: str, request: HttpRequest | None
) -> None:
    audit.record(by, action, publication, summary, path=publication.account.unit.path, request=request)
