"""Brand colours made safe to read: every text colour is checked against its background (WCAG 2.1)."""

from __future__ import annotations

from loa import model as m
from loa.colour import BODY_MINIMUM, LARGE_MINIMUM, contrast

WHITE = "#FFFFFF"
INK = "#111418"
DONT = "#B42318"
"""Red of the "don't" icon (white cross on it: 6.5:1)."""


def readable(preferred: str, background: str, minimum: float = BODY_MINIMUM) -> str:
    """Return the preferred text colour if it reads on the background, else white or ink, the better."""
    if contrast(preferred, background) >= minimum:
        return preferred
    return max((WHITE, INK), key=lambda c: contrast(c, background))


def mix(a: str, b: str, share: float) -> str:
    """Return colour a blended with share of colour b (for decoration only, never for text)."""
    pairs = [(int(a[i : i + 2], 16), int(b[i : i + 2], 16)) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in pairs)


def palette(brand: m.Brand) -> dict[str, str]:
    """Return the named colours the Typst templates use, text colours already contrast-checked."""
    background, panel, band, tint = brand.background, brand.primary, brand.accent, brand.secondary
    text = readable(brand.text, background)
    on_panel = readable(WHITE, panel)
    return {
        "background": background,
        "text": text,
        "muted": readable(mix(text, background, 0.25), background),
        "heading": readable(brand.primary, background),
        "panel": panel,
        "title": readable(WHITE, panel, LARGE_MINIMUM),
        "on-panel": on_panel,
        "wave": mix(panel, on_panel, 0.14),
        "band": band,
        "on-band": readable(brand.text, band),
        "tint": tint,
        "on-tint": readable(brand.text, tint),
        "heading-on-tint": readable(brand.primary, tint),
        "badge": band,
        "on-badge": readable(brand.text, band),
        "icon": panel,
        "on-icon": on_panel,
        "dont": DONT,
        "rule": mix(background, text, 0.15),
        "ink-on-white": readable(brand.text, WHITE),
    }


TEXT_PAIRS = (
    ("text", "background", BODY_MINIMUM),
    ("muted", "background", BODY_MINIMUM),
    ("heading", "background", BODY_MINIMUM),
    ("title", "panel", LARGE_MINIMUM),
    ("on-panel", "panel", BODY_MINIMUM),
    ("on-band", "band", BODY_MINIMUM),
    ("on-tint", "tint", BODY_MINIMUM),
    ("heading-on-tint", "tint", BODY_MINIMUM),
    ("on-badge", "badge", BODY_MINIMUM),
)
"""(text, background, minimum) pairs the templates draw: tests check each one."""
