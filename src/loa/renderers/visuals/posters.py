"""Print posters per topic: A4 and A3 PDFs with safe margins, each with a PNG preview at 150 ppi."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.context import pack_path, unit_of
from loa.renderers.typst import compile_typst
from loa.renderers.visuals.content import Variant, alt_text, base_data, typographic

PREVIEW_PPI = 150.0
MAX_MESSAGES = 5
MAX_SIGNS = 4


@dataclass(frozen=True)
class PaperSize:
    """A print size in millimetres, with the margin nothing is printed in."""

    slug: str
    product: str
    width: float
    height: float
    margin: float

    def page(self) -> dict[str, Any]:
        """Return the page settings poster.typ reads (data.page)."""
        return {"width": self.width, "height": self.height, "margin": self.margin, "title-share": 0.18}

    def pixels(self, ppi: float = PREVIEW_PPI) -> tuple[int, int]:
        """Return the preview's size in pixels, rounded as Typst rounds it."""
        return round(self.width / 25.4 * ppi), round(self.height / 25.4 * ppi)


A4 = PaperSize("a4", "Áp phích khổ A4", 210, 297, 12)
A3 = PaperSize("a3", "Áp phích khổ A3", 297, 420, 15)
PAPER_SIZES = (A4, A3)


class PosterRenderer(Renderer):
    """Posters for notice boards, classrooms and commune halls; co-branded per recipient unit."""

    name: ClassVar[str] = "posters"
    kind: ClassVar[str] = "poster"
    format: ClassVar[str] = "pdf"
    media_type: ClassVar[str] = "application/pdf"
    cobrand: ClassVar[bool] = True

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, t.id) for t in campaign.topics]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        assert job.topic
        topic = campaign.topic(job.topic)
        return [a for size in PAPER_SIZES for a in self.render_size(campaign, topic, job, size)]

    def render_size(self, campaign: m.Campaign, topic: m.Topic, job: Job, size: PaperSize) -> list[Artifact]:
        """Return the PDF of one paper size and its PNG preview (units' copies are for print: PDF only)."""
        data = poster_data(campaign, topic, unit_of(campaign, job), size)
        stem = pack_path(job, f"ap-phich/{topic.id}/{size.slug}")
        title = f"{topic.title} — {size.product}"
        pdf = compile_typst("poster.typ", data, root=campaign.root, format="pdf", preludes=("brand.typ",))[0]
        pdf_artifact = Artifact(
            path=f"{stem}.pdf", data=pdf, kind=self.kind, format="pdf", media_type=self.media_type,
            title=title, topic=topic.id,
        )  # fmt: skip
        if job.unit:
            return [pdf_artifact]  # the shared preview shows the layout; rasterising per unit is waste
        png = compile_typst(
            "poster.typ", data, root=campaign.root, format="png", ppi=PREVIEW_PPI, preludes=("brand.typ",)
        )[0]
        width, height = size.pixels()
        alt = alt_text(f"{size.product} (ảnh xem trước)", data, data["messages"])
        png_artifact = Artifact(
            path=f"{stem}.png", data=png, kind=self.kind, format="png", media_type="image/png",
            title=title, topic=topic.id, width=width, height=height, alt=alt,
        )  # fmt: skip
        return [pdf_artifact, png_artifact]


def poster_data(campaign: m.Campaign, topic: m.Topic, unit: m.Unit | None, size: PaperSize) -> dict[str, Any]:
    """Return the data poster.typ reads for one topic and paper size."""
    data = base_data(campaign, topic, Variant(None), unit, qr=True)
    return data | {
        "page": size.page(),
        "summary": typographic(topic.summary),
        "messages": [typographic(t) for t in topic.key_messages[:MAX_MESSAGES]],
        "signs": [typographic(t) for t in topic.warning_signs[:MAX_SIGNS]],
    }
