"""The campaign model: plain frozen data that readers build and renderers only read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Colour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
AudienceKind = Literal["children", "parents", "teachers", "businesses", "officials", "public"]


class Frozen(BaseModel):
    """Base for every model: immutable, strict about unknown fields, documented by docstrings."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


# --- document tree (the parsed Markdown body) ---------------------------------------------


class Text(Frozen):
    kind: Literal["text"] = "text"
    text: str


class Strong(Frozen):
    kind: Literal["strong"] = "strong"
    children: tuple[Inline, ...]


class Emphasis(Frozen):
    kind: Literal["emphasis"] = "emphasis"
    children: tuple[Inline, ...]


class Link(Frozen):
    kind: Literal["link"] = "link"
    href: str
    children: tuple[Inline, ...]


class Code(Frozen):
    kind: Literal["code"] = "code"
    text: str


class LineBreak(Frozen):
    kind: Literal["break"] = "break"


class InlineImage(Frozen):
    kind: Literal["image"] = "image"
    path: str
    alt: str


Inline = Annotated[
    Text | Strong | Emphasis | Link | Code | LineBreak | InlineImage, Field(discriminator="kind")
]


class Heading(Frozen):
    kind: Literal["heading"] = "heading"
    level: int
    children: tuple[Inline, ...]
    line: int = 0


class Paragraph(Frozen):
    kind: Literal["paragraph"] = "paragraph"
    children: tuple[Inline, ...]
    line: int = 0


class ListBlock(Frozen):
    kind: Literal["list"] = "list"
    ordered: bool
    items: tuple[tuple[Block, ...], ...]
    line: int = 0


class Quote(Frozen):
    kind: Literal["quote"] = "quote"
    children: tuple[Block, ...]
    line: int = 0


class Rule(Frozen):
    kind: Literal["rule"] = "rule"
    line: int = 0


Block = Annotated[Heading | Paragraph | ListBlock | Quote | Rule, Field(discriminator="kind")]


# --- campaign.yaml --------------------------------------------------------------------------


class Issuer(Frozen):
    name: str = Field(min_length=2)
    """Full name of the issuing agency as it is today, e.g. "Sở Văn hóa, Thể thao và Du lịch"."""
    parent: str | None = None
    """The body above the issuer, e.g. "Ủy ban nhân dân tỉnh Tây Ninh"."""
    short_name: str | None = None
    """Abbreviation used in document symbols, e.g. "SVHTTDL"."""
    place: str | None = None
    """Place name for "place, date" lines, e.g. "Tây Ninh"."""
    website: str | None = None
    """The issuer's website address."""
    email: str | None = None
    """Contact e-mail shown on products."""
    phone: str | None = None
    """Contact phone shown on products (quote it in YAML)."""


class Period(Frozen):
    start: dt.date
    """First day of the campaign (YYYY-MM-DD)."""
    end: dt.date
    """Last day of the campaign (YYYY-MM-DD); not before start."""


class Brand(Frozen):
    primary: Colour = "#0B4F8A"
    """Main colour: headers, buttons, title slides ("#RRGGBB")."""
    secondary: Colour = "#E8F1FA"
    """Light tint for boxes and backgrounds."""
    accent: Colour = "#F2A516"
    """Highlight colour, used sparingly."""
    text: Colour = "#1B1F24"
    """Body text colour."""
    background: Colour = "#FFFFFF"
    """Page background colour."""
    logo: str | None = None
    """Path of the logo inside the campaign folder, e.g. assets/logo.svg."""
    font_heading: str = "Be Vietnam Pro"
    """Font family for headings."""
    font_body: str = "Be Vietnam Pro"
    """Font family for body text."""


class Audience(Frozen):
    id: Slug
    """Short id used by topics and quizzes, e.g. tre-11-15, cha-me."""
    name: str
    """Name shown to people, e.g. "Trẻ em 11–15 tuổi"."""
    kind: AudienceKind
    """children, parents, teachers, businesses, officials or public."""
    age_min: int | None = Field(default=None, ge=0, le=18)
    """Youngest age of a children's band."""
    age_max: int | None = Field(default=None, ge=0, le=18)
    """Oldest age of a children's band."""
    description: str | None = None
    """One line on who this audience is."""


class Hotline(Frozen):
    number: str = Field(pattern=r"^[0-9 ]{3,15}$")
    """The number as dialled, quoted in YAML: "111"."""
    name: str
    """Who answers, e.g. "Tổng đài điện thoại quốc gia bảo vệ trẻ em"."""
    description: str | None = None
    """When to call and what it costs."""
    url: str | None = None
    """A website for the service."""
    source: str | None = None
    """Where the facts about this line come from."""


class LegalReference(Frozen):
    id: Slug
    """Short id used by topics, e.g. luat-tre-em-2016."""
    title: str
    """Name of the text, e.g. "Luật Trẻ em"."""
    number: str
    """Official number and symbol, e.g. 102/2016/QH13."""
    issued: dt.date | None = None
    """Date the text was passed or signed."""
    effective: dt.date
    """Date the text took effect."""
    expires: dt.date | None = None
    """Date the text stops applying (replaced or repealed); empty if still in force."""
    replaced_by: Slug | None = None
    """Id of the legal reference that replaces this one."""
    url: str | None = None
    """Where to read the text."""
    note: str | None = None
    """What in the text matters for this campaign."""

    def in_force(self, on: dt.date) -> bool:
        """Return whether the text applies on the given day."""
        return self.effective <= on and (self.expires is None or on < self.expires)


class Asset(Frozen):
    path: str
    """File path inside the campaign folder, e.g. assets/poster.png."""
    alt: str = ""
    """Alt text: one sentence describing the image for people who cannot see it."""
    credit: str | None = None
    """Author or licence of the image."""


class Portal(Frozen):
    base_url: str = "https://loa.example.gov.vn"
    """Public address of the portal, used in sitemap, feeds, Open Graph tags and QR codes."""


class CampaignSource(Frozen):
    """What campaign.yaml holds."""

    id: Slug
    """Campaign id, e.g. bao-ve-tre-em-tren-mang."""
    title: str = Field(min_length=3)
    """Campaign title shown everywhere."""
    tagline: str | None = None
    """A short line under the title."""
    locale: Literal["vi", "en"] = "vi"
    """Language of the content: vi or en."""
    issuer: Issuer
    """The agency that issues the campaign."""
    period: Period
    """When the campaign runs."""
    brand: Brand = Brand()
    """Colours, logo and fonts used by every product."""
    audiences: tuple[Audience, ...] = Field(min_length=1)
    """Who the products speak to."""
    hotlines: tuple[Hotline, ...] = ()
    """Help lines printed on every product; 111 must be one of them."""
    legal_references: tuple[LegalReference, ...] = ()
    """Laws and decrees the content cites, with validity dates."""
    assets: tuple[Asset, ...] = ()
    """Images and logos, each with alt text."""
    portal: Portal = Portal()
    """Portal settings."""


# --- topics ---------------------------------------------------------------------------------


class AudienceActions(Frozen):
    do: tuple[str, ...] = ()
    """Things to do."""
    dont: tuple[str, ...] = ()
    """Things not to do."""
    say: tuple[str, ...] = ()
    """Words one can actually say in the moment."""


class Source(Frozen):
    title: str
    """Title of the source document or page."""
    publisher: str | None = None
    """Who published it."""
    url: str | None = None
    """Address of the source."""
    date: dt.date | None = None
    """Date of publication."""


class TopicMeta(Frozen):
    """What a topic's front matter holds."""

    id: Slug
    """Unique topic id; the file name should match."""
    title: str = Field(min_length=3)
    """Topic title."""
    summary: str = Field(min_length=10)
    """One or two sentences: what this topic helps with."""
    order: int = 100
    """Position on the portal (smaller first)."""
    audiences: tuple[Slug, ...] = Field(min_length=1)
    """Ids of the audiences this topic serves."""
    key_messages: tuple[str, ...] = Field(min_length=1, max_length=5)
    """One to five short messages, each at most 120 characters."""
    risks: tuple[str, ...] = ()
    """What can go wrong."""
    warning_signs: tuple[str, ...] = ()
    """Signs for adults that a child may be in trouble."""
    actions: dict[Slug, AudienceActions] = {}
    """Per audience id: do, dont and say."""
    legal: tuple[Slug, ...] = ()
    """Ids of legal references the topic relies on."""
    image: Asset | None = None
    """Optional cover image with alt text."""
    sources: tuple[Source, ...] = ()
    """Where the facts in this topic come from."""


class Topic(TopicMeta):
    body: tuple[Block, ...]
    """The parsed Markdown body."""
    source_path: Path
    """The Markdown file this topic was read from."""
    body_line: int = 1
    """Line of the file where the body starts."""


# --- quizzes --------------------------------------------------------------------------------


class Question(Frozen):
    id: Slug
    """Question id, unique within the quiz."""
    topic: Slug | None = None
    """Topic id this question belongs to."""
    question: str = Field(min_length=5)
    """The question."""
    choices: tuple[str, ...] = Field(min_length=2, max_length=6)
    """Two to six answer choices."""
    answer: int = Field(ge=1)
    """Number of the right choice, counting from 1."""
    explanation: str = Field(min_length=5)
    """Why the right answer is right: shown after answering."""


class QuizSource(Frozen):
    """What a quiz/*.yaml file holds."""

    id: Slug
    """Quiz id."""
    title: str
    """Quiz title."""
    audience: Slug
    """Id of the audience the quiz is for."""
    questions: tuple[Question, ...] = Field(min_length=1)
    """The questions."""


class Quiz(QuizSource):
    source_path: Path
    """The YAML file this quiz was read from."""


# --- lesson plans -------------------------------------------------------------------------


class Activity(Frozen):
    title: str
    """Name of the activity, e.g. "Khởi động: Ai là người lạ?"."""
    minutes: int = Field(ge=1, le=120)
    """How long it takes."""
    steps: tuple[str, ...] = Field(min_length=1)
    """What the teacher and pupils do, in order."""
    materials: tuple[str, ...] = ()
    """What is needed (slides, cards, worksheet...)."""


class LessonSource(Frozen):
    """What a lessons/*.yaml file holds: a lesson plan (giáo án) for one age band."""

    id: Slug
    """Lesson id."""
    title: str
    """Lesson title."""
    audience: Slug
    """Id of the children's audience the lesson is for."""
    topics: tuple[Slug, ...] = Field(min_length=1)
    """Topic ids the lesson covers."""
    duration: int = Field(ge=10, le=180)
    """Length of the lesson in minutes."""
    objectives: tuple[str, ...] = Field(min_length=1)
    """What pupils can do after the lesson (skills, starting with a verb)."""
    preparation: tuple[str, ...] = ()
    """What the teacher prepares."""
    activities: tuple[Activity, ...] = Field(min_length=1)
    """The activities in order; their minutes should add up to the duration."""
    discussion: tuple[str, ...] = ()
    """Questions to discuss with the class."""
    wrap_up: str
    """Closing message, including who to tell and hotline 111."""


class Lesson(LessonSource):
    source_path: Path
    """The YAML file this lesson was read from."""


# --- recipient units (co-branding) ---------------------------------------------------------


class Unit(Frozen):
    """A recipient unit whose name, logo and contact co-brand its own pack."""

    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
    """Unit code, e.g. the official commune code "25747" or "thcs-le-loi"."""
    name: str = Field(min_length=2)
    """Name printed on the products, e.g. "UBND phường Long An"."""
    group: str | None = None
    """Kind of unit, e.g. xa, truong-thcs, cong-an, bao-chi."""
    audience: Slug | None = None
    """Audience id whose products come first in the unit's pack."""
    logo: str | None = None
    """Logo path, relative to the campaign folder."""
    contact: str | None = None
    """Local contact line, e.g. "Cán bộ bảo vệ trẻ em: 0272 3xxx xxx"."""


# --- the whole campaign ---------------------------------------------------------------------


class Campaign(CampaignSource):
    """A campaign as renderers see it: campaign.yaml plus topics and quizzes."""

    root: Path
    """The campaign folder."""
    topics: tuple[Topic, ...]
    """Topics in portal order."""
    quizzes: tuple[Quiz, ...] = ()
    """Quizzes, one per audience at most."""
    lessons: tuple[Lesson, ...] = ()
    """Lesson plans for teachers, one per age band."""
    units: tuple[Unit, ...] = ()
    """Recipient units for co-branded packs (from `loa build --units units.csv`)."""

    def audience(self, audience_id: str) -> Audience:
        """Return the audience with this id."""
        return next(a for a in self.audiences if a.id == audience_id)

    def topic(self, topic_id: str) -> Topic:
        """Return the topic with this id."""
        return next(t for t in self.topics if t.id == topic_id)

    def legal_reference(self, ref_id: str) -> LegalReference:
        """Return the legal reference with this id."""
        return next(r for r in self.legal_references if r.id == ref_id)

    def unit(self, code: str) -> Unit:
        """Return the recipient unit with this code."""
        return next(u for u in self.units if u.code == code)

    def asset(self, path: str) -> Asset | None:
        """Return the declared asset for a path, if any."""
        return next((a for a in self.assets if a.path == path), None)


Strong.model_rebuild()
Emphasis.model_rebuild()
Link.model_rebuild()
ListBlock.model_rebuild()
Quote.model_rebuild()
