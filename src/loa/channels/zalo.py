"""Zalo Official Account: articles (create, then verify the token into an id) and broadcasts.

The access token lasts about 25 hours; the refresh token works once. `ZaloTokens` refreshes under
a SQLite write lock (BEGIN IMMEDIATE) and re-reads after taking it, so across every thread and
process exactly one worker refreshes, and the new pair is stored before anyone uses it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from loa import platforms as p
from loa.channels.base import (
    Channel,
    ExpiredTokenError,
    LimitError,
    Post,
    PublishError,
    RateLimitedError,
    Receipt,
    RejectedError,
    RetryableError,
    UnknownOutcomeError,
    retry_after,
)
from loa.channels.provinces import zalo_cities
from loa.channels.secrets import Secret, scrub
from loa.outbox import Vault

API_URL = "https://openapi.zalo.me"
OAUTH_URL = "https://oauth.zaloapp.com"
VIETNAM = timezone(timedelta(hours=7))
ACCESS, REFRESH, SEED = "zalo.access_token", "zalo.refresh_token", "zalo.seed"
RECONCILE_PAGES = 20
REFRESH_RATE_LIMITED_TRIES = 5


def prepare_zalo_article(
    *, oa_id: str, topic: str, article: Mapping[str, Any], product_sha256: str, cover: bytes | None
) -> Post:
    """Return an article post (the zalo.json of a topic), checked against the Zalo limits."""
    cover_url = (article.get("cover") or {}).get("photo_url")
    problems = [
        p.over(p.ZALO_TITLE, str(article.get("title", ""))),
        p.over(p.ZALO_AUTHOR, str(article.get("author", ""))),
        p.over(p.ZALO_DESCRIPTION, str(article.get("description", "")) + " #loa-00000000"),
        None if cover_url else "Zalo cover: bài viết bắt buộc có ảnh bìa (cover.photo_url)",
        p.over(p.ZALO_COVER_BYTES, cover) if cover is not None else None,
    ]
    found = [x for x in problems if x]
    if found:
        raise LimitError(f"chủ đề {topic}: " + "; ".join(found))
    fields = {"article": json.dumps(dict(article), ensure_ascii=False, sort_keys=True)}
    return Post("zalo", oa_id, topic, "article", product_sha256, fields)


def prepare_zalo_broadcast(
    *,
    oa_id: str,
    article_ids: tuple[str, ...],
    at: datetime | None,
    target: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Post:
    """Return a broadcast of up to 5 articles, at a time within the sending hours (Vietnam time).

    Without `at` it goes out now (`now` is checked against the hours) and its key has no time, so a
    rerun never sends the same articles to the same followers twice.
    """
    problems = []
    if not 1 <= len(article_ids) <= p.ZALO_ARTICLES_PER_BROADCAST:
        problems.append(
            f"Zalo broadcast articles: {len(article_ids)} bài, cần 1 đến {p.ZALO_ARTICLES_PER_BROADCAST}"
        )
    local = (at or now or datetime.now(VIETNAM)).astimezone(VIETNAM)
    start, end = p.ZALO_SENDING_HOURS
    if not (start <= local.hour < end or (local.hour == end and local.minute == 0)):
        problems.append(
            f"Zalo broadcast giờ gửi: {local:%H:%M} ngoài khung {start:02d}:00–{end:02d}:00 (giờ Việt Nam)"
        )
    if problems:
        raise LimitError("; ".join(problems))
    fields = {"target": json.dumps(dict(target or {}), sort_keys=True)}
    digest = hashlib.sha256("|".join((*article_ids, fields["target"])).encode()).hexdigest()
    return Post("zalo", oa_id, "broadcast", "broadcast", digest, fields, at, articles=article_ids)


def zalo_target(
    *,
    provinces: Sequence[str] = (),
    city_codes: Mapping[str, str] | None = None,
    gender: str = "",
    ages: str = "",
    platform: str = "",
) -> dict[str, str]:
    """Return a broadcast target: 2025 provinces become the old provinces Zalo still lists."""
    target = {"cities": zalo_cities(provinces, city_codes)} if provinces else {}
    extra = {"gender": gender, "ages": ages, "platform": platform}
    return target | {k: v for k, v in extra.items() if v}


def quota_problem(sent: Sequence[datetime], at: datetime, *, per_month: int) -> str | None:
    """Return a message if one more broadcast at `at` breaks the follower quotas (Vietnam dates).

    `sent` are the times of the OA's broadcasts already sent or on their way.
    """
    local = at.astimezone(VIETNAM)
    days = [s.astimezone(VIETNAM).date() for s in sent]
    same_day = sum(d == local.date() for d in days)
    same_month = sum((d.year, d.month) == (local.year, local.month) for d in days)
    if same_day >= p.ZALO_BROADCAST_PER_FOLLOWER_PER_DAY:
        return (
            f"Zalo broadcast hạn mức: đã có {same_day} tin truyền thông ngày {local:%d/%m/%Y}, "
            f"mỗi người theo dõi nhận tối đa {p.ZALO_BROADCAST_PER_FOLLOWER_PER_DAY} tin một ngày"
        )
    if same_month >= per_month:
        return (
            f"Zalo broadcast hạn mức: đã có {same_month} tin truyền thông tháng {local:%m/%Y}, gói OA cho "
            f"tối đa {per_month} tin một tháng (LOA_ZALO_BROADCAST_QUOTA; hạn mức đặt lại mỗi tháng)"
        )
    return None


class ZaloTokens:
    """The OA's access and refresh tokens, kept encrypted in the outbox and refreshed single-flight."""

    def __init__(
        self,
        vault: Vault,
        *,
        app_id: str,
        app_secret: Secret,
        seed_access: Secret | None,
        seed_refresh: Secret | None,
        oauth_url: str = OAUTH_URL,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.vault, self.app_id, self._app_secret = vault, app_id, app_secret
        self.oauth_url, self._http = oauth_url.rstrip("/"), http or httpx.Client(timeout=timeout)
        self._seed(seed_access, seed_refresh)

    def __repr__(self) -> str:
        return f"ZaloTokens(app_id={self.app_id!r}, tokens=***)"

    def current(self) -> tuple[Secret, int]:
        """Return the access token and its generation."""
        with self.vault.outbox.connect() as db:
            token, generation = self.vault.read(db, ACCESS)
        if token is None:
            raise PublishError("chưa có token Zalo — đặt LOA_ZALO_ACCESS_TOKEN và LOA_ZALO_REFRESH_TOKEN")
        return token, generation

    def refresh(self, seen_generation: int) -> Secret:
        """Return a fresh access token, refreshing upstream only if no one did since `seen_generation`."""
        with self.vault.outbox.transaction() as db:  # one refresher at a time, across processes
            token, generation = self.vault.read(db, ACCESS)
            if token is not None and generation != seen_generation:
                return token  # another worker refreshed while this one waited for the lock
            refresh, _ = self.vault.read(db, REFRESH)
            if refresh is None:
                raise PublishError("chưa có LOA_ZALO_REFRESH_TOKEN — cấp quyền lại cho ứng dụng Zalo")
            access, new_refresh = self._upstream(refresh)
            self.vault.write(db, ACCESS, access)
            self.vault.write(db, REFRESH, new_refresh)
        return access

    def _upstream(self, refresh: Secret) -> tuple[Secret, Secret]:
        try:
            for _ in range(REFRESH_RATE_LIMITED_TRIES):
                response = self._http.post(
                    self.oauth_url + "/v4/oa/access_token",
                    headers={"secret_key": self._app_secret.reveal()},
                    data={
                        "refresh_token": refresh.reveal(),
                        "app_id": self.app_id,
                        "grant_type": "refresh_token",
                    },
                )
                if response.status_code != 429:  # a 429 was not processed: the token is still unused
                    break
                time.sleep(min(retry_after(response) or 1.0, 60.0))
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise PublishError(
                f"làm mới token Zalo thất bại ({type(exc).__name__}); refresh token có thể đã bị dùng — "
                "nếu lần sau báo -14020, cấp quyền lại cho ứng dụng"
            ) from None
        if "access_token" in body and "refresh_token" in body:
            return Secret(str(body["access_token"])), Secret(str(body["refresh_token"]))
        code = body.get("error")
        if code == p.ZALO_REFRESH_TOKEN_USED:
            raise PublishError("Zalo -14020: refresh token đã được dùng — cấp quyền lại cho ứng dụng Zalo OA")
        raise PublishError(f"làm mới token Zalo bị từ chối (mã {code}): {scrub(str(body))[:200]}")

    def _seed(self, access: Secret | None, refresh: Secret | None) -> None:
        """Store the tokens from the environment when they are new (first run or a new authorisation)."""
        if access is None or refresh is None:
            return
        fingerprint = Secret(hashlib.sha256(refresh.reveal().encode()).hexdigest())
        with self.vault.outbox.transaction() as db:
            seen, _ = self.vault.read(db, SEED)
            if seen == fingerprint:
                return
            self.vault.write(db, ACCESS, access)
            self.vault.write(db, REFRESH, refresh)
            self.vault.write(db, SEED, fingerprint)


class ZaloOA(Channel):
    """A Zalo Official Account reached through the OpenAPI with rotating tokens."""

    name = "zalo"

    def __init__(
        self, *, oa_id: str, tokens: ZaloTokens | None = None, base_url: str = API_URL, **options: Any
    ) -> None:
        super().__init__(**options)
        self.oa_id, self.tokens, self.base_url = oa_id, tokens, base_url.rstrip("/")

    def __repr__(self) -> str:
        return f"ZaloOA(oa_id={self.oa_id!r})"

    def can_find(self, post: Post) -> bool:
        """Articles can be listed; broadcasts cannot, so an unknown broadcast waits for a person."""
        return post.kind == "article"

    def publish(self, post: Post) -> Receipt:
        """Create and verify an article, or send a broadcast of article ids."""
        if post.kind == "broadcast":
            answer = self._call("POST", "/v2.0/oa/message", json=_broadcast_body(post))
            return Receipt(str(answer.get("message_id", "")))
        article = json.loads(post.fields["article"])
        article["description"] = f"{article.get('description', '').rstrip()} {post.marker}"
        created = self._call("POST", "/v2.0/article/create", json=article)
        try:
            verified = self._call("POST", "/v2.0/article/verify", json={"token": created["token"]})
        except (RetryableError, RejectedError, PublishError, ExpiredTokenError) as exc:
            # The article exists now: whatever went wrong, only reconciliation may decide a resend.
            raise UnknownOutcomeError(f"Zalo: bài đã tạo nhưng chưa xác minh được ({exc})") from None
        return Receipt(str(verified["id"]))

    def find(self, post: Post) -> Receipt | None:
        """Look for the article's title and marker in the OA's article list."""
        title = json.loads(post.fields["article"]).get("title", "")
        for page in range(RECONCILE_PAGES):
            params = {"offset": str(page * 10), "limit": "10", "type": "normal"}
            medias = self._call("GET", "/v2.0/article/getlist", params=params).get("medias", [])
            for item in medias:
                if item.get("title") == title and post.marker in str(item.get("description", "")):
                    return Receipt(str(item["id"]))
            if len(medias) < 10:
                return None
        return None

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        if self.tokens is None:
            raise PublishError("chưa cấu hình token Zalo")
        token, generation = self.tokens.current()
        try:
            return self._once(method, path, token, **kwargs)
        except ExpiredTokenError:
            return self._once(method, path, self.tokens.refresh(generation), **kwargs)

    def _once(self, method: str, path: str, token: Secret, **kwargs: Any) -> dict[str, Any]:
        headers = {"access_token": token.reveal()}
        response = self.request(method, self.base_url + path, headers=headers, **kwargs)
        if response.status_code == 401:
            raise ExpiredTokenError("Zalo: HTTP 401")
        try:
            body = response.json()
        except ValueError:
            raise UnknownOutcomeError(f"Zalo: HTTP {response.status_code}, không phải JSON") from None
        code = int(body.get("error", 0)) if isinstance(body, dict) else 0
        if code == 0 and isinstance(body, dict):
            data = body.get("data", {})
            return data if isinstance(data, dict) else {}
        if code == p.ZALO_EXPIRED_TOKEN:
            raise ExpiredTokenError("Zalo -216: access token hết hạn")
        if code in p.RATE_LIMIT_CODES["zalo"]:
            raise RateLimitedError(f"Zalo: giới hạn tần suất (mã {code})")
        raise RejectedError(f"Zalo từ chối (mã {code}): {scrub(str(body.get('message', '')))[:200]}")


def _broadcast_body(post: Post) -> dict[str, Any]:
    elements = [{"media_type": "article", "attachment_id": a} for a in post.articles]
    return {
        "recipient": {"target": json.loads(post.fields["target"])},
        "message": {
            "attachment": {"type": "template", "payload": {"template_type": "media", "elements": elements}}
        },
    }
