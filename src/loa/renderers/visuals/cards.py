"""Social cards per topic at the exact sizes Facebook and Zalo take: PNG to post, SVG and PDF beside it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.context import pack_path, portal_link, unit_of
from loa.renderers.typst import TypstFormat, compile_formats
from loa.renderers.visuals.card_stamps import stamped_cards
from loa.renderers.visuals.content import Variant, alt_text, base_data, children_bands, messages

PPI = 144.0
"""Cards are laid out in points at 2 px per point."""
MEDIA_TYPES: dict[TypstFormat, str] = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


@dataclass(frozen=True)
class CardSize:
    """One card format: its pixel size and how the card template lays it out."""

    slug: str
    product: str
    """What the card is, in the alt text: "Ảnh bài đăng Facebook dọc"."""
    width: int
    height: int
    layout: str
    messages: int
    qr: bool
    top: float = 26
    bottom: float = 26
    side: float = 26
    u: float = 5.4
    title_max: float = 8.2
    title_min: float = 3.6
    title_share: float = 0.29
    gap: float = 3.0
    panel_pad: float = 4.0
    logo: float = 9.0
    help_big: float = 6.0
    qr_size: float = 15.0
    others: bool = False

    def page(self) -> dict[str, Any]:
        """Return the page settings the template reads (data.page), in points and size units."""
        fields = asdict(self)
        page = {k.replace("_", "-"): v for k, v in fields.items() if k not in ("slug", "product", "messages")}
        return page | {"width": self.width / 2, "height": self.height / 2}


FACEBOOK_PORTRAIT = CardSize("facebook-doc", "Ảnh bài đăng Facebook dọc", 1080, 1350, "vertical", 4, True)
FACEBOOK_SQUARE = CardSize(
    "facebook-vuong", "Ảnh bài đăng Facebook vuông", 1080, 1080, "vertical", 3, True,
    title_share=0.28, title_max=7.6, gap=2.4, panel_pad=3.4, logo=8, help_big=5.2, qr_size=13,
)  # fmt: skip
LINK_CARD = CardSize(
    "lien-ket", "Ảnh xem trước liên kết", 1200, 630, "horizontal", 1, True,
    top=18, bottom=18, side=22, u=3.6, title_max=9.0, title_min=4.0, gap=3.0, panel_pad=4.4, logo=9,
    help_big=5.6, qr_size=30,
)  # fmt: skip
STORY = CardSize(
    "story", "Ảnh tin (story) Facebook", 1080, 1920, "vertical", 4, True,
    top=96, bottom=110, title_share=0.3, title_max=9.0, gap=4.2, panel_pad=4.6, help_big=6.4, qr_size=16,
    others=True,
)  # fmt: skip
# Zalo publishes no fixed cover size for OA articles that we could confirm; its image guidance is
# 16:9, so the cover is 1280×720 (HD), and the API refuses images over 1 MB (checked in tests).
ZALO_COVER = CardSize(
    "zalo-bia", "Ảnh bìa bài viết Zalo", 1280, 720, "horizontal", 1, False,
    top=20, bottom=20, side=24, u=3.9, title_max=10.5, title_min=4.2, gap=3.0, panel_pad=4.6, logo=9,
    help_big=5.6,
)  # fmt: skip

GENERAL_SIZES = (FACEBOOK_PORTRAIT, FACEBOOK_SQUARE, LINK_CARD, STORY, ZALO_COVER)
BAND_SIZES = (FACEBOOK_PORTRAIT,)
"""A children's band gets one feed card: enough for schools' and parents' pages, few files."""
UNIT_SIZES = (FACEBOOK_PORTRAIT, ZALO_COVER)
"""A unit's pack: the feed card for its Facebook page and the cover for its Zalo OA articles, per
topic, as PNG (what is posted); the other sizes and formats stay shared."""


class CardRenderer(Renderer):
    """Social cards for Facebook and Zalo: every size per topic, one feed card per children's band."""

    name: ClassVar[str] = "cards"
    kind: ClassVar[str] = "card"
    format: ClassVar[str] = "png"
    media_type: ClassVar[str] = "image/png"
    version: ClassVar[str] = "4"  # units' cards indexed (a palette per card size)
    cobrand: ClassVar[bool] = True
    cobrand_batch: ClassVar[bool] = True

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [
            Job(self.name, t.id, a.id if a else None)
            for t in campaign.topics
            for a in (None, *children_bands(campaign, t))
        ]

    def plan_cobranded(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, t.id) for t in campaign.topics]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        assert job.topic
        topic = campaign.topic(job.topic)
        if job.units:
            return self.render_units(campaign, topic, job)
        variant = Variant(campaign.audience(job.audience) if job.audience else None)
        if job.unit:
            return [
                a
                for size in UNIT_SIZES
                for a in self.render_size(campaign, topic, variant, job, size, ("png",))
            ]
        sizes = BAND_SIZES if variant.audience else GENERAL_SIZES
        return [a for size in sizes for a in self.render_size(campaign, topic, variant, job, size)]

    def render_units(self, campaign: m.Campaign, topic: m.Topic, job: Job) -> list[Artifact]:
        """Return a batch of units' cards: each size drawn once, each unit's marks laid over it
        (visuals/card_stamps.py); a unit with its own logo, or a name or contact line too long for
        its place, is laid out alone (it moves the layout)."""
        units = [campaign.unit(code) for code in job.units]
        alone = {u.code for u in units if u.logo}
        stamped = [u for u in units if not u.logo]
        # Room for the campaign's longest address, so every batch shares one base per topic, and
        # every topic's base has the address's place in the same pixels (its unit part is drawn once).
        longest_code = max((u for u in campaign.units if not u.logo), key=lambda u: len(u.code), default=None)
        longest = max(
            (_address(portal_link(campaign, t, longest_code)) for t in campaign.topics if longest_code),
            key=len,
            default="",
        )
        found: dict[tuple[str, str], Artifact] = {}
        variant = Variant(None)
        for size in UNIT_SIZES:
            data = card_data(campaign, topic, variant, None, size)
            palette_from = card_data(campaign, campaign.topics[0], variant, None, size)
            items = card_items(data)
            for group in ([u for u in stamped if u.contact], [u for u in stamped if not u.contact]):
                links = [portal_link(campaign, topic, u) for u in group]
                recipients = [
                    {"unit": {"name": u.name, "logo": None}, "contact": u.contact or None, "qr": None,
                     "url-text": _address(link)}
                    for u, link in zip(group, links, strict=True)
                ]  # fmt: skip
                result = stamped_cards(
                    data, recipients, links, root=campaign.root, longest_url=longest,
                    palette_from=palette_from,
                )  # fmt: skip
                alone |= {group[i].code for i in result.alone}
                for unit, link, png in zip(group, links, result.pngs, strict=True):
                    if png is None:
                        continue
                    path = f"don-vi/{unit.code}/the/{topic.id}/{variant.slug}-{size.slug}.png"
                    alt = alt_text(f"{size.product} {size.width}×{size.height}", data | {"url": link}, items)
                    found[unit.code, path] = self.artifact(topic, variant, size, path, "png", png, alt)
        for code in alone:
            for artifact in self.render(campaign, Job(self.name, topic.id, unit=code)):
                found[code, artifact.path] = artifact
        position = {code: i for i, code in enumerate(job.units)}
        return [found[key] for key in sorted(found, key=lambda k: (position[k[0]], k[1]))]

    def render_size(
        self,
        campaign: m.Campaign,
        topic: m.Topic,
        variant: Variant,
        job: Job,
        size: CardSize,
        formats: tuple[TypstFormat, ...] = ("png", "svg", "pdf"),
    ) -> list[Artifact]:
        """Return the PNG, SVG and PDF of one card size (or the formats asked for)."""
        data = card_data(campaign, topic, variant, unit_of(campaign, job), size)
        alt = alt_text(f"{size.product} {size.width}×{size.height}", data, card_items(data))
        stem = pack_path(job, f"the/{topic.id}/{variant.slug}-{size.slug}")
        pages = compile_formats(
            "card.typ", data, root=campaign.root, formats=formats, ppi=PPI, preludes=("brand.typ",)
        )
        return [
            self.artifact(topic, variant, size, f"{stem}.{fmt}", fmt, pages[fmt][0], alt) for fmt in formats
        ]

    def artifact(
        self,
        topic: m.Topic,
        variant: Variant,
        size: CardSize,
        path: str,
        fmt: TypstFormat,
        data: bytes,
        alt: str,
    ) -> Artifact:
        return Artifact(
            path=path,
            data=data,
            kind=self.kind,
            format=fmt,
            media_type=MEDIA_TYPES[fmt],
            title=f"{topic.title} — {size.product}",
            topic=topic.id,
            audience=variant.audience.id if variant.audience else None,
            width=size.width,
            height=size.height,
            alt=alt,
        )


def card_data(
    campaign: m.Campaign, topic: m.Topic, variant: Variant, unit: m.Unit | None, size: CardSize
) -> dict[str, Any]:
    """Return the data card.typ reads for one topic, audience variant and size."""
    data = base_data(campaign, topic, variant, unit, qr=size.qr)
    return data | {"page": size.page(), "messages": messages(topic, variant, size.messages)}


def _address(link: str) -> str:
    """Return a link as printed: without its scheme."""
    return link.split("://", 1)[-1]


def card_items(data: dict[str, Any]) -> list[str]:
    """Return what a card says, in order, for its alt text."""
    marks = {"do": "Nên: ", "dont": "Không nên: ", "key": ""}
    return [marks[msg["kind"]] + msg["text"] for msg in data["messages"]]
