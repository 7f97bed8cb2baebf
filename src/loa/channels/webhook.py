"""A generic webhook: POST the post as JSON, signed with HMAC-SHA256 (X-Loa-Signature)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from loa.channels.base import Channel, Post, Receipt, RejectedError
from loa.channels.secrets import Secret

SIGNATURE_HEADER = "X-Loa-Signature"


def prepare_webhook(*, url: str, topic: str, payload: dict[str, Any], product_sha256: str) -> Post:
    """Return a webhook post carrying a JSON payload."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return Post("webhook", url, topic, "webhook", product_sha256, {"body": body})


def signature(secret: Secret, body: bytes) -> str:
    """Return the signature header value: sha256=<hex HMAC of the body>."""
    return "sha256=" + hmac.new(secret.reveal().encode(), body, hashlib.sha256).hexdigest()


class Webhook(Channel):
    """Any receiver that takes signed JSON; it deduplicates on the Idempotency-Key header."""

    name = "webhook"
    idempotent_resend = True

    def __init__(self, *, url: str, secret: Secret, **options: Any) -> None:
        super().__init__(**options)
        self.url, self._secret = url, secret

    def __repr__(self) -> str:
        return f"Webhook(url={self.url!r}, secret=***)"

    def can_find(self, post: Post) -> bool:
        """A webhook cannot be searched; the receiver deduplicates on the key instead."""
        return False

    def publish(self, post: Post) -> Receipt:
        """POST the payload with its signature and the post key as Idempotency-Key."""
        body = json.dumps(
            {"key": post.key, "topic": post.topic, "post": json.loads(post.fields["body"])},
            ensure_ascii=False,
            sort_keys=True,
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": post.key,
            SIGNATURE_HEADER: signature(self._secret, body),
        }
        response = self.request("POST", self.url, content=body, headers=headers)
        if response.status_code >= 400:
            raise RejectedError(f"webhook: HTTP {response.status_code}")
        return Receipt(response.headers.get("Location", post.key))

    def find(self, post: Post) -> Receipt | None:
        """Webhooks cannot be searched."""
        return None
