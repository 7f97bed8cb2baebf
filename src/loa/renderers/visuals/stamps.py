"""Co-branding many units at once: the product is laid out once, each unit's marks stamped over it.

A co-branded poster differs from unit to unit only in its marks: the unit's name, its contact line,
the QR code and the printed address (both carrying `?dv=<code>`). Laying the whole poster out again
per unit costs ~50 ms (fitting the title and messages); instead:

1. the *base* is compiled once per batch with the marks hidden (brand.typ `unit-mark`, who.slot):
   their space is kept, and a `loa-slot:<name>:<size>` link over each records where it is;
2. *stamp.typ* lays out one page per unit — the base as a vector image (Typst writes it once) and
   the unit's marks at the recorded places, made by the same functions (brand.typ `marks`);
3. the pages are split into one PDF per unit (pdfsplit, bytes copied), each unit's QR code drawn
   into its page there as a path: Typst reading an SVG per page cost 60 % of the stamping.

A mark longer than its place shrinks a little (to MIN_SHRINK) to stay on its line; a unit whose name
or contact line is longer still, or that has a logo of its own (it sits beside the issuer's), changes
the layout, so it is left to the caller to compile alone (`Stamped.alone`).
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loa.errors import BuildError
from loa.renderers.pdfsplit import split_pages
from loa.renderers.qr import QUIET_ZONE, qr_matrix
from loa.renderers.typst import compile_typst

MIN_SHRINK = 0.85
"""The smallest a mark is made to keep it on one line, as a share of its size."""
PLACEHOLDER_NAME = "Đơn vị"
PLACEHOLDER_CONTACT = "Liên hệ"
_SLOT = re.compile(
    rb"/Rect\[([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)\][^<>]*/A<<[^<>]*/URI\(loa-slot:([a-z-]+):([\d.]+)\)"
)
_OVERFLOW = re.compile(rb"loa-overflow:(\d+)")
_MEDIA_BOX = re.compile(rb"/MediaBox\[0 0 ([\d.]+) ([\d.]+)\]")
_DARK_RUN = re.compile(rb"\x00+")


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
        runs = [
            f"{QUIET_ZONE + run.start()} {QUIET_ZONE + y} {run.end() - run.start()} 1 re\n"
            for y, row in enumerate(rows)
            for run in _DARK_RUN.finditer(row)
        ]
        return cls(len(rows) + 2 * QUIET_ZONE, "".join(runs).encode())

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
) -> Stamped:
    """Return one PDF per recipient: `template` (one page) with each recipient's marks.

    `data` is the template's data without a unit; each recipient is brand.typ's `who`: unit (name,
    logo None), contact, qr (None: not read here) and url-text. All recipients must agree on having a
    contact line. The base keeps room for `longest_url` (by default the batch's longest address):
    given the same for every batch, batches share one base (laid out once per process). `qr_codes`,
    one per recipient, are drawn into each PDF at the base's `qr` place (pdfsplit's overlays).
    """
    if not recipients:
        return Stamped([], [])
    placeholder = base_recipient(recipients, longest_url or max((r["url-text"] for r in recipients), key=len))
    key = json.dumps(data | {"recipients": [placeholder]}, ensure_ascii=False, sort_keys=True)
    base, sheet, slots = _base(template, key, root)
    with tempfile.TemporaryDirectory(prefix="loa-stamp-") as folder:
        Path(folder, "base.pdf").write_bytes(base)
        stamps = compile_typst(
            "stamp.typ",
            data
            | {
                "recipients": [r | {"index": i} for i, r in enumerate(recipients)],
                "slots": slots,
                "sheet": sheet,
                "min-shrink": MIN_SHRINK,
            },
            root=Path(folder),
            preludes=("brand.typ",),
            pdf_tags=False,
        )[0]
    alone = sorted({int(n) for n in _OVERFLOW.findall(stamps)})
    overlays = _qr_overlays(qr_codes, sheet, slots) if qr_codes is not None else None
    pages: list[bytes | None] = list(split_pages(stamps, overlays))
    if len(pages) != len(recipients):
        raise BuildError(f"stamps: {len(pages)} pages for {len(recipients)} units")
    for index in alone:
        pages[index] = None
    return Stamped(pages, alone)


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
def _base(template: str, data: str, root: Path) -> tuple[bytes, dict[str, float], list[dict[str, Any]]]:
    """Return the base (its slot links made inert), its page size and its slots; cached per process."""
    pdf = compile_typst(template, json.loads(data), root=root, preludes=("brand.typ",), pdf_tags=False)
    if len(pdf) != 1:
        raise BuildError(f"stamps: {template} has {len(pdf)} pages; one was expected")
    sheet, slots = slots_of(pdf[0])
    return _without_slot_links(pdf[0]), sheet, slots


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


def _without_slot_links(pdf: bytes) -> bytes:
    """Return the base with its slot links made inert (same length: the cross-reference stays right)."""
    return re.sub(rb"loa-slot:[a-z-]+:[\d.]+", lambda m: b" " * len(m.group(0)), pdf)
