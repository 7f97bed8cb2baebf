"""Recipient units for co-branded packs, from a CSV a province exports from Excel."""

from __future__ import annotations

import csv
import difflib
import io
import re
from pathlib import Path

from pydantic import ValidationError

from loa import model as m
from loa.errors import CampaignError, Diagnostic, Location
from loa.readers.source import SourceProblem, explain, read_text

# Column names people actually write, in Vietnamese with or without diacritics, mapped to fields.
COLUMNS = {
    "code": "code", "ma": "code", "mã": "code", "ma_don_vi": "code", "mã đơn vị": "code",
    "name": "name", "ten": "name", "tên": "name", "ten_don_vi": "name", "tên đơn vị": "name",
    "group": "group", "nhom": "group", "nhóm": "group", "loai": "group", "loại": "group",
    "audience": "audience", "doi_tuong": "audience", "đối tượng": "audience",
    "logo": "logo", "bieu_trung": "logo", "biểu trưng": "logo",
    "contact": "contact", "lien_he": "contact", "liên hệ": "contact",
}  # fmt: skip
READ = "code (mã), name (tên), contact (liên hệ), logo (biểu trưng), group (nhóm), audience (đối tượng)"
"""The columns Loa reads, as a message names them."""


def _key(header: str) -> str:
    """Return a column's name as looked up: lower case, `_` as a space, spaces collapsed."""
    return re.sub(r"[\s_]+", " ", header).strip().lower()


_FIELDS = {_key(name): field for name, field in COLUMNS.items()}


def read_units(
    path: Path, campaign_root: Path, audiences: set[str]
) -> tuple[tuple[m.Unit, ...], list[Diagnostic]]:
    """Return the units in a CSV (comma or semicolon separated) and warnings about its columns (one
    Loa does not read is named, with the column it may have meant), or raise with every located error."""
    try:
        text = read_text(path)
    except FileNotFoundError:
        raise CampaignError(
            [
                Diagnostic(
                    Location(path), "", "không thấy tệp danh sách đơn vị", "kiểm tra đường dẫn của --units"
                )
            ]
        ) from None
    except SourceProblem as problem:
        raise CampaignError([problem.diagnostic]) from None
    dialect = "excel-tab" if "\t" in text.partition("\n")[0] else "excel"
    delimiter = ";" if text.partition("\n")[0].count(";") > text.partition("\n")[0].count(",") else ","
    rows = csv.reader(io.StringIO(text), dialect, delimiter="\t" if dialect == "excel-tab" else delimiter)
    names = next(rows, [])
    header = [_FIELDS.get(_key(name), "") for name in names]
    errors: list[Diagnostic] = []
    warnings = [_unread(path, n) for n, field in zip(names, header, strict=True) if n.strip() and not field]
    for field in dict.fromkeys(f for f in header if f and header.count(f) > 1):
        twins = ", ".join(repr(n.strip()) for n, f in zip(names, header, strict=True) if f == field)
        errors.append(
            Diagnostic(Location(path, 1), field, f"các cột {twins} cùng là {field}", "giữ lại một cột")
        )
    for required in ("code", "name"):
        if required not in header:
            spellings = [key for key, field in _FIELDS.items() if field == required]
            meant = [n.strip() for n, f in zip(names, header, strict=True) if not f and _near(n, spellings)]
            errors.append(
                Diagnostic(
                    Location(path, 1),
                    required,
                    "thiếu cột bắt buộc",
                    "dòng đầu cần có cột code (mã) và name (tên)"
                    + (f" — có phải cột '{meant[0]}'?" if meant else ""),
                )
            )
    if errors:
        raise CampaignError(errors)
    units: list[m.Unit] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = {k: v.strip() for k, v in zip(header, row, strict=False) if k and v.strip()}
        unit = _unit(record, path, line, errors)
        if unit is None:
            continue
        if unit.code in seen:
            errors.append(
                Diagnostic(
                    Location(path, line),
                    "code",
                    f"mã '{unit.code}' trùng với dòng {seen[unit.code]}",
                    "mỗi đơn vị một mã riêng",
                )
            )
        if unit.audience and unit.audience not in audiences:
            errors.append(
                Diagnostic(
                    Location(path, line),
                    "audience",
                    f"không có đối tượng '{unit.audience}'",
                    "dùng một trong: " + ", ".join(sorted(audiences)),
                )
            )
        if unit.logo and not (campaign_root / unit.logo).is_file():
            errors.append(
                Diagnostic(
                    Location(path, line),
                    "logo",
                    f"không thấy tệp '{unit.logo}'",
                    "đường dẫn tính từ thư mục chiến dịch, ví dụ assets/don-vi/xa.png",
                )
            )
        seen.setdefault(unit.code, line)
        units.append(unit)
    if errors:
        raise CampaignError(errors)
    return tuple(units), warnings


def _near(name: str, spellings: list[str]) -> list[str]:
    """Return the column name among `spellings` that `name` may be a slip for (or none)."""
    return difflib.get_close_matches(_key(name), spellings, n=1, cutoff=0.75)


def _unread(path: Path, name: str) -> Diagnostic:
    """Return the warning for a column Loa does not read: its values are left out of every pack."""
    fix = ""
    for near in _near(name, list(_FIELDS)):
        field = _FIELDS[near]
        fix = f"có phải '{near}'{f' ({field})' if field != near else ''}? "
    return Diagnostic(
        Location(path, 1),
        name.strip(),
        "cột này không được đọc — bỏ qua",
        f"{fix}Loa đọc các cột: {READ}",
        severity="warning",
    )


def _unit(record: dict[str, str], path: Path, line: int, errors: list[Diagnostic]) -> m.Unit | None:
    try:
        return m.Unit.model_validate(record)
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            message, fix = explain(err)
            if field == "code":
                fix = "chỉ dùng chữ, số, '-' và '_' (tối đa 40 ký tự), ví dụ 25747"
            errors.append(Diagnostic(Location(path, line), field, message, fix))
        return None
