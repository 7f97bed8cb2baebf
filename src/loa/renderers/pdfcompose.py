"""One-page PDFs made of other PDFs' pages, drawn as form XObjects: fast, objects copied as bytes.

A co-branded poster is its topic's *base* (the poster laid out once with the unit's marks left
out) with the unit's marks drawn at their places. The marks are Typst pages of their own, laid out
once per unit for every topic (visuals/stamps.py); each unit's poster is then put together here:
the base page and the mark pages become form XObjects of a new page, each placed by a `cm`. pypdf
would take ~15 ms a page; here objects are copied as bytes with their numbers rewritten, a fraction
of a millisecond. Only what Typst writes is read: a classic cross-reference table, no object
streams, one content stream per page, no tags (compile with pdf_tags=False). A page's links are
left out.

What every unit's file of a topic shares (the base's objects, the fonts of the marks' document) is
written once per topic and size and copied; only a unit's own mark pages are renumbered per file.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from loa.errors import BuildError

_HEADER = b"%PDF-1.7\n%\x80\x80\x80\x80\n"
_REF = re.compile(rb"(\d+) 0 R\b")
_HEAD = re.compile(rb"(\d+) 0 obj")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_PARENT = re.compile(rb"/Parent \d+ 0 R")


@dataclass(frozen=True)
class _Object:
    head: bytes
    """The dictionary (or whole body when there is no stream) between `N 0 obj` and the stream."""
    tail: bytes
    """`stream ... endstream` and `endobj`, copied unchanged; empty for objects without a stream."""
    refs: tuple[int, ...]


class Source:
    """A PDF whose pages are drawn on composed pages: its objects, and which every page shares."""

    def __init__(self, pdf: bytes, *, keep_info: bool = False) -> None:
        self.objects, trailer = _parse(pdf)
        catalog = self.objects[int(_match(rb"/Root (\d+) 0 R", trailer))].head
        if b"/StructTreeRoot" in catalog:
            raise BuildError("pdfcompose: tagged PDFs cannot be drawn as forms (compile with pdf_tags=False)")
        tree = self.objects[int(_match(rb"/Pages (\d+) 0 R", catalog))].head
        self.pages: list[tuple[int, int, float, float]] = []
        """Each page's resources and contents (object numbers), width and height (points)."""
        for number in (int(n) for n in _REF.findall(tree)):
            page = self.objects[number].head
            box = _match(rb"/MediaBox\[([^\]]*)\]", page).split()
            self.pages.append(
                (
                    int(_match(rb"/Resources (\d+) 0 R", page)),
                    int(_match(rb"/Contents (\d+) 0 R", page)),
                    float(box[2]) - float(box[0]),
                    float(box[3]) - float(box[1]),
                )
            )
        self.info = _search(rb"/Info (\d+) 0 R", trailer) if keep_info else None
        self.metadata = _search(rb"/Metadata (\d+) 0 R", catalog) if keep_info else None
        self.lang = _search(rb"/Lang(\((?:[^()\\]|\\.)*\))", catalog) if keep_info else None
        uses = [self._closure(resources) for resources, _, _, _ in self.pages]
        counted: dict[int, int] = {}
        for used in uses:
            for number in used:
                counted[number] = counted.get(number, 0) + 1
        single = len(uses) == 1
        shared = [n for used in uses for n in used if single or counted[n] > 1]
        extra = [int(n) for n in (self.info, self.metadata) if n]
        self.shared = list(dict.fromkeys([*shared, *extra]))
        """Objects written once for every page drawn from this source (in this order)."""
        common = set(self.shared)
        self.own = [[n for n in used if n not in common] for used in uses]
        """Each page's own objects (its resources dictionary, mostly)."""

    def _closure(self, start: int) -> list[int]:
        order, seen = [start], {start}
        for number in order:  # grows while iterating
            for ref in self.objects[number].refs:
                if ref not in seen and ref in self.objects:
                    seen.add(ref)
                    order.append(ref)
        return order


@dataclass(frozen=True)
class Form:
    """A source's page, drawn with its bottom-left corner at (x, y) of the composed page (points).
    `pad`: how far past the page its drawing may reach (a form clips to its box: stacked accents
    rise above a line's box)."""

    source: Source
    index: int
    x: float
    y: float
    pad: float = 0.0


def compose(base: Form, marks: Sequence[Form], overlay: bytes = b"") -> bytes:
    """Return a one-page PDF: the base's page (its size, its document's info and language) with the
    marks drawn over it in order, then `overlay` (content-stream operators in the page's default
    space, written as they are)."""
    sources = tuple(dict.fromkeys([base.source, *(m.source for m in marks)]))
    block = _block(sources)
    numbers = block.numbers
    chunks: list[bytes] = []
    number = 5 + block.count
    names = []
    for index, form in enumerate([base, *marks]):
        source = form.source
        resources, contents, width, height = source.pages[form.index]
        own = {old: new for new, old in enumerate(source.own[form.index], start=number)}
        mapping = numbers[id(source)] | own
        chunks += [_chunk(source.objects[n], mapping[n], mapping) for n in source.own[form.index]]
        number += len(own)
        pad = form.pad
        box = b"/BBox[%s %s %s %s]" % (_num(-pad), _num(-pad), _num(width + pad), _num(height + pad))
        head = source.objects[contents].head
        form_head = b"<</Type/XObject/Subtype/Form%s/Resources %d 0 R%s" % (box, mapping[resources], head[2:])
        chunks.append(b"%d 0 obj\n" % number + form_head + source.objects[contents].tail)
        names.append(b"/x%d %d 0 R" % (index, number))
        number += 1
    _, _, width, height = base.source.pages[base.index]
    content = b"".join(
        b"q\n1 0 0 1 %s %s cm\n/x%d Do\nQ\n" % (_num(form.x), _num(form.y), index)
        for index, form in enumerate([base, *marks])
    )
    content += overlay
    size = b"%s %s" % (_num(width), _num(height))
    xobjects = b"<</XObject<<%s>>>>" % b"".join(names)
    page = b"3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 %s]/Resources%s/Contents 4 0 R>>\nendobj\n" % (
        size, xobjects,
    )  # fmt: skip
    stream = b"4 0 obj\n<</Length %d>>\nstream\n%s\nendstream\nendobj\n" % (len(content), content)
    parts = [block.head, page, stream, *block.chunks, *chunks]
    offsets = _offsets(parts, block)
    count = len(offsets) + 1
    # The file's ID: a digest of what makes this file differ from the others of its topic.
    ident = hashlib.md5(b"".join([page, stream, *chunks]), usedforsecurity=False).hexdigest().encode()
    entries = b"".join(b"%010d 00000 n\r\n" % offset for offset in offsets)
    info = b"/Info %d 0 R" % numbers[id(base.source)][int(base.source.info)] if base.source.info else b""
    xref = b"xref\n0 %d\n0000000000 65535 f\r\n%s" % (count, entries)
    tail = b"trailer\n<</Size %d/Root 1 0 R%s/ID[<%s><%s>]>>\nstartxref\n%d\n%%%%EOF\n" % (
        count, info, ident, ident, sum(map(len, parts)),
    )  # fmt: skip
    return b"".join([*parts, xref, tail])


def _offsets(parts: list[bytes], block: _Block) -> list[int]:
    """Return each object's offset, by number: 1 and 2 in the head, then one object a part (the page,
    its contents, the shared block's, the unit's own)."""
    found = list(block.head_offsets)
    position = len(parts[0])
    for part in parts[1:]:
        found.append(position)
        position += len(part)
    return found


@dataclass(frozen=True)
class _Block:
    head: bytes
    """The header, catalog and page tree."""
    head_offsets: tuple[int, ...]
    chunks: tuple[bytes, ...]
    """The sources' shared objects, numbered from 5."""
    count: int
    numbers: dict[int, dict[int, int]]
    """Each source's (by id) shared objects' new numbers."""


@functools.lru_cache(maxsize=64)
def _block(sources: tuple[Source, ...]) -> _Block:
    """Return what every file drawn from these sources shares, written once."""
    numbers: dict[int, dict[int, int]] = {}
    chunks: list[bytes] = []
    number = 5
    for source in sources:
        mapping = {old: new for new, old in enumerate(source.shared, start=number)}
        numbers[id(source)] = mapping
        chunks += [_chunk(source.objects[n], mapping[n], mapping) for n in source.shared]
        number += len(mapping)
    base = sources[0]
    meta = b"/Metadata %d 0 R" % numbers[id(base)][int(base.metadata)] if base.metadata else b""
    lang = b"/Lang" + base.lang if base.lang else b""
    catalog = b"1 0 obj\n<</Type/Catalog/Pages 2 0 R%s%s>>\nendobj\n" % (meta, lang)
    tree = b"2 0 obj\n<</Type/Pages/Count 1/Kids[3 0 R]>>\nendobj\n"
    head = _HEADER + catalog + tree
    return _Block(head, (len(_HEADER), len(_HEADER) + len(catalog)), tuple(chunks), number - 5, numbers)


def _num(value: float) -> bytes:
    """Return a number as PDF writes it: up to four decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode()


# --- reading what Typst writes --------------------------------------------------------------


def _chunk(obj: _Object, number: int, numbers: dict[int, int]) -> bytes:
    def renumber(match: re.Match[bytes]) -> bytes:
        return b"%d 0 R" % numbers.get(int(match.group(1)), 0)

    return b"%d 0 obj\n" % number + _REF.sub(renumber, obj.head) + obj.tail


def _parse(pdf: bytes) -> tuple[dict[int, _Object], bytes]:
    """Return the objects of a PDF by number, and its trailer dictionary."""
    start = int(pdf[pdf.rindex(b"startxref") + 9 :].split()[0])
    if not pdf.startswith(b"xref", start):
        raise BuildError("pdfsplit: only PDFs with a classic cross-reference table can be split")
    end = pdf.index(b"trailer", start)
    lines = pdf[start + 4 : end].split(b"\n")
    offsets: dict[int, int] = {}
    number = 0
    for line in lines:
        parts = line.split()
        if len(parts) == 2:
            number = int(parts[0])
        elif len(parts) == 3:
            if parts[2] == b"n":
                offsets[number] = int(parts[0])
            number += 1
    trailer = pdf[end : pdf.index(b"startxref", end)]
    following = dict(itertools.pairwise([*sorted(offsets.values()), start]))
    objects = {}
    for number, offset in offsets.items():
        body = pdf[offset : following[offset]]
        head_match = _HEAD.match(body)
        if head_match is None or int(head_match.group(1)) != number:
            raise BuildError(f"pdfsplit: object {number} is not where the cross-reference table says")
        body = body[head_match.end() :].lstrip(b"\r\n")
        stream = _STREAM.search(body)
        split_at = stream.start() + 2 if stream else body.rindex(b"endobj")
        head, tail = body[:split_at], body[split_at:]
        refs = tuple(int(n) for n in _REF.findall(_PARENT.sub(b"", head)))
        objects[number] = _Object(head, tail.rstrip() + b"\n", refs)
    return objects, trailer


def _match(pattern: bytes, text: bytes) -> bytes:
    found = re.search(pattern, text)
    if found is None:
        raise BuildError(f"pdfsplit: {pattern.decode()} not found")
    return found.group(1)


def _search(pattern: bytes, text: bytes) -> bytes | None:
    found = re.search(pattern, text)
    return found.group(1) if found else None
