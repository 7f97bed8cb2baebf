"""Be Vietnam Pro for self-contained HTML: WOFF subsets (every Vietnamese letter) as base64 @font-face."""

from __future__ import annotations

import base64
import hashlib
import io
import os
from functools import cache
from pathlib import Path

from loa.fonts import FAMILY, font_file

VIETNAMESE = (
    "".join(map(chr, range(0x20, 0x7F)))
    + "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    + "".join(map(chr, range(0x1EA0, 0x1EFA)))
    + "–—‘’“”…•·‹›«»×°%"
)
"""Every letter Vietnamese needs plus common punctuation: any text of the campaign is covered."""
WEIGHTS = {400: "Regular", 700: "Bold"}
SUBSET_VERSION = "1"
"""Bump when the subsetting options change, so cached subsets are made again."""


def font_face_css(text: str = "") -> str:
    """Return @font-face rules embedding Regular and Bold, subset to Vietnamese and `text`."""
    chars = "".join(sorted(set(VIETNAMESE) | set(text) - {"\n", "\r", "\t"}))
    return "\n".join(_rule(weight, chars) for weight in WEIGHTS)


def _rule(weight: int, chars: str) -> str:
    data = base64.b64encode(woff_subset(WEIGHTS[weight], chars)).decode("ascii")
    return (
        f'@font-face{{font-family:"{FAMILY}";font-style:normal;font-weight:{weight};'
        f'font-display:block;src:url(data:font/woff;base64,{data}) format("woff")}}'
    )


@cache
def woff_subset(weight: str, chars: str) -> bytes:
    """Return a WOFF of one Be Vietnam Pro weight holding only these characters (repeatable bytes).

    Subsetting takes a quarter of a second per weight, so results are kept in the user's cache
    folder ($XDG_CACHE_HOME/loa/fonts), keyed by the font file, the weight and the characters.
    """
    font_path = font_file(weight)
    key = hashlib.sha256(f"{SUBSET_VERSION}|{font_path.stat().st_size}|{weight}|{chars}".encode()).hexdigest()
    cached = _cache_dir() / f"{key}.woff"
    if cached.is_file():
        return cached.read_bytes()
    data = _subset(weight, chars)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(cached)  # atomic: a parallel build never reads half a font
    except OSError:
        pass  # a read-only home is fine: the subset is just made again next time
    return data


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "loa" / "fonts"


def _subset(weight: str, chars: str) -> bytes:
    # fontTools takes ~70 ms to import: only a build that writes the portal pays for it.
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(font_file(weight), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.flavor = "woff"
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
