"""Press article per topic and audience as an editable A4 Word document."""

from __future__ import annotations

from typing import ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job, Renderer

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ArticleDocxRenderer(Renderer):
    """An article a newspaper editor can open in Word, adjust and print, in the house styles."""

    name: ClassVar[str] = "article-docx"
    kind: ClassVar[str] = "article"
    format: ClassVar[str] = "docx"
    media_type: ClassVar[str] = DOCX_MEDIA_TYPE

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, t.id, a) for t in campaign.topics for a in t.audiences]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        from loa.renderers.docx_article import (
            article_document,  # python-docx loads when an article is written
        )

        assert job.topic and job.audience
        topic, audience = campaign.topic(job.topic), campaign.audience(job.audience)
        return [
            Artifact(
                path=f"bai-viet/{topic.id}/{audience.id}.docx",
                data=article_document(campaign, topic, audience),
                kind=self.kind,
                format=self.format,
                media_type=self.media_type,
                title=f"{topic.title} — {audience.name}",
                topic=topic.id,
                audience=audience.id,
            )
        ]
