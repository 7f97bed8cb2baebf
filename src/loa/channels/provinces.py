"""Zalo broadcast targeting by province: the 34 provinces since 1 July 2025 → the 63 before.

Zalo's city targeting still lists the 63 provinces from before Resolution 202/2025/QH15, so a
broadcast for a 2025 province goes to every old province it was merged from. The old provinces are
named by their statistics-office codes (two digits); `LOA_ZALO_CITY_CODES` (a YAML or JSON file
of old code → Zalo city code) translates them when Zalo's own codes differ.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from loa.channels.base import PublishError

# New province code (statistics office, 2025) → its name, and the old provinces (code, name) it joins.
MERGED: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "01": ("Thành phố Hà Nội", (("01", "Hà Nội"),)),
    "04": ("Tỉnh Cao Bằng", (("04", "Cao Bằng"),)),
    "08": ("Tỉnh Tuyên Quang", (("08", "Tuyên Quang"), ("02", "Hà Giang"))),
    "11": ("Tỉnh Điện Biên", (("11", "Điện Biên"),)),
    "12": ("Tỉnh Lai Châu", (("12", "Lai Châu"),)),
    "14": ("Tỉnh Sơn La", (("14", "Sơn La"),)),
    "15": ("Tỉnh Lào Cai", (("10", "Lào Cai"), ("15", "Yên Bái"))),
    "19": ("Tỉnh Thái Nguyên", (("19", "Thái Nguyên"), ("06", "Bắc Kạn"))),
    "20": ("Tỉnh Lạng Sơn", (("20", "Lạng Sơn"),)),
    "22": ("Tỉnh Quảng Ninh", (("22", "Quảng Ninh"),)),
    "24": ("Tỉnh Bắc Ninh", (("27", "Bắc Ninh"), ("24", "Bắc Giang"))),
    "25": ("Tỉnh Phú Thọ", (("25", "Phú Thọ"), ("26", "Vĩnh Phúc"), ("17", "Hòa Bình"))),
    "31": ("Thành phố Hải Phòng", (("31", "Hải Phòng"), ("30", "Hải Dương"))),
    "33": ("Tỉnh Hưng Yên", (("33", "Hưng Yên"), ("34", "Thái Bình"))),
    "37": ("Tỉnh Ninh Bình", (("37", "Ninh Bình"), ("35", "Hà Nam"), ("36", "Nam Định"))),
    "38": ("Tỉnh Thanh Hóa", (("38", "Thanh Hóa"),)),
    "40": ("Tỉnh Nghệ An", (("40", "Nghệ An"),)),
    "42": ("Tỉnh Hà Tĩnh", (("42", "Hà Tĩnh"),)),
    "44": ("Tỉnh Quảng Trị", (("45", "Quảng Trị"), ("44", "Quảng Bình"))),
    "46": ("Thành phố Huế", (("46", "Thừa Thiên Huế"),)),
    "48": ("Thành phố Đà Nẵng", (("48", "Đà Nẵng"), ("49", "Quảng Nam"))),
    "51": ("Tỉnh Quảng Ngãi", (("51", "Quảng Ngãi"), ("62", "Kon Tum"))),
    "52": ("Tỉnh Gia Lai", (("64", "Gia Lai"), ("52", "Bình Định"))),
    "56": ("Tỉnh Khánh Hòa", (("56", "Khánh Hòa"), ("58", "Ninh Thuận"))),
    "66": ("Tỉnh Đắk Lắk", (("66", "Đắk Lắk"), ("54", "Phú Yên"))),
    "68": ("Tỉnh Lâm Đồng", (("68", "Lâm Đồng"), ("67", "Đắk Nông"), ("60", "Bình Thuận"))),
    "75": ("Tỉnh Đồng Nai", (("75", "Đồng Nai"), ("70", "Bình Phước"))),
    "79": (
        "Thành phố Hồ Chí Minh",
        (("79", "Hồ Chí Minh"), ("74", "Bình Dương"), ("77", "Bà Rịa - Vũng Tàu")),
    ),
    "80": ("Tỉnh Tây Ninh", (("72", "Tây Ninh"), ("80", "Long An"))),
    "82": ("Tỉnh Đồng Tháp", (("87", "Đồng Tháp"), ("82", "Tiền Giang"))),
    "86": ("Tỉnh Vĩnh Long", (("86", "Vĩnh Long"), ("83", "Bến Tre"), ("84", "Trà Vinh"))),
    "91": ("Tỉnh An Giang", (("89", "An Giang"), ("91", "Kiên Giang"))),
    "92": ("Thành phố Cần Thơ", (("92", "Cần Thơ"), ("94", "Sóc Trăng"), ("93", "Hậu Giang"))),
    "96": ("Tỉnh Cà Mau", (("96", "Cà Mau"), ("95", "Bạc Liêu"))),
}


def old_provinces(code: str) -> tuple[tuple[str, str], ...]:
    """Return the pre-2025 provinces (code, name) a 2025 province was formed from."""
    found = MERGED.get(code.strip().zfill(2))
    if found is None:
        raise PublishError(
            f"Zalo broadcast cities: '{code}' không phải mã tỉnh, thành phố (34 đơn vị từ 01/7/2025), "
            "ví dụ 80 là Tây Ninh"
        )
    return found[1]


def zalo_cities(codes: Iterable[str], table: Mapping[str, str] | None = None) -> str:
    """Return Zalo's `cities` target for 2025 provinces: the old provinces' codes, comma-separated."""
    chosen: list[str] = []
    for code in codes:
        for old, _name in old_provinces(code):
            city = (table or {}).get(old, old)
            if city not in chosen:
                chosen.append(city)
    return ",".join(chosen)


def read_city_codes(path: Path) -> dict[str, str]:
    """Return the old province code → Zalo city code table of a YAML or JSON file."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise PublishError(f"{path}: không đọc được bảng mã tỉnh của Zalo ({exc})") from None
    if not isinstance(data, dict):
        raise PublishError(f"{path}: bảng mã tỉnh của Zalo cần các cặp mã-tỉnh-cũ: mã-Zalo")
    return {str(k).zfill(2): str(v) for k, v in data.items()}
