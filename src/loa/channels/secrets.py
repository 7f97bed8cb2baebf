"""Tokens and secrets: only from the environment or a 0600 secrets file named by LOA_SECRETS_FILE.

A `Secret` never shows its value in a repr, a str or a log line; `scrub` removes known secret
values from any message before it is shown or stored.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Mapping
from pathlib import Path

import yaml

from loa.channels.base import MissingSecretError, PublishError

_KNOWN: set[str] = set()
_KNOWN_LOCK = threading.Lock()


class Secret:
    """A token or key whose value is shown only through `reveal()`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        remember(value)

    def reveal(self) -> str:
        """Return the value, for the one place that sends it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def remember(value: str) -> None:
    """Add a secret value to those `scrub` removes."""
    if len(value) >= 6:
        with _KNOWN_LOCK:
            _KNOWN.add(value)


def scrub(text: str) -> str:
    """Return the text with every known secret value replaced by ***."""
    with _KNOWN_LOCK:
        known = sorted(_KNOWN, key=len, reverse=True)
    for value in known:
        text = text.replace(value, "***")
    return text


class Secrets:
    """Read secrets by name (LOA_FACEBOOK_PAGE_TOKEN, ...): the environment first, then the file."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self._file: dict[str, str] | None = None

    def get(self, name: str) -> Secret | None:
        """Return the secret, or None if it is set nowhere."""
        value = self.environ.get(name) or self._from_file().get(name)
        return Secret(value) if value else None

    def require(self, name: str, purpose: str) -> Secret:
        """Return the secret, or raise naming the variable to set."""
        found = self.get(name)
        if found is None:
            raise MissingSecretError(
                f"thiếu {name} ({purpose}) — đặt biến môi trường {name} "
                "hoặc ghi vào tệp bí mật LOA_SECRETS_FILE (quyền 0600)"
            )
        return found

    def setting(self, name: str, default: str = "") -> str:
        """Return a non-secret setting (an id, a base URL) from the environment."""
        return self.environ.get(name) or default

    def _from_file(self) -> dict[str, str]:
        if self._file is None:
            path = self.environ.get("LOA_SECRETS_FILE")
            self._file = read_secrets_file(Path(path)) if path else {}
        return self._file


def read_secrets_file(path: Path) -> dict[str, str]:
    """Return the NAME: value pairs of a YAML or JSON secrets file readable by its owner only."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PublishError(f"{path}: không đọc được tệp bí mật ({exc.strerror})") from None
    if stat.S_IMODE(mode) & 0o077:
        raise PublishError(
            f"{path}: tệp bí mật đang có quyền {stat.S_IMODE(mode):04o} — chạy: chmod 600 {path}"
        )
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        raise PublishError(f"{path}: tệp bí mật không phải YAML/JSON hợp lệ") from None
    if not isinstance(data, dict):
        raise PublishError(f"{path}: tệp bí mật cần các cặp TÊN: giá trị")
    values = {str(k).upper(): str(v) for k, v in data.items() if v is not None}
    for value in values.values():
        remember(value)
    return values
