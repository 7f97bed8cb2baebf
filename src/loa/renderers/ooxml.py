"""Small Office Open XML helpers: schema-ordered properties and ZIP files that repeat byte for byte."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

# Children of these property elements must come in schema order, or Word calls the file damaged.
_ORDER: dict[str, tuple[str, ...]] = {
    "tblPr": (
        *("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize"),
        *("tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar"),
        "tblLook",
    ),
    "tcPr": (
        *("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar"),
        *("textDirection", "tcFitText", "vAlign", "hideMark"),
    ),
    "trPr": (
        *("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit"),
        *("trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden"),
    ),
    "pPr": (
        *("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr"),
        *("suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap"),
        *("overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd"),
        *("snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc"),
        *("textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle"),
        *("rPr", "sectPr", "pPrChange"),
    ),
    "rPr": (
        *("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike"),
        *("outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden"),
        *("color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr"),
        *("shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish"),
    ),
}


def xml(fragment: str) -> Any:
    """Return an element parsed from WordprocessingML written with the w: prefix."""
    from docx.oxml import parse_xml  # python-docx: not loaded by `fixed_zip`'s users
    from docx.oxml.ns import nsdecls

    return parse_xml(re.sub(r"^<([\w:]+)", lambda tag: f"<{tag[1]} {nsdecls('w')}", fragment, count=1))


def put(parent: Any, child: Any) -> Any:
    """Put a property element into its parent in schema order, replacing one with the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    order = _ORDER[_local(parent.tag)]
    rank = order.index(_local(child.tag))
    for index, sibling in enumerate(parent):
        name = _local(sibling.tag)
        if name in order and order.index(name) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def fixed_zip(data: bytes, *, when: dt.date, patches: dict[str, tuple[bytes, bytes]] | None = None) -> bytes:
    """Return a ZIP rewritten with entries in name order, all stamped with one date.

    `patches` maps an entry name to (old, new) bytes replaced inside it.
    """
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in sorted(source.namelist()):
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            content = source.read(name)
            if patches and name in patches:
                content = content.replace(*patches[name])
            target.writestr(entry, content)
    return out.getvalue()
