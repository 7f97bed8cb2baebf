"""RecipientProgress: what one recipient's reports add up to, kept so indicators read one row per
recipient instead of every activity report (1,000,000 reports nationally, 50,000 recipients)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from loa.web.dispatches.models import Delivery
from loa.web.reports.models import AUDIENCE_FIELDS


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

    class Meta:
        verbose_name = "tiến độ đơn vị nhận"
        verbose_name_plural = "tiến độ đơn vị nhận"

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.reports} báo cáo"

    @property
    def reached(self) -> int:
        return sum(int(getattr(self, name)) for name, _label in AUDIENCE_FIELDS)
