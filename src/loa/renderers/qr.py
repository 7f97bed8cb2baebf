"""QR codes for printed and posted products: plain SVG that Typst can place at any size."""

from __future__ import annotations

import io

import segno

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
