"""PNGs that differ from a shared base only in a few rectangles, written without compressing it again.

Co-branded social cards are the same picture for every unit except the unit's marks (name, contact
line, QR code, address). Encoding a 1080×1350 PNG costs ~40 ms; thousands of units × every topic
would spend most of a build there. A PNG's pixels are one zlib stream of filtered rows, and a
DEFLATE stream may be cut into pieces compressed on their own (a *full flush* forgets the history:
nothing after it refers back). So the base is filtered and compressed once, cut at the patches'
edges; each copy compresses only its patches' bytes and joins the pieces. The zlib checksum of the
whole (Adler-32) is two sums over its bytes, so it adds up from each piece's share (`_adler_parts`),
which depends only on the piece and where it lies: the base's share is counted once.

A patch given with a key (`Patch`) is drawn and compressed once per base box: a unit's name and
contact line sit on the same pixels of every topic's card, so its other cards reuse the rows.

Every row is filtered with PNG's "Up" filter (the difference from the row above): it depends on the
row above only, so a patch's rows are filtered from the patch and the base row above it, and the row
just below a patch is part of the patch (its filter sees the patched row).

Given a palette (`palette_of`), a picture whose colours it holds closely (every pixel within
PALETTE_TOLERANCE) is written as an indexed PNG instead: a byte a pixel, rows unfiltered (PNG's advice
for palettes, and smaller here), a third of the bytes to compress, check and write, and a card about a
third of the size. A colour maps to its palette entry the same way in the base and in every patch, so a
patch's pixels that keep the base's colour keep its index. A patch with a colour the palette is too
far from is refused (`OffPalette`): its copy is for the caller to make another way.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import operator
import struct
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops
from zlib_ng import zlib_ng

from loa.errors import BuildError

_UP = b"\x02"
_NONE = b"\x00"
_FINAL_EMPTY_BLOCK = b"\x03\x00"
"""An empty final DEFLATE block with fixed codes: ends a stream of full-flushed pieces."""
_ZLIB_HEADER = b"\x78\x01"
_ADLER_BASE = 65521
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


PALETTE_TOLERANCE = 12
"""How far, out of 255 in any channel, a pixel may be from its palette colour: an anti-aliased edge's
shade moved this little cannot be seen. A flat area's colour, which the palette holds, moves by a
level or three at most (Pillow maps colours to entries through a cache of 4-level cells)."""
_RESERVED = (0, 0, 0, 255, 255, 255)
"""Black and white, always in a palette: a QR code's modules and its block."""


class OffPalette(BuildError):
    """A patch has a colour the palette is too far from: its copy cannot be written indexed."""


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left, top (inclusive), right, bottom (exclusive)."""

    left: int
    top: int
    right: int
    bottom: int


ROW_LEVEL = 1
"""Compression level of patch rows (written per copy); the base's pieces take `level` (once). A
row's own block is small: zlib builds its Huffman trees for each one (~25 µs for a row of text),
zlib-ng's level 1 writes fixed codes (~5 µs) for pieces a few percent larger."""
_ROW_CACHE_SIZE = 65536


class _RowPieces:
    """Patch rows compressed one by one, each a self-contained piece (a full flush after it); rows
    that recur (blank ones, a QR code's module rows, a name on every topic's card) are kept."""

    def __init__(self) -> None:
        self.known: dict[tuple[int, int, int], bytes] = {}
        """Compressed rows by a digest of the row: small, so many can be kept."""

    def piece(self, row: bytes, compressor: zlib_ng._Compress) -> bytes:
        # Python's hash (SipHash, seeded per process) and CRC-32: 96 bits, a few times faster
        # than a cryptographic digest, with no chance worth counting of two rows meeting.
        key = (hash(row), zlib.crc32(row), len(row))
        piece = self.known.get(key)
        if piece is None:
            if len(self.known) >= _ROW_CACHE_SIZE:
                self.known.clear()
            piece = self.known[key] = compressor.compress(row) + compressor.flush(zlib_ng.Z_FULL_FLUSH)
        return piece


_ROWS = _RowPieces()


class PatchedPng:
    """A base picture (RGB) and the boxes its copies may differ in; `png(patches)` writes one copy.

    Boxes must not overlap and must lie inside the picture. A copy's patch for a box is the box's
    pixels (an RGB image of the box's size), or a `Patch` that draws them only when its key has
    not been seen over this box before; boxes without a patch keep the base. Only the compressed
    pieces and the boxes' pixels are kept, not the picture. With a `palette` (`palette_of`) that
    holds the base's colours, copies are written indexed (`indexed`).
    """

    def __init__(
        self, base: Image.Image, boxes: Sequence[Box], *, level: int = 9, palette: Image.Image | None = None
    ) -> None:
        if base.mode != "RGB":
            base = base.convert("RGB")
        self.width, self.height = base.size
        self.boxes = tuple(boxes)
        for box in self.boxes:
            if not (0 <= box.left < box.right <= self.width and 0 <= box.top < box.bottom <= self.height):
                raise BuildError(f"pngpatch: {box} is outside the {self.width}×{self.height} picture")
        indexed = _indexed(base, palette) if palette is not None else None
        self._palette = palette if indexed is not None else None
        self.indexed = self._palette is not None
        """Whether copies are written with the palette (the base's colours are close enough to it)."""
        # A patch's rows include the row below it when rows are Up-filtered (its filter sees the
        # patched row); unfiltered rows depend on nothing but themselves.
        below = 0 if self.indexed else 1
        self._rows = [(box, box.top, min(box.bottom + below, self.height)) for box in self.boxes]
        self._check_overlap()
        # Only the boxes' pixels are kept (with the row above each: its rows' filter sees it).
        self._regions = [
            base.crop((box.left, max(top - 1, 0), box.right, bottom)) for box, top, bottom in self._rows
        ]
        depth = 1 if self.indexed else 3
        stride = self.width * depth
        length = self.height * (stride + 1)
        # The cuts in the filtered stream (offsets in bytes, each row led by its filter byte).
        cuts: list[tuple[int, int, int, int]] = []  # (start, end, index of the box, row in the box)
        tails: list[list[int]] = []
        for index, (box, top, bottom) in enumerate(self._rows):
            starts = [row * (stride + 1) + 1 + box.left * depth for row in range(top, bottom)]
            width = (box.right - box.left) * depth
            cuts += [(start, start + width, index, row) for row, start in enumerate(starts)]
            tails.append([length - start - width for start in starts])
        cuts.sort()
        if indexed is not None:
            filtered, kind = indexed.tobytes(), _NONE
        else:
            filtered, kind = _up_filtered(base, 0, self.height).tobytes(), _UP
        raw = bytearray()
        for row in range(self.height):
            raw += kind
            raw += filtered[row * stride : (row + 1) * stride]
        # zlib-ng: at level 9, a quarter faster than zlib and a few percent smaller on cards.
        compressor = zlib_ng.compressobj(level, zlib_ng.DEFLATED, -15)
        gaps: list[bytes] = []
        sum_a = sum_b = position = 0
        for start, end, _, _ in [*cuts, (length, length, -1, -1)]:
            gap = bytes(raw[position:start])
            gaps.append(compressor.compress(gap) + compressor.flush(zlib_ng.Z_FULL_FLUSH))
            part_a, part_b = _adler_parts(gap, length - start)
            sum_a += part_a
            sum_b += part_b
            position = end
        self._length = length
        self._gaps = [_ZLIB_HEADER, *gaps]
        self._gap_sums = (sum_a, sum_b)
        # Where each box's rows go among the gaps: the stream is gap, row, gap, row, ..., gap.
        first_row = [len(self._gaps)]
        for _, top, bottom in self._rows:
            first_row.append(first_row[-1] + bottom - top)
        order = [0, 1]
        for number, (_, _, index, row) in enumerate(cuts):
            order += [first_row[index] + row, number + 2]
        order += [first_row[-1], first_row[-1] + 1]  # the final block and the checksum
        self._order = operator.itemgetter(*order)
        self._tails = tails
        # A box's kept rows are its pixels' under this palette (or none): part of their key.
        colours = bytes(self._palette.getpalette() or ()) if self._palette is not None else b""
        self._box_keys = [
            (self.width, self.height, box, _digest(region.tobytes() + colours))
            for (box, _, _), region in zip(self._rows, self._regions, strict=True)
        ]
        if self._palette is not None:
            header = struct.pack(">IIBBBBB", self.width, self.height, 8, 3, 0, 0, 0)
            self._header = _chunk(b"IHDR", header) + _chunk(b"PLTE", colours)
        else:
            self._header = _chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0))
        self._end = _chunk(b"IEND", b"")

    def _check_overlap(self) -> None:
        for (a, top_a, bottom_a), (b, top_b, bottom_b) in itertools.combinations(self._rows, 2):
            if top_a < bottom_b and top_b < bottom_a and a.left < b.right and b.left < a.right:
                raise BuildError(f"pngpatch: {a} and {b} overlap (a box's rows include the row below it)")

    def pixels(self, box: Box) -> Image.Image:
        """Return a copy of the base's pixels in one of the boxes."""
        index = self._index(box)
        shift = 1 if self._rows[index][1] > 0 else 0
        return self._regions[index].crop((0, shift, box.right - box.left, shift + box.bottom - box.top))

    def _index(self, box: Box) -> int:
        for index, (known, _, _) in enumerate(self._rows):
            if known == box:
                return index
        raise BuildError(f"pngpatch: {box} is not one of the picture's boxes")

    def png(self, patches: Mapping[Box, Image.Image | Patch]) -> bytes:
        """Return the PNG of the base with these boxes' pixels replaced. Raises `OffPalette` when a
        patch's colours are too far from the palette of an indexed picture."""
        for box in patches:
            self._index(box)
        pool = list(self._gaps)
        sum_a, sum_b = self._gap_sums
        for index, (box, _, _) in enumerate(self._rows):
            rows = self._box_rows(index, patches.get(box))
            pool += rows.pieces
            sum_a += rows.sum_a
            sum_b += rows.sum_b
        adler = ((self._length + sum_b) % _ADLER_BASE) << 16 | (1 + sum_a) % _ADLER_BASE
        pool += (_FINAL_EMPTY_BLOCK, struct.pack(">I", adler))
        stream = self._order(pool)
        # One join for the whole file: the stream is not put together first, then copied into its
        # chunk, then into the file (a card is ~200 KB, a unit's cards several MB).
        crc = zlib_ng.crc32(b"IDAT")
        for piece in stream:
            crc = zlib_ng.crc32(piece, crc)
        size = struct.pack(">I", sum(map(len, stream)))
        return b"".join(
            [_PNG_SIGNATURE, self._header, size, b"IDAT", *stream, struct.pack(">I", crc), self._end]
        )

    def _box_rows(self, index: int, patch: Image.Image | Patch | None) -> _BoxRows:
        """Return a box's compressed rows and their share of the checksum: the base's, a patch's
        (kept by its key), or a picture's."""
        if patch is None:
            key: Hashable = (self._box_keys[index], None)
        elif isinstance(patch, Patch):
            key = (self._box_keys[index], patch.key)
        else:
            return self._compress_box(index, patch)
        found = _BOXES.get(key)
        if found is None:
            found = self._compress_box(index, None if patch is None else patch.draw())
            _BOXES[key] = found
            if len(_BOXES) > BOX_CACHE_SIZE:
                _BOXES.popitem(last=False)
        else:
            _BOXES.move_to_end(key)
        return found

    def _compress_box(self, index: int, patch: Image.Image | None) -> _BoxRows:
        box, top, _ = self._rows[index]
        region = self._regions[index]
        shift = 1 if top > 0 else 0
        if patch is not None:
            if patch.size != (box.right - box.left, box.bottom - box.top):
                raise BuildError(f"pngpatch: a patch of {patch.size} for {box}")
            region = region.copy()
            region.paste(patch.convert("RGB"), (0, shift))
        if self._palette is not None:
            pixels = region.crop((0, shift, region.width, region.height))
            indexed = _indexed(pixels, self._palette)
            if indexed is None:
                raise OffPalette(f"pngpatch: a patch for {box} has colours the palette does not hold")
            data, stride = indexed.tobytes(), box.right - box.left
            rows = [data[i * stride : (i + 1) * stride] for i in range(pixels.height)]
        else:
            rows = _region_rows(region, first_is_base=top > 0)
        # A small hash table: each row's full flush clears it.
        compressor = zlib_ng.compressobj(ROW_LEVEL, zlib_ng.DEFLATED, -15, 2)
        pieces = []
        sum_a = sum_b = 0
        # A row the same as the one above (most of a QR code's, the blank ones around a line of
        # text) filters to zeros: one piece for all of them, and nothing to add to the checksum.
        zeros = bytes(len(rows[0]))
        zeros_piece = _ROWS.piece(zeros, compressor)
        for row, tail in zip(rows, self._tails[index], strict=True):
            if row == zeros:
                pieces.append(zeros_piece)
                continue
            pieces.append(_ROWS.piece(row, compressor))
            part_a, part_b = _adler_parts(row, tail)
            sum_a += part_a
            sum_b += part_b
        return _BoxRows(tuple(pieces), sum_a, sum_b)


def palette_of(picture: Image.Image) -> Image.Image:
    """Return a palette for pictures like this one (a 1×1 image holding it): black and white, the
    colours that cover most of it, then, one by one, whichever of its colours is farthest from the
    palette so far (anti-aliased edges of a text colour the big areas do not use). Drawings in a few
    colours fit one closely; a photograph does not, and stays RGB (`PatchedPng`)."""
    picture = picture.convert("RGB")
    count = 256 - len(_RESERVED) // 3
    covering = count * 3 // 4
    quantized = picture.quantize(covering, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    flat = list(quantized.getpalette() or ())[: 3 * covering]
    chosen = [_RESERVED[:3], _RESERVED[3:]] + [tuple(flat[i : i + 3]) for i in range(0, len(flat), 3)]
    # An RGB picture's colours are (r, g, b) tuples.
    distinct = [c for _, c in picture.getcolors(picture.width * picture.height) or () if isinstance(c, tuple)]
    far = [min(_distance(colour, known) for known in chosen) for colour in distinct]
    while len(chosen) < 256 and far and max(far) > 0:
        new = distinct[far.index(max(far))]
        chosen.append(new)
        far = [min(gap, _distance(colour, new)) for gap, colour in zip(far, distinct, strict=True)]
    chosen += chosen[:1] * (256 - len(chosen))
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in chosen for channel in colour])
    return palette


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _distance(one: tuple[int, ...], other: tuple[int, ...]) -> int:
    """Return how far apart two colours are in their farthest channel (as PALETTE_TOLERANCE counts)."""
    return max(abs(one[0] - other[0]), abs(one[1] - other[1]), abs(one[2] - other[2]))


def _indexed(picture: Image.Image, palette: Image.Image) -> Image.Image | None:
    """Return an RGB picture mapped to a palette (each colour to its nearest entry, the same way
    wherever it is), or None when a pixel would move more than PALETTE_TOLERANCE."""
    indexed = picture.quantize(palette=palette, dither=Image.Dither.NONE)
    moved = ImageChops.difference(indexed.convert("RGB"), picture).point(_too_far(PALETTE_TOLERANCE))
    return indexed if moved.getbbox() is None else None


@functools.cache
def _too_far(tolerance: int) -> list[int]:
    """Return a table for `Image.point` that marks a channel's difference beyond the tolerance."""
    return [0 if value <= tolerance else 255 for value in range(256)] * 3


@dataclass(frozen=True)
class Patch:
    """A box's pixels named by a key, drawn only when the key is new over that box of that base:
    the same key over the same base pixels must always draw the same pixels (a unit's name on every
    topic's card). The box's compressed rows are kept by the key."""

    key: Hashable
    draw: Callable[[], Image.Image]


@dataclass(frozen=True)
class _BoxRows:
    """A box's rows compressed one by one, and their share of the stream's Adler-32 (sums before
    the modulo: `_adler_parts`)."""

    pieces: tuple[bytes, ...]
    sum_a: int
    sum_b: int


BOX_CACHE_SIZE = 4096
"""Boxes kept by key, per process (~10 KB each): the names and contact lines of a batch of units, on
both card sizes, while the batch goes through every topic."""
_BOXES: OrderedDict[Hashable, _BoxRows] = OrderedDict()


def _adler_parts(data: bytes, tail: int) -> tuple[int, int]:
    """Return what a piece of the stream adds to Adler-32's two sums, `tail` bytes before its end.

    Over bytes d(1..n), A = 1 + Σ d(i) and B = n + Σ (n - i + 1)·d(i) (mod 65521): both are sums
    over the bytes, so each piece's share can be computed apart from the others, once, from its
    own Adler-32 (a = 1 + s, b = len + w with w its bytes weighted from its end) and where it lies.
    """
    adler = zlib.adler32(data)
    part = (adler & 0xFFFF) - 1
    return part, tail * part + (adler >> 16) - len(data)


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
    crc = zlib.crc32(data, zlib.crc32(kind))
    return b"".join([struct.pack(">I", len(data)), kind, data, struct.pack(">I", crc)])
