"""Where everything sits on a slide: each deck slide becomes rectangles, text boxes and pictures.

The PPTX, HTML and PDF-handout renderers only paint these elements, so the three look alike and
share one measured fit. Coordinates are px on the 1280×720 canvas; sizes are points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from PIL import Image

from loa import model as m
from loa.renderers.context import help_context
from loa.renderers.deck import AGENDA, BODY, COLUMN, COLUMN_GAP, QUOTE, REMEMBER, Column, Deck, Slide
from loa.renderers.deck_text import sentences
from loa.renderers.slide_fit import Box, Para, Run, fit_size, fits, para

Role = Literal["title", "subtitle", "kicker", "body", "label", "footer", "number", "big", "caption"]
Align = Literal["left", "center", "right"]
Anchor = Literal["top", "middle", "bottom"]

TITLE_LADDER = (36.0, 32.0, 30.0, 28.0, 26.0, 24.0, 22.0, 20.0)
HERO_LADDER = (54.0, 50.0, 46.0, 42.0, 38.0, 34.0, 30.0)
SECTION_LADDER = (48.0, 44.0, 40.0, 36.0, 32.0, 28.0)
LEAD_LADDER = (26.0, 24.0, 22.0, 20.0, 18.0)
FOOTER_Y = 676
LOGO_ALT = "Biểu trưng chiến dịch"


@dataclass(frozen=True)
class Rect:
    """A filled rectangle (decoration)."""

    box: Box
    fill: str
    radius: float = 0.0


@dataclass(frozen=True)
class Text:
    """A text box: paragraphs set at one size, colour and alignment."""

    box: Box
    paras: tuple[Para, ...]
    size: float
    colour: str
    role: Role = "body"
    align: Align = "left"
    anchor: Anchor = "top"
    marker_colour: str = ""
    slide_number: bool = False
    """The text ends with the slide's number, kept live where the format can (a PPTX field)."""


@dataclass(frozen=True)
class Picture:
    """An image from the campaign folder, fitted inside its box."""

    box: Box
    path: str
    alt: str


Element = Rect | Text | Picture


@dataclass(frozen=True)
class Scene:
    """One slide, ready to paint."""

    kind: str
    title: str
    background: str
    elements: tuple[Element, ...]
    notes: tuple[str, ...]


def compose(campaign: m.Campaign, deck: Deck, index: int) -> Scene:
    """Return the scene of slide `index` (from 0) of a deck."""
    slide = deck.slides[index]
    brand = campaign.brand
    painter = _PAINTERS[slide.kind]
    background, elements = painter(campaign, slide)
    if slide.kind in _CHROME:
        elements = (*_chrome(campaign, slide, index + 1, len(deck.slides)), *elements)
        background = brand.secondary if slide.kind == "remember" else brand.background
    return Scene(slide.kind, slide.title, background, tuple(elements), slide.notes)


# --- shared chrome: title, accent bar, logo, footer ------------------------------------------


def _chrome(campaign: m.Campaign, slide: Slide, number: int, total: int) -> list[Element]:
    brand = campaign.brand
    title = (para(slide.title, bold=True),)
    out: list[Element] = []
    if slide.kicker:
        out.append(_label(Box(72, 36, 1000, 30), slide.kicker, 16, brand.primary, role="kicker"))
    out += [
        _fitted(Box(72, 66, 1000, 104), title, TITLE_LADDER, brand.primary, role="title", anchor="bottom"),
        Rect(Box(72, 178, 88, 6), brand.accent),
        *_logo(campaign, Box(1128, 40, 80, 80)),
        Rect(Box(0, FOOTER_Y, 1280, 720 - FOOTER_Y), brand.primary),
        _label(Box(72, FOOTER_Y, 860, 44), campaign.title, 14, "#FFFFFF", role="footer", anchor="middle"),
        Text(
            Box(940, FOOTER_Y, 268, 44), (para(f"Tổng đài 111  ·  {number}"),), 14, "#FFFFFF",
            role="footer", align="right", anchor="middle", slide_number=True,
        ),
    ]  # fmt: skip
    return out


def _logo(campaign: m.Campaign, box: Box, *, tile: bool = False) -> list[Element]:
    """Return the campaign logo fitted in a box; on dark backgrounds it sits on a light tile."""
    logo = campaign.brand.logo
    if not logo or not (campaign.root / logo).is_file():
        return []
    asset = campaign.asset(logo)
    alt = asset.alt if asset and asset.alt else LOGO_ALT
    if not tile:
        return [Picture(contain(campaign, logo, box), logo, alt)]
    inner = Box(box.x + 10, box.y + 10, box.w - 20, box.h - 20)
    return [
        Rect(box, campaign.brand.background, radius=14),
        Picture(contain(campaign, logo, inner), logo, alt),
    ]


def _label(
    box: Box, text: str, size: float, colour: str, *, role: Role = "label", anchor: Anchor = "top"
) -> Text:
    """Return a bold label at its size, or smaller (down to 70 %) when a long text needs it."""
    ladder = tuple(round(size * share, 1) for share in (1.0, 0.9, 0.8, 0.7))
    words = text.split()
    while len(words) > 1 and not fits((para(" ".join(words), bold=True),), box, ladder[-1]):
        words = words[:-1]  # a label only names the context (a topic...): shorten it, never overflow
        words[-1] = words[-1].rstrip(",.;:") + "…"
    return _fitted(box, (para(" ".join(words), bold=True),), ladder, colour, role=role, anchor=anchor)


def _fitted(
    box: Box,
    paras: tuple[Para, ...],
    ladder: tuple[float, ...],
    colour: str,
    *,
    role: Role = "body",
    align: Align = "left",
    anchor: Anchor = "top",
) -> Text:
    """Return a text box at the largest size of the ladder that fits."""
    size = fit_size(paras, box, ladder) or ladder[-1]
    return Text(box, paras, size, colour, role=role, align=align, anchor=anchor)


# --- one painter per slide kind ------------------------------------------------------------

Painted = tuple[str, tuple[Element, ...]]


def _body(campaign: m.Campaign, slide: Slide, box: Box = BODY) -> Painted:
    brand = campaign.brand
    paras = slide.columns[0].paras if slide.columns else ()
    text = Text(box, paras, slide.size, brand.text, marker_colour=brand.primary)
    return brand.background, (text,)


def _agenda(campaign: m.Campaign, slide: Slide) -> Painted:
    return _body(campaign, slide, AGENDA)


def _remember(campaign: m.Campaign, slide: Slide) -> Painted:
    background, elements = _body(campaign, slide, REMEMBER)
    bar = Rect(Box(72, REMEMBER.y, 12, REMEMBER.h), campaign.brand.accent)
    return background, (bar, *elements)


def _columns(campaign: m.Campaign, slide: Slide) -> Painted:
    brand = campaign.brand
    elements: list[Element] = []
    for i, column in enumerate(slide.columns):
        x = COLUMN.x + i * (COLUMN.w + COLUMN_GAP)
        elements += _column(brand, column, x, slide.size)
    return brand.background, tuple(elements)


def _column(brand: m.Brand, column: Column, x: float, size: float) -> list[Element]:
    fill, ink = (brand.accent, brand.text) if column.tone == "dont" else (brand.primary, "#FFFFFF")
    chip = Box(x, 200, COLUMN.w, 56)
    return [
        Rect(chip, fill, radius=10),
        _label(Box(x + 20, 200, COLUMN.w - 40, 56), column.label, 24, ink, role="label", anchor="middle"),
        Text(Box(x, COLUMN.y, COLUMN.w, COLUMN.h), column.paras, size, brand.text, marker_colour=fill),
    ]


def _image(campaign: m.Campaign, slide: Slide) -> Painted:
    brand = campaign.brand
    assert slide.image is not None
    picture = Picture(
        contain(campaign, slide.image.path, Box(72, 196, 680, 452)), slide.image.path, slide.image.alt
    )
    caption = slide.columns[0].paras if slide.columns else ()
    text = Text(Box(800, 196, 408, 452), caption, slide.size, brand.text, role="caption")
    return brand.background, (picture, text)


def _title(campaign: m.Campaign, slide: Slide) -> Painted:
    brand, issuer = campaign.brand, campaign.issuer
    period = f"{campaign.period.start:%d/%m/%Y} – {campaign.period.end:%d/%m/%Y}"
    byline = " · ".join(x for x in (issuer.parent, issuer.name) if x)
    elements: list[Element] = [
        Rect(Box(880, 0, 400, 720), brand.background),
        Rect(Box(880, 0, 12, 720), brand.accent),
        *_logo(campaign, Box(966, 240, 240, 240)),
        _label(Box(72, 92, 760, 40), slide.kicker, 20, brand.accent, role="kicker"),
        _fitted(Box(72, 140, 760, 316), (para(slide.title, bold=True),), HERO_LADDER, "#FFFFFF",
                role="title", anchor="bottom"),
        Rect(Box(72, 476, 120, 8), brand.accent),
    ]  # fmt: skip
    if slide.subtitle:
        elements.append(_fitted(Box(72, 504, 760, 100), (para(slide.subtitle),), LEAD_LADDER, brand.secondary,
                                role="subtitle"))  # fmt: skip
    lines = (para(byline, bold=True), para(f"Thời gian: {period}"))
    elements.append(Text(Box(72, 612, 760, 76), lines, 16, brand.secondary, role="caption", anchor="bottom"))
    return brand.primary, tuple(elements)


def _section(campaign: m.Campaign, slide: Slide) -> Painted:
    brand = campaign.brand
    elements: list[Element] = [
        Rect(Box(0, 0, 440, 720), brand.primary),
        _label(Box(72, 196, 320, 48), slide.kicker, 24, brand.secondary, role="kicker"),
        Text(Box(60, 236, 360, 216), (para(f"{slide.number:02d}", bold=True),), 120, brand.accent,
             role="big"),
        *_logo(campaign, Box(72, 552, 104, 104), tile=True),
        _fitted(Box(512, 120, 696, 330), (para(slide.title, bold=True),), SECTION_LADDER, brand.primary,
                role="title", anchor="bottom"),
        Rect(Box(512, 474, 96, 8), brand.accent),
    ]  # fmt: skip
    if slide.subtitle:
        elements.append(_fitted(Box(512, 504, 696, 170), (para(slide.subtitle),), LEAD_LADDER, brand.text,
                                role="subtitle"))  # fmt: skip
    return brand.background, tuple(elements)


def _quote(campaign: m.Campaign, slide: Slide) -> Painted:
    brand = campaign.brand
    paras = slide.columns[0].paras if slide.columns else ()
    elements: list[Element] = [
        _label(Box(72, 56, 1000, 40), slide.title, 22, brand.accent, role="title"),
        *_logo(campaign, Box(1120, 32, 96, 96), tile=True),
        Text(Box(64, 96, 130, 316), (para("“", bold=True),), 180, brand.accent, role="big"),
        Text(QUOTE, paras, slide.size, "#FFFFFF", anchor="middle"),
        Rect(Box(QUOTE.x, 620, 88, 6), brand.accent),
        _label(Box(QUOTE.x, 634, QUOTE.w, 40), slide.kicker, 18, brand.secondary, role="caption"),
    ]
    return brand.primary, tuple(elements)


def _closing(campaign: m.Campaign, slide: Slide) -> Painted:
    brand = campaign.brand
    hotlines: list[m.Hotline] = help_context(campaign)["hotlines"]
    first, others = (hotlines[0], hotlines[1:]) if hotlines else (None, [])
    elements: list[Element] = [
        _label(Box(72, 40, 1000, 76), slide.title, 40, "#FFFFFF", role="title"),
        _label(Box(72, 116, 1000, 44), slide.subtitle, 24, brand.secondary, role="subtitle"),
        *_logo(campaign, Box(1120, 32, 96, 96), tile=True),
    ]
    if first is not None:
        elements += _hotline_card(brand, first)
    lines = tuple(p for h in others for p in _hotline_lines(h))
    elements.append(_fitted(Box(568, 200, 640, 380), lines, LEAD_LADDER, "#FFFFFF", role="body"))
    elements.append(Text(Box(72, 612, 1136, 76), _contact(campaign), 16, brand.secondary, role="caption",
                         anchor="bottom"))  # fmt: skip
    return brand.primary, tuple(elements)


def _hotline_card(brand: m.Brand, hotline: m.Hotline) -> list[Element]:
    lines = (para(hotline.name, bold=True), *(para(s) for s in _first_sentence(hotline.description)))
    return [
        Rect(Box(72, 200, 448, 380), brand.accent, radius=16),
        Text(Box(72, 206, 448, 212), (para(hotline.number, bold=True),), 120, brand.text, role="big",
             align="center", anchor="middle"),
        _fitted(Box(96, 420, 400, 150), lines, LEAD_LADDER[2:], brand.text, role="caption", align="center"),
    ]  # fmt: skip


def _hotline_lines(hotline: m.Hotline) -> tuple[Para, ...]:
    head = Para((Run(f"{hotline.number}  ", True), Run(hotline.name, True)))
    return (head, *(para(s, level=0) for s in _first_sentence(hotline.description)))


def _first_sentence(text: str | None) -> list[str]:
    return sentences(text)[:1] if text else []


def _contact(campaign: m.Campaign) -> tuple[Para, ...]:
    issuer = campaign.issuer
    contacts = [issuer.phone and f"Điện thoại: {issuer.phone}", issuer.email,
                issuer.website and re.sub(r"^https?://", "", issuer.website).rstrip("/")]  # fmt: skip
    parts = [p for p in contacts if p]
    lines = [para(" · ".join(x for x in (issuer.name, issuer.parent) if x), bold=True)]
    return (*lines, para(" · ".join(parts))) if parts else tuple(lines)


_PAINTERS = {
    "title": _title,
    "agenda": _agenda,
    "section": _section,
    "bullets": _body,
    "columns": _columns,
    "remember": _remember,
    "quote": _quote,
    "image": _image,
    "closing": _closing,
}
_CHROME = frozenset({"agenda", "bullets", "columns", "remember", "image"})


# --- pictures ------------------------------------------------------------------------------


def contain(campaign: m.Campaign, path: str, box: Box) -> Box:
    """Return the largest box of the image's shape inside `box`, centred."""
    width, height = image_size(campaign.root / path)
    scale = min(box.w / width, box.h / height)
    w, h = width * scale, height * scale
    return Box(round(box.x + (box.w - w) / 2, 2), round(box.y + (box.h - h) / 2, 2), round(w, 2), round(h, 2))


@cache
def image_size(path: Path) -> tuple[float, float]:
    """Return an image's natural width and height (SVG from width/height or viewBox)."""
    if path.suffix.lower() != ".svg":
        with Image.open(path) as image:
            return float(image.width), float(image.height)
    head = path.read_text(encoding="utf-8")[:4000]
    box = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)', head)
    if box:
        return float(box.group(1)), float(box.group(2))
    size = re.search(r'<svg[^>]*?width="([\d.]+)[^"]*"[^>]*?height="([\d.]+)', head)
    return (float(size.group(1)), float(size.group(2))) if size else (1.0, 1.0)
