"""ZIP archives that repeat byte for byte, made of entries that can be compressed once and copied
into many archives.

Press kits put the same products into several archives: a campaign's SVG pictures go into every
audience's kit, and deflating them again for each kit was most of the time a build spent zipping.
An `Entry` holds its bytes as stored (deflated or not) with their CRC-32, so the caller may keep it
and put it into the next archive as it is. The layout is exactly what Python's `zipfile` writes for
`writestr` with a `ZipInfo` of a fixed time and Unix permissions (a test compares the bytes); an
archive past what a plain ZIP can hold (65,535 entries, 2 GiB) is written by `zipfile` instead, with
its ZIP64 records.

A co-branded unit's kit is its whole pack, already on disk (~7 MB of PNGs and PDFs, stored as they
are). `Entry.of_file` takes such a file's CRC-32 through a memory map, and `write_archive` writes
the archive straight to a file, the products' bytes going from their maps to the kit: they are not
read into the program, joined and then written, three copies of every byte of thousands of packs.
"""

from __future__ import annotations

import hashlib
import io
import mmap
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from zlib_ng import zlib_ng

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
    """One file of an archive, its bytes as stored: held (`stored`), or left in a file (`source`)."""

    name: str
    stored: bytes
    crc: int
    size: int
    """Length before compression."""
    deflated: bool
    mode: int = 0o644
    source: Path | None = None
    """The file holding the bytes, stored as they are (`stored` is then empty)."""

    @classmethod
    def of_file(cls, name: str, path: Path, size: int, *, mode: int = 0o644) -> Entry:
        """Return an entry of a file's bytes, stored as they are and read only when written."""
        with _mapped(path, size) as data:
            crc = zlib_ng.crc32(data)
        return cls(name, b"", crc, size, False, mode, path)

    @property
    def length(self) -> int:
        """Length as stored in the archive."""
        return self.size if self.source is not None else len(self.stored)

    def payload(self) -> bytes:
        """Return the bytes as stored, reading them from the source file if need be."""
        if self.source is None:
            return self.stored
        with _mapped(self.source, self.size) as data:
            return bytes(data)

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
        return Entry(name, self.stored, self.crc, self.size, self.deflated, self.mode, self.source)


def archive(entries: Sequence[Entry], *, when: Stamp) -> bytes:
    """Return a ZIP archive of the entries, in order, every one dated `when`."""
    if _needs_zip64(entries):
        return _with_zipfile(entries, when)
    # Joined once: a kit is tens of MB, and growing a buffer copies it.
    return b"".join(part if isinstance(part, bytes) else part.payload() for part in _parts(entries, when))


def write_archive(target: BinaryIO, entries: Sequence[Entry], *, when: Stamp) -> tuple[str, int]:
    """Write the same archive as `archive` to an open file; return its SHA-256 (hex) and size.
    Entries left in files go from their memory maps to the target, read by nothing else."""
    digest = hashlib.sha256()
    size = 0
    parts = [_with_zipfile(entries, when)] if _needs_zip64(entries) else _parts(entries, when)
    for part in parts:
        if isinstance(part, bytes):
            digest.update(part)
            target.write(part)
            size += len(part)
            continue
        assert part.source is not None
        with _mapped(part.source, part.size) as data:
            digest.update(data)
            target.write(data)
        size += part.size
    return digest.hexdigest(), size


def _needs_zip64(entries: Sequence[Entry]) -> bool:
    total = sum(e.length + 4 * len(e.name) + 76 for e in entries)
    return len(entries) > _MAX_ENTRIES or total > _LIMIT or any(e.size * 1.05 > _LIMIT for e in entries)


def _parts(entries: Sequence[Entry], when: Stamp) -> Iterator[bytes | Entry]:
    """Yield the archive in order: headers as bytes, each entry's payload as the entry itself."""
    date = (when[0] - 1980) << 9 | when[1] << 5 | when[2]
    time = when[3] << 11 | when[4] << 5 | when[5] // 2
    central: list[bytes] = []
    offset = 0
    for entry in entries:
        name, flags = _encoded(entry.name)
        method = zipfile.ZIP_DEFLATED if entry.deflated else zipfile.ZIP_STORED
        fields = (flags, method, time, date, entry.crc, entry.length, entry.size, len(name))
        central += (
            _CENTRAL.pack(
                b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, *fields, 0, 0, 0, 0, entry.mode << 16, offset
            ),
            name,
        )
        yield _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *fields, 0) + name
        yield entry.stored if entry.source is None else entry
        offset += _LOCAL.size + len(name) + entry.length
    directory = b"".join(central)
    yield directory + _END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0)


class _mapped:
    """A file's bytes as a read-only memory map (an empty file as b""), checked against the size
    it was written with."""

    def __init__(self, path: Path, size: int) -> None:
        self.path, self.size = path, size
        self.map: mmap.mmap | None = None

    def __enter__(self) -> bytes | mmap.mmap:
        with open(self.path, "rb") as handle:
            found = os.fstat(handle.fileno()).st_size
            if found != self.size:
                raise OSError(f"{self.path}: {found} bytes where {self.size} were written")
            if found == 0:
                return b""
            self.map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return self.map

    def __exit__(self, *_: object) -> None:
        if self.map is not None:
            self.map.close()


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
            data = zlib.decompress(entry.stored, -15) if entry.deflated else entry.payload()
            target.writestr(info, data)
    return buffer.getvalue()
