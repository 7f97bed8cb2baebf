"""ZIP archives that repeat byte for byte, made of entries that can be compressed once and copied
into many archives.

Press kits put the same products into several archives: a campaign's SVG pictures go into every
audience's kit, and deflating them again for each kit was most of the time a build spent zipping.
An `Entry` holds its bytes as stored (deflated or not) with their CRC-32, so the caller may keep it
and put it into the next archive as it is. The layout is exactly what Python's `zipfile` writes for
`writestr` with a `ZipInfo` of a fixed time and Unix permissions (a test compares the bytes); an
archive past what a plain ZIP can hold (65,535 entries, 2 GiB) is written by `zipfile` instead, with
its ZIP64 records.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

Stamp = tuple[int, int, int, int, int, int]

_VERSION = 20
"""'Version needed to extract' and 'made by' (2.0: deflate), as zipfile writes them."""
_UNIX = 3
_UTF8_NAME = 0x800
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_LIMIT = (1 << 31) - 1
_MAX_ENTRIES = 0xFFFF


@dataclass(frozen=True)
class Entry:
    """One file of an archive, its bytes as stored."""

    name: str
    stored: bytes
    crc: int
    size: int
    """Length before compression."""
    deflated: bool
    mode: int = 0o644

    @classmethod
    def of(cls, name: str, data: bytes, *, deflate: bool, mode: int = 0o644) -> Entry:
        """Return an entry of `data`, deflated (at zlib's default level, as zipfile does) or not."""
        if deflate:
            compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            stored = compressor.compress(data) + compressor.flush()
        else:
            stored = data
        return cls(name, stored, zlib.crc32(data), len(data), deflate, mode)

    def named(self, name: str) -> Entry:
        """Return the same bytes under another name."""
        return Entry(name, self.stored, self.crc, self.size, self.deflated, self.mode)


def archive(entries: Sequence[Entry], *, when: Stamp) -> bytes:
    """Return a ZIP archive of the entries, in order, every one dated `when`."""
    total = sum(len(e.stored) + 4 * len(e.name) + 76 for e in entries)
    if len(entries) > _MAX_ENTRIES or total > _LIMIT or any(e.size * 1.05 > _LIMIT for e in entries):
        return _with_zipfile(entries, when)
    date = (when[0] - 1980) << 9 | when[1] << 5 | when[2]
    time = when[3] << 11 | when[4] << 5 | when[5] // 2
    parts: list[bytes] = []  # joined once: a kit is tens of MB, and growing a buffer copies it
    central: list[bytes] = []
    offset = 0
    for entry in entries:
        name, flags = _encoded(entry.name)
        method = zipfile.ZIP_DEFLATED if entry.deflated else zipfile.ZIP_STORED
        fields = (flags, method, time, date, entry.crc, len(entry.stored), entry.size, len(name))
        central += (
            _CENTRAL.pack(
                b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, *fields, 0, 0, 0, 0, entry.mode << 16, offset
            ),
            name,
        )
        parts += (_LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *fields, 0), name, entry.stored)
        offset += _LOCAL.size + len(name) + len(entry.stored)
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join((*parts, directory, end))


def _encoded(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8_NAME


def _with_zipfile(entries: Sequence[Entry], when: Stamp) -> bytes:
    """Return the archive written by zipfile (with ZIP64 records where needed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED if entry.deflated else zipfile.ZIP_STORED
            info.external_attr = entry.mode << 16
            data = zlib.decompress(entry.stored, -15) if entry.deflated else entry.stored
            target.writestr(info, data)
    return buffer.getvalue()
