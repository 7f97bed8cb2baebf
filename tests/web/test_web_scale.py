"""National scale: the seeded tree is well formed, the database-side indicators agree with the
per-recipient arithmetic, the dashboard's query count does not grow with the data, and the exports
follow the drill-down without leaving the user's subtree."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from factories import create_dispatch, create_report, create_user, sign_in
from openpyxl import load_workbook

from loa.web.access.models import Role
from loa.web.access.scoping import scoped
from loa.web.dashboard import indicators as ind
from loa.web.dashboard import learning, progress, summary
from loa.web.dashboard.models import LearningTally, RecipientProgress
from loa.web.dashboard.seeding import SeedError, Sizes, seed
from loa.web.dispatches.models import Delivery
from loa.web.quiz.models import QuizResult
from loa.web.reports import flows
from loa.web.reports.models import ActivityReport
from loa.web.units.models import OrgUnit, UnitKind

pytestmark = pytest.mark.django_db
SMALL = Sizes(communes=40, units=400, activities=3000, quiz_results=300)


@pytest.fixture
def seeded(db):
    return seed(SMALL)


def test_the_seed_builds_a_tree_of_provinces_communes_and_units_with_true_paths(seeded) -> None:
    assert OrgUnit.objects.count() == SMALL.units == seeded.units
    assert OrgUnit.objects.filter(kind=UnitKind.PROVINCE).count() == 34
    communes = OrgUnit.objects.filter(kind__in=(UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE))
    assert communes.count() == SMALL.communes
    for unit in OrgUnit.objects.select_related("parent"):
        parent_path = unit.parent.path if unit.parent else "/"
        assert unit.path == f"{parent_path}{unit.pk}/" and unit.depth == unit.path.count("/") - 1
    assert ActivityReport.objects.count() == seeded.reports == SMALL.activities
    assert seeded.deliveries == Delivery.objects.filter(dispatch=seeded.dispatch).count()
    OrgUnit.objects.create(code="NEW", name="Đơn vị mới", kind=UnitKind.OTHER)  # ids continue after the seed


def test_the_seed_refuses_a_database_that_already_has_provinces(seeded) -> None:
    with pytest.raises(SeedError):
        seed(SMALL)


def test_kept_progress_equals_a_recount_from_the_reports(seeded) -> None:
    kept = {p.delivery_id: p for p in RecipientProgress.objects.all()}
    RecipientProgress.objects.all().delete()
    progress.rebuild(dispatch_id=seeded.dispatch.pk)
    for fresh in RecipientProgress.objects.all():
        old = kept[fresh.delivery_id]
        assert (old.first_submitted_at, old.reports, old.reached) == (
            fresh.first_submitted_at,
            fresh.reports,
            fresh.reached,
        )


@pytest.mark.parametrize("where", ["national", "province", "commune"])
def test_database_totals_agree_with_the_per_recipient_arithmetic(seeded, where) -> None:
    focus = {"national": None, "province": seeded.province, "commune": seeded.commune}[where]
    under = {"unit__path__startswith": focus.path} if focus else {}
    deliveries = Delivery.objects.filter(dispatch=seeded.dispatch, **under)
    statuses = ind.recipient_statuses(deliveries)
    reports = ActivityReport.objects.filter(delivery__dispatch=seeded.dispatch, **under)
    schools = OrgUnit.objects.filter(
        kind=UnitKind.SCHOOL,
        deliveries__dispatch=seeded.dispatch,
        path__startswith=focus.path if focus else "/",
    )
    figures = summary.totals(deliveries, seeded.dispatch)
    assert figures.recipients == len(statuses)
    assert figures.reporting == ind.reporting_rate(statuses)
    assert figures.on_time == ind.on_time_rate(statuses)
    assert figures.acknowledged == ind.acknowledgement_rate(statuses)
    assert figures.reach == ind.reach_by_audience(reports)
    assert figures.schools == ind.schools_with_session(schools, reports)
    assert figures.levels == ind.rates_by_level(statuses)
    silent = [s for s in statuses if not s.reported]
    ranked = sorted(silent, key=lambda s: (s.acknowledged, s.delivery.unit.name, s.delivery.pk))
    lagging = summary.lagging(deliveries, seeded.dispatch, limit=10_000)
    assert [s.delivery.pk for s in lagging] == [s.delivery.pk for s in ranked]


def test_areas_are_provinces_nationally_and_communes_inside_a_province(seeded) -> None:
    deliveries = Delivery.objects.filter(dispatch=seeded.dispatch)
    national = summary.rates_by_area(deliveries, seeded.dispatch, None)
    assert {r.area.kind for r in national} == {UnitKind.PROVINCE} and len(national) == 34
    assert sum(r.recipients for r in national) == deliveries.count()
    assert all(r.drillable for r in national)
    inside = deliveries.filter(unit__path__startswith=seeded.province.path)
    rows = summary.rates_by_area(inside, seeded.dispatch, seeded.province)
    own = [r for r in rows if r.area == seeded.province]
    assert len(own) == 1 and not own[0].drillable and own[0].recipients == 5  # the provincial bodies
    assert all(r.drillable and r.area.parent_id == seeded.province.pk for r in rows if r not in own)
    assert sum(r.recipients for r in rows) == inside.count()
    reference = {
        r.area.pk: (r.recipients, r.reporting) for r in ind.rates_by_area(ind.recipient_statuses(inside))
    }
    assert {r.area.pk: (r.recipients, r.reporting) for r in rows} == reference


@pytest.mark.parametrize("who", ["national_admin", "provincial_leader"])
def test_the_dashboard_takes_the_same_few_queries_at_every_level(
    client, seeded, who, django_assert_max_num_queries
) -> None:
    sign_in(client, getattr(seeded, who))
    d = seeded.dispatch.pk
    for query in ("", f"&dv={seeded.province.pk}", f"&dv={seeded.commune.pk}"):
        with django_assert_max_num_queries(25):
            response = client.get(f"/chi-so/?cv={d}{query}")
        assert response.status_code == 200
    page = client.get(f"/chi-so/?cv={d}").content.decode()
    if who == "national_admin":
        assert f'href="?cv={d}&amp;dv={seeded.province.pk}"' in page  # provinces link down nationally
    else:
        assert f'href="?cv={d}&amp;dv={seeded.commune.pk}"' in page  # communes inside the province


def test_the_provincial_leader_cannot_drill_into_another_province(client, seeded) -> None:
    other = OrgUnit.objects.filter(kind=UnitKind.PROVINCE).exclude(pk=seeded.province.pk).first()
    sign_in(client, seeded.provincial_leader)
    assert client.get(f"/chi-so/?cv={seeded.dispatch.pk}&dv={other.pk}").status_code == 404
    url = reverse("staff:export-xlsx", args=[seeded.dispatch.pk])
    assert client.get(f"{url}?dv={other.pk}").status_code == 404


def test_progress_follows_each_report_saved_submitted_and_deleted(tree) -> None:
    dispatch = create_dispatch(tree.issuer, units=[tree.school_long_an])
    delivery = dispatch.deliveries.get()
    report = create_report(delivery, children_11_15=30)
    assert RecipientProgress.objects.get(delivery=delivery).reports == 0  # a draft does not count
    flows.submit(report, by=None)
    kept = RecipientProgress.objects.get(delivery=delivery)
    assert kept.reports == 1 and kept.children_11_15 == 30 and kept.class_sessions == 1
    assert kept.first_submitted_at is not None
    report.delete()
    assert RecipientProgress.objects.get(delivery=delivery).reports == 0
    dispatch.delete()  # the cascade through reports and progress goes through
    assert not RecipientProgress.objects.exists()


def test_exports_cover_the_subtree_in_view_and_only_the_users_scope(client, tree) -> None:
    dispatch = create_dispatch(
        tree.issuer, units=[tree.education, tree.school_long_an, tree.police_long_an, tree.school_tan_an]
    )
    leader = create_user("lanhdao", role=Role.LEADER, unit=tree.tay_ninh)
    sign_in(client, leader)
    url = reverse("staff:export-xlsx", args=[dispatch.pk])
    whole = load_workbook(io.BytesIO(client.get(url).content))["Đơn vị"]
    assert whole.max_row - 1 == 4
    narrowed = load_workbook(io.BytesIO(client.get(f"{url}?dv={tree.long_an.pk}").content))
    codes = {row[0] for row in narrowed["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert codes == {"27700-THCS", "27700-CA"}
    assert ("Phạm vi số liệu", "Phường Long An") in {
        row[:2] for row in narrowed["Tổng hợp"].iter_rows(values_only=True)
    }
    report = client.get(reverse("staff:export-report", args=[dispatch.pk]) + f"?dv={tree.long_an.pk}")
    assert report.status_code == 200 and "Trường THCS Tân An".encode() not in report.content
    csv_text = client.get(reverse("staff:export-csv", args=[dispatch.pk]) + f"?dv={tree.long_an.pk}")
    assert "Tân An" not in csv_text.content.decode() and "Long An" in csv_text.content.decode()
    page = client.get(f"/chi-so/?cv={dispatch.pk}&dv={tree.long_an.pk}").content.decode()
    assert f"tien-do.xlsx?dv={tree.long_an.pk}" in page  # the export links carry the drill-down
    ward = create_user("phuong", role=Role.LEADER, unit=tree.tan_an)
    sign_in(client, ward)
    assert client.get(f"{url}?dv={tree.long_an.pk}").status_code == 404


def test_seed_scale_command_reports_what_it_made(db, capsys) -> None:
    call_command("seed_scale", communes=10, units=300, activities=500)
    out = capsys.readouterr().out
    assert "300 đơn vị" in out and "500 báo cáo hoạt động" in out


@pytest.mark.parametrize("who", ["national_admin", "provincial_leader"])
def test_the_learning_tally_plus_live_results_equals_counting_every_result(seeded, who) -> None:
    user = getattr(seeded, who)
    school = OrgUnit.objects.filter(kind=UnitKind.SCHOOL, path__startswith=seeded.province.path).first()
    for n in range(40):  # just received: not folded yet, read live
        QuizResult.objects.create(
            submission_id=uuid.uuid4(),
            quiz="tre-11-15",
            audience="tre-11-15",
            code=f"{school.code}/9A",
            unit=school,
            score=n % 10,
            answers=10,
        )

    def expected(focus=None):
        under = {"unit__path__startswith": focus.path} if focus else {}
        return ind.learning_by_code(scoped(QuizResult.objects.filter(**under), user), limit=50)

    assert learning.learning_rows(user) == expected()
    assert learning.learning_rows(user, seeded.province) == expected(seeded.province)
    assert learning.learning_rows(user)[0].code == f"{school.code}/9A"  # 40 results: the most
    learning.fold(now=timezone.now() + timedelta(hours=1))  # everything folded, nothing counted twice
    learning.fold(now=timezone.now() + timedelta(hours=2))
    assert learning.learning_rows(user) == expected()
    assert LearningTally.objects.filter(code=f"{school.code}/9A").get().results == 40


def test_cached_figures_change_as_soon_as_a_report_or_an_acknowledgement_comes_in(client, tree) -> None:
    from loa.web.dispatches import flows as dispatch_flows

    dispatch = create_dispatch(tree.issuer, units=[tree.school_long_an, tree.school_tan_an])
    leader = create_user("lanhdao", role=Role.LEADER, unit=tree.tay_ninh)
    sign_in(client, leader)
    url = f"/chi-so/?cv={dispatch.pk}"
    before = client.get(url).context
    assert before["reporting"] == ind.Rate(0, 2) and before["acknowledged"] == ind.Rate(0, 2)
    assert client.get(url).context["reporting"] == ind.Rate(0, 2)  # served again, from the cache
    delivery = dispatch.deliveries.get(unit=tree.school_long_an)
    flows.submit(create_report(delivery, children_11_15=12), by=None)
    after = client.get(url).context
    assert after["reporting"] == ind.Rate(1, 2) and after["reach_total"] == 12
    dispatch_flows.acknowledge(delivery, by=leader)
    assert client.get(url).context["acknowledged"] == ind.Rate(1, 2)


def test_users_of_different_subtrees_never_share_cached_figures(client, tree) -> None:
    dispatch = create_dispatch(tree.issuer, units=[tree.school_long_an, tree.school_tan_an])
    flows.submit(create_report(dispatch.deliveries.get(unit=tree.school_tan_an), parents=7), by=None)
    sign_in(client, create_user("tinh", role=Role.LEADER, unit=tree.tay_ninh))
    assert client.get(f"/chi-so/?cv={dispatch.pk}").context["recipients"] == 2
    sign_in(client, create_user("phuong", role=Role.LEADER, unit=tree.long_an))
    page = client.get(f"/chi-so/?cv={dispatch.pk}")
    assert page.context["recipients"] == 1 and page.context["reach_total"] == 0
    assert "Trường THCS Tân An" not in page.content.decode()


def test_units_deep_in_the_tree_count_in_their_commune(tree) -> None:
    from factories import create_unit

    club = create_unit("27700-THCS-CLB", "Câu lạc bộ An toàn mạng", UnitKind.OTHER, tree.school_long_an)
    dispatch = create_dispatch(
        tree.issuer, units=[club, tree.school_long_an, tree.education, tree.school_tan_an]
    )
    flows.submit(create_report(dispatch.deliveries.get(unit=club), others=3), by=None)
    deliveries = Delivery.objects.filter(dispatch=dispatch)
    rows = {
        r.area.name: (r.recipients, r.reporting)
        for r in summary.rates_by_area(deliveries, dispatch, tree.tay_ninh)
    }
    expected = {
        r.area.name: (r.recipients, r.reporting)
        for r in ind.rates_by_area(ind.recipient_statuses(deliveries))
    }
    assert rows == expected and rows["Phường Long An"] == (2, ind.Rate(1, 2))
