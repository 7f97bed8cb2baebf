"""Changes to the unit tree that keep history: rename, merge, and import from CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from loa.web.units.models import OrgUnit, SchoolLevel, UnitChange, UnitKind

CSV_COLUMNS = ("code", "name", "kind", "parent_code", "school_level", "email")


@transaction.atomic
def rename_unit(unit: OrgUnit, new_name: str, *, on: date, basis: str = "", by: object = None) -> UnitChange:
    """Rename a unit from a date, keeping the old name in its history."""
    change = UnitChange.objects.create(
        unit=unit,
        kind=UnitChange.Kind.RENAMED,
        on=on,
        old_name=unit.name,
        new_name=new_name,
        basis=basis,
        recorded_by=by,
    )
    unit.name = new_name
    unit.save()
    return change


@transaction.atomic
def merge_units(
    sources: list[OrgUnit], *, into: OrgUnit, on: date, basis: str = "", by: object = None
) -> None:
    """Merge units into another from a date: their children move over, they end the day before."""
    for source in sources:
        if source.pk == into.pk or source.contains(into):
            raise ValueError(f"không thể sáp nhập {source} vào chính nó hoặc đơn vị cấp dưới của nó")
        for child in source.children.all():
            child.parent = into
            child.save()
        UnitChange.objects.create(
            unit=source,
            kind=UnitChange.Kind.MERGED,
            on=on,
            old_name=source.name,
            new_name=into.name,
            successor=into,
            basis=basis,
            recorded_by=by,
        )
        source.active, source.valid_to = False, on - timedelta(days=1)
        source.save()


@dataclass
class ImportResult:
    """What an import did, or the located errors that stopped it (then nothing was written)."""

    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def import_units_csv(text: str, *, under: OrgUnit | None = None) -> ImportResult:
    """Create or update units from CSV (code,name,kind,parent_code,school_level,email), all or nothing."""
    result = ImportResult()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    missing = [c for c in ("code", "name", "kind") if rows and c not in rows[0]]
    if missing or not rows:
        result.errors.append(
            f"dòng 1: thiếu cột {', '.join(missing) or 'dữ liệu'} — cần các cột {', '.join(CSV_COLUMNS)}"
        )
        return result
    known = {u.code: u for u in OrgUnit.objects.filter(code__in=[r.get("parent_code") or "" for r in rows])}
    new_codes = {(r.get("code") or "").strip() for r in rows}
    for line, row in enumerate(rows, start=2):
        result.errors.extend(f"dòng {line}: {e}" for e in _row_errors(row, known, new_codes, under))
    if not result.errors:
        with transaction.atomic():
            for row in rows:  # parents first: a row may name a parent created a few lines above
                created = _save_row(row)
                result.created += created
                result.updated += not created
    return result


def _row_errors(
    row: dict[str, str], known: dict[str, OrgUnit], new_codes: set[str], under: OrgUnit | None
) -> list[str]:
    errors = []
    code, kind = (row.get("code") or "").strip(), (row.get("kind") or "").strip()
    parent_code = (row.get("parent_code") or "").strip()
    if not code or "/" in code:
        errors.append("code: trống hoặc có dấu / — đặt một mã duy nhất, không có dấu /")
    if not (row.get("name") or "").strip():
        errors.append("name: trống — ghi tên đơn vị")
    if kind not in UnitKind.values:
        errors.append(f"kind: '{kind}' không hợp lệ — dùng một trong {', '.join(UnitKind.values)}")
    level = (row.get("school_level") or "").strip()
    if level and level not in SchoolLevel.values:
        errors.append(f"school_level: '{level}' không hợp lệ — dùng {', '.join(SchoolLevel.values)}")
    parent = known.get(parent_code)
    if parent_code and parent is None and parent_code not in new_codes:
        errors.append(f"parent_code: không có đơn vị mã '{parent_code}' — nạp đơn vị cấp trên trước")
    if under is not None and parent is not None and not under.contains(parent):
        errors.append(f"parent_code: '{parent_code}' nằm ngoài phạm vi của bạn")
    if under is not None and not parent_code:
        errors.append("parent_code: trống — đơn vị mới phải thuộc phạm vi của bạn")
    return errors


def _save_row(row: dict[str, str]) -> bool:
    parent_code = (row.get("parent_code") or "").strip()
    values = {
        "name": row["name"].strip(),
        "kind": row["kind"].strip(),
        "school_level": (row.get("school_level") or "").strip(),
        "email": (row.get("email") or "").strip(),
        "parent": OrgUnit.objects.get(code=parent_code) if parent_code else None,
    }
    unit = OrgUnit.objects.filter(code=row["code"].strip()).first()
    if unit is None:
        OrgUnit.objects.create(code=row["code"].strip(), **values)
        return True
    for name, value in values.items():
        setattr(unit, name, value)
    unit.save()
    return False
