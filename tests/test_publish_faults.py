"""Against fake Graph and Zalo servers that lose answers, fail, and rate-limit: every post exactly once."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import httpx
import pytest

from fakes.graph import FakeGraph
from fakes.server import Faults
from fakes.zalo import FakeZalo
from loa.channels.facebook import FacebookPage, prepare_facebook
from loa.channels.secrets import Secret
from loa.channels.webhook import SIGNATURE_HEADER, Webhook, prepare_webhook
from loa.channels.zalo import ZaloOA, ZaloTokens, prepare_zalo_article
from loa.outbox import Outbox, Vault
from loa.publish import Policy, deliver_all
from test_publish_prepare import sample_article

NOW = datetime.now(UTC)
CLIENT_TIMEOUT = 0.2
G13_FAULTS = dict(timeout=0.20, server_error=0.10, rate_limited=0.05, retry_after=0.5, hang=0.4)
POLICY = Policy(max_attempts=40, base_delay=0.02, max_delay=0.5, workers=16)
KEY = "bGlrZS1hLWZlcm5ldC1rZXktb2YtMzItYnl0ZXMtb2s="


def create_facebook_posts(count: int) -> list:  # type: ignore[type-arg]
    return [
        prepare_facebook(
            page_id="1000",
            topic=f"chu-de-{n}",
            message=f"Bài đăng số {n}",
            product_sha256=hashlib.sha256(str(n).encode()).hexdigest(),
            now=NOW,
            link=f"https://example.gov.vn/chu-de/{n}/",
        )
        for n in range(count)
    ]


def test_a_thousand_posts_with_injected_faults_land_exactly_once_each(tmp_path: Path) -> None:
    """G13: 20% timeout after accept, 10% 5xx, 5% 429 → 1,000 upstream, 0 duplicates, 0 missing."""
    posts = create_facebook_posts(1000)
    with FakeGraph(faults=Faults(**G13_FAULTS)) as fake:  # type: ignore[arg-type]
        channel = FacebookPage(
            page_id="1000", token=Secret(fake.token), base_url=fake.base_url, timeout=CLIENT_TIMEOUT
        )
        started = time.monotonic()
        records = deliver_all(posts, {"facebook": channel}, Outbox(tmp_path), policy=POLICY, now=NOW)
        seconds = time.monotonic() - started
    upstream = Counter(p.message.rsplit("#loa-", 1)[-1] for p in fake.posts)
    expected = {post.key[:8] for post in posts}
    report = {
        "upstream": len(fake.posts),
        "duplicates": sum(n - 1 for n in upstream.values()),
        "missing": len(expected - upstream.keys()),
        "sent": sum(r.state == "sent" for r in records),
        "faults": dict(fake.counts),
        "429 not honoured": fake.violations + fake.early_retries,
        "seconds": round(seconds, 1),
    }
    print("G13", json.dumps(report))
    assert report["upstream"] == 1000 and report["duplicates"] == 0 and report["missing"] == 0
    assert report["sent"] == 1000 and report["429 not honoured"] == 0
    assert min(fake.counts.values()) > 0  # every kind of fault happened


@pytest.fixture
def zalo_fake() -> Iterator[FakeZalo]:
    with FakeZalo(
        faults=Faults(timeout=0.2, server_error=0.1, rate_limited=0.05, retry_after=0.5, hang=0.4)
    ) as fake:
        yield fake


def create_zalo(fake: FakeZalo, outbox: Outbox, *, http: httpx.Client) -> ZaloOA:
    tokens = ZaloTokens(
        Vault(outbox, KEY),
        app_id=fake.app_id,
        app_secret=Secret(fake.app_secret),
        seed_access=Secret(fake.access_token),
        seed_refresh=Secret(fake.refresh_token),
        oauth_url=fake.url,
        http=http,
    )
    return ZaloOA(oa_id="oa", tokens=tokens, base_url=fake.url, timeout=CLIENT_TIMEOUT)


def test_zalo_articles_with_faults_and_an_expired_token_land_exactly_once(
    tmp_path: Path, zalo_fake: FakeZalo
) -> None:
    outbox = Outbox(tmp_path)
    posts = [
        prepare_zalo_article(
            oa_id="oa",
            topic=f"t{n}",
            article=sample_article(title=f"Bài {n}"),
            product_sha256=str(n),
            cover=b"png",
        )
        for n in range(150)
    ]
    with httpx.Client(timeout=5) as http:
        channel = create_zalo(zalo_fake, outbox, http=http)
        deliver_all(posts[:50], {"zalo": channel}, outbox, policy=POLICY, now=NOW)
        zalo_fake.expire_access()
        records = deliver_all(posts, {"zalo": channel}, outbox, policy=POLICY, now=NOW)
    titles = Counter(a.title for a in zalo_fake.articles)
    assert len(titles) == 150 and max(titles.values()) == 1
    assert all(r.state == "sent" for r in records)
    assert (zalo_fake.refreshes, zalo_fake.reused) == (1, 0)


def test_a_zalo_token_answered_with_http_401_is_refreshed_once(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    with FakeZalo() as fake, httpx.Client(timeout=5) as http:
        channel = create_zalo(fake, outbox, http=http)
        fake.expire_access(with_401=True)
        post = prepare_zalo_article(
            oa_id="oa", topic="t", article=sample_article(), product_sha256="1", cover=b""
        )
        [record] = deliver_all([post], {"zalo": channel}, outbox, policy=POLICY, now=NOW)
    assert record.state == "sent" and fake.refreshes == 1


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []  # noqa: RUF012

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_webhook_post_is_signed_with_hmac_sha256_and_keyed_for_deduplication(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        channel = Webhook(url=url, secret=Secret("webhook-secret-123"))
        post = prepare_webhook(url=url, topic="t", payload={"title": "Bài"}, product_sha256="1")
        [record] = deliver_all([post], {"webhook": channel}, Outbox(tmp_path), policy=POLICY, now=NOW)
    finally:
        server.shutdown()
    headers, body = _Receiver.received[-1]
    expected = "sha256=" + hmac.new(b"webhook-secret-123", body, hashlib.sha256).hexdigest()
    assert record.state == "sent"
    assert headers[SIGNATURE_HEADER.lower()] == expected and headers["idempotency-key"] == post.key
    assert json.loads(body)["post"] == {"title": "Bài"}


@pytest.mark.parametrize("fault", ["429", "-32"])
def test_a_zalo_article_created_but_not_verified_is_reconciled_not_created_again(
    tmp_path: Path, fault: str
) -> None:
    outbox = Outbox(tmp_path)
    with FakeZalo() as fake, httpx.Client(timeout=5) as http:
        fake.verify_faults = [fault]
        channel = create_zalo(fake, outbox, http=http)
        post = prepare_zalo_article(
            oa_id="oa", topic="t", article=sample_article(), product_sha256="1", cover=b""
        )
        [record] = deliver_all([post], {"zalo": channel}, outbox, policy=POLICY, now=NOW)
    assert record.state == "sent" and record.upstream_id == fake.articles[0].id and len(fake.articles) == 1


def test_a_scheduled_facebook_post_lost_in_a_timeout_is_found_among_the_scheduled_posts(
    tmp_path: Path,
) -> None:
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    post = prepare_facebook(
        page_id="1000",
        topic="t",
        message="Hẹn giờ",
        product_sha256="1",
        now=NOW,
        photo=b"\x89PNG",
        scheduled_at=at,
    )
    with FakeGraph(faults=Faults(timeout=1.0, hang=0.4)) as fake:  # every create answers too late
        channel = FacebookPage(
            page_id="1000", token=Secret(fake.token), base_url=fake.base_url, timeout=CLIENT_TIMEOUT
        )
        [record] = deliver_all([post], {"facebook": channel}, Outbox(tmp_path), policy=POLICY, now=NOW)
    [upstream] = fake.posts
    assert (record.state, record.upstream_id, record.attempts) == ("sent", upstream.id, 1)
    assert upstream.scheduled == int(at.timestamp()) and upstream.photo == b"\x89PNG"
