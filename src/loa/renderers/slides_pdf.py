"""PDF handout of a deck (Typst, A4): every slide as a framed panel with its notes, help block at the end."""

from __future__ import annotations

from typing import Any, ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job
from loa.renderers.context import help_context
from loa.renderers.deck import Deck, DeckRenderer, build_deck
from loa.renderers.slide_fit import LINE, Para, indent_em, marker_em, px, space_before_em
from loa.renderers.slide_scene import Element, Picture, Rect, Scene, compose
from loa.renderers.typst import compile_typst


class SlidesHandoutRenderer(DeckRenderer):
    """A printable handout of each deck for participants and for the speaker's rehearsal."""

    name: ClassVar[str] = "slides-handout"
    kind: ClassVar[str] = "handout"
    format: ClassVar[str] = "pdf"
    media_type: ClassVar[str] = "application/pdf"
    suffix: ClassVar[str] = "-handout"

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        deck = build_deck(campaign, job.audience)
        pdf = compile_typst("handout.typ", handout_data(campaign, deck), root=campaign.root)[0]
        return [
            Artifact(
                path=self.path(deck),
                data=pdf,
                kind=self.kind,
                format=self.format,
                media_type=self.media_type,
                title=f"Tài liệu phát tay — {deck.title}",
                audience=job.audience,
            )
        ]


def handout_data(campaign: m.Campaign, deck: Deck) -> dict[str, Any]:
    """Return what handout.typ reads: the deck's scenes, notes and the campaign's help block."""
    brand, issuer = campaign.brand, campaign.issuer
    scenes = [compose(campaign, deck, i) for i in range(len(deck.slides))]
    hotlines: list[m.Hotline] = help_context(campaign)["hotlines"]
    contact = " · ".join(x for x in (issuer.name, issuer.phone, issuer.email) if x)
    return {
        "title": f"{deck.title} — {campaign.title}",
        "deck_title": deck.title,
        "kind_label": "Tài liệu phát tay",
        "campaign": campaign.title,
        "issuer": issuer.name,
        "period": f"{campaign.period.start:%d/%m/%Y} – {campaign.period.end:%d/%m/%Y}",
        "intro": f"{len(scenes)} trang chiếu, mỗi trang kèm lời thuyết minh cho người trình bày.",
        "colours": {
            "primary": brand.primary,
            "secondary": brand.secondary,
            "accent": brand.accent,
            "text": brand.text,
        },
        "slides": [_slide(scene, n) for n, scene in enumerate(scenes, start=1)],
        "hotlines": [
            {"number": h.number, "name": h.name, "description": h.description, "first": i == 0}
            for i, h in enumerate(hotlines)
        ],
        "contact": contact,
    }


def _slide(scene: Scene, number: int) -> dict[str, Any]:
    return {
        "number": number,
        "title": scene.title,
        "notes": list(scene.notes),
        "background": scene.background,
        "elements": [_element(e) for e in scene.elements],
    }


def _element(element: Element) -> dict[str, Any]:
    box = {"x": element.box.x, "y": element.box.y, "w": element.box.w, "h": element.box.h}
    if isinstance(element, Rect):
        return {"type": "rect", **box, "fill": element.fill, "radius": element.radius}
    if isinstance(element, Picture):
        return {"type": "image", **box, "path": "/" + element.path, "alt": element.alt}
    return {
        "type": "text",
        **box,
        "px": px(element.size),
        "colour": element.colour,
        "marker": element.marker_colour or element.colour,
        "bold": element.role in ("title", "big"),
        "align": element.align,
        "anchor": element.anchor,
        "line": LINE,
        "paras": [_para(p, i == 0) for i, p in enumerate(element.paras)],
    }


def _para(p: Para, first: bool) -> dict[str, Any]:
    return {
        "runs": [{"text": r.text, "bold": r.bold} for r in p.runs],
        "level": p.level,
        "marker": p.marker,
        "number": p.number,
        "indent": indent_em(p),
        "marker_w": marker_em(p),
        "space": space_before_em(p, first),
    }
