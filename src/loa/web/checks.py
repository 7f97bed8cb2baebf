"""Start-up checks of the web app's settings (`loa web check`, and `check --deploy` for production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.SECRET_KEY_FROM_ENV:
        return []
    return [
        Warning(
            "LOA_SECRET_KEY is not set: the key kept in the data folder is used",
            hint="Set LOA_SECRET_KEY in the service's environment.",
            id="loa.W001",
        )
    ]


@register(Tags.database, deploy=True)
def production_database(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return []
    return [
        Warning(
            "The web app runs on SQLite: fine for one machine, not for several web workers",
            hint="Set DATABASE_URL=postgres://user@host:5432/loa.",
            id="loa.W002",
        )
    ]


@register()
def data_dir_is_writable(app_configs: Any, **kwargs: Any) -> list[Error]:
    folder = settings.DATA_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        return [
            Error(
                f"The data folder {folder} is not writable ({exc})",
                hint="Set LOA_DATA_DIR to a folder the service may write.",
                id="loa.E001",
            )
        ]
    return []
