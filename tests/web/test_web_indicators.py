"""Indicator arithmetic: reporting and on-time rates, areas and levels, reach, schools, laggards."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from factories import create_dispatch, create_report

from loa.web.dashboard import indicators as ind
from loa.web.dashboard.charts import bar_chart
from loa.web.dispatches.models import Delivery
from loa.web.reports.models import ActivityKind, ActivityReport
from loa.web.units.models import OrgUnit, UnitKind

pytestmark = pytest.mark.django_db
S = ActivityReport.Status
ISSUED = date(2026, 3, 2)  # deadline 30 days later: 01/04/2026


@pytest.fixture
def statuses(tree):
    units = [
        tree.education,
        tree.school_long_an,
        tree.primary_long_an,
        tree.police_long_an,
        tree.school_tan_an,
    ]
    dispatch = create_dispatch(tree.issuer, issued_on=ISSUED, units=units)
    deliveries = {d.unit.code: d for d in dispatch.deliveries.select_related("unit")}
    create_report(
        deliveries["27700-THCS"],
        status=S.APPROVED,
        submitted_on=ISSUED + timedelta(days=30),
        children_11_15=100,
        parents=20,
    )  # on the deadline day: on time
    create_report(
        deliveries["27700-THCS"],
        status=S.SUBMITTED,
        submitted_on=ISSUED + timedelta(days=40),
        kind=ActivityKind.MEETING,
        parents=5,
    )  # a later second report does not change on-time
    create_report(
        deliveries["27700-TH"], status=S.SUBMITTED, submitted_on=ISSUED + timedelta(days=31), children_6_10=50
    )  # one day late
    create_report(deliveries["27700-CA"], status=S.DRAFT, others=999)  # drafts do not count
    create_report(
        deliveries["80-SGDDT"], status=S.RETURNED, submitted_on=ISSUED + timedelta(days=2), teachers=7
    )  # returned: not counted until submitted again
    Delivery.objects.filter(unit__code__in=["27700-THCS", "80-SGDDT"]).update(
        acknowledged_at=timezone.make_aware(datetime.combine(ISSUED, time(9)))
    )
    return ind.recipient_statuses(dispatch.deliveries.all()), dispatch


def test_rates_count_every_recipient_in_the_denominator(statuses) -> None:
    items, _ = statuses
    assert ind.reporting_rate(items) == ind.Rate(2, 5)
    assert ind.on_time_rate(items) == ind.Rate(1, 5)
    assert ind.acknowledgement_rate(items) == ind.Rate(2, 5)
    assert str(ind.Rate(1, 3)) == "33,3%" and str(ind.Rate(0, 0)) == "—"


def test_days_late_count_from_the_deadline_to_the_first_submission_or_today(statuses) -> None:
    items, dispatch = statuses
    by_code = {s.delivery.unit.code: s for s in items}
    assert dispatch.deadline == date(2026, 4, 1)
    assert by_code["27700-THCS"].days_late(date(2026, 6, 1)) == 0
    assert by_code["27700-TH"].days_late(date(2026, 6, 1)) == 1
    assert by_code["27700-CA"].days_late(date(2026, 4, 11)) == 10
    assert by_code["27700-CA"].days_late(date(2026, 3, 20)) == 0


def test_areas_group_recipients_by_commune_and_provincial_bodies_by_province(statuses, tree) -> None:
    items, _ = statuses
    rows = {r.area.name: (r.recipients, r.reporting, r.on_time) for r in ind.rates_by_area(items)}
    assert rows == {
        "Phường Long An": (3, ind.Rate(2, 3), ind.Rate(1, 3)),
        "Phường Tân An": (1, ind.Rate(0, 1), ind.Rate(0, 1)),
        "Tỉnh Tây Ninh": (1, ind.Rate(0, 1), ind.Rate(0, 1)),
    }
    assert ind.rates_by_level(items) == [
        ("Cấp tỉnh", ind.Rate(0, 1), ind.Rate(0, 1)),
        ("Cấp xã", ind.Rate(2, 4), ind.Rate(1, 4)),
    ]


def test_laggards_are_the_silent_most_overdue_first_then_never_acknowledged(statuses) -> None:
    items, _ = statuses
    names = [s.delivery.unit.name for s in ind.laggards(items, today=date(2026, 5, 1))]
    assert names == ["Công an phường Long An", "Trường THCS Tân An", "Sở Giáo dục và Đào tạo tỉnh Tây Ninh"]


def test_reach_sums_submitted_and_approved_reports_only(statuses) -> None:
    _, dispatch = statuses
    reach = dict(ind.reach_by_audience(ActivityReport.objects.filter(delivery__dispatch=dispatch)))
    assert reach["Trẻ em 11–15 tuổi"] == 100 and reach["Trẻ em 6–10 tuổi"] == 50
    assert (
        reach["Cha mẹ, người chăm sóc trẻ"] == 25 and reach["Đối tượng khác"] == 0 and reach["Giáo viên"] == 0
    )


def test_share_of_schools_holding_a_class_session(statuses, tree) -> None:
    schools = OrgUnit.objects.filter(kind=UnitKind.SCHOOL, path__startswith=tree.tay_ninh.path)
    assert ind.schools_with_session(schools, ActivityReport.objects.all()) == ind.Rate(2, 3)


def test_the_chart_escapes_labels_and_scales_bars() -> None:
    svg = bar_chart([("<b>Phường</b>", 50.0), ("Xã", 100.0)], title="Tỷ lệ", max_value=100, suffix="%")
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert 'width="150.0"' in svg and 'width="300.0"' in svg and "100%" in svg and 'role="img"' in svg


def test_the_dashboard_drills_down_from_province_to_commune_to_unit(client, login, tree) -> None:
    from factories import create_user

    from loa.web.access.models import Role

    dispatch = create_dispatch(
        tree.issuer, units=[tree.education, tree.school_long_an, tree.police_long_an, tree.school_tan_an]
    )
    delivery = dispatch.deliveries.get(unit=tree.school_long_an)
    create_report(delivery, status=S.SUBMITTED, submitted_on=timezone.localdate(), children_11_15=40)
    login(create_user("lanhdao", role=Role.LEADER, unit=tree.tay_ninh))
    page = client.get(f"/chi-so/?cv={dispatch.pk}").content.decode()
    assert f'href="?cv={dispatch.pk}&amp;dv={tree.long_an.pk}"' in page  # each commune links down
    page = client.get(f"/chi-so/?cv={dispatch.pk}&dv={tree.long_an.pk}").content.decode()
    assert 'aria-current="page">Phường Long An<' in page  # the breadcrumb
    assert "Từng đơn vị nhận" in page and f'href="/don-vi/{tree.police_long_an.pk}/"' in page
    assert "Trường THCS Tân An" not in page and "Sở Giáo dục" not in page  # outside the commune
    assert ">50,0%<" in page and ">40<" in page  # 1 of 2 reported; reach only of Long An
    ward = create_user("phuong", role=Role.LEADER, unit=tree.tan_an)
    login(ward)
    assert client.get(f"/chi-so/?cv={dispatch.pk}&dv={tree.long_an.pk}").status_code == 404
