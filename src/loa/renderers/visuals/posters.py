"""Print posters per topic: A4 and A3 PDFs with safe margins, each with a PNG preview at 150 ppi."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.context import pack_path, portal_link, unit_of
from loa.renderers.typst import TypstFormat, compile_formats
from loa.renderers.visuals.content import Variant, alt_text, base_data
from loa.renderers.visuals.stamps import QrPath, split_address, stamped_pages

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
    version: ClassVar[str] = "4"  # stamped QR codes drawn into the PDF as paths
    cobrand: ClassVar[bool] = True
    cobrand_batch: ClassVar[bool] = True

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, t.id) for t in campaign.topics]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        assert job.topic
        topic = campaign.topic(job.topic)
        if job.units:
            return self.render_units(campaign, topic, job)
        return [a for size in PAPER_SIZES for a in self.render_size(campaign, topic, job, size)]

    def render_units(self, campaign: m.Campaign, topic: m.Topic, job: Job) -> list[Artifact]:
        """Return a batch of units' posters: the layout once per size, each unit's marks stamped over it
        (visuals/stamps.py); a unit with its own logo, or a name or contact line too long for the
        stamp's place, is laid out alone (it moves the layout)."""
        units = [campaign.unit(code) for code in job.units]
        alone = {u.code for u in units if u.logo}
        found: dict[tuple[str, str], Artifact] = {}
        stamped = [u for u in units if not u.logo]
        qr = {u.code: QrPath.of(portal_link(campaign, topic, u)) for u in stamped}
        # Room for the campaign's longest address, so every batch of a topic shares one base.
        longest = max((u for u in campaign.units if not u.logo), key=lambda u: len(u.code), default=None)
        longest_url = _recipient(campaign, topic, longest)["url-text"] if longest else None
        # Every topic's part of the address: the batch's marks are laid out once for all topics.
        heads = sorted(
            {split_address(_recipient(campaign, t, stamped[0])["url-text"])[0] for t in campaign.topics}
            if stamped
            else ()
        )
        for size in PAPER_SIZES:
            data = poster_data(campaign, topic, None, size)
            for group in ([u for u in stamped if u.contact], [u for u in stamped if not u.contact]):
                result = stamped_pages(
                    "poster.typ", data, [_recipient(campaign, topic, u) for u in group],
                    root=campaign.root, longest_url=longest_url,
                    qr_codes=[qr[u.code] for u in group], heads=heads,
                )  # fmt: skip
                alone |= {group[i].code for i in result.alone}
                for unit, pdf in zip(group, result.pages, strict=True):
                    path = f"don-vi/{unit.code}/ap-phich/{topic.id}/{size.slug}.pdf"
                    if pdf is not None:
                        found[unit.code, path] = self.pdf_artifact(topic, size, path, pdf)
        for code in alone:  # both sizes from one layout, as for a single unit's job
            for artifact in self.render(campaign, Job(self.name, topic.id, unit=code)):
                found[code, artifact.path] = artifact
        position = {code: i for i, code in enumerate(job.units)}
        return [found[key] for key in sorted(found, key=lambda k: (position[k[0]], k[1]))]

    def pdf_artifact(self, topic: m.Topic, size: PaperSize, path: str, pdf: bytes) -> Artifact:
        return Artifact(
            path=path, data=pdf, kind=self.kind, format="pdf", media_type=self.media_type,
            title=f"{topic.title} — {size.product}", topic=topic.id,
        )  # fmt: skip

    def render_size(self, campaign: m.Campaign, topic: m.Topic, job: Job, size: PaperSize) -> list[Artifact]:
        """Return the PDF of one paper size and its PNG preview (units' copies are for print: PDF only)."""
        data = poster_data(campaign, topic, unit_of(campaign, job), size)
        stem = pack_path(job, f"ap-phich/{topic.id}/{size.slug}")
        title = f"{topic.title} — {size.product}"
        # A unit's copy is for print: PDF only (the shared preview shows the layout).
        formats: tuple[TypstFormat, ...] = ("pdf",) if job.unit else ("pdf", "png")
        pages = compile_formats(
            "poster.typ", data, root=campaign.root, formats=formats, ppi=PREVIEW_PPI, preludes=("brand.typ",)
        )
        pdf_artifact = self.pdf_artifact(topic, size, f"{stem}.pdf", pages["pdf"][0])
        if job.unit:
            return [pdf_artifact]
        png = pages["png"][0]
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
        "summary": topic.summary,
        "messages": list(topic.key_messages[:MAX_MESSAGES]),
        "signs": list(topic.warning_signs[:MAX_SIGNS]),
    }


def _recipient(campaign: m.Campaign, topic: m.Topic, unit: m.Unit) -> dict[str, Any]:
    """Return one unit's marks as brand.typ's `who` reads them (a stamped unit has no logo; its QR
    code is drawn in by stamps.py)."""
    url = portal_link(campaign, topic, unit)
    return {
        "unit": {"name": unit.name, "logo": None},
        "contact": unit.contact or None,
        "qr": None,
        "url-text": url.split("://", 1)[-1],
    }
