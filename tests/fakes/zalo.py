"""A fake Zalo OA OpenAPI (articles, broadcast) and OAuth v4 server (token refresh)."""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field

from fakes.server import Answer, FakeServer, Faults, Request


def token(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(16)}"


@dataclass
class Article:
    id: str
    title: str
    description: str
    body: dict[str, object] = field(repr=False, default_factory=dict)


class FakeZalo(FakeServer):
    """One OA: `articles` created, `broadcasts` sent, `refreshes` made upstream, `reused` -14020 errors."""

    def __init__(
        self,
        *,
        app_id: str = "app-1",
        app_secret: str = "zalo-app-secret-0123456789",
        faults: Faults | None = None,
        refresh_delay: float = 0.05,
    ) -> None:
        super().__init__(faults)
        self.app_id, self.app_secret, self.refresh_delay = app_id, app_secret, refresh_delay
        self.access_token, self.refresh_token = token("zat"), token("zrt")
        self.used_refresh: set[str] = set()
        self.refreshes = 0
        self.reused = 0
        self.expired_answers = 0
        self.articles: list[Article] = []
        self.broadcasts: list[list[str]] = []
        self.targets: list[dict[str, str]] = []  # the recipient target of each broadcast
        self._pending: dict[str, Article] = {}
        self._ids = itertools.count(1)
        self.expire_with_401 = False
        self.verify_faults: list[str] = []  # "429" or "timeout", one per verify call

    def expire_access(self, *, with_401: bool = False) -> None:
        """Make the current access token expired (answered with -216, or HTTP 401)."""
        with self.lock:
            self.access_token = token("zat-expired")
            self.expire_with_401 = with_401

    def is_write(self, request: Request) -> bool:
        return request.path == "/v2.0/article/create"

    def route(self, request: Request) -> Answer:
        if request.path == "/v4/oa/access_token":
            return self._refresh(request)
        if request.headers.get("access_token") != self.access_token:
            with self.lock:
                self.expired_answers += 1
            if self.expire_with_401:
                return Answer(401, {"error": -216, "message": "Unauthorized"})
            return Answer(200, {"error": -216, "message": "Access token is invalid"})
        handler = {
            "/v2.0/article/create": self._create,
            "/v2.0/article/verify": self._verify,
            "/v2.0/article/getlist": self._list,
            "/v2.0/oa/message": self._broadcast,
        }.get(request.path)
        return handler(request) if handler else Answer(404, {"error": -201, "message": "not found"})

    def _create(self, request: Request) -> Answer:
        body = request.json or {}
        if not (body.get("cover") or {}).get("photo_url"):
            return Answer(200, {"error": -201, "message": "cover is required"})
        with self.lock:
            article = Article(
                f"art{next(self._ids)}", body.get("title", ""), body.get("description", ""), body
            )
            self.articles.append(article)
            pending = token("verify")
            self._pending[pending] = article
        return Answer(200, {"error": 0, "message": "Success", "data": {"token": pending}})

    def _verify(self, request: Request) -> Answer:
        with self.lock:
            fault = self.verify_faults.pop(0) if self.verify_faults else None
        if fault == "429":
            return self._too_many(self.faults.retry_after)
        if fault == "-32":
            return Answer(200, {"error": -32, "message": "Exceed rate limit"})
        with self.lock:
            article = self._pending.get((request.json or {}).get("token", ""))
        if article is None:
            return Answer(200, {"error": -201, "message": "token invalid"})
        return Answer(200, {"error": 0, "message": "Success", "data": {"id": article.id}})

    def _list(self, request: Request) -> Answer:
        offset, limit = int(request.query.get("offset", "0")), int(request.query.get("limit", "10"))
        with self.lock:
            chosen = list(reversed(self.articles))[offset : offset + limit]
        medias = [
            {"id": a.id, "title": a.title, "description": a.description, "type": "normal"} for a in chosen
        ]
        return Answer(200, {"error": 0, "data": {"medias": medias, "total": len(self.articles)}})

    def _broadcast(self, request: Request) -> Answer:
        elements = (request.json or {})["message"]["attachment"]["payload"]["elements"]
        with self.lock:
            self.broadcasts.append([e["attachment_id"] for e in elements])
            self.targets.append((request.json or {})["recipient"]["target"])
            number = len(self.broadcasts)
        return Answer(200, {"error": 0, "data": {"message_id": f"bc{number}"}})

    def _refresh(self, request: Request) -> Answer:
        if request.headers.get("secret_key") != self.app_secret or request.form.get("app_id") != self.app_id:
            return Answer(200, {"error": -14001, "error_description": "invalid app"})
        given = request.form.get("refresh_token", "")
        time.sleep(self.refresh_delay)  # widen the race window
        with self.lock:
            if given in self.used_refresh:
                self.reused += 1
                return Answer(
                    200,
                    {
                        "error": -14020,
                        "error_name": "Invalid refresh token",
                        "error_description": "Refresh token has been used",
                    },
                )
            if given != self.refresh_token:
                return Answer(200, {"error": -14014, "error_description": "Invalid refresh token"})
            self.used_refresh.add(given)
            self.refreshes += 1
            self.access_token, self.refresh_token = token("zat"), token("zrt")
            self.expire_with_401 = False
            return Answer(
                200,
                {
                    "access_token": self.access_token,
                    "refresh_token": self.refresh_token,
                    "expires_in": "90000",
                },
            )
