"""The document tree as HTML, shared by the article renderer and the portal."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable
from pathlib import PurePosixPath

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from loa import model as m

ImageResolver = Callable[[str], str]


def blocks_to_html(
    blocks: tuple[m.Block, ...], *, image_url: ImageResolver = str, heading_shift: int = 0
) -> Markup:
    """Return safe HTML for body blocks; headings move down by heading_shift levels."""
    return Markup("\n").join(_block(b, image_url, heading_shift) for b in blocks)


def _block(block: m.Block, image_url: ImageResolver, shift: int) -> Markup:
    if isinstance(block, m.Heading):
        level = min(block.level + shift, 6)
        return Markup(f"<h{level}>{inlines_to_html(block.children, image_url)}</h{level}>")
    if isinstance(block, m.Paragraph):
        return Markup(f"<p>{inlines_to_html(block.children, image_url)}</p>")
    if isinstance(block, m.ListBlock):
        tag = "ol" if block.ordered else "ul"
        items = Markup("").join(Markup(f"<li>{_item(item, image_url, shift)}</li>") for item in block.items)
        return Markup(f"<{tag}>{items}</{tag}>")
    if isinstance(block, m.Quote):
        return Markup(f"<blockquote>{blocks_to_html(block.children, image_url=image_url)}</blockquote>")
    return Markup("<hr>")


def _item(blocks: tuple[m.Block, ...], image_url: ImageResolver, shift: int) -> Markup:
    # A tight list item is one paragraph: render it without the <p> wrapper.
    if len(blocks) == 1 and isinstance(blocks[0], m.Paragraph):
        return inlines_to_html(blocks[0].children, image_url)
    return blocks_to_html(blocks, image_url=image_url, heading_shift=shift)


def inlines_to_html(nodes: tuple[m.Inline, ...], image_url: ImageResolver = str) -> Markup:
    """Return safe HTML for inline nodes."""
    out: list[Markup] = []
    for node in nodes:
        if isinstance(node, m.Text):
            out.append(escape(node.text))
        elif isinstance(node, m.Strong):
            out.append(Markup(f"<strong>{inlines_to_html(node.children, image_url)}</strong>"))
        elif isinstance(node, m.Emphasis):
            out.append(Markup(f"<em>{inlines_to_html(node.children, image_url)}</em>"))
        elif isinstance(node, m.Code):
            out.append(Markup(f"<code>{escape(node.text)}</code>"))
        elif isinstance(node, m.LineBreak):
            out.append(Markup("<br>"))
        elif isinstance(node, m.Link):
            href = (
                node.href
                if node.href.startswith(("http://", "https://", "mailto:", "tel:", "/", "#"))
                else "#"
            )
            rel = ' rel="noopener"' if href.startswith("http") else ""
            out.append(
                Markup(f'<a href="{escape(href)}"{rel}>{inlines_to_html(node.children, image_url)}</a>')
            )
        elif isinstance(node, m.InlineImage):
            src = image_url(node.path)
            out.append(Markup(f'<img src="{escape(src)}" alt="{escape(node.alt)}" loading="lazy">'))
    return Markup("").join(out)


def asset_output_path(path: str) -> str:
    """Return where a campaign file (a path from the campaign folder) lands in the output."""
    parts = PurePosixPath(posixpath.normpath(path)).parts
    return "/".join(("assets", *(parts[1:] if parts[:1] == ("assets",) else parts)))


@functools.cache
def template_environment() -> Environment:
    """Return the Jinja environment holding Loa's HTML templates (one per process: it keeps the
    compiled templates, which take ~60 ms each to compile)."""
    env = Environment(
        loader=PackageLoader("loa", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["vndate"] = lambda d: f"{d:%d/%m/%Y}" if d else ""
    env.filters["asset"] = asset_output_path
    return env
