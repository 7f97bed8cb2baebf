"""Co-branded social cards for many units: the card drawn once per topic, each unit's marks laid on it.

A unit's card differs from the shared one only in its marks: the unit's name under the issuer's,
its contact line in the help strip, the QR code and the printed address (both carrying `?dv=<code>`).
Drawing and encoding a whole 1080×1350 card costs ~90 ms; for thousands of units that is most of a
build. Instead, per topic (once per process):

1. the *base* card is compiled with the marks hidden (brand.typ `unit-mark`, who.slot): their space is
   kept and `loa-slot:` links record where they go (read from a PDF of the same layout);
2. the base is rasterised once and handed to pngpatch, which compresses it once, cut around a box of
   whole pixels per mark;

and per batch of units:

3. *card-marks.typ* draws the units' marks alone on transparent pages the size of those boxes, with
   the same functions and the same shrinking as stamped posters, in one Typst run per batch: a
   unit's name and contact line once for every topic (kept per process). The printed address is
   right-aligned, in the same place on every topic's card; it is drawn in two parts
   (`split_address`): the unit's code once for every topic, and a topic's part once per quarter
   pixel where it ends (the code's width, measured once per unit, puts it there), moved by whole
   pixels — not the whole address once per unit and topic;
4. each unit's box pixels are the base's with its marks laid over them, and its QR code drawn in
   whole-pixel modules (crisp, as a scanner likes it); pngpatch writes the PNG from the pieces. A
   name's and a contact line's boxes are compressed once for every topic's card (`pngpatch.Patch`).

A unit's cards are indexed PNGs: a palette of 256 colours, taken from one topic's base card of that
size (the campaign's first topic: the same for every batch and process), holds a card's few brand
colours and their anti-aliased edges within a shade (pngpatch.PALETTE_TOLERANCE). That is a third of
the bytes per card, for thousands of units × every topic. A topic whose base the palette does not
hold (a photograph, say) stays RGB; a unit whose marks it does not hold is laid out alone.

A unit with its own logo, or whose name or contact line would shrink below MIN_SHRINK, changes the
layout; it is left to the caller to lay out alone (`CardStamps.alone`).
"""

from __future__ import annotations

import functools
import io
import json
import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from loa.errors import BuildError
from loa.renderers.pngpatch import Box, OffPalette, Patch, PatchedPng, palette_of
from loa.renderers.qr import qr_matrix
from loa.renderers.typst import compile_formats, compile_typst
from loa.renderers.visuals.stamps import MIN_SHRINK, base_recipient, slots_of, split_address

PX_PER_PT = 2
"""Cards are drawn at 144 ppi: two pixels to the point (cards.PPI)."""
TEXT_MARKS = ("unit-name", "contact", "url")
ROOM_ABOVE = 0.6
ROOM_BELOW = 0.4
ROOM_SIDE = 0.3
"""How far a mark's glyphs may reach past its place, in its font size: stacked accents (Ấ, Ễ) above,
descenders below, side bearings."""
_SVG_WIDTH = re.compile(rb'<svg[^>]* width="([\d.]+)pt"')
URL_ROOM_BEFORE = 1.2
"""How far before its place an address may start, in its font size: the place is as wide as the
campaign's longest address, and another code's digits may be a little wider."""
QR_QUIET = 1
"""Light modules drawn around a unit's QR code: the white block the code sits in adds two or three
more (the code is drawn in whole pixels per module, as large as that leaves room for)."""


@dataclass(frozen=True)
class Mark:
    """One mark's place on the card (points, top-left origin) and the box of pixels it is drawn in."""

    name: str
    x: float
    y: float
    width: float
    height: float
    size: float
    box: Box


@dataclass(frozen=True)
class CardBase:
    """A topic's card without marks, ready to be copied with each unit's."""

    picture: PatchedPng
    marks: tuple[Mark, ...]
    """The text marks, in card-marks.typ's page order."""
    qr: Mark | None


@dataclass(frozen=True)
class CardStamps:
    """A batch's PNGs, one per recipient (None for those to lay out alone), and which those are."""

    pngs: list[bytes | None]
    alone: list[int]


def stamped_cards(
    data: dict[str, Any],
    recipients: Sequence[dict[str, Any]],
    links: Sequence[str],
    *,
    root: Path,
    longest_url: str,
    palette_from: dict[str, Any] | None = None,
) -> CardStamps:
    """Return one card PNG per recipient: card.typ with `data` (no unit) and each recipient's marks.

    Each recipient is brand.typ's `who` (unit name, logo None, contact, url-text); `links` are the
    addresses their QR codes carry. All
    recipients must agree on having a contact line. The base keeps room for `longest_url`: given the
    same for every batch, batches share one base. `palette_from` is the data of the card whose base
    gives the palette (without it, RGB): the same for every topic, so a name drawn on one topic's card
    is written the same on every other's.
    """
    if not recipients:
        return CardStamps([], [])
    placeholder = base_recipient(recipients, longest_url)
    base = card_base(
        _key(data | {"recipients": [placeholder]}),
        _key(palette_from | {"recipients": [_sample(placeholder)]}) if palette_from is not None else None,
        root,
    )
    layers = _Layers(base, data, root)
    layers.render(recipients)
    pngs: list[bytes | None] = []
    alone = []
    for index, (who, link) in enumerate(zip(recipients, links, strict=True)):
        patches = layers.patches(who)
        if patches is None:
            pngs.append(None)
            alone.append(index)
            continue
        if base.qr is not None:
            patches[base.qr.box] = qr_picture(link, base.qr.box)
        try:
            pngs.append(base.picture.png(patches))
        except OffPalette:
            pngs.append(None)
            alone.append(index)
    return CardStamps(pngs, alone)


def _key(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


SAMPLE_NAME = "Ủy ban nhân dân xã Quý Phú"
SAMPLE_CONTACT = "Liên hệ: Ỷ Gấp, 0276 3822 111"


def _sample(placeholder: dict[str, Any]) -> dict[str, Any]:
    """Return a base's recipient with its marks drawn (sample text): the card a palette is taken from
    holds the marks' colours over their places, their edges' shades too."""
    return placeholder | {
        "unit": {"name": SAMPLE_NAME, "logo": None},
        "contact": SAMPLE_CONTACT if placeholder["contact"] is not None else None,
        "slot": False,
    }


LayerKey = tuple[str | float, ...]
_LAYER_CACHE: OrderedDict[LayerKey, _Layer] = OrderedDict()
LAYER_CACHE_SIZE = 4096
"""Marks kept per process (only their inked part, ~20 KB each): names, contact lines and addresses'
parts of two batches of units, for every topic's cards."""
_WIDTHS: dict[tuple[str, str], float] = {}
"""Widths of addresses' unit parts (points), by font and text."""
WIDTH_CACHE_SIZE = 65536


class _Layers:
    """The marks of a batch's units, drawn by card-marks.typ (cached): names and contact lines,
    and addresses in two parts (`split_address`) laid one beside the other."""

    def __init__(self, base: CardBase, data: dict[str, Any], root: Path) -> None:
        self.base = base
        self.data = data
        self.root = root
        # A mark's drawing depends on the brand and its own place only: the same place on every
        # topic's card draws a unit's name, contact line or address part once for all of them.
        brand = json.dumps({k: data[k] for k in ("colours", "fonts")}, sort_keys=True)
        self.style = {m.name: brand + json.dumps(_mark_page(m), sort_keys=True) for m in base.marks}
        self.url = url = next((m for m in base.marks if m.name == "url"), None)
        self.font = f"{brand}{round(url.size, 3)}" if url else ""
        """The address's font: its unit part's width is measured once per font."""
        if url:
            self.url_page = _mark_page(url) | {
                "dx": _quarter_pixel(url.x + url.width - url.box.left / PX_PER_PT),
                "room": 0,
            }
            self.style["url"] = brand + json.dumps(self.url_page, sort_keys=True)

    def _pages(self, who: dict[str, Any]) -> list[list[tuple[LayerKey, dict[str, Any], int]]]:
        """Return each mark's layers (one, or an address's two), each a page with its cache key and
        how many pixels to the right of its page's place it goes."""
        texts = {"unit-name": who["unit"]["name"], "contact": who["contact"]}
        found: list[list[tuple[LayerKey, dict[str, Any], int]]] = []
        for mark in self.base.marks:
            style = self.style[mark.name]
            if mark.name != "url":
                text = texts[mark.name]
                found.append([((style, mark.name, text), _mark_page(mark, text), 0)])
                continue
            head, tail = split_address(who["url-text"])
            # Right-aligned at the place's end (the same on every topic's card: the unit part is
            # drawn once for all). The topic part ends where the unit part starts, as far before
            # as the unit part is wide: drawn once per quarter pixel of its end, moved by whole pixels.
            page = self.url_page
            end = page["dx"]
            gap = _WIDTHS[self.font, tail] if tail else 0.0
            whole, phase = divmod(round((end - gap) * PX_PER_PT * 4), 4)
            drawn_at = math.floor(end * PX_PER_PT) - 1
            drawn_gap = end - (drawn_at + phase / 4) / PX_PER_PT
            layers: list[tuple[LayerKey, dict[str, Any], int]] = [
                ((style, head, phase), page | {"text": head, "gap": drawn_gap}, whole - drawn_at)
            ]
            if tail:
                layers.append(((style, tail), page | {"text": tail}, 0))
            found.append(layers)
        return found

    def _measure(self, recipients: Sequence[dict[str, Any]]) -> None:
        """Measure the addresses' unit parts not measured yet, in one Typst run (as SVG: no pixels)."""
        url = self.url
        if url is None:
            return
        if len(_WIDTHS) > WIDTH_CACHE_SIZE:
            _WIDTHS.clear()  # before looking: every width this batch needs stays until it is drawn
        tails = {split_address(who["url-text"])[1] for who in recipients} - {""}
        missing = sorted(t for t in tails if (self.font, t) not in _WIDTHS)
        if not missing:
            return
        pages = compile_typst(
            "card-marks.typ",
            self.data
            | {"pages": [_mark_page(url, t) for t in missing], "measure": True, "min-shrink": MIN_SHRINK},
            root=self.root,
            format="svg",
            preludes=("brand.typ",),
        )
        if len(pages) != len(missing):
            raise BuildError(f"card stamps: {len(pages)} pages for {len(missing)} addresses to measure")
        for text, svg in zip(missing, pages, strict=True):
            width = _SVG_WIDTH.search(svg)
            if width is None:
                raise BuildError("card stamps: Typst's SVG gave no width")
            _WIDTHS[self.font, text] = float(width.group(1))

    def render(self, recipients: Sequence[dict[str, Any]]) -> None:
        """Draw the marks not drawn yet, in one Typst run; they are kept for the next topic's cards."""
        self._measure(recipients)
        wanted = [(key, page) for who in recipients for mark in self._pages(who) for key, page, _ in mark]
        missing = dict((key, page) for key, page in wanted if key not in _LAYER_CACHE)
        if missing:
            pages = compile_typst(
                "card-marks.typ",
                self.data | {"pages": list(missing.values()), "min-shrink": MIN_SHRINK},
                root=self.root,
                format="png",
                ppi=72.0 * PX_PER_PT,
                preludes=("brand.typ",),
            )
            if len(pages) != len(missing):
                raise BuildError(f"card stamps: {len(pages)} pages for {len(missing)} marks")
            for key, png in zip(missing, pages, strict=True):
                _LAYER_CACHE[key] = _Layer.of(png)
        for key, _ in wanted:
            _LAYER_CACHE.move_to_end(key)
        while len(_LAYER_CACHE) > max(LAYER_CACHE_SIZE, len(wanted)):
            _LAYER_CACHE.popitem(last=False)

    def patches(self, who: dict[str, Any]) -> dict[Box, Image.Image | Patch] | None:
        """Return a recipient's boxes with its marks laid on the base, or None when one overflows.
        A name or contact line goes by its mark's key: drawn and compressed once for every topic's
        card (their places and pixels do not change from topic to topic); an address is the topic's."""
        patches: dict[Box, Image.Image | Patch] = {}
        for mark, pages in zip(self.base.marks, self._pages(who), strict=True):
            layers = [(_LAYER_CACHE[key], shift) for key, _, shift in pages]
            if any(layer.height != mark.box.bottom - mark.box.top for layer, _ in layers):
                return None  # card-marks.typ made the page taller: the mark would shrink too far
            laid = functools.partial(_laid_on, self.base.picture, mark.box, layers)
            patches[mark.box] = laid() if mark.name == "url" else Patch(pages[0][0], laid)
        return patches


def _laid_on(picture: PatchedPng, box: Box, layers: Sequence[tuple[_Layer, int]]) -> Image.Image:
    """Return the box's pixels (RGB) with the layers blended on them, as over an opaque card, each
    moved right by its whole pixels."""
    region = picture.pixels(box)
    for layer, shift in layers:
        if layer.ink is not None:
            region.paste(layer.ink, (layer.at[0] + shift, layer.at[1]), layer.ink)
    return region


@dataclass(frozen=True)
class _Layer:
    """A mark's page: its size, and only the part with ink (kept small: a batch's are cached)."""

    width: int
    height: int
    ink: Image.Image | None
    at: tuple[int, int]

    @classmethod
    def of(cls, png: bytes) -> _Layer:
        with Image.open(io.BytesIO(png)) as opened:
            page = opened.convert("RGBA")
        box = page.getchannel("A").getbbox()
        ink = page.crop(box) if box else None
        return cls(page.width, page.height, ink, (box[0], box[1]) if box else (0, 0))


@functools.lru_cache(maxsize=32)
def card_base(data: str, palette_from: str | None, root: Path) -> CardBase:
    """Return a topic's base card, laid out once: its PDF for the marks' places, its PNG for the
    pixels, with the palette of the card `palette_from` (None: RGB)."""
    pdf, picture = _drawn(data, root)
    marks = _marks(pdf, picture.size)
    text = tuple(m for name in TEXT_MARKS for m in marks if m.name == name)
    qr = next((m for m in marks if m.name == "qr"), None)
    if not any(m.name == "unit-name" for m in text):
        raise BuildError("card stamps: the base records no place for the unit's name")
    boxes = [m.box for m in text] + ([qr.box] if qr else [])
    palette = _palette(palette_from, root) if palette_from is not None else None
    return CardBase(PatchedPng(picture, boxes, palette=palette), text, qr)


@functools.lru_cache(maxsize=8)
def _palette(data: str, root: Path) -> Image.Image:
    """Return the palette of a card's picture (`pngpatch.palette_of`)."""
    return palette_of(_drawn(data, root)[1])


def _drawn(data: str, root: Path) -> tuple[bytes, Image.Image]:
    """Return a base card drawn: its PDF and its picture (RGB)."""
    pages = compile_formats(
        "card.typ", json.loads(data), root=root, formats=("pdf", "png"), ppi=72.0 * PX_PER_PT,
        preludes=("brand.typ",), pdf_tags=False,
    )  # fmt: skip
    with Image.open(io.BytesIO(pages["png"][0])) as png:
        return pages["pdf"][0], png.convert("RGB")


def _marks(pdf: bytes, pixels: tuple[int, int]) -> list[Mark]:
    """Return where each mark goes and the box of whole pixels it may draw in."""
    width, height = pixels
    found = []
    for slot in slots_of(pdf)[1]:
        size = slot["size"]
        side, above, below = (0.0, 0.0, 0.0) if slot["name"] == "qr" else (ROOM_SIDE, ROOM_ABOVE, ROOM_BELOW)
        before = URL_ROOM_BEFORE if slot["name"] == "url" else side
        x, y = slot["x"], slot["y"]
        box = Box(
            max(0, math.floor((x - before * size) * PX_PER_PT)),
            max(0, math.floor((y - above * size) * PX_PER_PT)),
            min(width, math.ceil((x + slot["width"] + side * size) * PX_PER_PT)),
            min(height, math.ceil((y + slot["height"] + below * size) * PX_PER_PT)),
        )
        found.append(Mark(slot["name"], x, y, slot["width"], slot["height"], size, box))
    return found


def _mark_page(mark: Mark, text: str = "") -> dict[str, Any]:
    """Return a mark's page for card-marks.typ: its box in points and the mark's place within it.

    A mark's offset is rounded to a quarter of a pixel, so a place laid out a hair apart on another
    topic's card (the help strip moves by a tenth of a pixel with the layout above it) draws the
    same mark: a unit's name and contact line are drawn once for every topic.
    """
    box = mark.box
    return {
        "name": mark.name,
        "text": text,
        "width": (box.right - box.left) / PX_PER_PT,
        "height": (box.bottom - box.top) / PX_PER_PT,
        "dx": _quarter_pixel(mark.x - box.left / PX_PER_PT),
        "dy": _quarter_pixel(mark.y - box.top / PX_PER_PT),
        "room": round(mark.width, 3),
        "size": round(mark.size, 3),
    }


def _quarter_pixel(points: float) -> float:
    return round(points * PX_PER_PT * 4) / (PX_PER_PT * 4)


def qr_picture(link: str, box: Box) -> Image.Image:
    """Return a QR code filling a box: white, the code centred in whole-pixel modules."""
    rows = qr_matrix(link)
    side = box.right - box.left
    modules = len(rows) + 2 * QR_QUIET
    module = side // modules
    if module < 2:
        raise BuildError(f"card stamps: a QR code of {modules} modules does not fit {side} px")
    code = Image.frombytes("L", (len(rows), len(rows)), b"".join(rows))
    code = code.resize((len(rows) * module, len(rows) * module), Image.Resampling.NEAREST)
    picture = Image.new("RGB", (side, box.bottom - box.top), "white")
    offset = (side - len(rows) * module) // 2, (box.bottom - box.top - len(rows) * module) // 2
    picture.paste(code.convert("RGB"), offset)
    return picture
