"""JSON for Loa's Typst document templates: brand, issuer, the help box and the body blocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loa import model as m
from loa.renderers import article_content as text
from loa.renderers.pictures import campaign_path
from loa.renderers.typst import TypstFormat, compile_typst

LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")
PRELUDE = ("document.typ",)


def compile_document(
    template: str, data: dict[str, Any], *, root: Path, format: TypstFormat = "pdf", ppi: float = 144.0
) -> list[bytes]:
    """Compile a document template (article, lesson, worksheet) after the shared document.typ."""
    return compile_typst(template, data, root=root, format=format, ppi=ppi, preludes=PRELUDE)


def document_data(campaign: m.Campaign, *, title: str) -> dict[str, Any]:
    """Return what every document template shares: brand, logo, issuer, dates and the first hotline."""
    hotlines = help_data(campaign, intro="")["hotlines"]
    logo = existing_path(campaign.root, campaign.brand.logo)
    logo_asset = campaign.asset(campaign.brand.logo) if campaign.brand.logo else None
    start = campaign.period.start
    return {
        "brand": campaign.brand.model_dump(mode="json"),
        "campaign": campaign.title,
        "title": title,
        "author": campaign.issuer.name,
        "keywords": ["bảo vệ trẻ em", "môi trường mạng"],
        "date": [start.year, start.month, start.day],
        "logo": logo,
        "logo_alt": logo_asset.alt if logo_asset else "Biểu trưng",
        "issuer": list(text.issuer_lines(campaign.issuer)),
        "hotline": hotlines[0]["number"] if hotlines else None,
    }


def help_data(campaign: m.Campaign, *, intro: str) -> dict[str, Any]:
    """Return the 'who to tell' box: title, sentence and every hotline, 111 first."""
    return {
        "title": text.HELP,
        "intro": intro,
        "hotlines": [
            {"number": h.number, "name": h.name, "description": h.description}
            for h in text.ordered_hotlines(campaign)
        ],
    }


def body_data(root: Path, blocks: tuple[m.Block, ...]) -> list[dict[str, Any]]:
    """Return body blocks as JSON; a paragraph that is only pictures becomes "figure" blocks."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        figures = _figures(root, block)
        out.extend(figures if figures is not None else [_node(root, block.model_dump(mode="json"))])
    return out


def _figures(root: Path, block: m.Block) -> list[dict[str, Any]] | None:
    if not isinstance(block, m.Paragraph):
        return None
    images = [n for n in block.children if isinstance(n, m.InlineImage)]
    words = [n for n in block.children if not isinstance(n, m.InlineImage | m.LineBreak)]
    if not images or any(not isinstance(n, m.Text) or n.text.strip() for n in words):
        return None
    found = [(existing_path(root, i.path), i.alt) for i in images]
    return [{"kind": "figure", "path": path, "alt": alt} for path, alt in found if path]


def _node(root: Path, node: Any) -> Any:
    if isinstance(node, list):
        return [_node(root, n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _node(root, v) for k, v in node.items() if k != "line"}
    if node.get("kind") == "image":
        node["path"] = existing_path(root, node["path"])
    if node.get("kind") == "link" and not str(node["href"]).startswith(LINK_SCHEMES):
        node["href"] = None
    return node


def existing_path(root: Path, path: str | None, *, base: str = "") -> str | None:
    """Return the Typst path ("/assets/x.svg") of a file in the campaign folder, if it is there."""
    relative = campaign_path(path, base=base) if path else None
    return "/" + relative if relative and (root / relative).is_file() else None
