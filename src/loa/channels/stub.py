"""The stub twin of every channel: keeps posts in memory, for tests and dry runs."""

from __future__ import annotations

import threading

from loa.channels.base import Channel, Post, Receipt


class StubChannel(Channel):
    """A channel that accepts every post and remembers it; `find` sees what it accepted."""

    def __init__(self, name: str = "stub") -> None:
        super().__init__()
        self.name = name
        self.posts: dict[str, Post] = {}
        self._lock = threading.Lock()

    def publish(self, post: Post) -> Receipt:
        """Accept the post."""
        with self._lock:
            self.posts[post.key] = post
        return Receipt(f"{self.name}-{post.key[:12]}")

    def find(self, post: Post) -> Receipt | None:
        """Return the receipt of a post accepted before."""
        with self._lock:
            return Receipt(f"{self.name}-{post.key[:12]}") if post.key in self.posts else None
