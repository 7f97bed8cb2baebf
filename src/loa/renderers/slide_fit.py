"""Slide text and its fit: rich paragraphs, measured with Be Vietnam Pro's own metrics, and box sizes.

Every slide product (PPTX, HTML, PDF handout) draws on the same 1280×720 canvas (1 px = 1/96 in,
so 13.333×7.5 in), with the same boxes and font sizes, so a text that fits here fits everywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from PIL import ImageFont

from loa.fonts import font_file

SLIDE_W = 1280
SLIDE_H = 720
LINE = 1.3
"""Line pitch as a multiple of the font size, the same in every slide format."""
SAFETY = 0.92
"""Share of a box's width the measured text may use: viewers' shaping differs a little."""
MIN_PT = 18.0
"""Never set body text smaller than this: split onto more slides instead."""
_MEASURE_PX = 200

Marker = Literal["none", "bullet", "number"]


@dataclass(frozen=True)
class Run:
    """A piece of text with one style."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Para:
    """One paragraph of a text box: its runs, list level and marker."""

    runs: tuple[Run, ...]
    level: int = 0
    marker: Marker = "none"
    number: int = 0

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Box:
    """A rectangle on the 1280×720 canvas, in px."""

    x: float
    y: float
    w: float
    h: float


def para(text: str, *, level: int = 0, marker: Marker = "none", number: int = 0, bold: bool = False) -> Para:
    """Return a paragraph of one run."""
    return Para((Run(text, bold),), level, marker, number)


def px(pt: float) -> float:
    """Return a font size in canvas px for a size in points."""
    return pt * 4 / 3


def indent_em(p: Para) -> float:
    """Return how far a paragraph's text starts from the box edge, in em."""
    return p.level * 1.2 + marker_em(p)


def marker_em(p: Para) -> float:
    """Return the width kept for a paragraph's bullet or number, in em."""
    return {"none": 0.0, "bullet": 1.1, "number": 1.9 if p.number >= 10 else 1.5}[p.marker]


def space_before_em(p: Para, first: bool) -> float:
    """Return the gap above a paragraph, in em (none above the first)."""
    return 0.0 if first else (0.2 if p.level else 0.5)


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file("Bold" if bold else "Regular")), _MEASURE_PX)


@cache
def _word_width(word: str, bold: bool) -> float:
    return float(_font(bold).getlength(word)) / _MEASURE_PX


@lru_cache(maxsize=65_536)  # fitting a deck tries the same paragraph at the same sizes many times
def line_count(p: Para, width_px: float, size_pt: float) -> int:
    """Return how many lines a paragraph takes in a box this wide, wrapping at spaces."""
    size = px(size_pt)
    room = width_px * SAFETY / size - indent_em(p)
    space = _word_width(" ", False)
    lines, used = 1, 0.0
    for run in p.runs:
        for word in run.text.split():
            width = _word_width(word, run.bold)
            if used and used + space + width > room:
                lines, used = lines + 1 + int(width // room), width % room
            else:
                used = used + space + width if used else width
    return lines


def text_height(paras: tuple[Para, ...], width_px: float, size_pt: float) -> float:
    """Return the height, in px, of paragraphs set in a box this wide at this size."""
    size = px(size_pt)
    total = 0.0
    for index, p in enumerate(paras):
        total += space_before_em(p, index == 0) * size + line_count(p, width_px, size_pt) * LINE * size
    return total


def fits(paras: tuple[Para, ...], box: Box, size_pt: float) -> bool:
    """Return whether paragraphs fit a box at a size."""
    return text_height(paras, box.w, size_pt) <= box.h


def fit_size(paras: tuple[Para, ...], box: Box, ladder: tuple[float, ...]) -> float | None:
    """Return the largest size of the ladder (largest first) at which the paragraphs fit, if any."""
    return next((size for size in ladder if fits(paras, box, size)), None)


def max_lines(box: Box, size_pt: float) -> int:
    """Return how many lines of this size a box can hold."""
    return math.floor(box.h / (LINE * px(size_pt)))
