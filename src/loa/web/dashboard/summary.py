"""Indicators of a dispatch over a subtree, counted in the database: a few GROUP BY queries over one
row per recipient (Delivery joined to RecipientProgress), whatever the number of activity reports.

The figures mean what `indicators` says (reported = a submitted or approved report; on time = the
first submission on or before the deadline); this module only decides where they are counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, StrIndex, Substr
from django.utils import timezone

from loa.web.dashboard.indicators import AreaRow, Rate, RecipientStatus
from loa.web.dashboard.models import RecipientProgress
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.reports.models import AUDIENCE_FIELDS
from loa.web.units.models import COMMUNE_KINDS, TERRITORIAL_KINDS, OrgUnit, UnitKind

REPORTED = Q(progress__first_submitted_at__isnull=False)
ACKNOWLEDGED = ExpressionWrapper(Q(acknowledged_at__isnull=False), output_field=BooleanField())


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


FIGURES = ("n", "ack", "rep", "ontime", "schools", "held", *(name for name, _label in AUDIENCE_FIELDS))


@dataclass(frozen=True)
class Overview:
    """The headline figures and the rates per area of a dispatch over a subtree."""

    totals: Totals
    areas: list[AreaRow]


def overview(deliveries: QuerySet[Delivery], dispatch: Dispatch, root: OrgUnit | None) -> Overview:
    """Count everything in one GROUP BY over the recipients, grouped by their ancestor two levels
    down (commune or provincial body) or deeper under a commune, then add the groups up here:
    the whole, each level (provincial bodies or communes), each area below `root`."""
    on_time = Q(progress__first_submitted_at__lt=deadline_end(dispatch))
    school = Q(unit__kind=UnitKind.SCHOOL)
    grouped = (
        deliveries.annotate(group=_group_key(max(2, (root.depth if root else 0) + 1)))
        .values("group")
        .annotate(
            n=Count("pk"),
            ack=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            rep=Count("pk", filter=REPORTED),
            ontime=Count("pk", filter=on_time),
            schools=Count("pk", filter=school),
            held=Count("pk", filter=school & Q(progress__class_sessions__gt=0)),
            **{name: Sum(f"progress__{name}", default=0) for name, _label in AUDIENCE_FIELDS},
        )
        .order_by()
    )
    rows = [(str(row["group"]), [int(row[f] or 0) for f in FIGURES]) for row in grouped]
    known = _paths_and_kinds(int(g) for g, _figures in rows if not g.startswith("/"))
    groups = [(_ids(g if g.startswith("/") else known[int(g)][0]), figures) for g, figures in rows]
    area_depth = root.depth if root else 0
    known |= _paths_and_kinds(
        ids[i] for ids, _ in groups for i in (1, area_depth) if i < len(ids) and ids[i] not in known
    )
    whole, communes = [0] * len(FIGURES), [0] * len(FIGURES)
    by_area: dict[int, list[int]] = {}
    for ids, figures in groups:
        _add(whole, figures)
        if len(ids) > 1 and known[ids[1]][1] in COMMUNE_KINDS:
            _add(communes, figures)
        area = ids[area_depth] if area_depth < len(ids) else ids[-1]
        if root is not None and (area not in known or known[area][1] not in TERRITORIAL_KINDS):
            area = root.pk
        _add(by_area.setdefault(area, [0] * len(FIGURES)), figures)
    units = OrgUnit.objects.in_bulk(list(by_area)) | ({root.pk: root} if root is not None else {})
    areas = [_area_row(units[pk], f, root) for pk, f in by_area.items()]
    return Overview(
        _totals(whole, communes), sorted(areas, key=lambda r: (r.reporting.percent or 0, r.area.name))
    )


def totals(deliveries: QuerySet[Delivery], dispatch: Dispatch) -> Totals:
    """Return the headline figures of the recipients (the overview's totals)."""
    return overview(deliveries, dispatch, None).totals


def rates_by_area(deliveries: QuerySet[Delivery], dispatch: Dispatch, root: OrgUnit | None) -> list[AreaRow]:
    """Return one row per area one level below `root` (provinces nationally, communes in a province);
    bodies that are not areas (a department) count in the root's own row. Lowest reporting first."""
    return overview(deliveries, dispatch, root).areas


def _paths_and_kinds(pks: Iterable[int]) -> dict[int, tuple[str, str]]:
    wanted = set(pks)
    if not wanted:
        return {}
    return {
        pk: (path, kind)
        for pk, path, kind in OrgUnit.objects.filter(pk__in=wanted).values_list("pk", "path", "kind")
    }


def _ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _add(into: list[int], figures: list[int]) -> None:
    for i, value in enumerate(figures):
        into[i] += value


def _area_row(area: OrgUnit, f: list[int], root: OrgUnit | None) -> AreaRow:
    n, rep, ontime = f[0], f[2], f[3]
    drillable = area != root and area.kind in TERRITORIAL_KINDS
    return AreaRow(area, n, Rate(rep, n), Rate(ontime, n), drillable=drillable)


def _totals(whole: list[int], communes: list[int]) -> Totals:
    n, ack, rep, ontime, schools, held, *reach = whole
    levels = [
        ("Cấp tỉnh", Rate(rep - communes[2], n - communes[0]), Rate(ontime - communes[3], n - communes[0])),
        ("Cấp xã", Rate(communes[2], communes[0]), Rate(communes[3], communes[0])),
    ]
    return Totals(
        recipients=n,
        acknowledged=Rate(ack, n),
        reporting=Rate(rep, n),
        on_time=Rate(ontime, n),
        schools=Rate(held, schools),
        levels=[level for level in levels if level[1].denominator],
        reach=[(label, value) for (_name, label), value in zip(AUDIENCE_FIELDS, reach, strict=True)],
    )


def _group_key(depth: int) -> Expression:
    """The recipient's ancestor at `depth`, as the pk of the unit itself or of its parent when they
    sit at that depth or one below (nearly every recipient: an integer, cheap to group by), else as
    its ancestor's path."""
    return Case(
        When(unit__depth__lte=depth, then=Cast("unit_id", CharField())),
        When(unit__depth=depth + 1, then=Cast("unit__parent_id", CharField())),
        default=ancestor_path(depth),
        output_field=CharField(),
    )


def ancestor_path(depth: int, field: str = "unit__path") -> Expression:
    """Return the path of a row's unit's ancestor at `depth` (its own path when it lies higher)."""
    end: Any = Value(1)
    for _level in range(depth):
        end = end + StrIndex(Substr(field, end + 1), Value("/"))
    return Substr(field, 1, end, output_field=CharField())


def unit_statuses(deliveries: QuerySet[Delivery], dispatch: Dispatch, *, limit: int) -> list[RecipientStatus]:
    """Return the status of each recipient (at most `limit`), silent ones first, in one query."""
    rows = (
        deliveries.select_related("unit")
        .annotate(first=F("progress__first_submitted_at"), counted=F("progress__reports"))
        .order_by(F("first").asc(nulls_first=True), "unit__name")[:limit]
    )
    return [_status(d, dispatch) for d in rows]


def lagging(deliveries: QuerySet[Delivery], dispatch: Dispatch, *, limit: int = 20) -> list[RecipientStatus]:
    """Return the recipients that have not reported, never-acknowledged first, then by name.

    Within one dispatch every silent recipient is equally late (the deadline is shared), so the
    ranking is by acknowledgement and name: a top-N sort in the database, first among those that
    never acknowledged (a few thousand nationally, not fifty), then, if places are left, the others.
    """
    reported = RecipientProgress.objects.filter(delivery=OuterRef("pk"), first_submitted_at__isnull=False)
    silent = (
        deliveries.filter(~Exists(reported))  # an anti-join: the planner then starts from the subtree
        .select_related("unit")
        .annotate(first=F("progress__first_submitted_at"), counted=F("progress__reports"))
        .order_by("unit__name", "pk")
    )
    rows = list(silent.filter(acknowledged_at__isnull=True)[:limit])
    if len(rows) < limit:
        rows += silent.filter(acknowledged_at__isnull=False)[: limit - len(rows)]
    return [_status(d, dispatch) for d in rows]


def _status(d: Any, dispatch: Dispatch) -> RecipientStatus:
    d.dispatch = dispatch
    return RecipientStatus(
        delivery=d,
        acknowledged=d.acknowledged_at is not None,
        first_submitted=timezone.localdate(d.first) if d.first else None,
        reports=d.counted or 0,
        deadline=dispatch.deadline,
    )
