"""One self-contained HTML file per deck: fonts and pictures inline, keyboard-driven, one slide a page."""

from __future__ import annotations

import base64
import mimetypes
from itertools import groupby
from typing import ClassVar

from markupsafe import Markup, escape

from loa import model as m
from loa.renderers.base import Artifact, Job
from loa.renderers.deck import Deck, DeckRenderer, build_deck
from loa.renderers.html import template_environment
from loa.renderers.slide_fit import LINE, Box, Para, indent_em, marker_em, px, space_before_em
from loa.renderers.slide_scene import Element, Picture, Rect, Scene, Text, compose
from loa.renderers.webfonts import font_face_css


class SlidesHtmlRenderer(DeckRenderer):
    """The conference deck and the classroom decks as single HTML files that work offline."""

    name: ClassVar[str] = "slides-html"
    kind: ClassVar[str] = "slides"
    format: ClassVar[str] = "html"
    media_type: ClassVar[str] = "text/html"

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        deck = build_deck(campaign, job.audience)
        return [
            Artifact(
                path=self.path(deck),
                data=deck_html(campaign, deck).encode(),
                kind=self.kind,
                format=self.format,
                media_type=self.media_type,
                title=deck.title,
                audience=job.audience,
            )
        ]


def deck_html(campaign: m.Campaign, deck: Deck) -> str:
    """Return a deck as one HTML document with everything it needs inside it."""
    scenes = [compose(campaign, deck, i) for i in range(len(deck.slides))]
    images: dict[str, str] = {}
    slides = [_slide(campaign, scene, i, len(scenes), images) for i, scene in enumerate(scenes)]
    text = "".join(p.text for s in scenes for e in s.elements if isinstance(e, Text) for p in e.paras)
    pictures = "".join(
        f".{name}{{background-image:url({_data_uri(campaign, path)})}}" for path, name in images.items()
    )
    return (
        template_environment()
        .get_template("slides.html")
        .render(
            campaign=campaign,
            deck=deck,
            slides=slides,
            fonts=Markup(font_face_css(text + deck.title + campaign.title)),
            line=LINE,
            pictures=Markup(pictures),
        )
    )


def _slide(campaign: m.Campaign, scene: Scene, index: int, total: int, images: dict[str, str]) -> Markup:
    inner = Markup("").join(_element(campaign, e, index, images) for e in scene.elements)
    notes = Markup("").join(Markup("<p>{}</p>").format(n) for n in scene.notes)
    label = f"Trang {index + 1} / {total}: {scene.title}"
    return Markup(
        '<section class="slide kind-{kind}" id="trang-{n}" aria-roledescription="trang chiếu" '
        'aria-label="{label}"><div class="canvas" style="background:{bg}">{inner}</div>'
        '<aside class="notes" aria-label="Ghi chú cho người trình bày, trang {n}">'
        "<h3>Ghi chú — trang {n}</h3>{notes}</aside></section>"
    ).format(kind=scene.kind, n=index + 1, label=label, bg=scene.background, inner=inner, notes=notes)


def _place(box: Box) -> str:
    return f"--x:{box.x:g};--y:{box.y:g};--w:{box.w:g};--h:{box.h:g}"


def _element(campaign: m.Campaign, element: Element, index: int, images: dict[str, str]) -> Markup:
    if isinstance(element, Rect):
        radius = f";border-radius:calc({element.radius:g} * var(--u))" if element.radius else ""
        return Markup('<div class="r" aria-hidden="true" style="{};background:{}{}"></div>').format(
            _place(element.box), element.fill, radius
        )
    if isinstance(element, Picture):
        # Each picture is embedded once, as a CSS class, however many slides show it.
        name = images.setdefault(element.path, f"pic-{len(images) + 1}")
        return Markup('<div class="i {}" role="img" aria-label="{}" style="{}"></div>').format(
            name, element.alt, _place(element.box)
        )
    return _text(element, index)


def _data_uri(campaign: m.Campaign, path: str) -> str:
    data = (campaign.root / path).read_bytes()
    media = "image/svg+xml" if path.lower().endswith(".svg") else mimetypes.guess_type(path)[0] or "image/png"
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"


def _text(element: Text, index: int) -> Markup:
    style = (
        f"{_place(element.box)};--fs:{px(element.size):g};color:{element.colour};"
        f"--mk:{element.marker_colour or element.colour};text-align:{element.align}"
    )
    body = _blocks(element, index)
    return Markup('<div class="t a-{} role-{}" style="{}">{}</div>').format(
        element.anchor, element.role, style, body
    )


def _blocks(element: Text, index: int) -> Markup:
    if element.role == "title":
        tag = "h1" if index == 0 else "h2"
        runs = Markup("<br>").join(_runs(p) for p in element.paras)
        return Markup("<{0}>{1}</{0}>").format(Markup(tag), runs)
    out: list[Markup] = []
    first = True
    for marker, group in groupby(element.paras, key=lambda p: p.marker):
        items = [_para(p, first and i == 0, marker != "none") for i, p in enumerate(group)]
        first = False
        joined = Markup("").join(items)
        out.append(
            Markup("<ol>{}</ol>").format(joined)
            if marker == "number"
            else Markup("<ul>{}</ul>").format(joined)
            if marker == "bullet"
            else joined
        )
    return Markup("").join(out)


def _para(p: Para, first: bool, listed: bool) -> Markup:
    style = f"--in:{indent_em(p):g};--mw:{marker_em(p):g};margin-top:{space_before_em(p, first):g}em"
    sign = f"{p.number}." if p.marker == "number" else ("•" if p.level == 0 else "–")
    tag = Markup("li") if listed else Markup("p")
    mark = Markup('<span class="mk" aria-hidden="true">{}</span>').format(sign) if listed else Markup("")
    return Markup('<{0} class="p l{1}" style="{2}">{3}{4}</{0}>').format(tag, p.level, style, mark, _runs(p))


def _runs(p: Para) -> Markup:
    return Markup("").join(
        Markup("<strong>{}</strong>").format(r.text) if r.bold else escape(r.text) for r in p.runs
    )
