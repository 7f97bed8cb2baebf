"""Facebook Page: a photo post with the topic's card, a link post, or either one scheduled."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx

from loa import platforms as p
from loa.channels.base import (
    Channel,
    LimitError,
    Post,
    PublishError,
    RateLimitedError,
    Receipt,
    RejectedError,
    UnknownOutcomeError,
)
from loa.channels.secrets import Secret, scrub

GRAPH_URL = "https://graph.facebook.com/v21.0"
POST_URL = "https://www.facebook.com"
RECONCILE_PAGES = 10


def prepare_facebook(
    *,
    page_id: str,
    topic: str,
    message: str,
    product_sha256: str,
    now: datetime | None,
    link: str = "",
    photo: bytes | None = None,
    photo_name: str = "card.png",
    scheduled_at: datetime | None = None,
    photos: Sequence[tuple[str, bytes]] = (),
) -> Post:
    """Return a photo post (with `photo`), a multi-photo post (`photo` and more `photos`) or a link
    post, checked against the Facebook limits.

    `now` is the time of the request, for the schedule window; None skips that check (for a post
    already sent, whose time may have passed, or one beyond the window that waits in the outbox).
    """
    album = ((photo_name, photo), *photos) if photo is not None and photos else ()
    problems = [p.over(p.FACEBOOK_MESSAGE, message + "\n\n#loa-00000000")]
    if photo is not None:
        problems += [p.over(p.FACEBOOK_PHOTO_BYTES, data) for _name, data in album or ((photo_name, photo),)]
    elif not link:
        problems.append("Facebook link: bài đăng liên kết cần link (hoặc dùng ảnh thẻ của chủ đề)")
    if len(album) > p.FACEBOOK_PHOTOS_PER_POST:
        problems.append(
            f"Facebook attached_media: {len(album)} ảnh, tối đa {p.FACEBOOK_PHOTOS_PER_POST} ảnh một bài "
            f"({p.FACEBOOK_PHOTOS_PER_POST_SOURCE})"
        )
    if scheduled_at is not None and now is not None:
        problems.append(schedule_problem(scheduled_at, now))
    found = [x for x in problems if x]
    if found:
        raise LimitError(f"chủ đề {topic}: " + "; ".join(found))
    fields = {"message": message} | ({"link": link} if link else {})
    return Post(
        channel="facebook",
        target=page_id,
        topic=topic,
        kind="album" if album else "photo" if photo is not None else "link",
        product_sha256=product_sha256,
        fields=fields,
        scheduled_at=scheduled_at,
        attachment=photo,
        attachment_name=photo_name,
        attachments=tuple(album),
    )


def beyond_window(when: datetime | None, now: datetime) -> bool:
    """Return True when a time is further ahead than Facebook accepts: the post waits in the outbox."""
    return when is not None and when > now + timedelta(days=p.FACEBOOK_SCHEDULE_MAX_DAYS)


def schedule_problem(when: datetime, now: datetime) -> str | None:
    """Return a message if a scheduled time is outside Facebook's 10-minute to 30-day window."""
    earliest = now + timedelta(minutes=p.FACEBOOK_SCHEDULE_MIN_MINUTES)
    latest = now + timedelta(days=p.FACEBOOK_SCHEDULE_MAX_DAYS)
    if earliest <= when <= latest:
        return None
    return (
        f"Facebook scheduled_publish_time: {when.isoformat()} phải cách lúc gửi từ "
        f"{p.FACEBOOK_SCHEDULE_MIN_MINUTES} phút đến {p.FACEBOOK_SCHEDULE_MAX_DAYS} ngày "
        "(Pages API: between 10 minutes and 30 days)"
    )


class FacebookPage(Channel):
    """A Facebook Page reached through the Graph API with a long-lived Page token."""

    name = "facebook"
    schedules_natively = True

    def __init__(self, *, page_id: str, token: Secret, base_url: str = GRAPH_URL, **options: Any) -> None:
        super().__init__(**options)
        self.page_id = page_id
        self._token = token
        self.base_url = base_url.rstrip("/")

    def __repr__(self) -> str:
        return f"FacebookPage(page_id={self.page_id!r}, token=***)"

    def publish(self, post: Post) -> Receipt:
        """Create the post (photo, photos or feed), scheduled when the post has a time."""
        data = {"message": _with_marker(post)}
        if "link" in post.fields and post.kind == "link":
            data["link"] = post.fields["link"]
        if post.scheduled_at is not None:
            data |= {"published": "false", "scheduled_publish_time": str(int(post.scheduled_at.timestamp()))}
        if post.kind == "album":
            for number, media in enumerate(self._upload_unpublished(post)):
                data[f"attached_media[{number}]"] = json.dumps({"media_fbid": media})
            answer = self._call("POST", f"/{self.page_id}/feed", data=data)
            return _receipt(answer["id"])
        if post.kind == "photo":
            files = {"source": (post.attachment_name, post.attachment or b"", "image/png")}
            answer = self._call("POST", f"/{self.page_id}/photos", data=data, files=files)
            return _receipt(answer.get("post_id") or answer["id"])
        answer = self._call("POST", f"/{self.page_id}/feed", data=data)
        return _receipt(answer["id"])

    def _upload_unpublished(self, post: Post) -> list[str]:
        """Upload the photos of a multi-photo post unpublished; return their ids for attached_media.

        An upload left behind by a failed post is unpublished and shows nowhere; a resend uploads again.
        """
        extra = {"temporary": "true"} if post.scheduled_at is not None else {}
        ids = []
        for name, data in post.attachments:
            files = {"source": (name, data, "image/png")}
            answer = self._call(
                "POST", f"/{self.page_id}/photos", data={"published": "false", **extra}, files=files
            )
            ids.append(str(answer["id"]))
        return ids

    def find(self, post: Post) -> Receipt | None:
        """Look for the post's marker in the Page's feed, or its scheduled posts."""
        edge = "scheduled_posts" if post.scheduled_at is not None else "feed"
        params: dict[str, str] = {"fields": "id,message", "limit": "100"}
        for _ in range(RECONCILE_PAGES):
            answer = self._call("GET", f"/{self.page_id}/{edge}", params=params)
            for item in answer.get("data", []):
                if post.marker in str(item.get("message", "")):
                    return _receipt(item["id"])
            after = answer.get("paging", {}).get("cursors", {}).get("after")
            if not after or not answer.get("paging", {}).get("next"):
                return None
            params["after"] = str(after)
        return None

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._token.reveal()}"}
        response = self.request(method, self.base_url + path, headers=headers, **kwargs)
        return _answer(response)


def _receipt(post_id: object) -> Receipt:
    """Return the receipt of a Page post with its public address (a scheduled post shows there once out)."""
    return Receipt(str(post_id), f"{POST_URL}/{post_id}")


def _with_marker(post: Post) -> str:
    return f"{post.fields['message'].rstrip()}\n\n{post.marker}"


def _answer(response: httpx.Response) -> dict[str, Any]:
    """Return the JSON of a Graph API answer, or raise the error it carries."""
    try:
        body = response.json()
    except ValueError:
        raise UnknownOutcomeError(f"Graph API: HTTP {response.status_code}, không phải JSON") from None
    error = body.get("error") if isinstance(body, dict) else None
    if not error:
        if response.status_code >= 400 or not isinstance(body, dict):
            raise RejectedError(f"Graph API: HTTP {response.status_code}")
        return body
    code = int(error.get("code", 0))
    message = scrub(str(error.get("message", "")))[:200]
    if code in p.RATE_LIMIT_CODES["facebook"]:
        raise RateLimitedError(f"Graph API: giới hạn tần suất (mã {code})")
    if code == p.FACEBOOK_EXPIRED_TOKEN or response.status_code == 401:
        raise PublishError(
            f"Graph API: token Trang hết hạn hoặc không hợp lệ (mã {code}) — tạo lại token Trang dài hạn "
            "và đặt vào LOA_FACEBOOK_PAGE_TOKEN"
        )
    raise RejectedError(f"Graph API từ chối (mã {code}): {message}")
