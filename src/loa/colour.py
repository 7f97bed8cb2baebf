"""Colour contrast as WCAG 2.1 defines it, shared by the reader's brand check and the renderers."""

from __future__ import annotations

BODY_MINIMUM = 4.5
"""WCAG AA contrast for body text."""
LARGE_MINIMUM = 3.0
"""WCAG AA contrast for large text (titles)."""


def luminance(colour: str) -> float:
    """Return the relative luminance of "#RRGGBB" (WCAG 2.1)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return the contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
