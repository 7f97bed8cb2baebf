"""Social cards per topic at the exact sizes Facebook and Zalo take: PNG to post, SVG and PDF beside it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.context import pack_path, unit_of
from loa.renderers.typst import TypstFormat, compile_typst
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


class CardRenderer(Renderer):
    """Social cards for Facebook and Zalo: every size per topic, one feed card per children's band."""

    name: ClassVar[str] = "cards"
    kind: ClassVar[str] = "card"
    format: ClassVar[str] = "png"
    media_type: ClassVar[str] = "image/png"
    version: ClassVar[str] = "2"  # QR codes from zxing-cpp

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [
            Job(self.name, t.id, a.id if a else None)
            for t in campaign.topics
            for a in (None, *children_bands(campaign, t))
        ]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        assert job.topic
        topic = campaign.topic(job.topic)
        variant = Variant(campaign.audience(job.audience) if job.audience else None)
        sizes = BAND_SIZES if variant.audience else GENERAL_SIZES
        return [a for size in sizes for a in self.render_size(campaign, topic, variant, job, size)]

    def render_size(
        self, campaign: m.Campaign, topic: m.Topic, variant: Variant, job: Job, size: CardSize
    ) -> list[Artifact]:
        """Return the PNG, SVG and PDF of one card size."""
        data = card_data(campaign, topic, variant, unit_of(campaign, job), size)
        alt = alt_text(f"{size.product} {size.width}×{size.height}", data, card_items(data))
        stem = pack_path(job, f"the/{topic.id}/{variant.slug}-{size.slug}")
        return [
            Artifact(
                path=f"{stem}.{fmt}",
                data=compile_typst(
                    "card.typ", data, root=campaign.root, format=fmt, ppi=PPI, preludes=("brand.typ",)
                )[0],
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
            for fmt in ("png", "svg", "pdf")
        ]


def card_data(
    campaign: m.Campaign, topic: m.Topic, variant: Variant, unit: m.Unit | None, size: CardSize
) -> dict[str, Any]:
    """Return the data card.typ reads for one topic, audience variant and size."""
    data = base_data(campaign, topic, variant, unit, qr=size.qr)
    return data | {"page": size.page(), "messages": messages(topic, variant, size.messages)}


def card_items(data: dict[str, Any]) -> list[str]:
    """Return what a card says, in order, for its alt text."""
    marks = {"do": "Nên: ", "dont": "Không nên: ", "key": ""}
    return [marks[msg["kind"]] + msg["text"] for msg in data["messages"]]
