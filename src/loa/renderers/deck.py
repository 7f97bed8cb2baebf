"""The deck outline shared by every slide product: which slides, in which order, with which notes.

Two kinds of deck come from one campaign: the conference deck (every topic, for adults) and one
classroom deck per children's age band (one lesson long, that band's actions and simpler text).
Long content is split across slides with the measured fit of `slide_fit`, never clipped.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import ClassVar, Literal

from loa import model as m
from loa.renderers.base import Job, Renderer
from loa.renderers.context import help_context
from loa.renderers.deck_text import Piece, Section, chunks, sentence, topic_sections
from loa.renderers.slide_fit import MIN_PT, Box, Para, fit_size, fits, para

SlideKind = Literal[
    "title", "agenda", "section", "bullets", "columns", "remember", "quote", "image", "closing"
]
Tone = Literal["plain", "do", "dont"]

BODY = Box(72, 196, 1136, 452)
COLUMN = Box(72, 272, 540, 376)
COLUMN_GAP = 56
REMEMBER = Box(136, 196, 1072, 452)
QUOTE = Box(200, 196, 1008, 400)
AGENDA = Box(136, 196, 1072, 452)
CONFERENCE_SLUG = "hoi-nghi"
MAX_CLASS_SLIDES = 20


@dataclass(frozen=True)
class Column:
    """One text body of a slide, with an optional label above it (e.g. "Em nên làm")."""

    paras: tuple[Para, ...]
    label: str = ""
    tone: Tone = "plain"


@dataclass(frozen=True)
class Slide:
    """One slide: what it says, how large its body text is set, and what the speaker says."""

    kind: SlideKind
    title: str
    notes: tuple[str, ...]
    subtitle: str = ""
    kicker: str = ""
    columns: tuple[Column, ...] = ()
    size: float = 0.0
    """Body text size in points, chosen so the columns fit their boxes."""
    image: m.Asset | None = None
    number: int = 0
    """Topic number on section slides."""
    priority: int = 0
    """For classroom decks: 0 = always kept, larger = dropped first when the lesson runs long."""


@dataclass(frozen=True)
class Deck:
    """A whole presentation."""

    slug: str
    """File stem: hoi-nghi or lop-<audience id>."""
    title: str
    audience: m.Audience | None
    slides: tuple[Slide, ...]

    @property
    def for_children(self) -> bool:
        return self.audience is not None and self.audience.kind == "children"


@dataclass(frozen=True)
class Style:
    """Text sizes of a deck: children get larger text."""

    ladder: tuple[float, ...]
    pack: float
    children: bool


ADULTS = Style((28.0, 26.0, 24.0, 22.0, 20.0), 24.0, children=False)
CHILDREN = Style((32.0, 30.0, 28.0, 26.0, 24.0), 28.0, children=True)
QUOTE_LADDER = (40.0, 36.0, 32.0, 28.0, 24.0, 22.0, 20.0)


# --- the renderers' common ground ----------------------------------------------------------


class DeckRenderer(Renderer):
    """Base of the slide renderers: one job per deck (topic None, so its hash covers all content)."""

    suffix: ClassVar[str] = ""
    """What follows the deck's slug in the file name, e.g. "-handout"."""

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, None, audience) for audience in deck_audiences(campaign)]

    def path(self, deck: Deck) -> str:
        """Return the artifact's path for a deck."""
        return f"bai-giang/{deck.slug}{self.suffix}.{self.format}"


def deck_audiences(campaign: m.Campaign) -> list[str | None]:
    """Return None (the conference deck) and every children's band that some topic serves."""
    bands = [a.id for a in campaign.audiences if a.kind == "children" and _class_topics(campaign, a.id)]
    return [None, *bands]


def build_deck(campaign: m.Campaign, audience_id: str | None) -> Deck:
    """Return the conference deck (audience None) or the classroom deck of a children's band."""
    if audience_id is None:
        return _conference(campaign)
    return _classroom(campaign, campaign.audience(audience_id))


# --- conference deck -----------------------------------------------------------------------


def _conference(campaign: m.Campaign) -> Deck:
    title = "Bài trình chiếu hội nghị"
    slides = [
        _title_slide(campaign, campaign.title, children=False),
        *_agenda(campaign, list(campaign.topics), ADULTS),
    ]
    for number, topic in enumerate(campaign.topics, start=1):
        slides += _conference_topic(campaign, topic, number)
    slides.append(_closing(campaign, children=False))
    return Deck(CONFERENCE_SLUG, title, None, tuple(slides))


def _conference_topic(campaign: m.Campaign, topic: m.Topic, number: int) -> list[Slide]:
    slides = [_section_slide(topic, number, topic.summary)]
    if topic.image:
        slides.append(_image_slide(topic, topic.image))
    for section in topic_sections(topic, children=False):
        slides += _section_slides(section, ADULTS)
    if topic.warning_signs:
        pieces = [Piece(para(s, marker="bullet"), sentence(s)) for s in topic.warning_signs]
        lead = "Người lớn cần để ý khi trẻ có những dấu hiệu sau."
        slides += _bullet_slides("Dấu hiệu cần chú ý", pieces, ADULTS, lead=lead)
    slides += _adult_say(campaign, topic)
    slides.append(_remember(topic, ADULTS))
    return slides


def _adult_say(campaign: m.Campaign, topic: m.Topic) -> list[Slide]:
    for audience_id, actions in topic.actions.items():
        audience = campaign.audience(audience_id)
        if audience.kind != "children" and actions.say:
            return [_quote_slide(f"Câu nói mẫu — {audience.name}", actions.say[:3], topic.title)]
    return []


# --- classroom deck ------------------------------------------------------------------------


def _classroom(campaign: m.Campaign, band: m.Audience) -> Deck:
    title = f"Bài giảng cho {band.name}"
    lesson = next((x for x in campaign.lessons if x.audience == band.id), None)
    topics = _class_topics(campaign, band.id)
    slides = [_title_slide(campaign, lesson.title if lesson else campaign.title, children=True, kicker=title)]
    slides += [_lesson_goals(lesson)] if lesson else _agenda(campaign, topics, CHILDREN)
    for number, topic in enumerate(topics, start=1):
        slides += _class_topic(topic, band, number)
    if lesson and lesson.discussion:
        slides += _bullet_slides(
            "Cùng thảo luận",
            [Piece(para(q, marker="number", number=i), q) for i, q in enumerate(lesson.discussion, 1)],
            CHILDREN,
            lead="Cả lớp cùng trao đổi các câu hỏi sau.",
            priority=3,
        )
    slides.append(_closing(campaign, children=True, wrap_up=lesson.wrap_up if lesson else None))
    return Deck(f"lop-{band.id}", title, band, _fit_lesson(slides))


def _class_topics(campaign: m.Campaign, band_id: str) -> list[m.Topic]:
    lesson = next((x for x in campaign.lessons if x.audience == band_id), None)
    if lesson:
        known = {t.id for t in campaign.topics}
        return [campaign.topic(t) for t in lesson.topics if t in known]
    return [t for t in campaign.topics if band_id in t.audiences]


def _class_topic(topic: m.Topic, band: m.Audience, number: int) -> list[Slide]:
    slides = [_section_slide(topic, number, topic.key_messages[0])]
    if topic.image:
        slides.append(replace(_image_slide(topic, topic.image), priority=4))
    for section in topic_sections(topic, children=True):
        slides += [replace(s, priority=3) for s in _section_slides(section, CHILDREN)]
    actions = topic.actions.get(band.id)
    if actions:
        slides += _action_slides(actions)
        if actions.say:
            slides.append(replace(_quote_slide("Em có thể nói", actions.say[:3], topic.title), priority=2))
    slides.append(_remember(topic, CHILDREN))
    return slides


def _fit_lesson(slides: list[Slide]) -> tuple[Slide, ...]:
    """Drop optional slides, least useful and latest first, until the lesson fits its length."""
    kept = list(slides)
    order = sorted(range(len(slides)), key=lambda i: (-slides[i].priority, -i))
    for index in order:
        if len(kept) <= MAX_CLASS_SLIDES or slides[index].priority == 0:
            break
        kept.remove(slides[index])
    return tuple(kept)


def _lesson_goals(lesson: m.Lesson) -> Slide:
    paras = tuple(para(o, marker="bullet") for o in lesson.objectives)
    steps = "; ".join(f"{a.title} ({a.minutes} phút)" for a in lesson.activities)
    notes = (
        f"Bài học hôm nay dài {lesson.duration} phút.",
        f"Sau bài học, các em sẽ: {'; '.join(o[0].lower() + o[1:] for o in lesson.objectives)}.",
        f"Tiến trình: {steps}.",
    )
    return _sized(Slide("agenda", "Hôm nay chúng mình sẽ", notes, columns=(Column(paras),)), AGENDA, CHILDREN)


def _action_slides(actions: m.AudienceActions) -> list[Slide]:
    do = Column(tuple(para(x, marker="bullet") for x in actions.do), "Em nên làm", "do")
    dont = Column(tuple(para(x, marker="bullet") for x in actions.dont), "Em không nên", "dont")
    columns = tuple(c for c in (do, dont) if c.paras)
    notes = tuple(f"{c.label}: {'; '.join(p.text.rstrip('.') for p in c.paras)}." for c in columns)
    size = min((fit_size(c.paras, COLUMN, CHILDREN.ladder) or 0.0) for c in columns) if columns else 0.0
    if len(columns) == 2 and size:
        return [Slide("columns", "Em nên làm gì?", notes, columns=columns, size=size, priority=1)]
    slides: list[Slide] = []
    for column in columns:
        pieces = [Piece(p, sentence(p.text)) for p in column.paras]
        slides += [replace(s, priority=1) for s in _bullet_slides(column.label, pieces, CHILDREN)]
    return slides


# --- slides every deck has -----------------------------------------------------------------


def _title_slide(campaign: m.Campaign, heading: str, *, children: bool, kicker: str = "") -> Slide:
    period = f"{campaign.period.start:%d/%m/%Y} – {campaign.period.end:%d/%m/%Y}"
    issuer = campaign.issuer
    if children:
        notes = (
            "Chào các em! Hôm nay cô và các em cùng học cách lên mạng vui và an toàn.",
            f"Bài học thuộc chiến dịch “{campaign.title}”.",
            "Khi có điều gì làm em lo lắng, em luôn có thể kể với bố mẹ, thầy cô hoặc gọi 111.",
        )
    else:
        notes = (
            "Kính thưa các quý vị đại biểu.",
            f"{issuer.name} xin trình bày chiến dịch “{campaign.title}”,"
            f" diễn ra từ {period.replace('–', 'đến')}.",
            (campaign.tagline and f"Thông điệp của chiến dịch: {campaign.tagline}.") or "",
        )
    subtitle = campaign.tagline or ""
    return Slide(
        "title", heading, tuple(n for n in notes if n),
        subtitle=subtitle, kicker=kicker or "Bài trình chiếu hội nghị",
    )  # fmt: skip


def _agenda(campaign: m.Campaign, topics: list[m.Topic], style: Style) -> list[Slide]:
    """The list of topics, over as few slides as keep it at the style's sizes (14 topics: two)."""
    title = "Hôm nay em học gì?" if style.children else "Nội dung trình bày"
    paras = tuple(para(t.title, marker="number", number=i) for i, t in enumerate(topics, 1))
    intro = "Hôm nay chúng mình cùng tìm hiểu" if style.children else "Bài trình bày gồm"
    notes = (f"{intro} {len(topics)} chủ đề: {'; '.join(t.title for t in topics)}.",)
    pages = next(
        parts
        for parts in (_parts(paras, count) for count in range(1, len(paras) + 1))
        if all(fit_size(part, AGENDA, style.ladder) for part in parts) or len(parts) == len(paras)
    )
    slides = []
    for index, part in enumerate(pages, start=1):
        heading = f"{title} ({index}/{len(pages)})" if len(pages) > 1 else title
        more = (f"Tiếp theo là các chủ đề: {'; '.join(p.text for p in part)}.",)
        slide = Slide("agenda", heading, notes if index == 1 else more, columns=(Column(part),))
        slides.append(_sized(slide, AGENDA, style))
    size = min(s.size for s in slides)  # one size for all parts, as for split sections
    return [replace(s, size=size) for s in slides]


def _parts(items: tuple[Para, ...], count: int) -> list[tuple[Para, ...]]:
    """Split items into `count` runs of nearly equal length, in order."""
    size, extra = divmod(len(items), count)
    bounds = [i * size + min(i, extra) for i in range(count + 1)]
    return [items[a:b] for a, b in itertools.pairwise(bounds)]


def _section_slide(topic: m.Topic, number: int, subtitle: str) -> Slide:
    notes = (f"Chủ đề {number}: {topic.title}.", sentence(topic.summary))
    return Slide("section", topic.title, notes, subtitle=subtitle, kicker=f"Chủ đề {number}", number=number)


def _image_slide(topic: m.Topic, image: m.Asset) -> Slide:
    caption = [para(image.alt)] if image.alt else []
    if image.credit:
        caption.append(para(f"Ảnh: {image.credit}"))
    notes = (f"Hình ảnh minh họa: {sentence(image.alt)}" if image.alt else "Hình ảnh minh họa cho chủ đề.",)
    return Slide("image", topic.title, notes, columns=(Column(tuple(caption)),), size=20.0, image=image)


def _remember(topic: m.Topic, style: Style) -> Slide:
    paras = tuple(para(k, marker="number", number=i, bold=True) for i, k in enumerate(topic.key_messages, 1))
    notes = ("Xin nhắc lại những điều cần ghi nhớ.", *(sentence(k) for k in topic.key_messages))
    slide = Slide("remember", "Điều cần ghi nhớ", notes, kicker=topic.title, columns=(Column(paras),))
    return _sized(slide, REMEMBER, style)


def _quote_slide(kicker: str, lines: tuple[str, ...], topic_title: str) -> Slide:
    paras = tuple(para(_quoted(line)) for line in lines)
    size = fit_size(paras, QUOTE, QUOTE_LADDER) or QUOTE_LADDER[-1]
    notes = (f"{kicker}:", *(_quoted(line) for line in lines))
    return Slide("quote", kicker, notes, kicker=topic_title, columns=(Column(paras),), size=size)


def _quoted(line: str) -> str:
    return "“" + line.strip().strip('“”"') + "”"


def _closing(campaign: m.Campaign, *, children: bool, wrap_up: str | None = None) -> Slide:
    hotlines: list[m.Hotline] = help_context(campaign)["hotlines"]
    lines = [f"Gọi {h.number} — {h.name}. {h.description or ''}".strip() for h in hotlines]
    if children:
        lead = wrap_up or "Khi có điều gì làm em lo lắng, hãy kể ngay với bố mẹ, thầy cô hoặc gọi 111."
        title, subtitle = "Em không một mình", "Kể ngay với bố mẹ, thầy cô hoặc người lớn em tin."
    else:
        lead = "Mọi người lớn đều có thể giúp trẻ: lắng nghe, giữ bằng chứng, báo tin và gọi 111."
        title, subtitle = "Khi cần giúp đỡ", "Lắng nghe trẻ, giữ bằng chứng, báo tin ngay."
    notes = (sentence(lead), *lines, "Xin cảm ơn!" if not children else "Cảm ơn các em!")
    return Slide("closing", title, notes, subtitle=subtitle, kicker=campaign.issuer.name)


# --- body sections into bullet slides ------------------------------------------------------


def _section_slides(section: Section, style: Style) -> list[Slide]:
    slides = _bullet_slides(section.title, section.pieces, style) if section.pieces else []
    for quote in section.quotes:
        slides.append(_quote_slide("Trích dẫn", (quote,), section.title))
    return slides


def _bullet_slides(
    title: str, pieces: list[Piece], style: Style, *, lead: str = "", priority: int = 0
) -> list[Slide]:
    pages = _balanced(_fitting(pieces, style), BODY, style.pack)
    slides = []
    for index, page in enumerate(pages, start=1):
        heading = f"{title} ({index}/{len(pages)})" if len(pages) > 1 else title
        notes = tuple(n for n in ((lead if index == 1 else ""), *(p.narration for p in page)) if n)
        paras = tuple(p.para for p in page)
        slide = Slide("bullets", heading, notes, columns=(Column(paras),), priority=priority)
        slides.append(_sized(slide, BODY, style))
    size = min((s.size for s in slides), default=0.0)  # one size for all parts of a split section
    return [replace(s, size=size) for s in slides]


def _sized(slide: Slide, box: Box, style: Style) -> Slide:
    """Set the largest size at which the text fits: the style's sizes first, then smaller, to MIN_PT."""
    paras = tuple(p for c in slide.columns for p in c.paras)
    return replace(slide, size=fit_size(paras, box, _ladder(style)) or MIN_PT)


def _ladder(style: Style) -> tuple[float, ...]:
    """Return the style's text sizes, then every point below them down to MIN_PT."""
    return (*style.ladder, *(float(s) for s in range(int(style.ladder[-1]) - 1, int(MIN_PT) - 1, -1)))


def _fitting(pieces: list[Piece], style: Style) -> list[Piece]:
    """Split any piece too tall for a whole slide at the smallest size into sentence-sized pieces."""
    out: list[Piece] = []
    for piece in pieces:
        if fits((piece.para,), BODY, style.ladder[-1]):
            out.append(piece)
            continue
        parts = chunks(piece.para.text, 160)
        for i, part in enumerate(parts):
            marker = piece.para.marker if i == 0 else "none"
            out.append(Piece(replace(piece.para, runs=para(part).runs, marker=marker), ""))
        out[-len(parts)] = replace(out[-len(parts)], narration=piece.narration)
    return out


def _balanced(pieces: list[Piece], box: Box, size: float) -> list[list[Piece]]:
    """Pack into as few slides as possible, then even them out (no slide left with one line)."""
    pages = _pack(pieces, box, size)
    height = box.h
    while len(pages) > 1 and height > box.h / 3:
        tighter = _pack(pieces, replace(box, h=height - 12), size)
        if len(tighter) > len(pages):
            break
        pages, height = tighter, height - 12
    return pages


def _pack(pieces: list[Piece], box: Box, size: float) -> list[list[Piece]]:
    """Fill slides in order; a lead-in line ending in ':' moves on with the list it introduces."""
    pages: list[list[Piece]] = []
    current: list[Piece] = []
    for piece in pieces:
        if current and not fits(tuple(p.para for p in (*current, piece)), box, size):
            carry = [current.pop()] if len(current) > 1 and current[-1].para.text.endswith(":") else []
            pages.append(current)
            current = carry
        current.append(piece)
    if current:
        pages.append(current)
    return pages
