"""Zalo tokens: one upstream refresh however many workers race, stored encrypted, never shown."""

from __future__ import annotations

import json
import logging
import multiprocessing
import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from fakes.refresher import refresh_in_threads
from fakes.zalo import FakeZalo
from loa.channels import PublishError
from loa.channels.facebook import FacebookPage
from loa.channels.secrets import Secret, Secrets, scrub
from loa.channels.zalo import ACCESS, ZaloTokens, prepare_zalo_article
from loa.outbox import FILE_NAME, Outbox, Vault
from loa.publish import Policy, deliver_all
from test_publish_faults import NOW, create_zalo
from test_publish_prepare import sample_article

KEY = Fernet.generate_key().decode()


def seeded_tokens(folder: Path, fake: FakeZalo, http: httpx.Client, key: str = KEY) -> ZaloTokens:
    return ZaloTokens(
        Vault(Outbox(folder), key),
        app_id=fake.app_id,
        app_secret=Secret(fake.app_secret),
        seed_access=Secret(fake.access_token),
        seed_refresh=Secret(fake.refresh_token),
        oauth_url=fake.url,
        http=http,
    )


def test_a_hundred_threads_refreshing_at_once_make_exactly_one_upstream_refresh(tmp_path: Path) -> None:
    """G14 (threads)."""
    with FakeZalo(refresh_delay=0.1) as fake, httpx.Client(timeout=10) as http:
        tokens = seeded_tokens(tmp_path, fake, http)
        _, seen = tokens.current()
        fake.expire_access()
        got = refresh_in_threads(str(tmp_path), KEY, fake.url, fake.app_id, fake.app_secret, seen, 100)
        assert (fake.refreshes, fake.reused, len(got), set(got)) == (1, 0, 100, {fake.access_token})
        assert tokens.current()[0].reveal() == fake.access_token


def test_a_hundred_refreshes_from_four_processes_make_exactly_one_upstream_refresh(tmp_path: Path) -> None:
    """G14 (processes): 4 processes × 25 threads, all holding the same expired token."""
    with FakeZalo(refresh_delay=0.1) as fake, httpx.Client(timeout=10) as http:
        _, seen = seeded_tokens(tmp_path, fake, http).current()
        fake.expire_access()
        args = (str(tmp_path), KEY, fake.url, fake.app_id, fake.app_secret, seen, 25)
        with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
            got = [
                t
                for result in [pool.submit(refresh_in_threads, *args) for _ in range(4)]
                for t in result.result()
            ]
        print(
            "G14",
            json.dumps({"refreshes": fake.refreshes, "reused (-14020)": fake.reused, "workers": len(got)}),
        )
        assert (fake.refreshes, fake.reused, len(got), set(got)) == (1, 0, 100, {fake.access_token})


def test_a_worker_that_saw_an_old_token_uses_the_new_one_without_refreshing(tmp_path: Path) -> None:
    with FakeZalo() as fake, httpx.Client(timeout=10) as http:
        tokens = seeded_tokens(tmp_path, fake, http)
        _, seen = tokens.current()
        first = tokens.refresh(seen)
        assert tokens.refresh(seen) == first and fake.refreshes == 1


def test_a_reused_refresh_token_is_reported_in_vietnamese_without_the_token(tmp_path: Path) -> None:
    with FakeZalo() as fake, httpx.Client(timeout=10) as http:
        old_refresh = fake.refresh_token
        tokens = seeded_tokens(tmp_path, fake, http)
        tokens.refresh(tokens.current()[1])
        with tokens.vault.outbox.transaction() as db:  # someone restored an old backup of the pair
            tokens.vault.write(db, "zalo.refresh_token", Secret(old_refresh))
        with pytest.raises(PublishError, match="-14020: refresh token đã được dùng") as caught:
            tokens.refresh(tokens.current()[1])
    assert old_refresh not in str(caught.value) and fake.reused == 1


def test_no_token_appears_in_the_database_file_logs_or_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """G20: the SQLite file bytes, the log and every error message hold no plaintext token."""
    caplog.set_level(logging.DEBUG)
    outbox = Outbox(tmp_path)
    with FakeZalo() as fake, httpx.Client(timeout=5) as http:
        seen = [fake.access_token, fake.refresh_token, fake.app_secret]
        channel = create_zalo(fake, outbox, http=http)
        fake.expire_access()
        post = channel.tokens  # the token holder's repr is safe too
        posts = [
            prepare_zalo_article(
                oa_id="oa", topic="t", article=sample_article(), product_sha256="1", cover=b""
            )
        ]
        deliver_all(posts, {"zalo": channel}, outbox, policy=Policy(), now=NOW)
        seen += [fake.access_token, fake.refresh_token]
    text = repr(post) + repr(channel) + caplog.text
    raw = b"".join(p.read_bytes() for p in tmp_path.glob(FILE_NAME + "*"))
    assert fake.refreshes == 1
    for token in seen:
        assert token not in text and token.encode() not in raw


def test_a_refused_facebook_token_error_names_the_variable_but_not_the_token() -> None:
    token = Secret("EAAsecret-page-token-xyz")
    channel = FacebookPage(page_id="1", token=token, base_url="http://127.0.0.1:9")
    assert "EAAsecret" not in repr(channel) and repr(token) == "Secret('***')"
    assert scrub("token EAAsecret-page-token-xyz bị lộ") == "token *** bị lộ"


def test_rotating_the_secret_key_re_encrypts_every_stored_token(tmp_path: Path) -> None:
    """G20: key rotation re-encrypts N/N tokens."""
    with FakeZalo() as fake, httpx.Client(timeout=5) as http:
        seeded_tokens(tmp_path, fake, http)
    new_key = Fernet.generate_key().decode()
    assert Vault(Outbox(tmp_path), f"{new_key},{KEY}").rotate() == (3, 3)
    with Outbox(tmp_path).connect() as db:
        token, _ = Vault(Outbox(tmp_path), new_key).read(db, ACCESS)
        assert token is not None and token.reveal() == fake.access_token
        with pytest.raises(PublishError, match="LOA_SECRET_KEY đã đổi"):
            Vault(Outbox(tmp_path), KEY).read(db, ACCESS)


def test_a_secrets_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bi-mat.yaml"
    path.write_text("LOA_FACEBOOK_PAGE_TOKEN: EAAfile-token-123\n", encoding="utf-8")
    path.chmod(0o644)
    with pytest.raises(PublishError, match="quyền 0644 — chạy: chmod 600"):
        Secrets({"LOA_SECRETS_FILE": str(path)}).get("LOA_FACEBOOK_PAGE_TOKEN")
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    found = Secrets({"LOA_SECRETS_FILE": str(path)}).get("LOA_FACEBOOK_PAGE_TOKEN")
    assert found is not None and found.reveal() == "EAAfile-token-123"


def test_an_environment_variable_wins_over_the_secrets_file(tmp_path: Path) -> None:
    path = tmp_path / "bi-mat.json"
    path.write_text('{"LOA_ZALO_APP_SECRET": "from-file-123"}', encoding="utf-8")
    path.chmod(0o600)
    secrets = Secrets({"LOA_SECRETS_FILE": str(path), "LOA_ZALO_APP_SECRET": "from-env-456"})
    assert secrets.require("LOA_ZALO_APP_SECRET", "x").reveal() == "from-env-456"
