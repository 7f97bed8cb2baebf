"""The campaign pack attached to a dispatch: a build's manifest.json, read without importing the core."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Which audiences a kind of unit serves first (audience kinds of the campaign model).
AUDIENCES_FIRST: dict[str, tuple[str, ...]] = {
    "school": ("teachers", "children", "parents"),
    "commune": ("parents", "public", "children", "officials"),
    "ward": ("parents", "public", "children", "officials"),
    "special_zone": ("parents", "public", "children", "officials"),
    "police": ("officials", "parents", "public"),
    "press": ("public", "parents"),
    "broadcaster": ("public", "parents"),
    "portal": ("public", "parents"),
    "business": ("businesses", "parents"),
    "culture_centre": ("public", "children", "parents"),
}
DEFAULT_FIRST = ("officials", "public", "parents")


@dataclass(frozen=True)
class Product:
    """One product of the pack, as the manifest lists it."""

    path: str
    kind: str
    format: str
    title: str
    topic: str
    audience: str
    audience_name: str
    audience_kind: str
    size: int


@dataclass(frozen=True)
class Pack:
    """A built campaign: its folder, title and products."""

    folder: Path
    title: str
    products: tuple[Product, ...]

    def for_unit_kind(self, unit_kind: str) -> list[Product]:
        """Return the products with the audiences this kind of unit serves first, then the rest."""
        first = AUDIENCES_FIRST.get(unit_kind, DEFAULT_FIRST)

        def rank(p: Product) -> tuple[int, str, str]:
            return (first.index(p.audience_kind) if p.audience_kind in first else len(first), p.topic, p.path)

        return sorted(self.products, key=rank)

    def file(self, path: str) -> Path | None:
        """Return a listed product's file inside the build folder, or None (never a path outside it)."""
        if path not in {p.path for p in self.products}:
            return None
        target = (self.folder / path).resolve()
        return target if target.is_relative_to(self.folder.resolve()) and target.is_file() else None


def load_pack(location: str) -> Pack | None:
    """Return the pack of a build folder or manifest.json, or None when it cannot be read."""
    if not location:
        return None
    path = Path(location)
    manifest = path if path.name == "manifest.json" else path / "manifest.json"
    try:
        data: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    audiences = {a.get("id"): a for a in data.get("audiences", []) if isinstance(a, dict)}
    products = tuple(
        Product(
            path=str(p["path"]),
            kind=str(p.get("kind", "")),
            format=str(p.get("format", "")),
            title=str(p.get("title") or p["path"]),
            topic=str(p.get("topic") or ""),
            audience=str(p.get("audience") or ""),
            audience_name=str(audiences.get(p.get("audience"), {}).get("name", "")),
            audience_kind=str(audiences.get(p.get("audience"), {}).get("kind", "")),
            size=int(p.get("bytes") or 0),
        )
        for p in data.get("products", [])
        if isinstance(p, dict) and p.get("path")
    )
    title = str((data.get("campaign") or {}).get("title", ""))
    return Pack(folder=manifest.parent, title=title, products=products)
