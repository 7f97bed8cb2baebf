"""What a template reports about its own layout: did every fitted text fit its box, at what size."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typst

from loa.fonts import font_paths
from loa.renderers.typst import template_source

PRELUDES = ("brand.typ",)


def fit_report(template: str, data: dict[str, Any], *, root: Path) -> list[dict[str, Any]]:
    """Return the <loa-fit> records of a render: label, size in pt, fits (and items shown)."""
    source = b"\n".join(template_source(name) for name in (*PRELUDES, template))
    compiler = typst.Compiler(
        input=source,
        root=str(root),
        font_paths=typst.Fonts(include_system_fonts=False, font_paths=[str(p) for p in font_paths()]),
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
    )
    found: list[dict[str, Any]] = json.loads(compiler.query("<loa-fit>", field="value"))
    return found
