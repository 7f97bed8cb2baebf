"""Press article per topic and audience, as one self-contained HTML file."""

from __future__ import annotations

from typing import ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.context import topic_context
from loa.renderers.html import template_environment


class ArticleHtmlRenderer(Renderer):
    """A printable, self-contained article a newspaper or portal can publish as is."""

    name: ClassVar[str] = "article-html"
    kind: ClassVar[str] = "article"
    format: ClassVar[str] = "html"
    media_type: ClassVar[str] = "text/html"

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, t.id, a) for t in campaign.topics for a in t.audiences]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        assert job.topic and job.audience
        topic, audience = campaign.topic(job.topic), campaign.audience(job.audience)
        context = topic_context(campaign, topic, audience, asset_prefix="../../")
        html = template_environment().get_template("article.html").render(context)
        return [
            Artifact(
                path=f"bai-viet/{topic.id}/{audience.id}.html",
                data=html.encode(),
                kind=self.kind,
                format=self.format,
                media_type=self.media_type,
                title=f"{topic.title} — {audience.name}",
                topic=topic.id,
                audience=audience.id,
            )
        ]
