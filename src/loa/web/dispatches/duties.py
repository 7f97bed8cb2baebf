"""The legal duties on child protection online that apply to each kind of unit, with their sources
(the dispatch's first request: "carry out your legal duties"). From shared reference notes, §7."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Duty:
    text: str
    source: str


_DEPARTMENT = (
    Duty(
        "Truyền thông, giáo dục, nâng cao nhận thức và năng lực bảo vệ trẻ em trên môi trường mạng "
        "theo chức năng quản lý của ngành.",
        "Nghị định 56/2017/NĐ-CP, Điều 34 khoản 1",
    ),
)
_COMMUNE = (
    Duty(
        "Tiếp nhận, xử lý thông tin, thông báo, tố giác về hành vi xâm hại trẻ em, "
        "kể cả trên môi trường mạng.",
        "Luật Trẻ em 2016, Điều 51 khoản 2",
    ),
    Duty(
        "Bố trí người làm công tác bảo vệ trẻ em cấp xã, phối hợp với Tổng đài 111.",
        "Nghị định 56/2017/NĐ-CP, Điều 22",
    ),
)
DUTIES: dict[str, tuple[Duty, ...]] = {
    "department": _DEPARTMENT,
    "culture_centre": _DEPARTMENT,
    "social_org": _DEPARTMENT,
    "police": (
        Duty(
            "Tiếp nhận tin báo, hỗ trợ và can thiệp khi trẻ em bị xâm hại trên môi trường mạng.",
            "Nghị định 56/2017/NĐ-CP, Điều 37 khoản 2",
        ),
        Duty(
            "Lực lượng chuyên trách bảo vệ an ninh mạng xử lý thông tin có hại cho trẻ em "
            "trên không gian mạng.",
            "Luật An ninh mạng 2018, Điều 29 khoản 5",
        ),
    ),
    "school": (
        Duty(
            "Tuyên truyền, giáo dục định kỳ cho học sinh về kỹ năng an toàn trên môi trường mạng.",
            "Nghị định 56/2017/NĐ-CP, Điều 34 khoản 2",
        ),
        Duty(
            "Giáo viên giáo dục, hướng dẫn trẻ em kiến thức, kỹ năng tự bảo vệ.",
            "Luật Trẻ em 2016, Điều 54 khoản 1",
        ),
    ),
    "commune": _COMMUNE,
    "ward": _COMMUNE,
    "special_zone": _COMMUNE,
    "province": _COMMUNE,
    "press": (
        Duty(
            "Tham gia thực hiện Chương trình bảo vệ trẻ em trên môi trường mạng; không tiết lộ bí mật "
            "đời sống riêng tư của trẻ em khi đưa tin.",
            "Nghị định 56/2017/NĐ-CP, Điều 55; Thông tư 09/2017/TT-BLĐTBXH",
        ),
    ),
    "broadcaster": (
        Duty(
            "Tham gia thực hiện Chương trình bảo vệ trẻ em trên môi trường mạng; không tiết lộ bí mật "
            "đời sống riêng tư của trẻ em khi đưa tin.",
            "Nghị định 56/2017/NĐ-CP, Điều 55",
        ),
    ),
    "portal": (
        Duty(
            "Đăng tải thông tin tuyên truyền; kiểm soát, gỡ bỏ thông tin có hại cho trẻ em.",
            "Luật An ninh mạng 2018, Điều 29 khoản 2",
        ),
    ),
    "business": (
        Duty(
            "Hướng dẫn người dùng, cảnh báo và gỡ bỏ nội dung có hại, cung cấp công cụ bảo vệ trẻ em.",
            "Nghị định 56/2017/NĐ-CP, Điều 34 khoản 3 và Điều 35",
        ),
        Duty(
            "Kiểm soát, gỡ bỏ thông tin có hại cho trẻ em và thông báo cho Bộ Công an.",
            "Luật An ninh mạng 2018, Điều 29 khoản 2",
        ),
        Duty(
            "Tài khoản mạng xã hội của người dưới 16 tuổi do cha mẹ đăng ký, "
            "giới hạn thời gian chơi trò chơi.",
            "Nghị định 147/2024/NĐ-CP, Điều 27, 38, 39",
        ),
    ),
}


def duties_for(unit_kind: str) -> tuple[Duty, ...]:
    """Return the duties of a kind of unit (those of a department when the kind has none listed)."""
    return DUTIES.get(unit_kind, _DEPARTMENT)
