"""PNGs that differ from a shared base only in a few rectangles, written without compressing it again.

Co-branded social cards are the same picture for every unit except the unit's marks (name, contact
line, QR code, address). Encoding a 1080×1350 PNG costs ~40 ms; thousands of units × every topic
would spend most of a build there. A PNG's pixels are one zlib stream of filtered rows, and a
DEFLATE stream may be cut into pieces compressed on their own (a *full flush* forgets the history:
nothing after it refers back). So the base is filtered and compressed once, cut at the patches'
edges; each copy compresses only its patches' bytes and joins the pieces. The zlib checksum of the
whole (Adler-32) is combined from the pieces' checksums, as zlib's `adler32_combine` does.

Every row is filtered with PNG's "Up" filter (the difference from the row above): it depends on the
row above only, so a patch's rows are filtered from the patch and the base row above it, and the row
just below a patch is part of the patch (its filter sees the patched row).
"""

from __future__ import annotations

import itertools
import struct
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops

from loa.errors import BuildError

_UP = b"\x02"
_FINAL_EMPTY_BLOCK = b"\x03\x00"
"""An empty final DEFLATE block with fixed codes: ends a stream of full-flushed pieces."""
_ZLIB_HEADER = b"\x78\x01"
_ADLER_BASE = 65521
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left, top (inclusive), right, bottom (exclusive)."""

    left: int
    top: int
    right: int
    bottom: int


@dataclass(frozen=True)
class _Piece:
    data: bytes
    adler: int
    length: int


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """Return the Adler-32 of A + B from those of A and B and the length of B (zlib's combine)."""
    rem = second_length % _ADLER_BASE
    sum1 = first & 0xFFFF
    sum2 = (rem * sum1) % _ADLER_BASE
    sum1 += (second & 0xFFFF) + _ADLER_BASE - 1
    sum2 += ((first >> 16) & 0xFFFF) + ((second >> 16) & 0xFFFF) + _ADLER_BASE - rem
    sum1 %= _ADLER_BASE
    sum2 %= _ADLER_BASE
    return sum1 | (sum2 << 16)


def _compressed(data: bytes, compressor: zlib._Compress) -> _Piece:
    return _Piece(
        compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH), zlib.adler32(data), len(data)
    )


ROW_LEVEL = 1
"""Compression level of patch rows (written per copy); the base's pieces take `level` (once)."""
_ROW_CACHE_SIZE = 65536


class _RowPieces:
    """Patch rows compressed one by one, each a self-contained piece (a full flush after it); rows
    that recur (blank ones, a QR code's module rows, a name on every topic's card) are kept."""

    def __init__(self) -> None:
        self.known: dict[tuple[int, int, int], bytes] = {}
        """Compressed rows by a digest of the row: small, so many can be kept."""

    def piece(self, row: bytes, compressor: zlib._Compress) -> bytes:
        # Python's hash (SipHash, seeded per process) and CRC-32: 96 bits, a few times faster
        # than a cryptographic digest, with no chance worth counting of two rows meeting.
        key = (hash(row), zlib.crc32(row), len(row))
        piece = self.known.get(key)
        if piece is None:
            if len(self.known) >= _ROW_CACHE_SIZE:
                self.known.clear()
            piece = self.known[key] = compressor.compress(row) + compressor.flush(zlib.Z_FULL_FLUSH)
        return piece


_ROWS = _RowPieces()


class PatchedPng:
    """A base picture (RGB) and the boxes its copies may differ in; `png(patches)` writes one copy.

    Boxes must not overlap and must lie inside the picture. A copy's patch for a box is the box's
    pixels (an RGB image of the box's size); boxes without a patch keep the base. Only the
    compressed pieces and the boxes' pixels are kept, not the picture.
    """

    def __init__(self, base: Image.Image, boxes: Sequence[Box], *, level: int = 9) -> None:
        if base.mode != "RGB":
            base = base.convert("RGB")
        self.width, self.height = base.size
        self.boxes = tuple(boxes)
        self.level = level
        for box in self.boxes:
            if not (0 <= box.left < box.right <= self.width and 0 <= box.top < box.bottom <= self.height):
                raise BuildError(f"pngpatch: {box} is outside the {self.width}×{self.height} picture")
        # A patch's rows include the row below it (its Up filter sees the patched row).
        self._rows = [(box, box.top, min(box.bottom + 1, self.height)) for box in self.boxes]
        self._check_overlap()
        # Only the boxes' pixels are kept (with the row above each: its rows' filter sees it).
        self._regions = [
            base.crop((box.left, max(top - 1, 0), box.right, bottom)) for box, top, bottom in self._rows
        ]
        filtered = _up_filtered(base, 0, self.height).tobytes()
        stride = self.width * 3
        # The cuts in the filtered stream (offsets in bytes, each row led by its filter byte).
        cuts: list[tuple[int, int, int]] = []  # (start, end, index of the box)
        for index, (box, top, bottom) in enumerate(self._rows):
            for row in range(top, bottom):
                start = row * (stride + 1) + 1 + box.left * 3
                cuts.append((start, start + (box.right - box.left) * 3, index))
        cuts.sort()
        self._order = [index for _, _, index in cuts]
        raw = bytearray()
        for row in range(self.height):
            raw += _UP
            raw += filtered[row * stride : (row + 1) * stride]
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._gaps: list[_Piece] = []
        position = 0
        for start, end, _ in cuts:
            self._gaps.append(_compressed(bytes(raw[position:start]), compressor))
            position = end
        self._gaps.append(_compressed(bytes(raw[position:]), compressor))
        self._header = _chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0))
        self._end = _chunk(b"IEND", b"")

    def _check_overlap(self) -> None:
        for (a, top_a, bottom_a), (b, top_b, bottom_b) in itertools.combinations(self._rows, 2):
            if top_a < bottom_b and top_b < bottom_a and a.left < b.right and b.left < a.right:
                raise BuildError(f"pngpatch: {a} and {b} overlap (a box's rows include the row below it)")

    def pixels(self, box: Box) -> Image.Image:
        """Return a copy of the base's pixels in one of the boxes."""
        for (known, top, _), region in zip(self._rows, self._regions, strict=True):
            if known == box:
                shift = 1 if top > 0 else 0
                return region.crop((0, shift, box.right - box.left, shift + box.bottom - box.top))
        raise BuildError(f"pngpatch: {box} is not one of the picture's boxes")

    def png(self, patches: Mapping[Box, Image.Image]) -> bytes:
        """Return the PNG of the base with these boxes' pixels replaced."""
        rows: list[Iterator[bytes]] = []
        for (box, top, _), base in zip(self._rows, self._regions, strict=True):
            patch = patches.get(box)
            region = base
            if patch is not None:
                if patch.size != (box.right - box.left, box.bottom - box.top):
                    raise BuildError(f"pngpatch: a patch of {patch.size} for {box}")
                region = base.copy()
                region.paste(patch.convert("RGB"), (0, 1 if top > 0 else 0))
            rows.append(iter(_region_rows(region, first_is_base=top > 0)))
        # A small hash table: each row's full flush clears it.
        compressor = zlib.compressobj(ROW_LEVEL, zlib.DEFLATED, -15, 2)
        piece_of = _ROWS.piece
        gaps = self._gaps
        data = [gaps[0].data]
        adler = gaps[0].adler
        for index, gap in zip(self._order, gaps[1:], strict=True):
            row = next(rows[index])
            data.append(piece_of(row, compressor))
            data.append(gap.data)
            adler = adler32_combine(zlib.adler32(row, adler), gap.adler, gap.length)
        stream = b"".join([_ZLIB_HEADER, *data, _FINAL_EMPTY_BLOCK, struct.pack(">I", adler)])
        return b"".join([_PNG_SIGNATURE, self._header, _chunk(b"IDAT", stream), self._end])


def _up_filtered(image: Image.Image, top: int, bottom: int) -> Image.Image:
    """Return rows [top, bottom) Up-filtered: each row minus the row above (modulo 256); row 0 as is."""
    rows = image.crop((0, top, image.width, bottom))
    above = Image.new("RGB", rows.size)
    above.paste(image.crop((0, max(top - 1, 0), image.width, bottom - 1)), (0, 1 if top == 0 else 0))
    return ImageChops.subtract_modulo(rows, above)


def _region_rows(region: Image.Image, *, first_is_base: bool) -> list[bytes]:
    """Return a region's rows Up-filtered, without the base row above it when it has one."""
    filtered = _up_filtered(region, 0, region.height)
    data = filtered.tobytes()
    stride = region.width * 3
    rows = [data[i * stride : (i + 1) * stride] for i in range(region.height)]
    return rows[1:] if first_is_base else rows


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
