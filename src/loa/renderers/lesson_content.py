"""What a lesson plan (giáo án) holds, in the customary order, and the quiz questions it reuses."""

from __future__ import annotations

from dataclasses import dataclass

from loa import model as m
from loa.renderers.article_content import help_intro, ordered_hotlines

LETTERS = "ABCDEF"
SECTIONS = {
    "objectives": "MỤC TIÊU",
    "preparation": "CHUẨN BỊ",
    "process": "TIẾN TRÌNH DẠY HỌC",
    "discussion": "CÂU HỎI THẢO LUẬN",
    "review": "CÂU HỎI CỦNG CỐ",
    "summary": "TỔNG KẾT",
}
ROMAN = ("I", "II", "III", "IV", "V", "VI")
PROCESS_COLUMNS = ("Hoạt động", "Thời gian", "Các bước", "Học liệu")
KEY_TITLE = "Đáp án dành cho giáo viên"
OBJECTIVES_INTRO = "Sau bài học, học sinh có thể:"
HELP_TITLE = "Ai có thể giúp em?"


@dataclass(frozen=True)
class KeyEntry:
    """The right answer to one question, for the teacher."""

    number: int
    letter: str
    choice: str
    explanation: str


@dataclass(frozen=True)
class LessonContent:
    """One lesson plan, ready for a page."""

    title: str
    audience: str
    headings: dict[str, str]
    """Numbered heading per section id that the lesson has, e.g. "review": "V. CÂU HỎI CỦNG CỐ"."""
    no_quiz: str
    """What section "review" says when the age band has no quiz."""
    duration: int
    topics: tuple[str, ...]
    objectives: tuple[str, ...]
    preparation: tuple[str, ...]
    materials: tuple[str, ...]
    """Everything the activities need, each named once."""
    activities: tuple[m.Activity, ...]
    discussion: tuple[str, ...]
    questions: tuple[m.Question, ...]
    key: tuple[KeyEntry, ...]
    wrap_up: str
    help_intro: str
    hotlines: tuple[m.Hotline, ...]


def lesson_content(campaign: m.Campaign, lesson: m.Lesson) -> LessonContent:
    """Return a lesson plan with the quiz questions of its age band and their answers."""
    audience = campaign.audience(lesson.audience)
    questions = tuple(q for quiz in quizzes_for(campaign, lesson.audience) for q in quiz.questions)
    materials = tuple(dict.fromkeys(x for a in lesson.activities for x in a.materials))
    present = {
        "preparation": bool(lesson.preparation or materials),
        "discussion": bool(lesson.discussion),
    }
    headings = numbered([key for key in SECTIONS if present.get(key, True)])
    return LessonContent(
        title=lesson.title,
        audience=audience.name,
        headings=headings,
        no_quiz=_no_quiz(headings),
        duration=lesson.duration,
        topics=tuple(campaign.topic(t).title for t in lesson.topics),
        objectives=lesson.objectives,
        preparation=lesson.preparation,
        materials=materials,
        activities=lesson.activities,
        discussion=lesson.discussion,
        questions=questions,
        key=tuple(key_entry(n, q) for n, q in enumerate(questions, start=1)),
        wrap_up=lesson.wrap_up,
        help_intro=help_intro(audience),
        hotlines=ordered_hotlines(campaign),
    )


def numbered(section_ids: list[str]) -> dict[str, str]:
    """Return "I. MỤC TIÊU"-style headings, numbered in the order of the sections present."""
    return {key: f"{ROMAN[i]}. {SECTIONS[key]}" for i, key in enumerate(section_ids)}


def _no_quiz(headings: dict[str, str]) -> str:
    if "discussion" in headings:
        number = headings["discussion"].split(".", 1)[0]
        return f"Chưa có bộ câu hỏi cho đối tượng này: giáo viên dùng các câu hỏi thảo luận ở mục {number}."
    return "Chưa có bộ câu hỏi cho đối tượng này: giáo viên mời học sinh nhắc lại điều cần ghi nhớ của bài."


def quizzes_for(campaign: m.Campaign, audience_id: str) -> tuple[m.Quiz, ...]:
    """Return the quizzes written for an audience."""
    return tuple(q for q in campaign.quizzes if q.audience == audience_id)


def key_entry(number: int, question: m.Question) -> KeyEntry:
    """Return the right letter, choice and explanation of a question."""
    index = question.answer - 1
    return KeyEntry(number, LETTERS[index], question.choices[index], question.explanation)
