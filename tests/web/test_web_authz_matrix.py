"""Authorization matrix (reliability target G3): every URL pattern × user × object (own and foreign)
× verb. Zero cross-tenant successes, foreign objects answer 404, no page names a foreign unit, report
or account, foreign rows never change, and every denial at a staff view is logged.

The URL patterns are walked from the resolver, so a new endpoint is covered at once; one whose
arguments the matrix cannot fill fails until it is mapped below (or listed as public with a reason).
The default run is a deterministic sample; `LOA_FULL_MATRIX=1` runs every combination (≥ 20,000).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from factories import create_dispatch, create_report, create_unit, create_user, sample_jpeg, sign_in

from loa.web.access.models import Role
from loa.web.access.scoping import scoped
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.publishing.models import ChannelAccount, Publication
from loa.web.publishing.tokens import seal
from loa.web.quiz.models import QuizResult
from loa.web.reports.flows import add_photo
from loa.web.reports.models import ActivityReport, EvidencePhoto, PhotoConsent
from loa.web.units.models import OrgUnit, UnitGroup, UnitKind

pytestmark = pytest.mark.django_db

FULL = os.environ.get("LOA_FULL_MATRIX") == "1"
VERBS = ("get", "head", "post", "put", "patch", "delete", "options")
SAMPLE_EVERY = int(os.environ.get("LOA_MATRIX_SAMPLE_EVERY", "12"))  # the default run keeps 1 in N

# Reachable without a role, each for a reason; still requested by everyone (no 5xx, no leak).
PUBLIC = {
    "staff:login": "the sign-in page",
    "staff:logout": "signing out",
    "staff:otp-verify": "second step of signing in (any signed-in user, for their own device)",
    "staff:otp-enrol": "enrolling one's own TOTP device while signing in",
    "healthz": "liveness probe for the load balancer: no data",
    "readyz": "readiness probe: database, migrations, Redis up or not, no data",
    "api-quiz-results": "anonymous portal quiz results: no personal data, rate-limited, CORS-checked",
    "api-openapi": "the quiz API's public description",
    "set_language": "the language switch",
    "admin:login": "the back office's own sign-in page",
    "admin:logout": "signing out of the back office",
    "admin:jsi18n": "the back office's JavaScript translations",
}
SIGNS_OUT = {"staff:logout", "admin:logout"}

# The model behind each object argument of the staff and publishing URLs.
OBJECT_OF: dict[str, type[models.Model]] = {
    "staff:dispatch": Dispatch,
    "staff:dispatch-edit": Dispatch,
    "staff:dispatch-send": Dispatch,
    "staff:dispatch-docx": Dispatch,
    "staff:pack-file": Dispatch,
    "staff:acknowledge": Delivery,
    "staff:report-create": Delivery,
    "staff:report": ActivityReport,
    "staff:report-edit": ActivityReport,
    "staff:report-submit": ActivityReport,
    "staff:report-review": ActivityReport,
    "staff:photo-upload": ActivityReport,
    "staff:photo": EvidencePhoto,
    "staff:photo-consent": EvidencePhoto,
    "staff:dashboard-dispatch": Dispatch,
    "staff:export-csv": Dispatch,
    "staff:export-xlsx": Dispatch,
    "staff:export-report": Dispatch,
    "staff:unit": OrgUnit,
    "publishing:account-edit": ChannelAccount,
    "publishing:plan": ChannelAccount,
    "publishing:broadcast": ChannelAccount,
    "publishing:post": Publication,
    "publishing:post-approve": Publication,
    "publishing:post-send": Publication,
}
# Objects named in the query string: (parameter, model).
QUERY_OBJECTS: dict[str, list[tuple[str, type[models.Model]]]] = {
    "staff:dashboard": [("cv", Dispatch), ("dv", OrgUnit)],
    "staff:dashboard-dispatch": [("dv", OrgUnit)],
    "staff:export-csv": [("dv", OrgUnit)],
    "staff:export-xlsx": [("dv", OrgUnit)],
    "staff:export-report": [("dv", OrgUnit)],
    "publishing:plan": [("cv", Dispatch)],
    "staff:report-create": [("bai-dang", Publication)],
}
# Query parameters whose foreign value is ignored, by design (the form is then not prefilled).
IGNORED_QUERY = {("staff:report-create", "bai-dang")}
# Pages that count and draw: the visible objects get GET and POST, the foreign ones every verb.
HEAVY = {
    "staff:dashboard",
    "staff:dashboard-dispatch",
    "staff:export-csv",
    "staff:export-xlsx",
    "staff:export-report",
    "staff:dispatch-docx",
}
# Plain (non-object) arguments: the values to try.
PLAIN_VALUES = {
    "path": ["bai-viet/bai-1.html"],
    "variant": ["lon", "nho"],
    "channel": ["facebook", "zalo"],
    "app_label": ["units"],
    "url": ["khong-co-trang-nay/"],
}
OBJECT_ARGS = {"pk", "delivery_pk", "object_id", "id", "content_type_id"}


# --- the URL patterns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name (or route text when unnamed) and the route with its arguments."""

    key: str
    route: str
    args: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("quan-tri/")


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Yield every URL pattern below a resolver, with its full route and namespaced name."""
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from walk(pattern, text, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            args = tuple(re.findall(r"<(?:\w+:)?(\w+)>", text) + re.findall(r"\(\?P<(\w+)>", text))
            yield Route(key=name or text, route=text, args=args)


def routes() -> list[Route]:
    return list(walk(get_resolver()))


def fill(route: str, values: dict[str, Any]) -> str:
    """Return the path of a route with its arguments replaced by values."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), path)
    return "/" + path.replace("\\", "")


def admin_model(route: str) -> type[models.Model] | None:
    """The model of a back-office URL (quan-tri/<app>/<model>/…), or None."""
    match = re.match(r"quan-tri/(\w+)/(\w+)/", route)
    if not match:
        return None
    try:
        return apps.get_model(match.group(1), match.group(2))
    except LookupError:
        return None


def test_every_url_pattern_is_mapped_or_public() -> None:
    unmapped = []
    for route in routes():
        if route.key in PUBLIC:
            continue
        for arg in route.args:
            known = arg in PLAIN_VALUES or route.key in OBJECT_OF or route.is_admin
            if not known:
                unmapped.append((route.key, arg))
    assert unmapped == [], "map each new URL argument in OBJECT_OF/PLAIN_VALUES or list the URL in PUBLIC"


# --- the world: two provinces, each with units, dispatches, reports, photos, posts and users ----------


@dataclass
class World:
    objects: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)

    def add(self, obj: models.Model) -> models.Model:
        self.objects.setdefault(type(obj), []).append(obj)
        return obj


PROVINCES = {
    "tn": ("80", "Tỉnh Tây Ninh", ["Phường Long An", "Phường Tân An"]),
    "hn": ("01", "Thành phố Hà Nội", ["Phường Hoàn Kiếm", "Phường Ba Đình"]),
}


def _province(world: World, key: str) -> dict[str, OrgUnit]:
    code, name, communes = PROVINCES[key]
    province = world.add(create_unit(code, name, UnitKind.PROVINCE))
    units: dict[str, OrgUnit] = {"province": province}
    units["issuer"] = world.add(
        create_unit(f"{code}-SVHTTDL", f"Sở Văn hóa và Thể thao {name}", UnitKind.DEPARTMENT, province)
    )
    units["education"] = world.add(
        create_unit(f"{code}-SGDDT", f"Sở Giáo dục và Đào tạo {name}", UnitKind.DEPARTMENT, province)
    )
    for n, commune_name in enumerate(communes, start=1):
        commune = world.add(create_unit(f"{code}10{n}", commune_name, UnitKind.WARD, province))
        short = commune_name.removeprefix("Phường ")
        units[f"commune{n}"] = commune
        units[f"school{n}"] = world.add(
            create_unit(
                f"{code}10{n}-THCS",
                f"Trường THCS {short}",
                UnitKind.SCHOOL,
                commune,
                school_level="thcs",
            )
        )
        units[f"police{n}"] = world.add(
            create_unit(f"{code}10{n}-CA", f"Công an phường {short}", UnitKind.POLICE, commune)
        )
    return units


def _dispatches(world: World, key: str, units: dict[str, OrgUnit]) -> Dispatch:
    recipients = [units["school1"], units["police1"], units["school2"], units["commune2"]]
    sent = create_dispatch(units["issuer"], units=recipients)
    draft = create_dispatch(units["issuer"], units=[units["school1"]], send=False)
    for dispatch, what in ((sent, "gửi"), (draft, "dự thảo")):
        Dispatch.objects.filter(pk=dispatch.pk).update(
            subject=f"Công văn {what} của {PROVINCES[key][1]}",
            issuer_parent_name=f"UBND {PROVINCES[key][1]}".upper(),
        )
        world.add(Dispatch.objects.get(pk=dispatch.pk))
    for delivery in sent.deliveries.select_related("unit").order_by("pk"):
        world.add(delivery)
    return sent


def _reports(world: World, sent: Dispatch, units: dict[str, OrgUnit]) -> None:
    deliveries = {d.unit_id: d for d in sent.deliveries.all()}
    for unit, status in (
        (units["school1"], ActivityReport.Status.SUBMITTED),
        (units["school1"], ActivityReport.Status.DRAFT),
        (units["school2"], ActivityReport.Status.SUBMITTED),
    ):
        report = create_report(deliveries[unit.pk], status=status, children_11_15=12)
        ActivityReport.objects.filter(pk=report.pk).update(title=f"Hoạt động của {unit.name}")
        report.refresh_from_db()
        world.add(report)
        world.add(add_photo(report, sample_jpeg(size=(64, 48)), caption="", by=None))


TOKENS = {
    "facebook": {"page_token": "EAA-page-token-000000"},
    "zalo": {"access_token": "zalo-access-000000", "refresh_token": "zalo-refresh-000000"},
}


def _publishing(world: World, key: str, units: dict[str, OrgUnit], sent: Dispatch) -> None:
    for channel in ("facebook", "zalo"):
        account = world.add(
            ChannelAccount.objects.create(
                unit=units["issuer"],
                channel=channel,
                name=f"Kênh {channel} {PROVINCES[key][1]}",
                target_id=f"{PROVINCES[key][0]}{channel}",
                sealed_tokens=seal(TOKENS[channel]),
            )
        )
        for state in (Publication.State.REVIEW, Publication.State.SENT):
            world.add(
                Publication.objects.create(
                    account=account,
                    dispatch=sent,
                    topic="an-toan",
                    title=f"Bài {state} trên {account.name}",
                    state=state,
                    link=f"https://example.test/{key}/{channel}/{state}" if state == "sent" else "",
                    published_at=timezone.now() if state == "sent" else None,
                )
            )


def _quiz(world: World, units: dict[str, OrgUnit]) -> None:
    for school in (units["school1"], units["school2"]):
        world.add(
            QuizResult.objects.create(
                submission_id=uuid.uuid4(),
                quiz="tre-11-15",
                audience="tre-11-15",
                code=f"{school.code}/6A",
                unit=school,
                score=7,
                answers=10,
            )
        )


def _users(world: World, key: str, units: dict[str, OrgUnit]) -> None:
    people = {
        f"admin_{key}": (Role.ADMIN, units["issuer"], units["province"]),
        f"leader_{key}": (Role.LEADER, units["province"], units["province"]),
        f"leader_{key}_commune": (Role.LEADER, units["commune1"], units["commune1"]),
        f"reporter_{key}_school": (Role.REPORTER, units["school1"], units["school1"]),
        f"reporter_{key}_commune": (Role.REPORTER, units["commune2"], units["commune2"]),
        f"disabled_{key}": (Role.REPORTER, units["school1"], units["school1"]),
    }
    for username, (role, unit, scope) in people.items():
        world.users[username] = create_user(username, role=role, unit=unit, scope=scope)


def build_world() -> World:
    world = World()
    for key in PROVINCES:
        units = _province(world, key)
        sent = _dispatches(world, key, units)
        _reports(world, sent, units)
        _publishing(world, key, units, sent)
        _quiz(world, units)
        _users(world, key, units)
    world.users["no_role"] = get_user_model().objects.create_user("no_role", password="x-y-z-12345678")
    world.users["admin_tn_no_totp"] = create_user(
        "admin_tn_no_totp",
        role=Role.ADMIN,
        unit=OrgUnit.objects.get(code="80-SVHTTDL"),
        scope=OrgUnit.objects.get(code="80"),
    )
    world.users["anonymous"] = None
    return world


@pytest.fixture
def world(settings, tmp_path, monkeypatch) -> World:
    settings.DATA_DIR = tmp_path  # the token key for the sealed channel tokens
    for name in ("LOA_FACEBOOK_GRAPH_URL", "LOA_ZALO_API_URL", "LOA_ZALO_OAUTH_URL"):
        monkeypatch.setenv(name, "http://127.0.0.1:9/")  # an approved post goes nowhere: nothing listens
    monkeypatch.setenv("LOA_PUBLISH_TIMEOUT", "0.3")
    return build_world()


# --- who sees what (an oracle of its own, from the unit paths, not the app's `scoped`) -----------


def unit_paths(obj: models.Model) -> list[str]:
    """The unit paths an object is tied to: a user whose subtree holds one of them may see it."""
    match obj:
        case OrgUnit():
            return [obj.path]
        case Dispatch():
            return [obj.issuer.path, *(d.unit.path for d in obj.deliveries.select_related("unit"))]
        case Delivery() | ActivityReport() | QuizResult() | ChannelAccount():
            return [obj.unit.path]
        case EvidencePhoto():
            return [obj.report.unit.path]
        case Publication():
            return [obj.account.unit.path]
    raise AssertionError(f"no unit paths for {obj!r}")


def scope_of(user: Any) -> str | None:
    membership = getattr(user, "membership", None) if user is not None else None
    return membership.scope.path if membership is not None else None


def is_foreign(obj: models.Model, user: Any) -> bool:
    scope = scope_of(user)
    return scope is None or not any(path.startswith(scope) for path in unit_paths(obj))


def foreign_markers(world: World, user: Any) -> list[str]:
    """Text a user must never see: names of units, reports, dispatches and accounts outside their subtree
    (the units above their own and the issuers of dispatches sent to them are named, rightly)."""
    scope = scope_of(user)
    allowed: set[int] = set()
    if scope is not None:
        membership = user.membership
        allowed |= set(membership.scope.ancestor_ids)
        allowed |= set(scoped(Dispatch.objects.all(), user).values_list("issuer", flat=True))
    markers = []
    for unit in world.objects[OrgUnit]:
        if unit.pk not in allowed and is_foreign(unit, user):
            markers.append(unit.name)
    for model in (ActivityReport, ChannelAccount, Publication):
        for obj in world.objects[model]:
            if is_foreign(obj, user):
                markers.append(obj.title if model is not ChannelAccount else obj.name)
                if model is Publication and obj.link:
                    markers.append(obj.link)
    for dispatch in world.objects[Dispatch]:
        if is_foreign(dispatch, user):
            markers.append(dispatch.subject)
    return markers


# --- the requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    route: Route
    verb: str
    path: str
    query: dict[str, str]
    foreign: bool  # names an object outside the user's subtree
    foreign_in_query: bool


def _object_choices(route: Route, world: World) -> Iterator[dict[str, Any]]:
    """Yield each combination of argument values for a route: objects of both provinces."""
    model = OBJECT_OF.get(route.key) or (admin_model(route.route) if route.is_admin else None)
    object_args = [a for a in route.args if a in OBJECT_ARGS]
    plain = [a for a in route.args if a not in OBJECT_ARGS]
    if object_args and (model is None or model not in world.objects):
        candidates = _unscoped_objects(route, model)
    elif object_args and route.is_admin:  # refused to every one of these users: one object a province
        candidates = [world.objects[model][0], world.objects[model][-1]]
    elif object_args:
        candidates = world.objects[model]
    else:
        candidates = [None]
    for obj in candidates:
        for combo in _plain_combos(plain):
            values = dict(combo)
            for arg in object_args:
                values[arg] = _arg_value(arg, obj)
            yield {"values": values, "object": obj if isinstance(obj, models.Model) else None}


def _unscoped_objects(route: Route, model: type[models.Model] | None) -> list[Any]:
    """Back-office objects that belong to no subtree (users, groups, devices): one of each."""
    if model is not None and model.objects.exists():
        return [model.objects.order_by("pk").first()]
    return [1]


def _plain_combos(args: list[str]) -> Iterator[list[tuple[str, str]]]:
    if not args:
        yield []
        return
    first, rest = args[0], args[1:]
    for value in PLAIN_VALUES[first]:
        for tail in _plain_combos(rest):
            yield [(first, value), *tail]


def _arg_value(arg: str, obj: Any) -> Any:
    if arg == "content_type_id":
        model = type(obj) if isinstance(obj, models.Model) else OrgUnit
        return ContentType.objects.get_for_model(model).pk
    return obj.pk if isinstance(obj, models.Model) else obj


def query_objects(world: World, model: type[models.Model]) -> list[models.Model]:
    """The objects tried in a query string: communes and schools, published posts, every dispatch."""
    if model is OrgUnit:
        return [u for u in world.objects[OrgUnit] if u.kind in (UnitKind.WARD, UnitKind.SCHOOL)]
    if model is Publication:  # only a published post fills a report in
        return [p for p in world.objects[Publication] if p.state == Publication.State.SENT]
    return world.objects[model]


def plan(world: World, user: Any) -> Iterator[Request]:
    """Every request the matrix sends for one user."""
    for route in routes():
        for choice in _object_choices(route, world):
            path = fill(route.route, choice["values"])
            obj = choice["object"]
            foreign = obj is not None and obj._meta.model in world.objects and is_foreign(obj, user)
            queries: list[tuple[dict[str, str], bool]] = [({}, False)]
            for param, model in QUERY_OBJECTS.get(route.key, []) if not foreign else []:
                ignored = (route.key, param) in IGNORED_QUERY
                queries += [
                    ({param: str(o.pk)}, is_foreign(o, user) and not ignored)
                    for o in query_objects(world, model)
                ]
            for query, foreign_query in queries:
                heavy = route.key in HEAVY and not (foreign or foreign_query) and user is not None
                for verb in ("get", "post") if heavy else VERBS:
                    yield Request(route, verb, path, query, foreign, foreign_query)


def sampled(request: Request, username: str) -> bool:
    if FULL:
        return True
    key = f"{username} {request.verb} {request.path} {sorted(request.query.items())}"
    return zlib.crc32(key.encode()) % SAMPLE_EVERY == 0


def body_for(route: Route) -> dict[str, Any]:
    """A POST body that would succeed if the user were allowed: a refusal then proves the check."""
    if route.key == "staff:photo-upload":
        return {"image": SimpleUploadedFile("anh.jpg", sample_jpeg(size=(32, 24), gps=False))}
    if route.key == "staff:report-review":
        return {"decision": "approve", "note": "Đạt"}
    if route.key == "staff:photo-consent":
        return {
            "shows_children": "on",
            "parent_consent": "on",
            "form_reference": "GDY-01",
            "consented_on": timezone.localdate().isoformat(),
            "publish": "on",
        }
    if route.key == "publishing:account-edit":
        return {"name": "Đổi tên", "target_id": "999", "page_token": "EAA-stolen-0000000000"}
    return {}


# --- the verdicts -------------------------------------------------------------------------------


class DenialLog(logging.Handler):
    """Collect the refusals logged on loa.web.access."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Tally:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    cross_tenant_successes: int = 0
    foreign_requests: int = 0
    denials: int = 0
    unlogged_denials: int = 0
    seconds: float = 0.0
    routes: set[str] = field(default_factory=set)
    users: int = 0
    time_by_route: Counter[str] = field(default_factory=Counter)


def to_sign_in(response: Any, route: Route) -> bool:
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return location.startswith("/quan-tri/login/" if route.is_admin else "/dang-nhap/")


def to_second_factor(response: Any) -> bool:
    return response.status_code == 302 and response.get("Location", "").startswith("/xac-thuc/")


def judge(request: Request, response: Any, user_kind: str, logged: bool, tally: Tally) -> None:
    """Check one response against the rules; note any breach in the tally."""
    route, status = request.route, response.status_code
    what = f"{user_kind} {request.verb.upper()} {request.path}{request.query or ''} → {status}"
    if status >= 500:
        tally.problems.append(f"server error: {what}")
        return
    if route.key in PUBLIC:
        return
    refused = status in (403, 404, 405) or to_sign_in(response, route) or to_second_factor(response)
    if route.is_admin:  # only staff accounts enter the back office; none of these users is one
        if not (to_sign_in(response, route) or status in (403, 404, 405)):
            tally.problems.append(f"back office reached: {what}")
        elif status != 405:
            tally.denials += 1
            if not logged:
                tally.unlogged_denials += 1
                tally.problems.append(f"denial not logged: {what}")
        return
    if refused and status != 405:  # 405: the verb is refused before any object or user is looked at
        tally.denials += 1
        if not logged:
            tally.unlogged_denials += 1
            tally.problems.append(f"denial not logged: {what}")
    if user_kind in ("anonymous", "disabled") and not (to_sign_in(response, route) or status == 405):
        tally.problems.append(f"reached without signing in: {what}")
    elif user_kind == "no_role" and status not in (403, 405):
        tally.problems.append(f"reached without a role: {what}")
    elif user_kind == "no_totp" and not (to_second_factor(response) or status == 405):
        tally.problems.append(f"administrator reached without TOTP: {what}")
    if request.foreign or request.foreign_in_query:
        tally.foreign_requests += 1
        allowed = {404, 405} if request.foreign else {403, 404, 405}
        if user_kind not in ("role",):
            return
        if status not in allowed:
            tally.cross_tenant_successes += 1
            tally.problems.append(f"cross-tenant: {what}")


def user_kind(username: str) -> str:
    if username == "anonymous":
        return "anonymous"
    if username.startswith("disabled_"):
        return "disabled"
    return {"no_role": "no_role", "admin_tn_no_totp": "no_totp"}.get(username, "role")


def sign_in_as(client: Client, username: str, user: Any) -> None:
    if user is None:
        return
    if username == "admin_tn_no_totp":
        client.force_login(user)
        return
    sign_in(client, user)
    if username.startswith("disabled_"):
        user.is_active = False  # disabling ends the session (G5); the user must be refused after
        user.save()


FINGERPRINTED = (
    OrgUnit,
    UnitGroup,
    Dispatch,
    Delivery,
    ActivityReport,
    EvidencePhoto,
    PhotoConsent,
    ChannelAccount,
    Publication,
    QuizResult,
)


def foreign_rows(user: Any) -> list[Any]:
    """Every row outside a user's subtree, as values: it must be the same after the user's requests."""
    rows = []
    for model in FINGERPRINTED:
        visible = scoped(model.objects.all(), user) if user is not None else model.objects.none()
        rows.append(list(model.objects.exclude(pk__in=visible.values("pk")).order_by("pk").values()))
    return rows


def leaks(response: Any, markers: list[str]) -> list[str]:
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/", "application/json")) or getattr(response, "streaming", False):
        return []
    text = response.content.decode("utf-8", "replace")
    return [m for m in markers if m in text]


def run_matrix(world: World, usernames: list[str]) -> Tally:
    tally = Tally()
    denial_log = DenialLog()
    logger = logging.getLogger("loa.web.access")
    logger.addHandler(denial_log)
    propagate, logger.propagate = logger.propagate, False  # thousands of refusals: keep the console quiet
    started = time.perf_counter()
    try:
        for username in usernames:
            _run_user(world, username, tally, denial_log)
            tally.users += 1
    finally:
        logger.removeHandler(denial_log)
        logger.propagate = propagate
    tally.seconds = time.perf_counter() - started
    return tally


def _run_user(world: World, username: str, tally: Tally, denial_log: DenialLog) -> None:
    user = world.users[username]
    client = Client()
    sign_in_as(client, username, user)
    kind = user_kind(username)
    markers = foreign_markers(world, user) if kind == "role" else []
    before = foreign_rows(user if kind == "role" else None)
    for request in plan(world, user if kind == "role" else None):
        if not sampled(request, username) and request.route.key in tally.routes:
            continue  # the sample still requests every URL pattern at least once
        data = body_for(request.route) if request.verb == "post" else None
        url = request.path + (
            "?" + "&".join(f"{k}={v}" for k, v in request.query.items()) if request.query else ""
        )
        denial_log.records.clear()
        t0 = time.perf_counter()
        response = getattr(client, request.verb)(url, data) if data else getattr(client, request.verb)(url)
        tally.time_by_route[request.route.key] += time.perf_counter() - t0
        tally.requests += 1
        tally.routes.add(request.route.key)
        tally.statuses[response.status_code] += 1
        judge(request, response, kind, bool(denial_log.records), tally)
        for leaked in leaks(response, markers):
            tally.problems.append(f"leak of {leaked!r}: {username} {request.verb.upper()} {url}")
        if request.route.key in SIGNS_OUT:
            sign_in_as(client, username, user)
    after = foreign_rows(user if kind == "role" else None)
    if after != before:
        tally.problems.append(f"rows outside the subtree changed during {username}'s requests")


def test_no_user_reaches_or_changes_anything_outside_their_subtree(world) -> None:
    tally = run_matrix(world, list(world.users))
    slowest = ", ".join(f"{k} {v:.1f} s" for k, v in tally.time_by_route.most_common(3))
    summary = (
        f"{tally.requests} requests in {tally.seconds:.1f} s ({tally.foreign_requests} on foreign objects, "
        f"{tally.denials} denials, {len(tally.routes)} URL patterns; slowest: {slowest}), "
        f"statuses {dict(sorted(tally.statuses.items()))}"
    )
    print(summary)
    _write_summary(tally)
    assert tally.problems[:20] == [], summary
    assert tally.cross_tenant_successes == 0 and tally.unlogged_denials == 0
    assert tally.requests >= (20_000 if FULL else 2_000), summary
    assert tally.routes == {r.key for r in routes()}  # every URL pattern was requested
    assert tally.statuses[200] > 0 and tally.statuses[404] > 0 and tally.statuses[403] > 0


def _write_summary(tally: Tally) -> None:
    """Leave the figures where scripts/drills/authz_matrix.py reads them (LOA_MATRIX_SUMMARY)."""
    target = os.environ.get("LOA_MATRIX_SUMMARY")
    if not target:
        return
    figures = {
        "requests": tally.requests,
        "seconds": round(tally.seconds, 1),
        "foreign_requests": tally.foreign_requests,
        "cross_tenant_successes": tally.cross_tenant_successes,
        "denials": tally.denials,
        "unlogged_denials": tally.unlogged_denials,
        "url_patterns": len(tally.routes),
        "users": tally.users,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "problems": len(tally.problems),
    }
    with open(target, "w", encoding="utf-8") as out:
        json.dump(figures, out)


# --- lists and exports: parsed, not just searched -----------------------------------------------


ROLE_USERS = [
    "admin_tn",
    "admin_hn",
    "leader_tn",
    "leader_hn",
    "leader_tn_commune",
    "reporter_tn_school",
    "reporter_hn_commune",
]


def _export_text(name: str, content: bytes) -> str:
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell
        )
    if name.endswith(".docx"):
        from docx import Document

        document = Document(io.BytesIO(content))
        cells = (c.text for t in document.tables for row in t.rows for c in row.cells)
        return "\n".join([*(p.text for p in document.paragraphs), *cells])
    return "\n".join(",".join(row) for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("username", ROLE_USERS)
def test_lists_and_exports_hold_no_row_of_another_subtree(world, username) -> None:
    user = world.users[username]
    client = Client()
    sign_in(client, user)
    markers = foreign_markers(world, user)
    pages = [
        "/cong-van/",
        "/cong-van-den/",
        "/bao-cao/",
        "/don-vi/",
        "/chi-so/",
        "/nhat-ky/",
        "/dang-bai/",
    ]
    texts = {url: client.get(url).content.decode() for url in pages}
    own = [d for d in world.objects[Dispatch] if not is_foreign(d, user) and d.status == Dispatch.Status.SENT]
    assert own, "every role user sees their province's sent dispatch"
    for dispatch in own:
        for suffix in ("tien-do.csv", "tien-do.xlsx", "bao-cao.docx"):
            response = client.get(f"/chi-so/cong-van/{dispatch.pk}/{suffix}")
            assert response.status_code == 200
            texts[suffix] = _export_text(suffix, response.content)
    leaked = {url: [m for m in markers if m in text] for url, text in texts.items()}
    assert {url: found for url, found in leaked.items() if found} == {}
    own_unit = user.membership.unit.name
    assert own_unit in texts["tien-do.xlsx"] or user.membership.scope.kind == UnitKind.PROVINCE
    assert any(u.name in texts["tien-do.xlsx"] for u in world.objects[OrgUnit] if not is_foreign(u, user))
