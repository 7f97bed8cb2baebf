"""Lesson plans (giáo án) per age band, as an editable Word file and a print-ready PDF."""

from __future__ import annotations

from typing import Any, ClassVar

from loa import model as m
from loa.renderers import lesson_content as text
from loa.renderers.article_docx import DOCX_MEDIA_TYPE
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.lesson_content import LessonContent, lesson_content
from loa.renderers.print_data import compile_document, document_data, help_data


class LessonRenderer(Renderer):
    """What both lesson-plan formats share: one job per lesson in the campaign."""

    kind: ClassVar[str] = "lesson-plan"

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, audience=x.audience, options=(("lesson", x.id),)) for x in campaign.lessons]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        lesson = _lesson(campaign, job)
        return [
            Artifact(
                path=f"giao-an/{lesson.id}.{self.format}",
                data=self.document(campaign, lesson_content(campaign, lesson)),
                kind=self.kind,
                format=self.format,
                media_type=self.media_type,
                title=f"Giáo án: {lesson.title}",
                audience=lesson.audience,
            )
        ]

    def document(self, campaign: m.Campaign, content: LessonContent) -> bytes:
        """Return the file's bytes."""
        raise NotImplementedError


def _lesson(campaign: m.Campaign, job: Job) -> m.Lesson:
    lesson_id = dict(job.options)["lesson"]
    return next(x for x in campaign.lessons if x.id == lesson_id)


class LessonPdfRenderer(LessonRenderer):
    """A lesson plan a teacher can print and teach from, laid out by Typst."""

    name: ClassVar[str] = "lesson-pdf"
    format: ClassVar[str] = "pdf"
    media_type: ClassVar[str] = "application/pdf"

    def document(self, campaign: m.Campaign, content: LessonContent) -> bytes:
        return compile_document("lesson.typ", lesson_data(campaign, content), root=campaign.root)[0]


def lesson_data(campaign: m.Campaign, content: LessonContent) -> dict[str, Any]:
    """Return what lesson.typ reads."""
    return {
        **document_data(campaign, title=content.title),
        "audience": content.audience,
        "duration": content.duration,
        "topics": list(content.topics),
        "objectives": list(content.objectives),
        "preparation": list(content.preparation),
        "materials": list(content.materials),
        "activities": [a.model_dump(mode="json") for a in content.activities],
        "discussion": list(content.discussion),
        "questions": [{"question": q.question, "choices": list(q.choices)} for q in content.questions],
        "key": [k.__dict__ for k in content.key],
        "no_quiz": content.no_quiz,
        "wrap_up": content.wrap_up,
        "help": {**help_data(campaign, intro=content.help_intro), "title": text.HELP_TITLE},
        "headings": content.headings,
        "labels": {
            "objectives": text.OBJECTIVES_INTRO,
            "columns": list(text.PROCESS_COLUMNS),
            "key": text.KEY_TITLE,
        },
    }


class LessonDocxRenderer(LessonRenderer):
    """A lesson plan a teacher can open in Word and adapt to the class."""

    name: ClassVar[str] = "lesson-docx"
    format: ClassVar[str] = "docx"
    media_type: ClassVar[str] = DOCX_MEDIA_TYPE

    def document(self, campaign: m.Campaign, content: LessonContent) -> bytes:
        from loa.renderers.docx_lesson import lesson_document  # python-docx loads when a plan is written

        return lesson_document(campaign, content)
