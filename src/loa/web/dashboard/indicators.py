"""Indicators of a dispatch, counted over the deliveries and reports a user may see.

A recipient has *reported* when one of its reports for the dispatch is submitted or approved; it
reported *on time* when its first submission is on or before the deadline (the dispatch date plus
the given days). Both rates have every recipient as denominator, so silence counts against them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from loa.web.dispatches.models import Delivery
from loa.web.reports.models import AUDIENCE_FIELDS, ActivityKind, ActivityReport
from loa.web.units.models import COMMUNE_KINDS, OrgUnit, UnitKind

COUNTED = (ActivityReport.Status.SUBMITTED, ActivityReport.Status.APPROVED)


@dataclass(frozen=True)
class Rate:
    """A share with its numerator and denominator (empty when there is nothing to count)."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return None if self.denominator == 0 else 100 * self.numerator / self.denominator

    def __str__(self) -> str:
        p = self.percent
        return "—" if p is None else f"{p:.1f}".replace(".", ",") + "%"


@dataclass(frozen=True)
class RecipientStatus:
    """Where one recipient stands on one dispatch."""

    delivery: Delivery
    acknowledged: bool
    first_submitted: date | None
    reports: int
    deadline: date

    @property
    def reported(self) -> bool:
        return self.first_submitted is not None

    @property
    def on_time(self) -> bool:
        return self.first_submitted is not None and self.first_submitted <= self.deadline

    def days_late(self, today: date) -> int:
        """Return the days past the deadline: until the first submission, or until today without one."""
        end = self.first_submitted or today
        return max(0, (end - self.deadline).days)


def recipient_statuses(deliveries: QuerySet[Delivery]) -> list[RecipientStatus]:
    """Return the status of each delivery, in two queries whatever the number of recipients.

    The dispatch is fetched once and shared, not joined into every row: its body and pack manifest
    are most of a row's bytes, and a national dispatch has 50,000 recipients."""
    rows = (
        deliveries.select_related("unit")
        .prefetch_related("dispatch")
        .annotate(
            first_submission=Min("reports__submitted_at", filter=Q(reports__status__in=COUNTED)),
            counted_reports=Count("reports", filter=Q(reports__status__in=COUNTED)),
        )
    )
    return [
        RecipientStatus(
            delivery=d,
            acknowledged=d.acknowledged_at is not None,
            first_submitted=timezone.localdate(d.first_submission) if d.first_submission else None,
            reports=d.counted_reports,
            deadline=d.dispatch.deadline,
        )
        for d in rows
    ]


def reporting_rate(statuses: Iterable[RecipientStatus]) -> Rate:
    items = list(statuses)
    return Rate(sum(s.reported for s in items), len(items))


def on_time_rate(statuses: Iterable[RecipientStatus]) -> Rate:
    items = list(statuses)
    return Rate(sum(s.on_time for s in items), len(items))


def acknowledgement_rate(statuses: Iterable[RecipientStatus]) -> Rate:
    items = list(statuses)
    return Rate(sum(s.acknowledged for s in items), len(items))


@dataclass(frozen=True)
class AreaRow:
    """The rates of the recipients in one area: a commune, or the province level itself."""

    area: OrgUnit
    recipients: int
    reporting: Rate
    on_time: Rate
    drillable: bool = False  # an area below the one in view (a link down), not the view's own bodies


def area_of(unit: OrgUnit, units: dict[int, OrgUnit]) -> OrgUnit:
    """Return the commune a unit lies in, or its province for provincial bodies."""
    ids = unit.ancestor_ids
    if len(ids) >= 2 and ids[1] in units and units[ids[1]].kind in COMMUNE_KINDS:
        return units[ids[1]]
    return units.get(ids[0], unit)


def rates_by_area(statuses: list[RecipientStatus]) -> list[AreaRow]:
    """Return one row per area, the lowest reporting rate first."""
    ancestor_ids = {i for s in statuses for i in s.delivery.unit.ancestor_ids[:2]}
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ancestor_ids)}
    grouped: dict[int, list[RecipientStatus]] = defaultdict(list)
    areas: dict[int, OrgUnit] = {}
    for status in statuses:
        area = area_of(status.delivery.unit, units)
        areas[area.pk] = area
        grouped[area.pk].append(status)
    rows = [
        AreaRow(
            areas[pk],
            len(items),
            reporting_rate(items),
            on_time_rate(items),
            drillable=areas[pk].kind != UnitKind.PROVINCE,
        )
        for pk, items in grouped.items()
    ]
    return sorted(rows, key=lambda r: (r.reporting.percent or 0, r.area.name))


def rates_by_level(statuses: list[RecipientStatus]) -> list[tuple[str, Rate, Rate]]:
    """Return (level, reporting rate, on-time rate) for provincial bodies and for the commune level."""
    rows = rates_by_area(statuses)
    levels: dict[str, list[AreaRow]] = {"Cấp tỉnh": [], "Cấp xã": []}
    for row in rows:
        levels["Cấp tỉnh" if row.area.kind == UnitKind.PROVINCE else "Cấp xã"].append(row)
    return [
        (
            name,
            Rate(sum(r.reporting.numerator for r in items), sum(r.recipients for r in items)),
            Rate(sum(r.on_time.numerator for r in items), sum(r.recipients for r in items)),
        )
        for name, items in levels.items()
        if items
    ]


def laggards(statuses: list[RecipientStatus], *, today: date, limit: int = 20) -> list[RecipientStatus]:
    """Return the recipients that have not reported, most overdue first, then those never acknowledging."""
    waiting = [s for s in statuses if not s.reported]
    return sorted(waiting, key=lambda s: (-s.days_late(today), s.acknowledged, s.delivery.unit.name))[:limit]


def reach_by_audience(reports: QuerySet[ActivityReport]) -> list[tuple[str, int]]:
    """Return the people reached per audience over submitted and approved reports."""
    totals = reports.filter(status__in=COUNTED).aggregate(**{name: Sum(name) for name, _ in AUDIENCE_FIELDS})
    return [(label, int(totals[name] or 0)) for name, label in AUDIENCE_FIELDS]


def schools_with_session(schools: QuerySet[OrgUnit], reports: QuerySet[ActivityReport]) -> Rate:
    """Return the share of schools that held at least one class session: the periodic education
    schools owe their pupils (Decree 56/2017, Article 34.2)."""
    held = reports.filter(status__in=COUNTED, kind=ActivityKind.CLASS_SESSION, unit__in=schools)
    return Rate(held.values("unit").distinct().count(), schools.count())


@dataclass(frozen=True)
class LearningRow:
    """Anonymous quiz results of one school/class code on one quiz."""

    code: str
    quiz: str
    results: int
    correct: Rate  # correct answers over answers given, over every result

    @property
    def average_percent(self) -> float | None:
        return self.correct.percent


def learning_by_code(results: QuerySet[Any], *, limit: int = 50) -> list[LearningRow]:
    """Return the average score and number of results per school/class code and quiz, most results first."""
    rows = (
        results.values("code", "quiz")
        .annotate(n=Count("pk"), right=Sum("score"), given=Sum("answers"))
        .order_by("-n", "code", "quiz")[:limit]
    )
    return [LearningRow(r["code"], r["quiz"], r["n"], Rate(int(r["right"]), int(r["given"]))) for r in rows]
