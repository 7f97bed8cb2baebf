"""Split a PDF Typst wrote into one PDF per page, fast: objects are copied as bytes, only renumbered.

Co-branded packs lay every unit's page out in one document (see visuals/stamps.py); each unit then
needs its page as a file of its own. pypdf takes ~15 ms a page to do this; copying the objects a
page uses (its content, fonts, images) with their numbers rewritten takes a fraction of a
millisecond. Only what Typst writes is supported: a classic cross-reference table, no object
streams, no tags (compile with pdf_tags=False: a structure tree spans pages).

A page can also get content of its own drawn over it (an *overlay*: a unit's QR code is cheaper to
write as a path here than for Typst to read as an SVG per page). Its stream is added after the
page's: `/Contents [q-stream page's-content overlay]`, the overlay starting with `Q`, so it draws in
the page's default space whatever state the page's content leaves.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from loa.errors import BuildError

_REF = re.compile(rb"(\d+) 0 R\b")
_HEAD = re.compile(rb"(\d+) 0 obj")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_PARENT = re.compile(rb"/Parent \d+ 0 R")
_LANG = re.compile(rb"/Lang\((?:[^()\\]|\\.)*\)")
_CONTENTS = re.compile(rb"/Contents(?: (\d+ 0 R)|\[([^\]]*)\])")


@dataclass(frozen=True)
class _Object:
    head: bytes
    """The dictionary (or whole body when there is no stream) between `N 0 obj` and the stream."""
    tail: bytes
    """`stream ... endstream` and `endobj`, copied unchanged; empty for objects without a stream."""
    refs: tuple[int, ...]


def split_pages(pdf: bytes, overlays: Sequence[bytes] | None = None) -> list[bytes]:
    """Return one PDF per page of a PDF Typst wrote, each with only the objects its page uses.

    Objects every page uses (a shared background, fonts, the document's info) get the same numbers
    in every file and are written once, then copied; only each page's own objects are renumbered.
    `overlays`, one per page, are content-stream operators drawn over the page in its default user
    space (origin bottom left, points), written uncompressed (they are small).
    """
    objects, trailer = _parse(pdf)
    root = int(_match(rb"/Root (\d+) 0 R", trailer))
    catalog = objects[root].head
    if b"/StructTreeRoot" in catalog:
        raise BuildError("pdfsplit: tagged PDFs cannot be split page by page (compile with pdf_tags=False)")
    pages = [int(n) for n in _REF.findall(objects[int(_match(rb"/Pages (\d+) 0 R", catalog))].head)]
    lang = _LANG.search(catalog)
    info = _search(rb"/Info (\d+) 0 R", trailer)
    metadata = _search(rb"/Metadata (\d+) 0 R", catalog)
    extra = [int(n) for n in (info, metadata) if n]
    uses = [_closure(objects, page, extra) for page in pages]
    common = set.intersection(*(set(u) for u in uses)) - set(pages) if uses else set()
    shared = [n for n in uses[0] if n in common] if uses else []  # the same order in every file
    numbers = {old: new for new, old in enumerate(shared, start=4)}  # 1 catalog, 2 page tree, 3 page
    meta = b"/Metadata %d 0 R" % numbers[int(metadata)] if metadata else b""
    head = b"".join(
        [
            b"%PDF-1.7\n%\x80\x80\x80\x80\n",
            b"1 0 obj\n<</Type/Catalog/Pages 2 0 R"
            + meta
            + (lang.group(0) if lang else b"")
            + b">>\nendobj\n",
            b"2 0 obj\n<</Type/Pages/Count 1/Kids[3 0 R]>>\nendobj\n",
        ]
    )
    offsets = [len(b"%PDF-1.7\n%\x80\x80\x80\x80\n"), head.index(b"2 0 obj")]
    chunks = [_chunk(objects[n], numbers[n], numbers) for n in shared]
    if overlays is not None:
        if len(overlays) != len(pages):
            raise BuildError(f"pdfsplit: {len(overlays)} overlays for {len(pages)} pages")
        chunks.append(_stream(4 + len(chunks), b"q\n"))  # shared: opens every page's own content
    info_ref = b"/Info %d 0 R" % numbers[int(info)] if info else b""
    own = [[n for n in used if n not in common] for used in uses]
    drawn: Sequence[bytes | None] = overlays if overlays is not None else [None] * len(pages)
    return [
        _one_page(objects, page, mine, head, offsets, chunks, numbers, info_ref, overlay)
        for page, mine, overlay in zip(pages, own, drawn, strict=True)
    ]


def _closure(objects: dict[int, _Object], page: int, extra: list[int]) -> list[int]:
    """Return the objects a page uses (breadth-first from it, then `extra`), the page first."""
    order = [page]
    seen = {page}
    for number in order:  # grows while iterating
        for ref in objects[number].refs:
            if ref not in seen and ref in objects:
                seen.add(ref)
                order.append(ref)
    return order + [n for n in extra if n not in seen]


def _chunk(obj: _Object, number: int, numbers: dict[int, int]) -> bytes:
    def renumber(match: re.Match[bytes]) -> bytes:
        return b"%d 0 R" % numbers.get(int(match.group(1)), 0)

    return b"%d 0 obj\n" % number + _REF.sub(renumber, obj.head) + obj.tail


def _stream(number: int, data: bytes) -> bytes:
    return b"%d 0 obj\n<</Length %d>>\nstream\n%s\nendstream\nendobj\n" % (number, len(data), data)


def _with_overlay(page: bytes, opening: int, overlay: int) -> bytes:
    """Return a page object whose contents are the shared `q`, its own, then the overlay's."""
    found = _CONTENTS.search(page)
    if found is None:
        raise BuildError("pdfsplit: a page without /Contents cannot take an overlay")
    own = found.group(1) or found.group(2)
    contents = b"/Contents[%d 0 R %s %d 0 R]" % (opening, own, overlay)
    return page[: found.start()] + contents + page[found.end() :]


def _one_page(
    objects: dict[int, _Object],
    page: int,
    own: list[int],
    head: bytes,
    offsets: list[int],
    shared: list[bytes],
    common: dict[int, int],
    info_ref: bytes,
    overlay: bytes | None,
) -> bytes:
    numbers = common | {old: new for new, old in enumerate(own[1:], start=4 + len(shared))} | {page: 3}
    page_object = _PARENT.sub(b"/Parent 2 0 R", _chunk(objects[page], 3, numbers))
    last = 3 + len(shared) + len(own)  # the overlay's number: after the page's own objects
    if overlay is not None:
        page_object = _with_overlay(page_object, 3 + len(shared), last)
    chunks = [head, page_object]
    chunks += shared
    chunks += [_chunk(objects[n], numbers[n], numbers) for n in own[1:]]
    if overlay is not None:
        chunks.append(_stream(last, b"Q\n" + overlay))
    offsets = list(offsets)
    position = len(head)
    for chunk in chunks[1:]:
        offsets.append(position)
        position += len(chunk)
    count = len(offsets) + 1
    # The file's ID: a digest of what makes this page differ from its siblings.
    digest = hashlib.md5(b"".join([chunks[1], *chunks[2 + len(shared) :]]), usedforsecurity=False)
    ident = digest.hexdigest().encode()
    entries = (b"%010d 00000 n\r\n" % offset for offset in offsets)
    xref = b"".join([b"xref\n0 %d\n0000000000 65535 f\r\n" % count, *entries])
    trailer = b"trailer\n<</Size %d/Root 1 0 R%s/ID[<%s><%s>]>>\nstartxref\n%d\n%%%%EOF\n" % (
        count, info_ref, ident, ident, position,
    )  # fmt: skip
    return b"".join([*chunks, xref, trailer])


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
