"""Co-branding many units at once: the product is laid out once, each unit's marks stamped over it.

A co-branded poster differs from unit to unit only in its marks: the unit's name, its contact line,
the QR code and the printed address (both carrying `?dv=<code>`). Laying the whole poster out again
per unit costs ~50 ms (fitting the title and messages); instead:

1. the *base* is compiled once per topic and size with the marks hidden (brand.typ `unit-mark`,
   who.slot): their space is kept, and a `loa-slot:<name>:<size>` link over each records where it is;
2. *card-marks.typ* lays out a batch's marks alone, a page each, once for every topic: names and
   contact lines made by the same functions (brand.typ `marks`), addresses in two parts (the unit's
   code, each topic's part);
3. pdfcompose puts each unit's PDF together from the base and its mark pages (bytes copied), placed
   at the recorded places, its QR code drawn there as a path (Typst reading an SVG per page cost
   60 % of the stamping).

A mark longer than its place shrinks a little (to MIN_SHRINK) to stay on its line; a unit whose name
or contact line is longer still, or that has a logo of its own (it sits beside the issuer's), changes
the layout, so it is left to the caller to compile alone (`Stamped.alone`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loa.errors import BuildError
from loa.renderers.pdfcompose import Form, Source, compose
from loa.renderers.qr import QUIET_ZONE, qr_matrix
from loa.renderers.typst import compile_typst

MIN_SHRINK = 0.85
"""The smallest a mark is made to keep it on one line, as a share of its size."""
URL_ROOM_BEFORE = 1.2
"""How far before its place an address may start, in its font size: the place is as wide as the
campaign's longest address (by characters), and another code's digits may be a little wider; the
footer keeps a gap of more than that before it."""
PLACEHOLDER_NAME = "Đơn vị"
PLACEHOLDER_CONTACT = "Liên hệ"
_SLOT = re.compile(
    rb"/Rect\[([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)\][^<>]*/A<<[^<>]*/URI\(loa-slot:([a-z-]+):([\d.]+)\)"
)
_MEDIA_BOX = re.compile(rb"/MediaBox\[0 0 ([\d.]+) ([\d.]+)\]")
_DARK_RUN = re.compile(rb"\x00+")


_RUNS: dict[tuple[int, int, int], bytes] = {}
"""A QR code's runs of dark modules as path operators, by where they lie (a few thousand)."""


@dataclass(frozen=True)
class QrPath:
    """A QR code (qr.py's: its quiet zone included) as PDF path operators, made once per unit and
    drawn at each paper size's place."""

    side: int
    """Modules along a side, quiet zone included."""
    runs: bytes
    """`x y w 1 re` per run of dark modules along a row; one module one unit, rows counted down."""

    @classmethod
    def of(cls, link: str) -> QrPath:
        """Return the QR code of a link."""
        rows = qr_matrix(link)
        runs = []
        known = _RUNS.get
        for y, row in enumerate(rows, QUIET_ZONE):
            for run in _DARK_RUN.finditer(row):
                start, end = run.span()
                text = known((start, y, end))
                if text is None:  # the same run recurs in many units' codes: written once
                    text = _RUNS[start, y, end] = b"%d %d %d 1 re\n" % (QUIET_ZONE + start, y, end - start)
                runs.append(text)
        return cls(len(rows) + 2 * QUIET_ZONE, b"".join(runs))

    def drawn(self, left: float, top: float, size: float) -> bytes:
        """Return content-stream operators drawing the code, its top-left corner at (left, top) in
        PDF user space (origin bottom left), `size` points wide: a white square, then black runs."""
        module = size / self.side
        place = f"{module:.6f} 0 0 {-module:.6f} {left:.4f} {top:.4f} cm\n".encode()
        return b"q\n%s1 g\n0 0 %d %d re\nf\n0 g\n%sf\nQ\n" % (place, self.side, self.side, self.runs)


@dataclass(frozen=True)
class Stamped:
    """A batch's PDFs: one per recipient (None for those to lay out alone), and which those are."""

    pages: list[bytes | None]
    alone: list[int]
    """Indexes of the recipients whose marks do not fit the base's places."""


def stamped_pages(
    template: str,
    data: dict[str, Any],
    recipients: Sequence[dict[str, Any]],
    *,
    root: Path,
    longest_url: str | None = None,
    qr_codes: Sequence[QrPath] | None = None,
    heads: Sequence[str] = (),
) -> Stamped:
    """Return one PDF per recipient: `template` (one page) with each recipient's marks.

    `data` is the template's data without a unit; each recipient is brand.typ's `who`: unit (name,
    logo None), contact, qr (None: not read here) and url-text. All recipients must agree on having a
    contact line. The base keeps room for `longest_url` (by default the batch's longest address):
    given the same for every batch, batches share one base (laid out once per process). `qr_codes`,
    one per recipient, are drawn into each PDF at the base's `qr` place. `heads`: the topic parts of
    the addresses of every topic the batch is stamped for (`split_address`), so the batch's marks are
    laid out once for all of them.
    """
    if not recipients:
        return Stamped([], [])
    placeholder = base_recipient(recipients, longest_url or max((r["url-text"] for r in recipients), key=len))
    key = json.dumps(data | {"recipients": [placeholder]}, ensure_ascii=False, sort_keys=True)
    base, sheet, slots = _base(template, key, root)
    places = {s["name"]: s for s in slots}
    marks = _Marks(data, places, recipients, heads, root)
    overlays = _qr_overlays(qr_codes, sheet, slots) if qr_codes is not None else None
    pages: list[bytes | None] = []
    alone = []
    for index, who in enumerate(recipients):
        forms = marks.forms(who, sheet["height"])
        if forms is None:
            pages.append(None)
            alone.append(index)
            continue
        pages.append(compose(Form(base, 0, 0.0, 0.0), forms, overlays[index] if overlays else b""))
    return Stamped(pages, alone)


MarkKey = tuple[Any, ...]
"""A mark's kind, text and what of its place it is laid out for."""


class _Marks:
    """A batch's marks (names, contact lines, addresses in two parts) laid out by card-marks.typ in
    one run, as PDF pages drawn over each topic's base. The run depends on the batch alone (its
    units, the places' sizes, every topic's address), so a unit's file is the same whichever
    topics or batches the process stamped before; it is kept for the batch's other topics."""

    def __init__(
        self,
        data: dict[str, Any],
        places: dict[str, dict[str, Any]],
        recipients: Sequence[dict[str, Any]],
        heads: Sequence[str],
        root: Path,
    ) -> None:
        self.places = places
        self.wanted: dict[MarkKey, dict[str, Any]] = {}
        url = places.get("url")
        # The units' marks in their order, then every topic's part of the address: the same run for
        # each topic of the batch.
        for who in recipients:
            self.wanted.update(self._pages(who, topic=False))
        if url is not None:
            topics = {*heads, *(split_address(who["url-text"])[0] for who in recipients)}
            self.wanted.update(_url_part(url, head) for head in sorted(topics))
        # What the marks are drawn with (brand.typ reads the rest, unused here): not the topic's data,
        # so every topic's stamps of the batch share the run.
        brand = {k: data[k] for k in ("colours", "fonts", "labels", "issuer")}
        brand |= {"title": "", "unit": None, "qr": None, "url-text": "", "help": None}
        brand |= {"pages": list(self.wanted.values()), "min-shrink": MIN_SHRINK}
        self.source = _marks_run(json.dumps(brand, ensure_ascii=False, sort_keys=True), root)
        self.index = {key: i for i, key in enumerate(self.wanted)}

    def _pages(self, who: dict[str, Any], *, topic: bool = True) -> list[tuple[MarkKey, dict[str, Any]]]:
        """Return a recipient's marks as card-marks.typ's pages, with their keys: its name, contact
        line and its address's parts (without the topic's part, when `topic` is false)."""
        found = []
        for name, text in (("unit-name", who["unit"]["name"]), ("contact", who["contact"])):
            place = self.places.get(name)
            if place is None or text is None:
                continue
            page = {"name": name, "text": text, "width": place["width"], "height": place["height"],
                    "dx": 0, "dy": 0, "room": place["width"], "size": place["size"]}  # fmt: skip
            found.append(((name, text, place["width"], place["height"], place["size"]), page))
        url = self.places.get("url")
        if url is not None:
            head, code = split_address(who["url-text"])
            found += [_url_part(url, part) for part in ([head] if topic else []) + ([code] if code else [])]
        return found

    def forms(self, who: dict[str, Any], height: float) -> list[Form] | None:
        """Return a recipient's marks placed on a page `height` points tall, or None when one does
        not fit its place (its unit is laid out alone)."""
        found = []
        parts = []
        for key, page in self._pages(who):
            index = self.index.get(key)
            if index is None:
                raise BuildError(f"stamps: the mark {key[1]!r} was not laid out for this batch")
            _, _, width, tall = self.source.pages[index]
            pad = 2 * page["size"]
            if page["name"] == "url":
                parts.append((index, width, tall, pad))
                continue
            place = self.places[page["name"]]
            if tall > place["height"] + 0.5:  # card-marks.typ's sign: it would shrink too far
                return None
            found.append(Form(self.source, index, place["x"], height - place["y"] - tall, pad))
        if parts:
            place = self.places["url"]
            end = place["x"] + place["width"]
            wide = sum(width for _, width, _, _ in parts)
            if wide > place["width"] + URL_ROOM_BEFORE * place["size"]:
                return None  # far wider than the campaign's longest address: laid out alone
            start = end - wide  # right-aligned; the parts drawn in reading order
            for index, width, tall, pad in parts:
                found.append(Form(self.source, index, start, height - place["y"] - tall, pad))
                start += width
        return found


def _url_part(place: dict[str, Any], text: str) -> tuple[MarkKey, dict[str, Any]]:
    """Return a part of an address as a page as wide as its text (placed by `_Marks.forms`)."""
    return ("url", text, place["size"]), {"name": "url", "text": text, "size": place["size"], "natural": True}


@functools.lru_cache(maxsize=16)
def _marks_run(data: str, root: Path) -> Source:
    """Return a batch's marks laid out by card-marks.typ, one per page, as a PDF source."""
    values = json.loads(data)
    pdf = compile_typst("card-marks.typ", values, root=root, preludes=("brand.typ",), pdf_tags=False)[0]
    source = Source(pdf)
    if len(source.pages) != len(values["pages"]):
        raise BuildError(f"stamps: {len(source.pages)} pages for {len(values['pages'])} marks")
    return source


def split_address(address: str) -> tuple[str, str]:
    """Return a printed address's topic part and unit part: "…/chu-de/x/?dv=" and "27007".

    The address is right-aligned in its place: the unit part sits at the same place on every
    topic's copy, and the topic part where the unit part's width puts it. Each is drawn once (per
    unit, per topic) instead of the whole address once per unit and topic. An address without `=`
    is one part.
    """
    cut = address.rfind("=") + 1
    return (address[:cut], address[cut:]) if 0 < cut < len(address) else (address, "")


def base_recipient(recipients: Sequence[dict[str, Any]], longest_url: str) -> dict[str, Any]:
    """Return the `who` a base is laid out for: every mark hidden (who.slot), its place kept, with
    room for `longest_url`; a contact line's place when the batch's units have one."""
    with_contact = {r["contact"] is not None for r in recipients}
    if len(with_contact) != 1:
        raise BuildError("stamps: recipients with and without a contact line need separate batches")
    return {
        "unit": {"name": PLACEHOLDER_NAME, "logo": None},
        "contact": PLACEHOLDER_CONTACT if with_contact.pop() else None,
        "qr": None,
        "url-text": longest_url,
        "slot": True,
    }


@functools.lru_cache(maxsize=64)
def _base(template: str, data: str, root: Path) -> tuple[Source, dict[str, float], list[dict[str, Any]]]:
    """Return the base (drawn without its links), its page size and its slots; cached per process."""
    pdf = compile_typst(template, json.loads(data), root=root, preludes=("brand.typ",), pdf_tags=False)
    if len(pdf) != 1:
        raise BuildError(f"stamps: {template} has {len(pdf)} pages; one was expected")
    sheet, slots = slots_of(pdf[0])
    return Source(pdf[0], keep_info=True), sheet, slots


def slots_of(pdf: bytes) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Return the page size and where each mark goes (name, x, y, width, height, font size; top-left
    origin, points), from the links over a base's hidden marks."""
    box = _MEDIA_BOX.search(pdf)
    if box is None:
        raise BuildError("stamps: the base has no page size")
    width, height = float(box.group(1)), float(box.group(2))
    slots = [
        {
            "name": m.group(5).decode(),
            "x": float(m.group(1)),
            "y": height - float(m.group(4)),
            "width": float(m.group(3)) - float(m.group(1)),
            "height": float(m.group(4)) - float(m.group(2)),
            "size": float(m.group(6)),
        }
        for m in _SLOT.finditer(pdf)
    ]
    if not any(s["name"] == "unit-name" for s in slots):
        raise BuildError("stamps: the base records no place for the unit's name")
    return {"width": width, "height": height}, slots


def _qr_overlays(
    codes: Sequence[QrPath], sheet: dict[str, float], slots: list[dict[str, Any]]
) -> list[bytes]:
    """Return, per QR code, the content stream that draws it in the base's `qr` place."""
    place = next((s for s in slots if s["name"] == "qr"), None)
    if place is None:
        raise BuildError("stamps: QR codes were given, but the base records no place for one")
    left, top, size = place["x"], sheet["height"] - place["y"], place["size"]
    return [code.drawn(left, top, size) for code in codes]
