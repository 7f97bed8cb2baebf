"""ZIP archives written by hand (loa.zips): the same bytes as Python's zipfile, entries reusable."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from loa import zips
from loa.zips import Entry, archive, write_archive

WHEN = (2026, 1, 1, 0, 0, 0)
FILES = [
    ("DOC-TRUOC.txt", "Tài liệu tuyên truyền — gọi 111 khi cần giúp đỡ.\n".encode(), True),
    ("the/thong-tin-ca-nhan/chung-facebook-doc.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, False),
    (
        "ảnh/bìa.svg",
        b"<svg xmlns='http://www.w3.org/2000/svg'>" + b"<path d='M0 0h10v10z'/>" * 200 + b"</svg>",
        True,
    ),
    ("rong.txt", b"", True),
    ("rong.pdf", b"", False),
]


def zipfile_bytes(files: list[tuple[str, bytes, bool]]) -> bytes:
    """What the press kits were written with before: zipfile's writestr, fixed time, mode 644."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data, deflate in files:
            info = zipfile.ZipInfo(name, date_time=WHEN)
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return buffer.getvalue()


def test_an_archive_is_byte_for_byte_what_zipfile_writes() -> None:
    made = archive([Entry.of(name, data, deflate=deflate) for name, data, deflate in FILES], when=WHEN)
    assert made == zipfile_bytes(FILES)
    with zipfile.ZipFile(io.BytesIO(made)) as read:
        assert read.testzip() is None
        assert [(i.filename, read.read(i)) for i in read.infolist()] == [(n, d) for n, d, _ in FILES]
        assert read.getinfo("ảnh/bìa.svg").flag_bits & 0x800, "a Vietnamese name is marked UTF-8"


def test_an_entry_deflated_once_goes_into_another_archive_under_another_name() -> None:
    svg = Entry.of("a.svg", FILES[2][1], deflate=True)
    moved = svg.named("b/a.svg")
    assert moved.stored is svg.stored, "not compressed again"
    with zipfile.ZipFile(io.BytesIO(archive([moved], when=WHEN))) as read:
        assert read.read("b/a.svg") == FILES[2][1]


def test_an_archive_past_a_plain_zips_limits_is_written_with_zip64_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(zips, "_MAX_ENTRIES", 3)  # as if 65,535 entries were not enough
    made = archive([Entry.of(name, data, deflate=deflate) for name, data, deflate in FILES], when=WHEN)
    with zipfile.ZipFile(io.BytesIO(made)) as read:
        assert [(i.filename, read.read(i)) for i in read.infolist()] == [(n, d) for n, d, _ in FILES]


def file_entries(folder: Path) -> list[Entry]:
    """FILES with the stored ones left in files, as a unit's pack is."""
    entries = []
    for index, (name, data, deflate) in enumerate(FILES):
        if deflate:
            entries.append(Entry.of(name, data, deflate=True))
            continue
        path = folder / f"{index}.bin"
        path.write_bytes(data)
        entries.append(Entry.of_file(name, path, len(data)))
    return entries


def test_an_archive_of_files_written_to_a_file_is_the_same_bytes(tmp_path: Path) -> None:
    entries = file_entries(tmp_path)
    assert all(e.stored == b"" for e in entries if e.source is not None), "the files are not read in"
    target = io.BytesIO()
    digest, size = write_archive(target, entries, when=WHEN)
    assert target.getvalue() == archive(entries, when=WHEN) == zipfile_bytes(FILES)
    assert (digest, size) == (hashlib.sha256(target.getvalue()).hexdigest(), len(target.getvalue()))


def test_a_file_changed_since_its_entry_was_made_is_refused_not_zipped(tmp_path: Path) -> None:
    entries = file_entries(tmp_path)
    (tmp_path / "1.bin").write_bytes(b"\x89PNG hong")  # damaged while the kit was being made
    with pytest.raises(OSError, match=r"1\.bin: 9 bytes where 10248 were written"):
        write_archive(io.BytesIO(), entries, when=WHEN)
