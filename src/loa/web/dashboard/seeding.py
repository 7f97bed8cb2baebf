"""A national-scale data set for measuring the dashboard: the official 34 provinces and their
communes, schools and other bodies under them, one national dispatch to all of them,
acknowledgements, activity reports and anonymous quiz results.

Rows go in with COPY on PostgreSQL (about a minute for a million reports) and with bulk_create
elsewhere; the random choices are seeded, so one size always gives the same data.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from loa.web.access.models import Membership, Role
from loa.web.dashboard import learning, progress
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.quiz.models import QuizResult
from loa.web.reports.models import ActivityKind, ActivityReport
from loa.web.units.divisions import official_divisions
from loa.web.units.models import COMMUNE_KINDS, OrgUnit, SchoolLevel, UnitKind

ISSUED_ON = date(2026, 3, 2)
PROVINCE_BODIES = (
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", UnitKind.DEPARTMENT),
    ("SGDDT", "Sở Giáo dục và Đào tạo", UnitKind.DEPARTMENT),
    ("CAT", "Công an", UnitKind.POLICE),
    ("BAO", "Báo", UnitKind.PRESS),
    ("PTTH", "Đài Phát thanh và Truyền hình", UnitKind.BROADCASTER),
)
# Bodies of a commune, in the order they are added until the unit budget is spent.
COMMUNE_BODIES = (
    ("MN", "Trường Mầm non", UnitKind.SCHOOL, SchoolLevel.PRESCHOOL),
    ("TH", "Trường Tiểu học", UnitKind.SCHOOL, SchoolLevel.PRIMARY),
    ("THCS", "Trường THCS", UnitKind.SCHOOL, SchoolLevel.LOWER_SECONDARY),
    ("CA", "Công an", UnitKind.POLICE, ""),
    ("TH2", "Trường Tiểu học số 2", UnitKind.SCHOOL, SchoolLevel.PRIMARY),
    ("MN2", "Trường Mầm non số 2", UnitKind.SCHOOL, SchoolLevel.PRESCHOOL),
    ("VH", "Trung tâm Văn hóa - Thể thao", UnitKind.CULTURE_CENTRE, ""),
    ("DTN", "Đoàn Thanh niên", UnitKind.SOCIAL_ORG, ""),
    ("HPN", "Hội Liên hiệp Phụ nữ", UnitKind.SOCIAL_ORG, ""),
    ("THPT", "Trường THPT", UnitKind.SCHOOL, SchoolLevel.UPPER_SECONDARY),
    ("TH3", "Trường Tiểu học số 3", UnitKind.SCHOOL, SchoolLevel.PRIMARY),
    ("MN3", "Trường Mầm non số 3", UnitKind.SCHOOL, SchoolLevel.PRESCHOOL),
    ("THCS2", "Trường THCS số 2", UnitKind.SCHOOL, SchoolLevel.LOWER_SECONDARY),
    ("YT", "Trạm Y tế", UnitKind.OTHER, ""),
    ("MTTQ", "Ủy ban MTTQ", UnitKind.SOCIAL_ORG, ""),
    ("DN", "Doanh nghiệp viễn thông", UnitKind.BUSINESS, ""),
)
KINDS = list(ActivityKind.values)
AUDIENCES = (
    "children_under_6",
    "children_6_10",
    "children_11_15",
    "children_16_17",
    "parents",
    "teachers",
    "others",
)
QUIZZES = (("tre-6-10", "tre-6-10"), ("tre-11-15", "tre-11-15"), ("phu-huynh", "cha-me"))


@dataclass(frozen=True)
class Sizes:
    communes: int = 3321
    units: int = 50_000
    activities: int = 1_000_000
    quiz_results: int = 200_000


@dataclass(frozen=True)
class Seeded:
    """What was created: counts, the dispatch, and the users to look with."""

    units: int
    deliveries: int
    reports: int
    quiz_results: int
    dispatch: Dispatch
    national_admin: Any
    provincial_leader: Any
    province: OrgUnit
    commune: OrgUnit


class SeedError(Exception):
    """The data set cannot be created here; the message says why."""


def seed(sizes: Sizes, *, rng_seed: int = 830) -> Seeded:
    """Create the data set in one transaction and return what it holds."""
    rng = random.Random(rng_seed)
    with transaction.atomic():
        units = _units(sizes, rng)
        dispatch = _dispatch(units[0])
        deliveries = _deliveries(dispatch, units, rng)
        reports = _write(ActivityReport, _reports(dispatch, deliveries, sizes.activities, rng))
        schools = [u for u in units if u.kind == UnitKind.SCHOOL]
        quiz = _write(QuizResult, _quiz_results(schools, sizes.quiz_results, rng))
        progress.rebuild(dispatch_id=dispatch.pk)
        learning.fold()
        admin, leader = _users(units)
    province = next(u for u in units if u.kind == UnitKind.PROVINCE)
    commune = next(u for u in units if u.parent_id == province.pk and u.kind in COMMUNE_KINDS)
    return Seeded(
        units=len(units),
        deliveries=len(deliveries),
        reports=reports,
        quiz_results=quiz,
        dispatch=dispatch,
        national_admin=admin,
        provincial_leader=leader,
        province=OrgUnit.objects.get(pk=province.pk),
        commune=OrgUnit.objects.get(pk=commune.pk),
    )


@dataclass(frozen=True)
class _Unit:
    pk: int
    code: str
    kind: str
    parent_id: int | None
    path: str


def _units(sizes: Sizes, rng: random.Random) -> list[_Unit]:
    """The issuer, the provinces, their bodies, `communes` communes and bodies under them up to `units`."""
    provinces = official_divisions()
    codes = [p.code for p in provinces]
    if OrgUnit.objects.filter(code__in=codes).exists():
        raise SeedError("Cơ sở dữ liệu đã có các tỉnh — tạo dữ liệu mẫu trên một cơ sở dữ liệu trống.")
    next_pk = (OrgUnit.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    made: list[_Unit] = []
    rows: list[dict[str, Any]] = []

    def add(code: str, name: str, kind: Any, parent: _Unit | None, level: Any = "") -> _Unit:
        nonlocal next_pk
        path = f"{parent.path if parent else '/'}{next_pk}/"
        unit = _Unit(next_pk, code, kind, parent.pk if parent else None, path)
        rows.append(
            {
                "id": next_pk,
                "code": code,
                "name": name,
                "kind": kind,
                "school_level": level,
                "parent_id": unit.parent_id,
                "path": path,
                "depth": path.count("/") - 1,
                "email": "",
                "active": True,
                "valid_from": None,
                "valid_to": None,
            }
        )
        made.append(unit)
        next_pk += 1
        return unit

    add("BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch", UnitKind.DEPARTMENT, None)  # the issuer
    by_province = [(p, add(p.code, p.name, p.kind, None)) for p in provinces]
    for division, province in by_province:
        short = division.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
        for suffix, name, kind in PROVINCE_BODIES:
            add(f"{division.code}-{suffix}", f"{name} {short}", kind, province)
    communes = _spread([[(c, p) for c in d.communes] for d, p in by_province], sizes.communes)
    placed = [add(c.code, c.name, c.kind, parent) for c, parent in communes]
    budget = max(0, sizes.units - len(made))
    for round_ in range(len(COMMUNE_BODIES)):
        suffix, name, kind, level = COMMUNE_BODIES[round_]
        for commune, (division, _parent) in zip(placed, communes, strict=True):
            if budget == 0:
                break
            add(f"{commune.code}-{suffix}", f"{name} {division.name.split(' ', 1)[-1]}", kind, commune, level)
            budget -= 1
    extra = 0
    while budget > 0:  # more units than named bodies: numbered schools, still under communes
        commune = placed[extra % len(placed)]
        extra += 1
        add(
            f"{commune.code}-T{extra}",
            f"Trường Tiểu học số {extra}",
            UnitKind.SCHOOL,
            commune,
            SchoolLevel.PRIMARY,
        )
        budget -= 1
    _write(OrgUnit, rows)
    _reset_sequences(OrgUnit)
    return made


def _spread(groups: list[list[Any]], count: int) -> list[Any]:
    """Take `count` items round-robin from the groups, so every province gets its share."""
    picked: list[Any] = []
    for i in range(max((len(g) for g in groups), default=0)):
        for group in groups:
            if i < len(group) and len(picked) < count:
                picked.append(group[i])
    return sorted(picked, key=lambda item: item[1].pk)


def _dispatch(issuer: _Unit) -> Dispatch:
    return Dispatch.objects.create(
        issuer_id=issuer.pk,
        issuer_parent_name="",
        issuer_name="BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        number=1,
        symbol="BVHTTDL-PTTH&TTĐT",
        place="Hà Nội",
        issued_on=ISSUED_ON,
        subject="tuyên truyền bảo vệ trẻ em trên môi trường mạng",
        addressees="Ủy ban nhân dân các tỉnh, thành phố",
        body="Dữ liệu mẫu để đo tốc độ trang chỉ số.",
        copies_to="Như trên\nLưu: VT",
        signer_title="BỘ TRƯỞNG",
        signer_name="Nguyễn Văn A",
        deadline_days=30,
        status=Dispatch.Status.SENT,
        sent_at=_at(ISSUED_ON, 9),
    )


def _deliveries(dispatch: Dispatch, units: list[_Unit], rng: random.Random) -> list[tuple[int, _Unit]]:
    next_pk = (Delivery.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    chosen = [u for u in units[1:] if u.kind != UnitKind.PROVINCE]
    made, rows = [], []
    for offset, unit in enumerate(chosen):
        pk = next_pk + offset
        acknowledged = (
            _at(ISSUED_ON + timedelta(days=rng.randint(0, 20)), 10) if rng.random() < 0.85 else None
        )
        rows.append(
            {
                "id": pk,
                "dispatch_id": dispatch.pk,
                "unit_id": unit.pk,
                "via_group_id": None,
                "delivered_at": dispatch.sent_at,
                "acknowledged_at": acknowledged,
                "acknowledged_by_id": None,
            }
        )
        made.append((pk, unit))
    _write(Delivery, rows)
    _reset_sequences(Delivery)
    return made


def _reports(
    dispatch: Dispatch, deliveries: list[tuple[int, _Unit]], count: int, rng: random.Random
) -> Iterator[dict[str, Any]]:
    """`count` reports over about 70% of the recipients, most submitted around the deadline."""
    active = [d for d in deliveries if rng.random() < 0.7] or deliveries
    now = timezone.now()
    for n in range(count):
        delivery_pk, unit = active[n % len(active)]
        status = rng.choices(("approved", "submitted", "draft", "returned"), (55, 30, 10, 5))[0]
        held = ISSUED_ON + timedelta(days=rng.randint(0, 40))
        submitted = _at(held + timedelta(days=rng.randint(0, 5)), 15) if status != "draft" else None
        counts = [rng.randint(0, 60) if rng.random() < 0.5 else 0 for _name in AUDIENCES]
        yield {
            "delivery_id": delivery_pk,
            "unit_id": unit.pk,
            "kind": rng.choice(KINDS),
            "held_on": held,
            "title": "Tuyên truyền an toàn trên mạng",
            "description": "",
            **dict(zip(AUDIENCES, counts, strict=True)),
            "links": "",
            "materials": "[]",
            "status": status,
            "submitted_at": submitted,
            "reviewed_at": submitted if status == "approved" else None,
            "reviewed_by_id": None,
            "review_note": "",
            "created_by_id": None,
            "created_at": now,
            "updated_at": now,
        }


def _quiz_results(schools: list[_Unit], count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Results in classes of about 30, received over the campaign's first 40 days."""
    classes = (
        [(school, rng.randint(1, 12)) for school in rng.choices(schools, k=max(1, count // 30))]
        if schools
        else []
    )
    for n in range(count):
        school, grade = classes[n % len(classes)] if classes else (None, 1)
        quiz, audience = QUIZZES[n % len(QUIZZES)]
        answers = 10
        yield {
            "submission_id": uuid.UUID(int=rng.getrandbits(128), version=4),
            "quiz": quiz,
            "audience": audience,
            "code": f"{school.code if school else 'KHAC'}/{grade}A",
            "unit_id": school.pk if school else None,
            "score": rng.randint(3, answers),
            "answers": answers,
            "received_at": _at(ISSUED_ON + timedelta(days=rng.randint(0, 40)), rng.randint(7, 21)),
        }


def _users(units: list[_Unit]) -> tuple[Any, Any]:
    """A national administrator (superuser) and a provincial leader, both without a usable password."""
    users = get_user_model().objects
    admin = users.create_user(username="quantri-quocgia", is_superuser=True, is_staff=True)
    admin.set_unusable_password()
    admin.save()
    Membership.objects.create(user=admin, role=Role.ADMIN, unit_id=units[0].pk, scope_id=units[0].pk)
    province = next(u for u in units if u.kind == UnitKind.PROVINCE)
    leader = users.create_user(username="lanhdao-tinh")
    leader.set_unusable_password()
    leader.save()
    Membership.objects.create(user=leader, role=Role.LEADER, unit_id=province.pk, scope_id=province.pk)
    return admin, leader


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _write(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows (dicts of column values, the same keys each): COPY on PostgreSQL, else bulk_create."""
    written = 0
    if connection.vendor == "postgresql":
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return 0
        columns = ", ".join(f'"{name}"' for name in first)
        sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in _chain(first, iterator):
                copy.write_row(tuple(row.values()))
                written += 1
        return written
    batch: list[models.Model] = []
    for row in rows:
        if "materials" in row:
            row = {**row, "materials": []}
        batch.append(model(**row))
        if len(batch) == 2000:
            model._default_manager.bulk_create(batch)
            written, batch = written + len(batch), []
    model._default_manager.bulk_create(batch)
    return written + len(batch)


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def _reset_sequences(model: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
