"""QR codes for printed and posted products: plain SVG that Typst can place at any size."""

from __future__ import annotations

import functools
import io
import itertools
import re
from typing import Any

import segno
import segno.encoder

QUIET_ZONE = 4
"""Modules of white border inside the SVG: the standard quiet zone, so no layout has to add one."""


def qr_svg(url: str) -> str:
    """Return an SVG QR code (error correction M, 4-module quiet zone, black on white) for a URL."""
    code = segno.make(url, error="m", boost_error=False, micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        border=QUIET_ZONE,
        dark="#000",
        light="#fff",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        nl=False,
    )
    return out.getvalue().decode("ascii")


# --- faster mask choice --------------------------------------------------------------------------
# segno picks the data mask the standard asks for (lowest penalty of eight) in pure-Python loops over
# every module: ~3 ms of the ~3.5 ms a code takes, which co-branding pays once per unit and topic.
# These two functions compute exactly the same (tests/test_visuals.py checks the codes are identical
# to segno's own) with byte-string operations, and segno's encoder uses them for QR (not Micro QR).

_RUN = re.compile(rb"(.)\1{4,}", re.DOTALL)
_N3 = bytes((1, 0, 1, 1, 1, 0, 1))


def _n3(seq: bytes, size: int) -> int:
    """Return segno's N3 penalty of one row or column (1:1:3:1:1 with four light modules beside it)."""
    count = 0
    idx = seq.find(_N3)
    while idx != -1:
        offset = idx + 7
        if (
            idx in (0, size - 7)
            or not any(seq[max(idx - 4, 0) : min(idx, size)])
            or not any(seq[max(offset, 0) : min(offset + 4, size)])
        ):
            count += 40
        else:
            offset = idx + 4
        idx = seq.find(_N3, offset)
    return count


def _evaluate_mask(matrix: Any, width: int, height: int) -> int:
    """Return the penalty score of a masked matrix, as segno.encoder.evaluate_mask does."""
    if width != height or width < 21:
        return int(_segno_evaluate_mask(matrix, width, height))  # type: ignore[no-untyped-call]
    rows = [bytes(row) for row in matrix]
    whole = b"".join(rows)
    columns = [whole[j::width] for j in range(width)]
    runs = [m.end() - m.start() for m in _RUN.finditer(b"\xff".join((*rows, *columns)))]
    n1 = sum(runs) - 2 * len(runs)  # a run of 5 + i same-colour modules scores 3 + i
    # A 2×2 block of one colour: a byte of (A^B)|(A^A>>8)|(B^B>>8) is zero where the modules at j-1
    # and j of two neighbouring rows are all equal.
    numbers = [int.from_bytes(row) for row in rows]
    n2 = 3 * sum(
        ((a ^ b) | (a ^ (a >> 8)) | (b ^ (b >> 8))).to_bytes(width)[1:].count(0)
        for a, b in itertools.pairwise(numbers)
    )
    n3 = sum(_n3(line, width) for line in (*rows, *columns))
    dark = sum(sum(row) for row in rows)
    n4 = 10 * int(abs(float(dark) / (width**2) * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


@functools.cache
def _mask_bits(width: int, height: int, pattern: Any) -> tuple[int, ...]:
    """Return, per row, the bits a mask pattern flips in the encoding region (as big integers)."""
    encoder: Any = segno.encoder
    function_matrix = encoder.make_matrix(width, height)
    encoder.add_finder_patterns(function_matrix, width, height)
    encoder.add_alignment_patterns(function_matrix, width, height)
    function_matrix[-8][8] = 0x1
    return tuple(
        int.from_bytes(bytes(int(function_matrix[i][j] > 0x1 and bool(pattern(i, j))) for j in range(width)))
        for i in range(height)
    )


def _apply_mask(matrix: Any, mask_pattern: Any, width: int, height: int, is_encoding_region: Any) -> None:
    """Apply a mask pattern to the encoding region, as segno.encoder.apply_mask does."""
    if width != height or width < 21:
        _segno_apply_mask(matrix, mask_pattern, width, height, is_encoding_region)  # type: ignore[no-untyped-call]
        return
    key = (mask_pattern.__code__, width)
    for i, bits in enumerate(_mask_bits(width, height, _PATTERNS.setdefault(key, mask_pattern))):
        row = matrix[i]
        row[:] = (int.from_bytes(row) ^ bits).to_bytes(width)


_PATTERNS: dict[Any, Any] = {}
_segno_evaluate_mask = segno.encoder.evaluate_mask
_segno_apply_mask = segno.encoder.apply_mask
segno.encoder.evaluate_mask = _evaluate_mask
segno.encoder.apply_mask = _apply_mask
