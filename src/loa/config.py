"""One typed configuration: loa.yaml in the working folder, then LOA_* environment overrides."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from loa.errors import ConfigError
from loa.readers.source import explain

CONFIG_FILE = "loa.yaml"
SECRET_WORDS = ("token", "secret", "password", "key")


class Settings(BaseModel):
    """Settings of the loa command; every field can be overridden by LOA_<FIELD> in the environment."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    campaign: Path = Path("campaigns/bao-ve-tre-em")
    """Campaign folder used when a command is given none."""
    out: Path = Path("_site")
    """Output folder of `loa build`."""
    formats: tuple[str, ...] = ()
    """Formats to build; empty means all, including the portal."""
    strict: bool = False
    """Treat lint warnings as errors."""
    workers: int = Field(default=0, ge=0, le=64)
    """Render processes for large builds; 0 means one per core."""
    host: str = "127.0.0.1"
    """Address `loa serve` listens on."""
    port: int = Field(default=8000, ge=0, le=65535)
    """Port `loa serve` listens on (0 picks a free one)."""
    executor: Literal["local", "celery"] = "local"
    """Where render and publish jobs run: `local` (this machine) or `celery` (workers of `loa worker`)."""
    broker_url: str = ""
    """Celery broker for `executor: celery`: redis://host:6379/0 or amqp://user@host:5672//."""
    redis_url: str = ""
    """Redis holding job leases and results; empty means the broker when it is Redis."""
    queue: str = Field(default="loa", pattern=r"^[A-Za-z0-9_.-]+$")
    """Celery queue shared by the build and its workers (also the prefix of their Redis keys)."""
    lease_seconds: float = Field(default=15.0, ge=2, le=600)
    """A running job's lease: a job whose worker died is sent again this long after its last heartbeat."""
    cluster_store: Path = Path("var/cluster")
    """Folder shared by the build and the workers where rendered jobs are kept by input hash."""


def load_settings(folder: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Return settings from loa.yaml (if present) with LOA_* environment overrides applied."""
    folder = folder or Path.cwd()
    environ = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    path = folder / CONFIG_FILE
    if path.is_file():
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: không đọc được ({exc})") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: cần các cặp khóa: giá trị")
        for key in loaded:
            if any(word in str(key).lower() for word in SECRET_WORDS):
                raise ConfigError(
                    f"{path}: {key}: không ghi bí mật vào loa.yaml — đặt trong biến "
                    f"môi trường LOA_{str(key).upper()}"
                )
        _refuse_passwords(loaded, path)
        data.update(loaded)
    from_env: set[str] = set()
    for name in Settings.model_fields:
        value = environ.get(f"LOA_{name.upper()}")
        if value is not None:
            from_env.add(name)
            data[name] = [v for v in value.split(",") if v] if name == "formats" else value
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc.errors()[0], path, from_env)) from None


def _refuse_passwords(loaded: dict[str, Any], path: Path) -> None:
    """Refuse service URLs that carry a password in loa.yaml: they belong in the environment."""
    for name in ("broker_url", "redis_url"):
        value = loaded.get(name)
        if isinstance(value, str) and urlsplit(value).password:
            raise ConfigError(
                f"{path}: {name}: địa chỉ có mật khẩu — không ghi bí mật vào loa.yaml, đặt trong biến "
                f"môi trường LOA_{name.upper()}"
            )


def _describe(err: Any, path: Path, from_env: set[str]) -> str:
    """Return a located Vietnamese message for the first settings error."""
    name = str(err["loc"][0]) if err["loc"] else ""
    where = f"biến môi trường LOA_{name.upper()}" if name in from_env else f"{path}: {name}"
    if err["type"] == "extra_forbidden":
        near = difflib.get_close_matches(name, list(Settings.model_fields), n=1)
        hint = (
            f"có phải ý bạn là '{near[0]}'?"
            if near
            else "các khóa hợp lệ: " + ", ".join(Settings.model_fields)
        )
        return f"{where}: khóa không có trong loa.yaml — {hint}"
    message, fix = explain(err)
    return f"{where}: {message}" + (f" — {fix}" if fix else "")


def secret(name: str, environ: dict[str, str] | None = None) -> str | None:
    """Return a secret from the environment only (LOA_<NAME>); never from files in the repo."""
    return (os.environ if environ is None else environ).get(f"LOA_{name.upper()}")
