"""An infographic per topic: risks → warning signs → what to do → help, drawn at 1080×1350."""

from __future__ import annotations

from typing import Any, ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.context import pack_path, unit_of
from loa.renderers.typst import TypstFormat, compile_formats
from loa.renderers.visuals.content import LABELS, Variant, alt_text, base_data

PPI = 144.0
WIDTH, HEIGHT = 1080, 1350
MAX_ITEMS = 2
ADULT_KINDS = ("parents", "teachers", "public", "officials", "businesses")
"""Whose "do" list the infographic shows, first found first: it speaks to the adults around a child."""
MEDIA_TYPES: dict[TypstFormat, str] = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


class InfographicRenderer(Renderer):
    """One infographic per topic for feeds and notice boards: PNG to post, SVG and PDF beside it."""

    name: ClassVar[str] = "infographics"
    kind: ClassVar[str] = "infographic"
    format: ClassVar[str] = "png"
    media_type: ClassVar[str] = "image/png"
    version: ClassVar[str] = "2"  # QR codes from zxing-cpp

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, t.id) for t in campaign.topics]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        assert job.topic
        topic = campaign.topic(job.topic)
        data = infographic_data(campaign, topic, unit_of(campaign, job))
        items = [f"{s['label']}: {'; '.join(s['items'])}" for s in data["sections"]]
        alt = alt_text(f"Đồ họa thông tin {WIDTH}×{HEIGHT}", data, items)
        stem = pack_path(job, f"do-hoa/{topic.id}")
        formats: tuple[TypstFormat, ...] = ("png", "svg", "pdf")
        pages = compile_formats(
            "infographic.typ", data, root=campaign.root, formats=formats, ppi=PPI, preludes=("brand.typ",)
        )
        return [
            Artifact(
                path=f"{stem}.{fmt}",
                data=pages[fmt][0],
                kind=self.kind,
                format=fmt,
                media_type=MEDIA_TYPES[fmt],
                title=f"{topic.title} — đồ họa thông tin",
                topic=topic.id,
                width=WIDTH,
                height=HEIGHT,
                alt=alt,
            )
            for fmt in formats
        ]


def what_to_do(campaign: m.Campaign, topic: m.Topic) -> tuple[str, ...]:
    """Return the adults' "do" list of a topic (parents first), or its key messages if it has none."""
    by_kind = {campaign.audience(a).kind: acts.do for a, acts in topic.actions.items() if acts.do}
    return next((by_kind[k] for k in ADULT_KINDS if k in by_kind), topic.key_messages)


def infographic_data(campaign: m.Campaign, topic: m.Topic, unit: m.Unit | None) -> dict[str, Any]:
    """Return the data infographic.typ reads: the steps that have something to say, and the help strip."""
    steps = (
        ("warning", LABELS["risks"], topic.risks),
        ("eye", LABELS["signs"], topic.warning_signs),
        ("check", LABELS["actions"], what_to_do(campaign, topic)),
    )
    sections = [
        {"icon": icon, "label": label, "items": list(items[:MAX_ITEMS])}
        for icon, label, items in steps
        if items
    ]
    page = {"width": WIDTH / 2, "height": HEIGHT / 2, "margin": 24, "u": WIDTH / 200}
    return base_data(campaign, topic, Variant(None), unit, qr=True) | {"page": page, "sections": sections}
