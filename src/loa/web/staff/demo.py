# ruff: noqa: E501 - the dispatch text below is prose, one paragraph a line
"""Demo data: Tây Ninh's units after 1 July 2025, the example dispatch with today's agencies,
staff users of each role, and reports in every state — so the app shows something on first run."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageDraw

from loa.web.access.models import Membership, Role
from loa.web.dispatches import flows as dispatch_flows
from loa.web.dispatches.models import Delivery, Dispatch
from loa.web.reports import flows as report_flows
from loa.web.reports.models import ActivityKind, ActivityReport
from loa.web.units.divisions import load_divisions
from loa.web.units.models import OrgUnit, SchoolLevel, UnitGroup, UnitKind

TAY_NINH = "80"
DEMO_COMMUNES = ("Phường Long An", "Phường Tân An", "Phường Khánh Hậu")
ISSUER_CODE = "80-SVHTTDL"

ADDRESSEES = """Các tổ chức chính trị - xã hội tỉnh
Sở, ban, ngành tỉnh
Sở Y tế
Sở Giáo dục và Đào tạo
Sở Khoa học và Công nghệ
Công an tỉnh
UBND các xã, phường
Báo và Phát thanh, Truyền hình Tây Ninh
Cổng Thông tin điện tử tỉnh
Trung tâm Văn hóa - Nghệ thuật tỉnh
Doanh nghiệp hoạt động, cung cấp dịch vụ trên môi trường mạng"""

BODY = """Hiện nay, công nghệ và thiết bị phát triển rất nhanh, tạo cơ hội cho trẻ em tiếp cận Internet dễ hơn, nhiều hơn. Tuy nhiên, ở độ tuổi trẻ em thường chưa được trang bị đủ các kỹ năng tự bảo vệ, chịu nhiều rủi ro và bị xâm hại nhiều hơn (bị tiết lộ thông tin bí mật cá nhân, bị sử dụng thông tin cá nhân vào mục đích xấu, dễ bị lôi kéo, kích động để vi phạm pháp luật, bị xâm hại tình dục, bóc lột và lừa đảo qua các trò chơi trên mạng,...).

Căn cứ Luật Trẻ em năm 2016 và Nghị định số 56/2017/NĐ-CP ngày 09/5/2017 của Chính phủ; tiếp nối kết quả thực hiện Chương trình “Bảo vệ và hỗ trợ trẻ em tương tác lành mạnh, sáng tạo trên môi trường mạng giai đoạn 2021-2025” theo Quyết định số 830/QĐ-TTg ngày 01/6/2021 của Thủ tướng Chính phủ. Tham khảo các nguồn tài liệu do Bộ Văn hóa, Thể thao và Du lịch và Bộ Công an phổ biến, Sở Văn hóa, Thể thao và Du lịch tổng hợp biên soạn “**TÀI LIỆU TUYÊN TRUYỀN VỀ BẢO VỆ TRẺ EM TRÊN MÔI TRƯỜNG MẠNG**” (đính kèm). Kính gửi và đề nghị các cơ quan, đơn vị, địa phương, doanh nghiệp:

- Thực hiện đúng, đầy đủ, đạt hiệu quả theo chức năng, nhiệm vụ, trách nhiệm pháp luật quy định về bảo vệ trẻ em, bảo vệ trẻ em trên môi trường mạng.
- Tổ chức thông tin tuyên truyền nội bộ và phổ biến rộng rãi để nâng cao nhận thức, trách nhiệm, năng lực, kỹ năng **bảo vệ trẻ em trên môi trường mạng** của toàn xã hội.
- Tập trung thông tin tuyên truyền trong nhà trường, cơ sở giáo dục, chăm sóc trẻ em và gia đình; tuyên truyền đến các đối tượng là cha, mẹ, giáo viên, người chăm sóc trẻ về kiến thức, kỹ năng hỗ trợ, định hướng trẻ em tương tác an toàn, lành mạnh, sáng tạo trên môi trường mạng.
- Cập nhật, bổ sung, biên soạn lại thành các sản phẩm đa thể loại, đa hình thức (báo chí, video clip, infographic, slide,...) để làm tài liệu tuyên truyền tại các hội nghị, trường học về bảo vệ trẻ em trên không gian mạng; đăng tải trên báo chí, cổng thông tin điện tử, website, các kênh truyền thông mạng xã hội (Zalo, Facebook,...) và thông tin tuyên truyền trên các phương tiện thông tin, nền tảng truyền thông khác phù hợp.
- Báo cáo kết quả thực hiện (hình thức, số lượt người được tuyên truyền theo đối tượng, đường dẫn, hình ảnh minh chứng) trên hệ thống theo dõi trong thời hạn 30 ngày kể từ ngày ban hành công văn."""

COPIES_TO = """Như trên
Bộ Văn hóa, Thể thao và Du lịch (báo cáo)
UBND tỉnh (báo cáo)
Ban Tuyên giáo và Dân vận Tỉnh ủy
Giám đốc, các Phó Giám đốc Sở
Lưu: VT, TTBCXB"""


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    unit: str
    totp_secret: str = ""


def _unit(code: str, name: str, kind: Any, parent: OrgUnit, level: Any = "") -> OrgUnit:
    unit, _ = OrgUnit.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent, "school_level": level}
    )
    return unit


def create_units() -> dict[str, OrgUnit]:
    """Load the provinces and Tây Ninh's 96 communes, then the bodies, police and schools of the demo."""
    load_divisions(communes_of={TAY_NINH})
    province = OrgUnit.objects.get(code=TAY_NINH)
    units = {"province": province}
    for key, code, name, kind in (
        ("issuer", ISSUER_CODE, "Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh", UnitKind.DEPARTMENT),
        ("education", "80-SGDDT", "Sở Giáo dục và Đào tạo tỉnh Tây Ninh", UnitKind.DEPARTMENT),
        ("health", "80-SYT", "Sở Y tế tỉnh Tây Ninh", UnitKind.DEPARTMENT),
        ("science", "80-SKHCN", "Sở Khoa học và Công nghệ tỉnh Tây Ninh", UnitKind.DEPARTMENT),
        ("police", "80-CA", "Công an tỉnh Tây Ninh", UnitKind.POLICE),
        ("press", "80-BPTTH", "Báo và Phát thanh, Truyền hình Tây Ninh", UnitKind.PRESS),
        ("portal", "80-CTTDT", "Cổng Thông tin điện tử tỉnh Tây Ninh", UnitKind.PORTAL),
        ("culture", "80-TTVHNT", "Trung tâm Văn hóa - Nghệ thuật tỉnh Tây Ninh", UnitKind.CULTURE_CENTRE),
        ("business", "80-DN-01", "Công ty TNHH Dịch vụ số Tây Ninh (mẫu)", UnitKind.BUSINESS),
    ):
        units[key] = _unit(code, name, kind, province)
    for commune in OrgUnit.objects.filter(parent=province, name__in=DEMO_COMMUNES):
        slug = commune.code
        units[f"commune:{commune.name}"] = commune
        units[f"police:{commune.name}"] = _unit(
            f"{slug}-CA", f"Công an {commune.name[0].lower()}{commune.name[1:]}", UnitKind.POLICE, commune
        )
        place = commune.place_name
        units[f"thcs:{commune.name}"] = _unit(
            f"{slug}-THCS", f"Trường THCS {place}", UnitKind.SCHOOL, commune, SchoolLevel.LOWER_SECONDARY
        )
        units[f"th:{commune.name}"] = _unit(
            f"{slug}-TH", f"Trường Tiểu học {place}", UnitKind.SCHOOL, commune, SchoolLevel.PRIMARY
        )
    return units


def create_groups(province: OrgUnit) -> list[UnitGroup]:
    """The recipient groups of the example dispatch, as rules over the province's subtree."""
    groups = []
    for slug, name, kinds, levels in (
        ("so-ban-nganh", "Sở, ban, ngành tỉnh", [UnitKind.DEPARTMENT], []),
        ("cong-an", "Công an tỉnh và công an xã, phường", [UnitKind.POLICE], []),
        (
            "ubnd-xa",
            "UBND các xã, phường, đặc khu",
            [UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE],
            [],
        ),
        ("bao-chi", "Báo chí, phát thanh, truyền hình", [UnitKind.PRESS, UnitKind.BROADCASTER], []),
        ("cong-thong-tin", "Cổng Thông tin điện tử tỉnh", [UnitKind.PORTAL], []),
        ("van-hoa", "Trung tâm văn hóa", [UnitKind.CULTURE_CENTRE], []),
        ("truong-tieu-hoc", "Trường tiểu học", [UnitKind.SCHOOL], [SchoolLevel.PRIMARY]),
        ("truong-thcs", "Trường trung học cơ sở", [UnitKind.SCHOOL], [SchoolLevel.LOWER_SECONDARY]),
        ("doanh-nghiep", "Doanh nghiệp cung cấp dịch vụ trên mạng", [UnitKind.BUSINESS], []),
    ):
        group, _ = UnitGroup.objects.update_or_create(
            slug=f"{province.code}-{slug}",
            defaults={"name": name, "within": province, "kinds": list(kinds), "school_levels": list(levels)},
        )
        groups.append(group)
    return groups


def create_users(units: dict[str, OrgUnit], *, password: str | None) -> list[DemoUser]:
    """Staff users of every role; each gets the given password or a fresh random one."""
    province, issuer = units["province"], units["issuer"]
    long_an = units["commune:Phường Long An"]
    tan_an = units["commune:Phường Tân An"]
    plan = (
        ("quantri", Role.ADMIN, issuer, province, "Chuyên viên Phòng Thông tin, Báo chí, Xuất bản"),
        ("lanhdao", Role.LEADER, issuer, province, "Phó Giám đốc Sở"),
        ("phuong.longan", Role.LEADER, long_an, long_an, "Phó Chủ tịch UBND phường"),
        (
            "thcs.longan",
            Role.REPORTER,
            units["thcs:Phường Long An"],
            units["thcs:Phường Long An"],
            "Giáo viên",
        ),
        (
            "congan.longan",
            Role.REPORTER,
            units["police:Phường Long An"],
            units["police:Phường Long An"],
            "Cán bộ",
        ),
        ("phuong.tanan", Role.REPORTER, tan_an, tan_an, "Công chức Văn hóa - Xã hội"),
    )
    made = []
    for username, role, unit, scope, title in plan:
        secret = password or f"loa-{secrets.token_urlsafe(9)}"
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(secret)
        user.is_active = True
        user.save()
        Membership.objects.update_or_create(
            user=user, defaults={"role": role, "unit": unit, "scope": scope, "title": title}
        )
        made.append(
            DemoUser(username, secret, Role(role).label, unit.name, _totp(user) if role == Role.ADMIN else "")
        )
    return made


def _totp(user: object) -> str:
    from loa.web.access.twofactor import secret_of

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Loa (demo)", confirmed=True)
    return secret_of(device)


def create_example_dispatch(
    units: dict[str, OrgUnit], groups: list[UnitGroup], *, pack: str, by: object
) -> Dispatch:
    """The example dispatch of 2024 rewritten for today's agencies, dated 40 days ago and sent."""
    issued_on = timezone.localdate() - timedelta(days=40)
    dispatch = Dispatch.objects.create(
        issuer=units["issuer"],
        issuer_parent_name="UBND TỈNH TÂY NINH",
        issuer_name="SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        symbol="SVHTTDL-TTBCXB",
        place="Tây Ninh",
        issued_on=issued_on,
        subject="phổ biến Tài liệu tuyên truyền bảo vệ trẻ em trên môi trường mạng",
        addressees=ADDRESSEES,
        body=BODY,
        copies_to=COPIES_TO,
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Trần Minh Khoa",
        pack_manifest=pack,
        deadline_days=30,
        created_by=by,
    )
    dispatch.recipient_groups.set(groups)
    dispatch_flows.send_dispatch(dispatch, by=by)
    return dispatch


def create_activity(units: dict[str, OrgUnit], dispatch: Dispatch, users: dict[str, object]) -> int:
    """Acknowledgements and reports in every state: on time, late, waiting for approval, draft."""
    issued = dispatch.issued_on
    plan = (
        (
            "thcs:Phường Long An",
            ActivityKind.CLASS_SESSION,
            12,
            28,
            "approved",
            "Tiết sinh hoạt lớp: an toàn trên mạng",
            {"children_11_15": 412, "teachers": 18, "parents": 35},
        ),
        (
            "th:Phường Long An",
            ActivityKind.CLASS_SESSION,
            15,
            33,
            "submitted",
            "Chào cờ đầu tuần: nói không với người lạ trên mạng",
            {"children_6_10": 530, "teachers": 24},
        ),
        (
            "police:Phường Long An",
            ActivityKind.MEETING,
            9,
            20,
            "approved",
            "Hội nghị tuyên truyền tại tổ dân phố",
            {"parents": 86, "others": 40},
        ),
        (
            "commune:Phường Tân An",
            ActivityKind.LOUDSPEAKER,
            5,
            14,
            "approved",
            "Phát thanh trên loa truyền thanh phường",
            {"others": 1200, "parents": 300},
        ),
        (
            "press",
            ActivityKind.PRESS_ARTICLE,
            7,
            8,
            "approved",
            "Phóng sự: Bảo vệ trẻ em trên môi trường mạng",
            {"others": 5400},
        ),
        (
            "portal",
            ActivityKind.CHANNEL_POST,
            3,
            4,
            "approved",
            "Đăng tài liệu trên Cổng Thông tin điện tử tỉnh",
            {"others": 2100},
        ),
        (
            "thcs:Phường Tân An",
            ActivityKind.CLASS_SESSION,
            20,
            None,
            "draft",
            "Ngoại khóa kỹ năng số",
            {"children_11_15": 380, "teachers": 12},
        ),
    )
    made = 0
    for key, kind, held_after, submitted_after, state, title, counts in plan:
        delivery = Delivery.objects.get(dispatch=dispatch, unit=units[key])
        delivery.acknowledged_at = timezone.now() - timedelta(days=39 - held_after // 2)
        delivery.save(update_fields=["acknowledged_at"])
        report = ActivityReport.objects.create(
            delivery=delivery,
            unit=delivery.unit,
            kind=kind,
            held_on=issued + timedelta(days=held_after),
            title=title,
            description="Sử dụng bộ tài liệu đính kèm công văn; không thu thập thông tin cá nhân của trẻ.",
            links="https://tayninh.gov.vn/" if kind == ActivityKind.CHANNEL_POST else "",
            created_by=users["quantri"],
            **counts,
        )
        if key.startswith("thcs:Phường Long An"):
            report_flows.add_photo(
                report,
                _sample_photo(),
                caption="Tiết sinh hoạt lớp 8A (ảnh minh họa)",
                by=users["thcs.longan"],
            )
        if submitted_after is not None:
            report.status = state
            report.submitted_at = timezone.now() - timedelta(days=40 - submitted_after)
            if state == "approved":
                report.reviewed_at, report.reviewed_by = (
                    report.submitted_at + timedelta(days=1),
                    users["lanhdao"],
                )
            report.save()
        made += 1
    for key in ("education", "health", "commune:Phường Khánh Hậu"):
        Delivery.objects.filter(dispatch=dispatch, unit=units[key]).update(
            acknowledged_at=timezone.now() - timedelta(days=30)
        )
    return made


def _sample_photo() -> bytes:
    """A drawn stand-in for a classroom photo (never a real child), carrying GPS EXIF to be stripped."""
    image = Image.new("RGB", (1600, 1000), "#dce8f5")
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 80, 1520, 300), fill="#0b4f8a")
    for i in range(6):
        draw.ellipse((150 + i * 230, 520, 330 + i * 230, 700), fill="#f2b134")
        draw.rectangle((170 + i * 230, 700, 310 + i * 230, 900), fill="#4a7fb5")
    exif = Image.Exif()
    exif[0x010F] = "Demo camera"
    exif.get_ifd(0x8825)[2] = (10.0, 32.0, 0.0)  # GPS latitude: must not survive the upload
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


@transaction.atomic
def create_demo(*, pack: str, password: str | None) -> tuple[list[DemoUser], Dispatch | None]:
    """Create (or refresh) the whole demo; existing demo dispatches are kept, passwords renewed."""
    units = create_units()
    groups = create_groups(units["province"])
    demo_users = create_users(units, password=password)
    users = {u.username: get_user_model().objects.get(username=u.username) for u in demo_users}
    existing = Dispatch.objects.filter(issuer=units["issuer"]).first()
    if existing is not None:
        return demo_users, None
    dispatch = create_example_dispatch(units, groups, pack=pack, by=users["quantri"])
    create_activity(units, dispatch, users)
    return demo_users, dispatch


def default_pack(data_dir: Path) -> str:
    """Return a pack for the demo: ./_site if built, else the bundled campaign built into the data folder."""
    built = Path.cwd() / "_site" / "manifest.json"
    if built.is_file():
        return str(built.parent)
    campaign = Path.cwd() / "campaigns" / "bao-ve-tre-em"
    target = data_dir / "pack"
    if (target / "manifest.json").is_file():
        return str(target)
    if not campaign.is_dir():
        return ""
    from loa.build import build  # the web app may read the core; the core never imports the web app

    build(campaign, out=target, formats=["article-html"])
    return str(target)
