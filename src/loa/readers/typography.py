"""Typographic quotes for text typed with a keyboard's straight ones. The campaign is read with them
(YAML strings here, Markdown through markdown-it's smartquotes), so every product prints “…” and ’
alike: the poster, the article, the slides, the posts."""

from __future__ import annotations

import re
from typing import Any

_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def typographic(text: str) -> str:
    """Return text with straight double quotes turned into curly ones (“…”) when they pair up, and
    an apostrophe between letters (don't) into ’."""
    text = _APOSTROPHE.sub("’", text)
    parts = text.split('"')
    if len(parts) % 2 == 0:
        return text
    return "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]


def typographic_values(value: Any) -> Any:
    """Return YAML data with every string in it made typographic (keys are left alone)."""
    if isinstance(value, str):
        return typographic(value)
    if isinstance(value, list):
        return [typographic_values(v) for v in value]
    if isinstance(value, dict):
        return {k: typographic_values(v) for k, v in value.items()}
    return value
