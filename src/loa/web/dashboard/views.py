"""The dashboard: rates, reach and laggards of a dispatch in the user's subtree; CSV, XLSX, DOCX exports."""

from __future__ import annotations

import csv
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from loa.web.access.decorators import staff_required
from loa.web.access.scoping import get_scoped_or_404, scoped
from loa.web.dashboard import charts, exports
from loa.web.dashboard import indicators as ind
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.dispatches.views import DOCX
from loa.web.quiz.models import QuizResult
from loa.web.reports.models import ActivityReport
from loa.web.units.models import OrgUnit, UnitKind


@staff_required
def dashboard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    sent = scoped(Dispatch.objects.filter(status=Dispatch.Status.SENT), request.user)
    chosen = request.GET.get("cv", "")
    pk = pk or (int(chosen) if chosen.isdigit() else None)
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk) if pk else sent.first()
    today = timezone.localdate()
    context: dict[str, object] = {"dispatches": sent[:50], "dispatch": dispatch, "today": today}
    # Drill-down: ?dv=<unit> narrows every figure to that unit's subtree (province → commune → unit).
    focus_pk = request.GET.get("dv", "")
    focus = (
        get_scoped_or_404(OrgUnit.objects.all(), request.user, pk=int(focus_pk))
        if focus_pk.isdigit()
        else None
    )
    under = {"unit__path__startswith": focus.path} if focus else {}
    context["focus"] = focus
    context["trail"] = _trail(request, focus)
    context["learning"] = ind.learning_by_code(scoped(QuizResult.objects.filter(**under), request.user))
    if dispatch is not None:
        context |= _dispatch_indicators(request, dispatch, today, under)
    return render(request, "dashboard/index.html", context)


def _trail(request: HttpRequest, focus: OrgUnit | None) -> list[OrgUnit]:
    """The focus unit and those above it that the user may see, top first (the breadcrumb)."""
    if focus is None:
        return []
    return list(scoped(OrgUnit.objects.filter(pk__in=focus.ancestor_ids), request.user).order_by("depth"))


def _dispatch_indicators(
    request: HttpRequest, dispatch: Dispatch, today: date, under: dict[str, str]
) -> dict[str, object]:
    statuses = ind.recipient_statuses(
        scoped(Delivery.objects.filter(dispatch=dispatch, **under), request.user)
    )
    reports = scoped(ActivityReport.objects.filter(delivery__dispatch=dispatch, **under), request.user)
    schools = scoped(
        OrgUnit.objects.filter(
            kind=UnitKind.SCHOOL,
            deliveries__dispatch=dispatch,
            **{k.removeprefix("unit__"): v for k, v in under.items()},
        ),
        request.user,
    )
    areas = ind.rates_by_area(statuses)
    by_unit = sorted(statuses, key=lambda s: (s.reported, s.on_time, s.delivery.unit.name))
    reach = ind.reach_by_audience(reports)
    return {
        "recipients": len(statuses),
        "acknowledged": ind.acknowledgement_rate(statuses),
        "reporting": ind.reporting_rate(statuses),
        "on_time": ind.on_time_rate(statuses),
        "schools": ind.schools_with_session(schools, reports),
        "levels": ind.rates_by_level(statuses),
        "areas": areas,
        "by_unit": by_unit if len(areas) <= 1 else [],
        "reach": reach,
        "reach_total": sum(v for _, v in reach),
        "laggards": [(s, s.days_late(today)) for s in ind.laggards(statuses, today=today)],
        "area_chart": charts.bar_chart(
            [(r.area.name, r.reporting.percent or 0) for r in areas[:15]],
            title="Tỷ lệ đơn vị đã báo cáo theo địa bàn (%)",
            max_value=100,
            suffix="%",
            colour_by_value=True,
        ),
        "reach_chart": charts.bar_chart(reach, title="Số người được tuyên truyền theo đối tượng"),
    }


@staff_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk)
    statuses = ind.recipient_statuses(scoped(Delivery.objects.filter(dispatch=dispatch), request.user))
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
    data = exports.render_xlsx(exports.progress(dispatch, request.user))
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="tien-do-cong-van-{dispatch.pk}.xlsx"'
    return response


@staff_required
def export_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_scoped_or_404(Dispatch.objects.all(), request.user, pk=pk)
    data = exports.render_report_docx(exports.progress(dispatch, request.user), request.user)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-cong-van-{dispatch.pk}.docx"'
    return response
