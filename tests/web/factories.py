"""create_* factories for the web tests (the GOV.UK Notify way): small, explicit, keyword-only."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from loa.web.access.models import Membership, Role
from loa.web.dispatches.flows import send_dispatch
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.publishing.flows import connect
from loa.web.reports.models import ActivityKind, ActivityReport
from loa.web.units.models import OrgUnit, SchoolLevel, UnitGroup, UnitKind

PASSWORD = "mat-khau-thu-nghiem-2026"


def create_unit(code: str, name: str, kind: str, parent: OrgUnit | None = None, **extra: Any) -> OrgUnit:
    return OrgUnit.objects.create(code=code, name=name, kind=kind, parent=parent, **extra)


def create_user(username: str, *, role: str, unit: OrgUnit, scope: OrgUnit | None = None) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=user, role=role, unit=unit, scope=scope or unit)
    return user


def sign_in(client: Any, user: Any) -> None:
    """Log a user in; administrators also pass TOTP (a confirmed device marked in the session)."""
    client.force_login(user)
    if Membership.objects.filter(user=user, role=Role.ADMIN).exists() or user.is_superuser:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()


@dataclass
class Tree:
    """Tây Ninh with two wards (schools, police) and its department, plus Hà Nội with its own."""

    tay_ninh: OrgUnit
    long_an: OrgUnit
    tan_an: OrgUnit
    issuer: OrgUnit
    education: OrgUnit
    school_long_an: OrgUnit
    primary_long_an: OrgUnit
    police_long_an: OrgUnit
    school_tan_an: OrgUnit
    ha_noi: OrgUnit
    hoan_kiem: OrgUnit
    hanoi_issuer: OrgUnit
    school_hoan_kiem: OrgUnit


def create_tree() -> Tree:
    tn = create_unit("80", "Tỉnh Tây Ninh", UnitKind.PROVINCE)
    long_an = create_unit("27700", "Phường Long An", UnitKind.WARD, tn)
    tan_an = create_unit("27694", "Phường Tân An", UnitKind.WARD, tn)
    hn = create_unit("1", "Thành phố Hà Nội", UnitKind.PROVINCE)
    hoan_kiem = create_unit("70", "Phường Hoàn Kiếm", UnitKind.WARD, hn)
    return Tree(
        tay_ninh=tn,
        long_an=long_an,
        tan_an=tan_an,
        issuer=create_unit(
            "80-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh", UnitKind.DEPARTMENT, tn
        ),
        education=create_unit("80-SGDDT", "Sở Giáo dục và Đào tạo tỉnh Tây Ninh", UnitKind.DEPARTMENT, tn),
        school_long_an=create_unit(
            "27700-THCS",
            "Trường THCS Long An",
            UnitKind.SCHOOL,
            long_an,
            school_level=SchoolLevel.LOWER_SECONDARY,
        ),
        primary_long_an=create_unit(
            "27700-TH", "Trường Tiểu học Long An", UnitKind.SCHOOL, long_an, school_level=SchoolLevel.PRIMARY
        ),
        police_long_an=create_unit("27700-CA", "Công an phường Long An", UnitKind.POLICE, long_an),
        school_tan_an=create_unit(
            "27694-THCS",
            "Trường THCS Tân An",
            UnitKind.SCHOOL,
            tan_an,
            school_level=SchoolLevel.LOWER_SECONDARY,
        ),
        ha_noi=hn,
        hoan_kiem=hoan_kiem,
        hanoi_issuer=create_unit("1-SVHTTDL", "Sở Văn hóa và Thể thao Hà Nội", UnitKind.DEPARTMENT, hn),
        school_hoan_kiem=create_unit(
            "70-THCS",
            "Trường THCS Hoàn Kiếm",
            UnitKind.SCHOOL,
            hoan_kiem,
            school_level=SchoolLevel.LOWER_SECONDARY,
        ),
    )


def create_group(
    name: str, *, within: OrgUnit, kinds: list[str], levels: list[str] | None = None
) -> UnitGroup:
    slug = f"{within.code}-{len(name)}-{UnitGroup.objects.count()}"
    return UnitGroup.objects.create(
        name=name, slug=slug, within=within, kinds=kinds, school_levels=levels or []
    )


def create_dispatch(
    issuer: OrgUnit,
    *,
    issued_on: date | None = None,
    deadline_days: int = 30,
    units: list[OrgUnit] = (),
    groups: list[UnitGroup] = (),
    send: bool = True,
    by: Any = None,
    pack: str = "",
) -> Dispatch:
    dispatch = Dispatch.objects.create(
        issuer=issuer,
        issuer_parent_name="UBND TỈNH TÂY NINH",
        issuer_name="SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        symbol="SVHTTDL-TTBCXB",
        place="Tây Ninh",
        issued_on=issued_on or timezone.localdate() - timedelta(days=10),
        subject="phổ biến Tài liệu tuyên truyền bảo vệ trẻ em trên môi trường mạng",
        addressees="Sở, ban, ngành tỉnh\nUBND các xã, phường",
        body="Đoạn mở đầu.\n\n- Ý thứ nhất.\n- Ý thứ hai.",
        copies_to="Như trên\nLưu: VT, TTBCXB",
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Trần Minh Khoa",
        deadline_days=deadline_days,
        pack_manifest=pack,
    )
    dispatch.recipient_units.set(units)
    dispatch.recipient_groups.set(groups)
    if send:
        send_dispatch(dispatch, by=by)
    return dispatch


def create_report(
    delivery: Delivery,
    *,
    status: str = ActivityReport.Status.DRAFT,
    submitted_on: date | None = None,
    kind: str = ActivityKind.CLASS_SESSION,
    **counts: int,
) -> ActivityReport:
    report = ActivityReport.objects.create(
        delivery=delivery,
        unit=delivery.unit,
        kind=kind,
        held_on=delivery.dispatch.issued_on,
        title="Tiết học an toàn",
        status=status,
        **counts,
    )
    if submitted_on is not None:
        report.submitted_at = timezone.make_aware(
            timezone.datetime.combine(submitted_on, timezone.datetime.min.time())
        )
        report.save()
    return report


def sample_jpeg(*, size: tuple[int, int] = (640, 480), gps: bool = True) -> bytes:
    """A small JPEG whose EXIF carries a camera name and a GPS position."""
    image = Image.new("RGB", size, "#3366aa")
    exif = Image.Exif()
    exif[0x010F] = "Test camera"
    if gps:
        exif.get_ifd(0x8825)[2] = (10.0, 32.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


DEMO_ZALO_TOKENS = ("zat-demo-0000000000", "zrt-demo-0000000000")


def connect_zalo_oa(
    unit: OrgUnit,
    name: str = "Zalo OA Sở VHTTDL",
    *,
    tokens: tuple[str, str] = DEMO_ZALO_TOKENS,
    second_approval: bool = True,
    by: Any = None,
) -> Any:
    """Connect a Zalo Official Account to a unit, with the access and refresh tokens its consent gave."""
    return connect(
        unit=unit,
        channel="zalo",
        name=name,
        target_id="4321",
        tokens={"access_token": tokens[0], "refresh_token": tokens[1]},
        second_approval=second_approval,
        by=by,
    )
