"""A topic's body as slide material: sections by heading, each a list of lines to show and to say."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loa import model as m
from loa.readers.markdown import block_text, inline_text
from loa.readers.sections import for_adults
from loa.renderers.slide_fit import Marker, Para, Run

HELP_HEADINGS = ("ai có thể giúp", "khi cần giúp đỡ", "nơi tìm giúp đỡ")
"""Headings of sections that only point to help: every deck's closing slide carries that help."""
ADULT_GIST = 160
"""Characters of a paragraph shown on a conference slide; the whole paragraph goes to the notes."""
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]?\s+")


@dataclass(frozen=True)
class Piece:
    """One line of a slide and what the speaker says for it."""

    para: Para
    narration: str


@dataclass
class Section:
    """The part of a topic body under one heading."""

    title: str
    pieces: list[Piece] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


def topic_sections(topic: m.Topic, *, children: bool) -> list[Section]:
    """Return the body's sections (a level-1 or 2 heading starts one), with children's text simpler."""
    sections = [Section(topic.title)]
    skipping = False  # inside a sub-section written for adults, in a classroom deck
    for block in topic.body:
        if isinstance(block, m.Heading) and block.level <= 2:
            sections.append(Section(_clean(inline_text(block.children))))
            skipping = False
        elif isinstance(block, m.Heading):
            text = _clean(inline_text(block.children))
            skipping = children and for_adults(text)
            if not skipping:
                sections[-1].pieces.append(Piece(Para((Run(text, True),)), sentence(text)))
        elif skipping:
            continue
        elif isinstance(block, m.Paragraph):
            sections[-1].pieces += _paragraph(block, children)
        elif isinstance(block, m.ListBlock):
            sections[-1].pieces += _list(block, 0)
        elif isinstance(block, m.Quote):
            sections[-1].quotes.append(_clean(block_text(block.children)))
    kept = [s for s in sections[1:] if not any(h in s.title.lower() for h in HELP_HEADINGS)]
    return [
        s for s in sections[:1] + kept if (s.pieces or s.quotes) and not (children and for_adults(s.title))
    ]


def _paragraph(block: m.Paragraph, children: bool) -> list[Piece]:
    full = _clean(inline_text(block.children))
    if not full:
        alts = [n.alt for n in block.children if isinstance(n, m.InlineImage) and n.alt]
        return [Piece(Para((Run(alts[0]),)), f"Hình minh họa: {sentence(alts[0])}")] if alts else []
    shown = sentences(full)[0] if children else gist(full, ADULT_GIST)
    runs = _runs(block.children) if shown == full else (Run(shown),)
    return [Piece(Para(runs), full)]


def _list(block: m.ListBlock, level: int) -> list[Piece]:
    marker: Marker = "number" if block.ordered else "bullet"
    pieces: list[Piece] = []
    for number, item in enumerate(block.items, start=1):
        first = next((b for b in item if isinstance(b, m.Paragraph)), None)
        if first is not None:
            said = " ".join(sentence(_clean(block_text((b,)))) for b in item if isinstance(b, m.Paragraph))
            pieces.append(Piece(Para(_runs(first.children), min(level, 1), marker, number), said))
        for nested in (b for b in item if isinstance(b, m.ListBlock)):
            pieces += _list(nested, level + 1)
    return pieces


def _runs(nodes: tuple[m.Inline, ...], bold: bool = False) -> tuple[Run, ...]:
    """Return styled runs for inline nodes: strong text is bold, everything else is plain."""
    runs: list[Run] = []
    for node in nodes:
        if isinstance(node, m.Text | m.Code):
            runs.append(Run(node.text, bold))
        elif isinstance(node, m.Strong):
            runs += _runs(node.children, True)
        elif isinstance(node, m.Emphasis | m.Link):
            runs += _runs(node.children, bold)
        elif isinstance(node, m.LineBreak):
            runs.append(Run(" ", bold))
    return _merge(runs)


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    merged: list[Run] = []
    for run in runs:
        if merged and merged[-1].bold == run.bold:
            merged[-1] = Run(merged[-1].text + run.text, run.bold)
        else:
            merged.append(run)
    text = "".join(r.text for r in merged)
    lead, trail = len(text) - len(text.lstrip()), len(text.rstrip())
    if merged and (lead or trail < len(text)):  # strip outer spaces without losing styles
        merged[0] = Run(merged[0].text.lstrip(), merged[0].bold)
        merged[-1] = Run(merged[-1].text.rstrip(), merged[-1].bold)
    return tuple(Run(re.sub(r"\s+", " ", r.text), r.bold) for r in merged if r.text)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> list[str]:
    """Return the sentences of a text (a new sentence starts after . ! ? … and a capital or digit)."""
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end() : match.end() + 1]
        if following.isupper() or following.isdigit() or following in '"“':
            parts.append(text[start : match.end()].strip())
            start = match.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def chunks(text: str, limit: int) -> list[str]:
    """Return the text cut into runs of whole sentences of at most `limit` characters where possible."""
    out: list[str] = []
    for part in sentences(text):
        if out and len(out[-1]) + 1 + len(part) <= limit:
            out[-1] += " " + part
        else:
            out += _words(part, limit)
    return out


def _words(text: str, limit: int) -> list[str]:
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= limit:
            out[-1] += " " + word
        else:
            out.append(word)
    return out


def gist(text: str, limit: int) -> str:
    """Return the first whole sentences of a text, up to `limit` characters (at least one sentence)."""
    shown = ""
    for part in sentences(text):
        if shown and len(shown) + 1 + len(part) > limit:
            break
        shown = f"{shown} {part}".strip()
    return shown


def sentence(text: str) -> str:
    """Return a line as a sentence: ending with a full stop unless it already ends in punctuation."""
    text = text.strip()
    return text if not text or text[-1] in '.!?…:”")' else text + "."
