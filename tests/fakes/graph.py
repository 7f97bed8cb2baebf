"""A fake Facebook Graph API (v21.0) for one Page: /feed, /photos and /scheduled_posts."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass

from fakes.server import Answer, FakeServer, Faults, Request

VERSION = "/v21.0"


@dataclass
class PagePost:
    id: str
    message: str
    link: str
    scheduled: int | None
    photo: bytes | None
    media: tuple[bytes, ...] = ()


class FakeGraph(FakeServer):
    """Accepts posts for `page_id` with `token`; `posts` holds what was created, in order."""

    def __init__(
        self,
        *,
        page_id: str = "1000",
        token: str = "EAAfake-page-token-0123456789",
        faults: Faults | None = None,
    ) -> None:
        super().__init__(faults)
        self.page_id, self.token = page_id, token
        self.posts: list[PagePost] = []
        self.unpublished: dict[str, bytes] = {}  # photos uploaded with published=false, by id
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return self.url + VERSION

    def route(self, request: Request) -> Answer:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(
                400,
                {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}},
            )
        path = request.path.removeprefix(VERSION)
        if request.method == "POST" and path in (f"/{self.page_id}/feed", f"/{self.page_id}/photos"):
            return self._create(request, photo=path.endswith("/photos"))
        if request.method == "GET" and path == f"/{self.page_id}/feed":
            return self._list(request, scheduled=False)
        if request.method == "GET" and path == f"/{self.page_id}/scheduled_posts":
            return self._list(request, scheduled=True)
        return Answer(400, {"error": {"message": "Unknown path components", "code": 2500}})

    def _create(self, request: Request, *, photo: bool) -> Answer:
        form = request.form
        if photo and form.get("published") == "false" and "scheduled_publish_time" not in form:
            with self.lock:
                media_id = f"media{next(self._ids)}"
                self.unpublished[media_id] = request.files.get("source", b"")
            return Answer(200, {"id": media_id})
        attached = [
            json.loads(v)["media_fbid"] for k, v in sorted(form.items()) if k.startswith("attached_media")
        ]
        if any(m not in self.unpublished for m in attached):
            return Answer(400, {"error": {"message": "Invalid media_fbid", "code": 100}})
        scheduled = int(form["scheduled_publish_time"]) if "scheduled_publish_time" in form else None
        if scheduled is not None and not (time.time() + 600 <= scheduled <= time.time() + 30 * 86400):
            return Answer(
                400, {"error": {"message": "The specified scheduled publish time is invalid.", "code": 100}}
            )
        with self.lock:
            number = next(self._ids)
            post = PagePost(
                f"{self.page_id}_{number}",
                form.get("message", ""),
                form.get("link", ""),
                scheduled,
                request.files.get("source") if photo else None,
                tuple(self.unpublished[m] for m in attached),
            )
            self.posts.append(post)
        if photo:
            return Answer(200, {"id": f"photo{number}", "post_id": post.id})
        return Answer(200, {"id": post.id})

    def _list(self, request: Request, *, scheduled: bool) -> Answer:
        limit = int(request.query.get("limit", "25"))
        start = int(request.query.get("after", "0"))
        with self.lock:
            chosen = [p for p in reversed(self.posts) if (p.scheduled is not None) == scheduled]
        page = chosen[start : start + limit]
        body: dict[str, object] = {"data": [{"id": p.id, "message": p.message} for p in page]}
        if start + limit < len(chosen):
            body["paging"] = {
                "cursors": {"after": str(start + limit)},
                "next": f"{self.base_url}{request.path}?after={start + limit}",
            }
        return Answer(200, body)
