"""Account tokens at rest: Fernet (the outbox's cipher), keyed by LOA_TOKEN_KEY, never shown or logged.

LOA_TOKEN_KEY holds Fernet keys separated by commas, the newest first; without it a key is
generated once into LOA_DATA_DIR/token_key (0600). To rotate: put a new key first, the old one
after it, and run `loa web rotate_token_key`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from loa.channels.base import PublishError
from loa.channels.secrets import Secret, remember
from loa.outbox import fernet

KEY_FILE = "token_key"


def token_keys() -> str:
    """Return the Fernet keys that seal account tokens: LOA_TOKEN_KEY, or one kept in the data folder."""
    from_env = os.environ.get("LOA_TOKEN_KEY", "").strip()
    if from_env:
        return from_env
    path = Path(settings.DATA_DIR) / KEY_FILE
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(Fernet.generate_key().decode())
    return path.read_text(encoding="utf-8").strip()


def seal(values: dict[str, str]) -> bytes:
    """Return the tokens encrypted with the newest key."""
    return fernet(token_keys()).encrypt(json.dumps(values, sort_keys=True).encode())


def unseal(blob: bytes | memoryview) -> dict[str, Secret]:
    """Return the tokens of an account as Secrets (their values are then scrubbed from messages)."""
    try:
        data = json.loads(fernet(token_keys()).decrypt(bytes(blob)))
    except InvalidToken:
        raise PublishError(
            "không giải mã được token đã lưu — LOA_TOKEN_KEY đã đổi? Đặt khóa cũ sau khóa mới, "
            "cách nhau bởi dấu phẩy, rồi chạy: loa web rotate_token_key"
        ) from None
    for value in data.values():
        remember(str(value))
    return {str(k): Secret(str(v)) for k, v in data.items()}


def reseal(blob: bytes | memoryview) -> bytes:
    """Return the ciphertext re-encrypted with the newest key (readable with any listed key)."""
    return fernet(token_keys()).rotate(bytes(blob))


def readable_with_newest(blob: bytes | memoryview) -> bool:
    """Return True when the newest key alone decrypts the ciphertext."""
    try:
        Fernet(token_keys().split(",")[0].strip().encode()).decrypt(bytes(blob))
    except InvalidToken:
        return False
    return True
