"""The outbox: one SQLite row per post with its state, so a post is never sent twice.

States: planned → sending → sent | failed | unknown. A row is marked `sending` in its own
transaction before the HTTP call; `unknown` (a timeout or 5xx after the request may have been
accepted) must be reconciled upstream before any retry; `sent` is final. The same database holds
the Zalo tokens, encrypted with Fernet (LOA_SECRET_KEY).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from loa.channels.base import Post, PublishError
from loa.channels.secrets import Secret, scrub

State = Literal["planned", "sending", "sent", "failed", "unknown"]
FILE_NAME = "outbox.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    key TEXT PRIMARY KEY, channel TEXT NOT NULL, target TEXT NOT NULL, topic TEXT NOT NULL,
    kind TEXT NOT NULL, scheduled_at TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    upstream_id TEXT, link TEXT, last_error TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS secrets (
    name TEXT PRIMARY KEY, ciphertext BLOB NOT NULL, generation INTEGER NOT NULL, updated_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Record:
    """One outbox row."""

    key: str
    channel: str
    topic: str
    kind: str
    scheduled_at: str | None
    state: State
    attempts: int
    upstream_id: str | None
    link: str | None
    last_error: str | None


def data_dir(environ: dict[str, str] | None = None) -> Path:
    """Return the data folder: LOA_DATA_DIR, or ./var."""
    return Path((os.environ if environ is None else environ).get("LOA_DATA_DIR") or "var")


class Outbox:
    """The outbox database in a data folder; safe to share between threads and processes."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE_NAME
        self._local = threading.local()
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """Yield this thread's autocommit connection (threads never share one; each keeps its own)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=120, isolation_level=None, check_same_thread=True)
            db.execute("PRAGMA busy_timeout=120000")
            self._local.db = db
        yield db

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Yield a connection inside BEGIN IMMEDIATE: the write lock is held until it ends."""
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def plan(self, post: Post) -> Record:
        """Add a post as planned (nothing changes if its key is already there); return its row."""
        now = time.time()
        when = post.scheduled_at.isoformat() if post.scheduled_at else None
        with self.connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO posts (key, channel, target, topic, kind, scheduled_at, state,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'planned', ?, ?)",
                (post.key, post.channel, post.target, post.topic, post.kind, when, now, now),
            )
        found = self.get(post.key)
        assert found is not None
        return found

    def get(self, key: str) -> Record | None:
        """Return the row of a post, or None."""
        with self.connect() as db:
            row = db.execute(
                "SELECT key, channel, topic, kind, scheduled_at, state, attempts, upstream_id, link,"
                " last_error FROM posts WHERE key = ?",
                (key,),
            ).fetchone()
        return Record(*row) if row else None

    def records(self) -> list[Record]:
        """Return every row, oldest first."""
        with self.connect() as db:
            rows = db.execute(
                "SELECT key, channel, topic, kind, scheduled_at, state, attempts, upstream_id, link,"
                " last_error FROM posts ORDER BY created_at, key"
            ).fetchall()
        return [Record(*row) for row in rows]

    def scheduled_times(self, channel: str, target: str, kind: str) -> list[datetime]:
        """Return when a target's posts of one kind went out or will (for quotas): the scheduled
        time, or the time of the last change for a post sent at once; all but the failed ones."""
        with self.connect() as db:
            rows = db.execute(
                "SELECT scheduled_at, updated_at FROM posts WHERE channel = ? AND target = ? AND kind = ?"
                " AND state IN ('planned', 'sending', 'sent', 'unknown')",
                (channel, target, kind),
            ).fetchall()
        return [datetime.fromisoformat(at) if at else datetime.fromtimestamp(ts, UTC) for at, ts in rows]

    def claim(self, key: str) -> bool:
        """Mark a planned or failed post `sending` (one attempt more); False if it is in another state."""
        return self._move(key, ("planned", "failed"), "sending", attempt=True)

    def mark_sent(self, key: str, upstream_id: str, link: str = "") -> None:
        """Record the platform's id: the post is sent and will never be sent again."""
        with self.connect() as db:
            db.execute(
                "UPDATE posts SET state = 'sent', upstream_id = ?, link = ?, last_error = NULL,"
                " updated_at = ? WHERE key = ?",
                (upstream_id, link, time.time(), key),
            )

    def mark_failed(self, key: str, error: str) -> None:
        """The platform did not take the post: it may be claimed again."""
        self._move(key, ("sending",), "failed", error=error)

    def mark_unknown(self, key: str, error: str) -> None:
        """The post may be upstream: it must be reconciled before another attempt."""
        self._move(key, ("sending",), "unknown", error=error)

    def mark_not_found(self, key: str) -> None:
        """Reconciliation found nothing upstream: the post may be sent again."""
        self._move(key, ("unknown", "sending"), "failed", error="không thấy trên nền tảng sau khi đối soát")

    def recover_stale(self, lease_seconds: float) -> int:
        """Turn `sending` rows older than the lease (a crashed sender) into `unknown`; return how many."""
        with self.connect() as db:
            cursor = db.execute(
                "UPDATE posts SET state = 'unknown', last_error = 'dừng giữa chừng khi đang gửi',"
                " updated_at = ? WHERE state = 'sending' AND updated_at < ?",
                (time.time(), time.time() - lease_seconds),
            )
            return cursor.rowcount

    def _move(
        self, key: str, sources: tuple[State, ...], target: State, *, attempt: bool = False, error: str = ""
    ) -> bool:
        marks = ",".join("?" * len(sources))
        with self.connect() as db:
            cursor = db.execute(
                f"UPDATE posts SET state = ?, attempts = attempts + ?, last_error = ?, updated_at = ?"
                f" WHERE key = ? AND state IN ({marks})",
                (target, int(attempt), scrub(error) or None, time.time(), key, *sources),
            )
            return cursor.rowcount == 1


class Vault:
    """Secrets stored in the outbox database, encrypted with LOA_SECRET_KEY (Fernet)."""

    def __init__(self, outbox: Outbox, keys: str) -> None:
        self.outbox = outbox
        self.fernet = fernet(keys)
        self._newest = Fernet(keys.split(",")[0].strip().encode())

    def read(self, db: sqlite3.Connection, name: str) -> tuple[Secret | None, int]:
        """Return a stored secret and its generation (0 if absent), on a given connection."""
        row = db.execute("SELECT ciphertext, generation FROM secrets WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None, 0
        try:
            return Secret(self.fernet.decrypt(row[0]).decode()), int(row[1])
        except InvalidToken:
            raise PublishError(
                f"không giải mã được bí mật {name} đã lưu — LOA_SECRET_KEY đã đổi? "
                "Đặt khóa cũ sau khóa mới, cách nhau bởi dấu phẩy"
            ) from None

    def write(self, db: sqlite3.Connection, name: str, value: Secret) -> int:
        """Store a secret encrypted, bumping its generation; return the new generation."""
        _, generation = self.read(db, name)
        db.execute(
            "INSERT INTO secrets (name, ciphertext, generation, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET ciphertext = excluded.ciphertext,"
            " generation = excluded.generation, updated_at = excluded.updated_at",
            (name, self.fernet.encrypt(value.reveal().encode()), generation + 1, time.time()),
        )
        return generation + 1

    def rotate(self) -> tuple[int, int]:
        """Re-encrypt every stored secret with the first key; return (readable with it alone, total)."""
        with self.outbox.transaction() as db:
            rows = db.execute("SELECT name, ciphertext FROM secrets").fetchall()
            for name, ciphertext in rows:
                db.execute(
                    "UPDATE secrets SET ciphertext = ? WHERE name = ?",
                    (rotate(self.fernet, name, ciphertext), name),
                )
            stored = db.execute("SELECT ciphertext FROM secrets").fetchall()
        return sum(_readable(self._newest, row[0]) for row in stored), len(rows)


def rotate(cipher: MultiFernet, name: str, ciphertext: bytes) -> bytes:
    """Return a secret's ciphertext re-encrypted with the newest key; raise naming it if unreadable."""
    try:
        return cipher.rotate(ciphertext)
    except InvalidToken:
        raise PublishError(
            f"không giải mã được bí mật {name} — đặt khóa cũ sau khóa mới: LOA_SECRET_KEY=mới,cũ"
        ) from None


def _readable(cipher: Fernet, ciphertext: bytes) -> bool:
    try:
        cipher.decrypt(ciphertext)
    except InvalidToken:
        return False
    return True


def fernet(keys: str) -> MultiFernet:
    """Return the cipher for LOA_SECRET_KEY: Fernet keys separated by commas, the newest first."""
    try:
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    except (ValueError, TypeError):
        raise PublishError(
            'LOA_SECRET_KEY không phải khóa Fernet — tạo khóa bằng: python -c "from cryptography.fernet '
            'import Fernet; print(Fernet.generate_key().decode())"'
        ) from None
