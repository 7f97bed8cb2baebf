"""A worker process for the token tests: many threads refreshing the same Zalo token at once."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from loa.channels.secrets import Secret
from loa.channels.zalo import ZaloTokens
from loa.outbox import Outbox, Vault


def refresh_in_threads(
    folder: str, key: str, oauth_url: str, app_id: str, app_secret: str, seen: int, threads: int
) -> list[str]:
    """Refresh from `threads` threads started together; return the access tokens they got."""
    with httpx.Client(timeout=10) as http:
        tokens = ZaloTokens(
            Vault(Outbox(Path(folder)), key),
            app_id=app_id,
            app_secret=Secret(app_secret),
            seed_access=None,
            seed_refresh=None,
            oauth_url=oauth_url,
            http=http,
        )
        start = threading.Barrier(threads)
        got: list[str] = []
        errors: list[BaseException] = []

        def one() -> None:
            start.wait()
            try:
                got.append(tokens.refresh(seen).reveal())
            except BaseException as exc:  # reported to the test
                errors.append(exc)

        workers = [threading.Thread(target=one) for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    if errors:
        raise errors[0]
    return got
