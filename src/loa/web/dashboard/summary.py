"""Indicators of a dispatch over a subtree, counted in the database: a few GROUP BY queries over one
row per recipient (Delivery joined to RecipientProgress), whatever the number of activity reports.

The figures mean what `indicators` says (reported = a submitted or approved report; on time = the
first submission on or before the deadline); this module only decides where they are counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone

from loa.web.dashboard.indicators import AreaRow, Rate
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.reports.models import AUDIENCE_FIELDS
from loa.web.units.models import COMMUNE_KINDS, TERRITORIAL_KINDS, OrgUnit, UnitKind

REPORTED = Q(progress__first_submitted_at__isnull=False)
ACKNOWLEDGED = ExpressionWrapper(Q(acknowledged_at__isnull=False), output_field=BooleanField())
COMMUNE_LEVEL = Q(unit__kind__in=COMMUNE_KINDS) | Q(unit__parent__kind__in=COMMUNE_KINDS)


@dataclass(frozen=True)
class Totals:
    """The headline figures of a dispatch over a subtree."""

    recipients: int
    acknowledged: Rate
    reporting: Rate
    on_time: Rate
    schools: Rate
    levels: list[tuple[str, Rate, Rate]]
    reach: list[tuple[str, int]]

    @property
    def reach_total(self) -> int:
        return sum(value for _label, value in self.reach)


def deadline_end(dispatch: Dispatch) -> datetime:
    """Return the first instant after the deadline day, in the app's time zone."""
    return timezone.make_aware(datetime.combine(dispatch.deadline + timedelta(days=1), time()))


def totals(deliveries: QuerySet[Delivery], dispatch: Dispatch) -> Totals:
    """Return the headline figures in one aggregate query."""
    on_time = Q(progress__first_submitted_at__lt=deadline_end(dispatch))
    school = Q(unit__kind=UnitKind.SCHOOL)
    row = deliveries.aggregate(
        n=Count("pk"),
        ack=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        rep=Count("pk", filter=REPORTED),
        ontime=Count("pk", filter=on_time),
        schools=Count("pk", filter=school),
        held=Count("pk", filter=school & Q(progress__class_sessions__gt=0)),
        commune=Count("pk", filter=COMMUNE_LEVEL),
        commune_rep=Count("pk", filter=COMMUNE_LEVEL & REPORTED),
        commune_ontime=Count("pk", filter=COMMUNE_LEVEL & on_time),
        **{name: Sum(f"progress__{name}", default=0) for name, _label in AUDIENCE_FIELDS},
    )
    n, commune = row["n"], row["commune"]
    levels = [
        (
            "Cấp tỉnh",
            Rate(row["rep"] - row["commune_rep"], n - commune),
            Rate(row["ontime"] - row["commune_ontime"], n - commune),
        ),
        ("Cấp xã", Rate(row["commune_rep"], commune), Rate(row["commune_ontime"], commune)),
    ]
    return Totals(
        recipients=n,
        acknowledged=Rate(row["ack"], n),
        reporting=Rate(row["rep"], n),
        on_time=Rate(row["ontime"], n),
        schools=Rate(row["held"], row["schools"]),
        levels=[level for level in levels if level[1].denominator],
        reach=[(label, int(row[name] or 0)) for name, label in AUDIENCE_FIELDS],
    )


def ancestor_path(depth: int, field: str = "unit__path") -> Expression:
    """Return the path of a row's unit's ancestor at `depth` (its own path when it lies higher)."""
    end: Any = Value(1)
    for _level in range(depth):
        end = end + StrIndex(Substr(field, end + 1), Value("/"))
    return Substr(field, 1, end, output_field=CharField())


def rates_by_area(deliveries: QuerySet[Delivery], dispatch: Dispatch, root: OrgUnit | None) -> list[AreaRow]:
    """Return one row per area one level below `root` (provinces nationally, communes in a province);
    bodies that are not areas (a department) count in the root's own row. Lowest reporting first."""
    on_time = Q(progress__first_submitted_at__lt=deadline_end(dispatch))
    grouped = (
        deliveries.annotate(area_path=ancestor_path(root.depth + 1 if root else 1))
        .values("area_path")
        .annotate(n=Count("pk"), rep=Count("pk", filter=REPORTED), ontime=Count("pk", filter=on_time))
        .order_by()
    )
    counts = {r["area_path"]: (r["n"], r["rep"], r["ontime"]) for r in grouped}
    units = {u.path: u for u in OrgUnit.objects.filter(pk__in=[_last_id(p) for p in counts])}
    merged: dict[int, tuple[OrgUnit, list[int]]] = {}
    for path, figures in counts.items():
        area = units[path]
        if area.kind not in TERRITORIAL_KINDS and root is not None:
            area = root
        _area, sums = merged.setdefault(area.pk, (area, [0, 0, 0]))
        for i, value in enumerate(figures):
            sums[i] += value
    rows = [
        AreaRow(
            area, n, Rate(rep, n), Rate(ontime, n), drillable=area != root and area.kind in TERRITORIAL_KINDS
        )
        for area, (n, rep, ontime) in merged.values()
    ]
    return sorted(rows, key=lambda r: (r.reporting.percent or 0, r.area.name))


def _last_id(path: str) -> int:
    return int(path.rstrip("/").rsplit("/", 1)[-1])


@dataclass(frozen=True)
class UnitStatus:
    """Where one recipient stands, read from its delivery and progress rows."""

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
        end = self.first_submitted or today
        return max(0, (end - self.deadline).days)


def unit_statuses(deliveries: QuerySet[Delivery], dispatch: Dispatch, *, limit: int) -> list[UnitStatus]:
    """Return the status of each recipient (at most `limit`), silent ones first, in one query."""
    rows = (
        deliveries.select_related("unit")
        .annotate(first=F("progress__first_submitted_at"), counted=F("progress__reports"))
        .order_by(F("first").asc(nulls_first=True), "unit__name")[:limit]
    )
    return [_status(d, dispatch) for d in rows]


def lagging(deliveries: QuerySet[Delivery], dispatch: Dispatch, *, limit: int = 20) -> list[UnitStatus]:
    """Return the recipients that have not reported, never-acknowledged first, then by name.

    Within one dispatch every silent recipient is equally late (the deadline is shared), so the
    ranking is by acknowledgement and name: a top-N sort in the database.
    """
    rows = (
        deliveries.filter(~REPORTED)
        .select_related("unit")
        .annotate(first=F("progress__first_submitted_at"), counted=F("progress__reports"))
        .order_by(ACKNOWLEDGED.asc(), "unit__name", "pk")[:limit]
    )
    return [_status(d, dispatch) for d in rows]


def _status(d: Any, dispatch: Dispatch) -> UnitStatus:
    d.dispatch = dispatch
    return UnitStatus(
        delivery=d,
        acknowledged=d.acknowledged_at is not None,
        first_submitted=timezone.localdate(d.first) if d.first else None,
        reports=d.counted or 0,
        deadline=dispatch.deadline,
    )
