"""The 34 provinces and 3,321 communes since 1 July 2025, from the `vietnam-provinces` wheel's data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from typing import Any

from django.db import transaction

from loa.web.units.models import OrgUnit, UnitChange, UnitKind

REORGANISED_ON = date(2025, 7, 1)  # two-tier local government (Resolution 202/2025/QH15)
REORGANISATION_BASIS = "Nghị quyết 202/2025/QH15 và các nghị quyết của UBTVQH về sắp xếp ĐVHC cấp xã"
KIND_OF_DIVISION: dict[str, Any] = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố trung ương": UnitKind.PROVINCE,
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.WARD,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}


@dataclass(frozen=True)
class Division:
    """One province or commune as the package lists it (codes of the statistics office)."""

    code: str
    name: str
    kind: str
    communes: tuple[Division, ...] = ()


def official_divisions() -> list[Division]:
    """Return the provinces, each with its communes, wards and special zones."""
    raw = json.loads((files("vietnam_provinces") / "data" / "nested-divisions.json").read_text("utf-8"))
    return [
        Division(
            code=str(p["code"]),
            name=_province_name(p["name"], p["division_type"]),
            kind=KIND_OF_DIVISION[p["division_type"]],
            communes=tuple(
                Division(commune_code(w["code"]), w["name"], KIND_OF_DIVISION[w["division_type"]])
                for w in p["wards"]
            ),
        )
        for p in raw
    ]


def commune_code(code: object) -> str:
    """Return the five-digit statistics code of a commune ("00004"): written short, a commune's code
    can equal a province's (Phường Ba Đình 4, Tỉnh Cao Bằng 4)."""
    return f"{int(str(code)):05d}"


def _province_name(name: str, division_type: str) -> str:
    if division_type == "tỉnh" and not name.startswith("Tỉnh "):
        return f"Tỉnh {name}"
    return name


@transaction.atomic
def load_divisions(*, communes_of: set[str] | None = None) -> tuple[int, int]:
    """Create or update the provinces and the communes of some (None: all); return (created, updated)."""
    created = updated = 0
    for province in official_divisions():
        unit, new = _upsert(province, parent=None)
        created, updated = created + new, updated + (not new)
        if communes_of is not None and province.code not in communes_of:
            continue
        for commune in province.communes:
            _, new = _upsert(commune, parent=unit)
            created, updated = created + new, updated + (not new)
    return created, updated


def _upsert(division: Division, *, parent: OrgUnit | None) -> tuple[OrgUnit, bool]:
    unit = OrgUnit.objects.filter(code=division.code).first()
    if unit is None and parent is not None:  # loaded before codes had five digits: take it over
        short = str(int(division.code))
        unit = OrgUnit.objects.filter(code=short, parent=parent, kind=division.kind).first()
        if unit is not None:
            unit.code = division.code
            unit.save(update_fields=["code"])
    if unit is None:
        unit = OrgUnit.objects.create(
            code=division.code,
            name=division.name,
            kind=division.kind,
            parent=parent,
            valid_from=REORGANISED_ON,
        )
        UnitChange.objects.create(
            unit=unit,
            kind=UnitChange.Kind.CREATED,
            on=REORGANISED_ON,
            new_name=unit.name,
            basis=REORGANISATION_BASIS,
        )
        return unit, True
    if (unit.name, unit.kind, unit.parent_id) != (
        division.name,
        division.kind,
        parent.pk if parent else None,
    ):
        unit.name, unit.kind, unit.parent = division.name, division.kind, parent
        unit.save()
    return unit, False
