"""Printable quiz per quiz file: a worksheet for the class and, separately, the teacher's answer key."""

from __future__ import annotations

from typing import Any, ClassVar

from loa import model as m
from loa.renderers.article_content import ordered_hotlines
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.lesson_content import key_entry
from loa.renderers.print_data import compile_document, document_data

KEY_KIND = "quiz-key"


class QuizWorksheetRenderer(Renderer):
    """A worksheet with tick boxes and room for the class only (no child's name), plus its answer key."""

    name: ClassVar[str] = "quiz-print"
    kind: ClassVar[str] = "quiz"
    format: ClassVar[str] = "pdf"
    media_type: ClassVar[str] = "application/pdf"

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, audience=q.audience, options=(("quiz", q.id),)) for q in campaign.quizzes]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        quiz_id = dict(job.options)["quiz"]
        quiz = next(q for q in campaign.quizzes if q.id == quiz_id)
        audience = campaign.audience(quiz.audience)
        return [
            self._artifact(campaign, quiz, audience, key=False),
            self._artifact(campaign, quiz, audience, key=True),
        ]

    def _artifact(self, campaign: m.Campaign, quiz: m.Quiz, audience: m.Audience, *, key: bool) -> Artifact:
        data = worksheet_data(campaign, quiz, audience, key=key)
        [pdf] = compile_document("worksheet.typ", data, root=campaign.root)
        return Artifact(
            path=f"phieu-bai-tap/{quiz.id}{'-dap-an' if key else ''}.pdf",
            data=pdf,
            kind=KEY_KIND if key else self.kind,
            format=self.format,
            media_type=self.media_type,
            title=f"{'Đáp án' if key else 'Phiếu bài tập'}: {quiz.title}",
            audience=quiz.audience,
        )


def worksheet_data(campaign: m.Campaign, quiz: m.Quiz, audience: m.Audience, *, key: bool) -> dict[str, Any]:
    """Return what worksheet.typ reads; the worksheet's data holds no answers at all."""
    children = audience.kind == "children"
    data: dict[str, Any] = {
        **document_data(campaign, title=quiz.title),
        "mode": "key" if key else "worksheet",
        "audience": audience.name,
        "questions": [{"question": q.question, "choices": list(q.choices)} for q in quiz.questions],
        "instruction": instruction(children=children),
        "strip": help_strip(campaign, children=children),
    }
    if key:
        data["key"] = [key_entry(n, q).__dict__ for n, q in enumerate(quiz.questions, start=1)]
    return data


def instruction(*, children: bool) -> str:
    """Return how to fill in the worksheet, worded for the audience."""
    if children:
        return (
            "Em đọc kỹ từng câu và đánh dấu X vào ô trước câu trả lời em chọn. "
            "Mỗi câu chỉ có một câu trả lời đúng."
        )
    return "Đánh dấu X vào ô trước lựa chọn đúng. Mỗi câu chỉ có một lựa chọn đúng."


def help_strip(campaign: m.Campaign, *, children: bool) -> dict[str, str] | None:
    """Return the help strip at the foot of each page: who to tell, and the first hotline."""
    hotlines = ordered_hotlines(campaign)
    if not hotlines:
        return None
    first = hotlines[0]
    lead = (
        "Có chuyện trên mạng làm em lo lắng? Hãy kể với người lớn em tin tưởng, hoặc gọi"
        if children
        else "Khi trẻ gặp chuyện trên mạng, hãy lắng nghe, giữ bằng chứng và gọi"
    )
    return {"lead": lead, "number": first.number, "name": first.name, "note": first.description or ""}
