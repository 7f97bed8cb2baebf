"""RecipientProgress and LearningTally: what one recipient's reports, and one class's quiz results, add
up to, kept so indicators read one row per recipient or class code instead of every report or
result (1,000,000 reports and 50,000 recipients nationally)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from loa.web.dispatches.models import Delivery
from loa.web.reports.models import AUDIENCE_FIELDS
from loa.web.units.models import OrgUnit


class RecipientProgress(models.Model):
    """The counted (submitted or approved) reports of one delivery, refreshed whenever one changes."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("delivery__unit__path",)

    delivery = models.OneToOneField(Delivery, models.CASCADE, primary_key=True, related_name="progress")
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    reports = models.PositiveIntegerField(default=0)
    class_sessions = models.PositiveIntegerField(default=0)
    children_under_6 = models.PositiveBigIntegerField(default=0)
    children_6_10 = models.PositiveBigIntegerField(default=0)
    children_11_15 = models.PositiveBigIntegerField(default=0)
    children_16_17 = models.PositiveBigIntegerField(default=0)
    parents = models.PositiveBigIntegerField(default=0)
    teachers = models.PositiveBigIntegerField(default=0)
    others = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)  # the dashboard cache's fingerprint

    class Meta:
        verbose_name = "tiến độ đơn vị nhận"
        verbose_name_plural = "tiến độ đơn vị nhận"

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.reports} báo cáo"

    @property
    def reached(self) -> int:
        return sum(int(getattr(self, name)) for name, _label in AUDIENCE_FIELDS)


class LearningTally(models.Model):
    """Quiz results of one school/class code and quiz, summed up to the watermark's time: the
    learning indicator then reads one row per code instead of every result."""

    scope_lookups: ClassVar[tuple[str, ...]] = ("unit__path",)

    code = models.CharField(max_length=64)
    quiz = models.SlugField(max_length=80)
    unit = models.ForeignKey(OrgUnit, models.SET_NULL, null=True, blank=True, related_name="+")
    results = models.PositiveIntegerField(default=0)
    score = models.PositiveBigIntegerField(default=0)
    answers = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("code", "quiz"), name="one_tally_per_code_and_quiz"),)
        indexes = (models.Index(fields=("-results", "code", "quiz"), name="tally_most_results_first"),)
        verbose_name = "tổng hợp câu đố"
        verbose_name_plural = "tổng hợp câu đố"

    def __str__(self) -> str:
        return f"{self.code} · {self.quiz}: {self.results}"


class LearningWatermark(models.Model):
    """The one row saying up to when quiz results have been folded into LearningTally."""

    folded_until = models.DateTimeField()
    # The smallest id of the results not folded when the fold ran: the live part starts there, so
    # reading it is a range scan of the primary key.
    live_from_id = models.BigIntegerField(default=0)
