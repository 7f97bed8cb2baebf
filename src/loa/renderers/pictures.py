"""Pictures from the campaign folder for products that cannot show SVG: raster files as they are,
SVG drawn to PNG by Typst."""

from __future__ import annotations

import functools
import hashlib
import posixpath
from pathlib import Path

from loa.renderers.typst import compile_typst

RASTER = (".png", ".jpg", ".jpeg", ".gif")
PPI = 150


def campaign_path(path: str, *, base: str = "") -> str | None:
    """Return a path relative to the campaign folder, or None for a web address or a path outside it.

    The reader already stores every path (assets, covers, body images) relative to the root.
    """
    if "://" in path or path.startswith(("data:", "/")):
        return None
    joined = posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
    return None if joined.startswith("..") else joined


def picture_bytes(root: Path, path: str, *, base: str = "") -> bytes | None:
    """Return a PNG or JPEG of a picture in the campaign folder, or None when there is none."""
    relative = campaign_path(path, base=base)
    if relative is None or not (root / relative).is_file():
        return None
    if relative.lower().endswith(RASTER):
        return (root / relative).read_bytes()
    if relative.lower().endswith(".svg"):
        source = (root / relative).read_bytes()
        return _svg_png(root, relative, hashlib.sha256(source).hexdigest())
    return None


@functools.lru_cache(maxsize=64)
def _svg_png(root: Path, relative: str, digest: str) -> bytes:
    """Return an SVG drawn to PNG, once per process and content (`digest` keys the cache)."""
    return compile_typst("picture.typ", {"path": "/" + relative}, root=root, format="png", ppi=PPI)[0]
