"""The dashboard: rates, reach and laggards of a dispatch in the user's subtree; CSV, XLSX, DOCX exports."""

from __future__ import annotations

import csv
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from loa.web.access.decorators import staff_required
from loa.web.access.scoping import get_scoped_or_404, membership_of, scope_path, scoped
from loa.web.dashboard import charts, exports, learning, snapshot, summary
from loa.web.dashboard import indicators as ind
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.dispatches.views import DOCX
from loa.web.units.models import OrgUnit


@staff_required
def dashboard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    sent = scoped(Dispatch.objects.filter(status=Dispatch.Status.SENT), request.user)
    chosen = request.GET.get("cv", "")
    pk = pk or (int(chosen) if chosen.isdigit() else None)
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk) if pk else sent.first()
    today = timezone.localdate()
    context: dict[str, object] = {"dispatches": sent[:50], "dispatch": dispatch, "today": today}
    # Drill-down: ?dv=<unit> narrows every figure to that unit's subtree (province → commune → unit).
    focus = focus_of(request)
    context["focus"] = focus
    context["trail"] = _trail(request, focus)
    context["learning"] = learning.learning_rows(request.user, focus)
    if dispatch is not None:
        context |= _dispatch_indicators(request, dispatch, today, focus)
    return render(request, "dashboard/index.html", context)


def focus_of(request: HttpRequest) -> OrgUnit | None:
    """Return the unit the figures are narrowed to (`?dv=`), or None; 404 outside the user's subtree."""
    focus_pk = request.GET.get("dv", "")
    if not focus_pk.isdigit():
        return None
    unit: OrgUnit = get_scoped_or_404(OrgUnit.objects.all(), request.user, pk=int(focus_pk))
    return unit


def _root(request: HttpRequest, focus: OrgUnit | None) -> OrgUnit | None:
    """The unit whose subtree is in view: the focus, else the user's scope (None: the whole country)."""
    if focus is not None or getattr(request.user, "is_superuser", False):
        return focus
    membership = membership_of(request.user)
    return membership.scope if membership is not None else None


def _under(request: HttpRequest, focus: OrgUnit | None) -> dict[str, str]:
    """The subtree in view as a filter on the unit's path. `scoped` still applies; naming the
    prefix in the outer query as well lets the database start from the path index."""
    prefix = focus.path if focus is not None else scope_path(request.user)
    return {"unit__path__startswith": prefix} if prefix and prefix != "/" else {}


def _trail(request: HttpRequest, focus: OrgUnit | None) -> list[OrgUnit]:
    """The focus unit and those above it that the user may see, top first (the breadcrumb)."""
    if focus is None:
        return []
    return list(scoped(OrgUnit.objects.filter(pk__in=focus.ancestor_ids), request.user).order_by("depth"))


def _dispatch_indicators(
    request: HttpRequest, dispatch: Dispatch, today: date, focus: OrgUnit | None
) -> dict[str, object]:
    under, root = _under(request, focus), _root(request, focus)

    def count() -> tuple[summary.Overview, list[ind.RecipientStatus], list[ind.RecipientStatus]]:
        deliveries = scoped(Delivery.objects.filter(dispatch=dispatch, **under), request.user)
        seen = summary.overview(deliveries, dispatch, root)
        by_unit = summary.unit_statuses(deliveries, dispatch, limit=500) if len(seen.areas) <= 1 else []
        return seen, by_unit, summary.lagging(deliveries, dispatch)

    # What a user sees is the subtree under one path (the focus, else their scope): users who see
    # the same subtree share the cached figures, and nobody gets another subtree's.
    seen, by_unit, late = snapshot.remember(
        dispatch, (scope_path(request.user), under.get("unit__path__startswith"), root and root.pk), count
    )
    figures, areas = seen.totals, seen.areas
    return {
        "recipients": figures.recipients,
        "acknowledged": figures.acknowledged,
        "reporting": figures.reporting,
        "on_time": figures.on_time,
        "schools": figures.schools,
        "levels": figures.levels,
        "areas": areas,
        "by_unit": by_unit,
        "reach": figures.reach,
        "reach_total": figures.reach_total,
        "laggards": [(s, s.days_late(today)) for s in late],
        "export_query": f"?dv={focus.pk}" if focus else "",
        "area_chart": charts.bar_chart(
            [(r.area.name, r.reporting.percent or 0) for r in areas[:15]],
            title="Tỷ lệ đơn vị đã báo cáo theo địa bàn (%)",
            max_value=100,
            suffix="%",
            colour_by_value=True,
        ),
        "reach_chart": charts.bar_chart(figures.reach, title="Số người được tuyên truyền theo đối tượng"),
    }


@staff_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk)
    focus = focus_of(request)
    under = {"unit__path__startswith": focus.path} if focus else {}
    statuses = ind.recipient_statuses(
        scoped(Delivery.objects.filter(dispatch=dispatch, **under), request.user)
    )
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tien-do-cong-van-{dispatch.pk}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Vietnamese letters as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            "Mã đơn vị",
            "Đơn vị",
            "Đã nhận",
            "Đã báo cáo",
            "Ngày nộp đầu tiên",
            "Đúng hạn",
            "Số ngày trễ",
            "Số báo cáo",
        ]
    )
    for s in statuses:
        unit = s.delivery.unit
        writer.writerow(
            [
                unit.code,
                unit.name,
                "có" if s.acknowledged else "chưa",
                "có" if s.reported else "chưa",
                s.first_submitted.strftime("%d/%m/%Y") if s.first_submitted else "",
                "có" if s.on_time else "không",
                s.days_late(today),
                s.reports,
            ]
        )
    return response


@staff_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk)
    data = exports.render_xlsx(exports.progress(dispatch, request.user, focus=focus_of(request)))
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="tien-do-cong-van-{dispatch.pk}.xlsx"'
    return response


@staff_required
def export_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk)
    data = exports.render_report_docx(
        exports.progress(dispatch, request.user, focus=focus_of(request)), request.user
    )
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-cong-van-{dispatch.pk}.docx"'
    return response
