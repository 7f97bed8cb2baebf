"""Be Vietnam Pro for self-contained HTML: WOFF subsets (every Vietnamese letter) as base64 @font-face."""

from __future__ import annotations

import base64
import io
from functools import cache

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from loa.fonts import FAMILY, font_file

VIETNAMESE = (
    "".join(map(chr, range(0x20, 0x7F)))
    + "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    + "".join(map(chr, range(0x1EA0, 0x1EFA)))
    + "–—‘’“”…•·‹›«»×°%"
)
"""Every letter Vietnamese needs plus common punctuation: any text of the campaign is covered."""
WEIGHTS = {400: "Regular", 700: "Bold"}


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
    """Return a WOFF of one Be Vietnam Pro weight holding only these characters (repeatable bytes)."""
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
