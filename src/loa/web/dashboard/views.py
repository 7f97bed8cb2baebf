"""The dashboard: rates, reach and laggards of a dispatch over the user's subtree, and a CSV export."""

from __future__ import annotations

import csv
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from loa.web.access.decorators import staff_required
from loa.web.access.scoping import get_scoped_or_404, scoped
from loa.web.dashboard import charts
from loa.web.dashboard import indicators as ind
from loa.web.dispatches.models import Delivery, Dispatch
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
    if dispatch is not None:
        context |= _dispatch_indicators(request, dispatch, today)
    return render(request, "dashboard/index.html", context)


def _dispatch_indicators(request: HttpRequest, dispatch: Dispatch, today: date) -> dict[str, object]:
    statuses = ind.recipient_statuses(scoped(Delivery.objects.filter(dispatch=dispatch), request.user))
    reports = scoped(ActivityReport.objects.filter(delivery__dispatch=dispatch), request.user)
    schools = scoped(
        OrgUnit.objects.filter(kind=UnitKind.SCHOOL, deliveries__dispatch=dispatch), request.user
    )
    areas = ind.rates_by_area(statuses)
    reach = ind.reach_by_audience(reports)
    return {
        "recipients": len(statuses),
        "acknowledged": ind.acknowledgement_rate(statuses),
        "reporting": ind.reporting_rate(statuses),
        "on_time": ind.on_time_rate(statuses),
        "schools": ind.schools_with_session(schools, reports),
        "levels": ind.rates_by_level(statuses),
        "areas": areas,
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
