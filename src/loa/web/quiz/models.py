"""QuizResult (one anonymous completed quiz, by school/class code) and RateBucket (the API's limit)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from loa.web.units.models import OrgUnit


class QuizResult(models.Model):
    """One completed portal quiz: a score and a code, never a name or anything that identifies a child.

    `code` is a school code (an `OrgUnit.code`) optionally followed by "/" and a class, e.g.
    "27700-THCS/6A"; when the school part names a known unit the result lies in that unit's subtree.
    """

    scope_lookups: ClassVar[tuple[str, ...]] = ("unit__path",)

    submission_id = models.UUIDField(_("mã lượt nộp"), unique=True)
    quiz = models.SlugField(_("câu đố"), max_length=80)
    audience = models.SlugField(_("đối tượng"), max_length=80)
    code = models.CharField(_("mã trường/lớp"), max_length=64, db_index=True)
    unit = models.ForeignKey(
        OrgUnit, models.SET_NULL, null=True, blank=True, related_name="quiz_results", verbose_name=_("đơn vị")
    )
    score = models.PositiveSmallIntegerField(_("số câu đúng"))
    answers = models.PositiveSmallIntegerField(_("số câu trả lời"))
    received_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("kết quả câu đố")
        verbose_name_plural = _("kết quả câu đố")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(score__lte=models.F("answers")), name="quiz_score_le_answers"
            ),
        )

    def __str__(self) -> str:
        return f"{self.quiz} · {self.code} · {self.score}/{self.answers}"


class RateBucket(models.Model):
    """A token bucket per client (a keyed hash of the IP address, never the address itself)."""

    key = models.CharField(max_length=64, primary_key=True)
    tokens = models.FloatField()
    updated = models.FloatField(help_text="time.time() of the last refill")
