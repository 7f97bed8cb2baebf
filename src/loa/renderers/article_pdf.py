"""Press article per topic and audience as a print-ready A4 PDF, laid out by Typst."""

from __future__ import annotations

from typing import Any, ClassVar

from loa import model as m
from loa.renderers import article_content as text
from loa.renderers.article_content import ArticleContent, article_content
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.print_data import body_data, compile_document, document_data, existing_path, help_data


class ArticlePdfRenderer(Renderer):
    """A newspaper-like page a unit can print, pin up or attach to a dispatch."""

    name: ClassVar[str] = "article-pdf"
    kind: ClassVar[str] = "article"
    format: ClassVar[str] = "pdf"
    media_type: ClassVar[str] = "application/pdf"

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, t.id, a) for t in campaign.topics for a in t.audiences]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        assert job.topic and job.audience
        topic, audience = campaign.topic(job.topic), campaign.audience(job.audience)
        data = article_data(campaign, article_content(campaign, topic, audience), audience)
        [pdf] = compile_document("article.typ", data, root=campaign.root)
        return [
            Artifact(
                path=f"bai-viet/{topic.id}/{audience.id}.pdf",
                data=pdf,
                kind=self.kind,
                format=self.format,
                media_type=self.media_type,
                title=f"{topic.title} — {audience.name}",
                topic=topic.id,
                audience=audience.id,
            )
        ]


def article_data(campaign: m.Campaign, content: ArticleContent, audience: m.Audience) -> dict[str, Any]:
    """Return what article.typ reads: the content in order, labels, brand and help block."""
    return {
        **document_data(campaign, title=content.title),
        "audience": f"Dành cho {text.audience_phrase(audience)}",
        "lead": content.lead,
        "cover": _cover(campaign, content.cover),
        "key_messages": list(content.key_messages),
        "body": body_data(campaign.root, content.body),
        "actions": [
            {"label": label, "items": list(items), "say": label == text.SAY}
            for label, items in content.actions
        ],
        "warning_signs": list(content.warning_signs),
        "help": help_data(campaign, intro=content.help_intro),
        "legal": list(content.legal),
        "sources": list(content.sources),
        "labels": {
            "key_messages": text.KEY_MESSAGES,
            "actions": text.ACTIONS,
            "warning_signs": text.WARNING_SIGNS,
            "legal": text.LEGAL,
            "sources": text.SOURCES,
        },
    }


def _cover(campaign: m.Campaign, cover: m.Asset | None) -> dict[str, str] | None:
    path = existing_path(campaign.root, cover.path) if cover else None
    if cover is None or path is None:
        return None
    credit = (campaign.asset(cover.path) or cover).credit
    return {"path": path, "alt": cover.alt, "caption": cover.alt + (f" (Ảnh: {credit})" if credit else "")}
