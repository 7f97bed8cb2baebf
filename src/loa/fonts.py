"""The fonts every product uses: Be Vietnam Pro from its wheel, Noto from the system as fallback."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fontpkg_be_vietnam_pro import ROOT as _BE_VIETNAM_PRO_ROOT

FAMILY = "Be Vietnam Pro"
FALLBACK_FAMILIES = ("Noto Sans", "DejaVu Sans")
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu"))


def font_dir() -> Path:
    """Return the folder holding the Be Vietnam Pro TTF files."""
    return Path(_BE_VIETNAM_PRO_ROOT) / "files"


def font_file(weight: str = "Regular") -> Path:
    """Return one Be Vietnam Pro file, e.g. font_file("Bold")."""
    return font_dir() / f"BeVietnamPro-{weight}.ttf"


@cache
def font_paths() -> tuple[Path, ...]:
    """Return font folders for renderers: Be Vietnam Pro first, then fallbacks present here."""
    return (font_dir(), *(d for d in SYSTEM_FONT_DIRS if d.is_dir()))
