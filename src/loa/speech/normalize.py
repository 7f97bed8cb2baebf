"""Vietnamese text made ready to be spoken: numbers, phones, dates, abbreviations, links, no emoji."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from loa.speech import numbers as n

SERVICE_NUMBERS = frozenset({"111", "112", "113", "114", "115", "116", "18001567"})
"""Short help and emergency lines: always read digit by digit, never as a quantity."""

ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "TP.HCM": "Thành phố Hồ Chí Minh",
    "TP. HCM": "Thành phố Hồ Chí Minh",
    "TPHCM": "Thành phố Hồ Chí Minh",
    "HCM": "Hồ Chí Minh",
    "TP.": "thành phố",
    "TP": "thành phố",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "CSGT": "cảnh sát giao thông",
    "GD&ĐT": "Giáo dục và Đào tạo",
    "GDĐT": "Giáo dục và Đào tạo",
    "LĐ-TB&XH": "Lao động, Thương binh và Xã hội",
    "LĐTBXH": "Lao động, Thương binh và Xã hội",
    "SVHTTDL": "Sở Văn hóa, Thể thao và Du lịch",
    "VHTTDL": "Văn hóa, Thể thao và Du lịch",
    "KH&CN": "Khoa học và Công nghệ",
    "TT&TT": "Thông tin và Truyền thông",
    "NĐ-CP": "Nghị định của Chính phủ",
    "QĐ-TTg": "Quyết định của Thủ tướng",
    "BVTE": "bảo vệ trẻ em",
    "BVDLCN": "bảo vệ dữ liệu cá nhân",
    "MXH": "mạng xã hội",
    "CNTT": "công nghệ thông tin",
    "ATTT": "an toàn thông tin",
    "PCCC": "phòng cháy chữa cháy",
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "BHYT": "bảo hiểm y tế",
    "SĐT": "số điện thoại",
    "ĐT": "điện thoại",
    "ĐH": "đại học",
    "LHQ": "Liên Hợp Quốc",
    "UNICEF": "u ni xép",
    "OTP": "ô tê pê",
    "AI": "ây ai",
    "QR": "kiu a",
    "VN": "Việt Nam",
}
"""Written abbreviations and how to say them; matched whole and case-sensitively."""

LOANWORDS = {
    "facebook": "phây búc",
    "zalo": "da lô",
    "tiktok": "tích tóc",
    "youtube": "diu túp",
    "messenger": "mét xen giơ",
    "instagram": "in xta gram",
    "internet": "in tơ nét",
    "online": "on lai",
    "offline": "óp lai",
    "livestream": "lai xờ trim",
    "game": "gêm",
    "email": "i meo",
    "e-mail": "i meo",
    "website": "oép xai",
    "web": "oép",
    "wifi": "oai phai",
    "app": "áp",
    "link": "linh",
    "video": "vi đê ô",
    "clip": "clíp",
    "camera": "ca mê ra",
    "deepfake": "đíp phếch",
    "hotline": "hót lai",
}
"""Foreign words common in campaign text, written the way Vietnamese speakers say them."""

LETTERS = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê", "H": "hát",
    "I": "i", "J": "gi", "K": "ca", "L": "eo", "M": "em", "N": "en", "O": "o", "P": "pê", "Q": "quy",
    "R": "e rờ", "S": "ét", "T": "tê", "U": "u", "V": "vê", "W": "vê kép", "X": "ích", "Y": "i dài",
    "Z": "dét",
}  # fmt: skip
"""Names of letters, for spelling acronyms nobody knows how to say."""

DOMAIN_WORDS = {"vn": "vê en", "www": "vê kép vê kép vê kép", "gov": "gốp", "com": "com", "org": "o rờ gờ"}
SPEAKING_DUE = "hai mươi bốn giờ mỗi ngày, bảy ngày mỗi tuần"

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]
DOMAIN = r"(?:[A-Za-z0-9-]+\.)+(?:vn|com|org|net|gov|edu|info|io)\b"


def normalize_for_speech(text: str, *, phone_numbers: Iterable[str] = ()) -> str:
    """Return text a speech engine reads right: every number, sign and abbreviation as words."""
    phones = SERVICE_NUMBERS | {p.replace(" ", "") for p in phone_numbers}
    text = drop_emoji(unicodedata.normalize("NFC", text))
    for pattern, replace in (*_RULES_BEFORE_NUMBERS, _phone_rule(phones), *_RULES_NUMBERS):
        text = pattern.sub(replace, text)
    text = _say_words(text)
    return _tidy(text)


def drop_emoji(text: str) -> str:
    """Return text without emoji, pictographs, variation selectors and joiners."""
    kept = []
    for char in text:
        code = ord(char)
        if unicodedata.category(char) in ("So", "Sk", "Cs", "Co") or code in (0x200D, 0x20E3):
            continue
        if 0xFE00 <= code <= 0xFE0F or 0x1F000 <= code <= 0x1FAFF:
            continue
        kept.append(char)
    return "".join(kept)


# --- links and addresses ---------------------------------------------------------------------


def say_domain(domain: str) -> str:
    """Return a host name as said: "loa.example.gov.vn" → "loa chấm example chấm gốp chấm vê en"."""
    return " chấm ".join(_say_label(label) for label in domain.lower().split(".") if label)


def _say_label(label: str) -> str:
    if label in DOMAIN_WORDS:
        return DOMAIN_WORDS[label]
    parts = re.findall(r"[0-9]+|[a-zđ]+|[^a-z0-9đ]", label)
    spoken = []
    for part in parts:
        if part.isdigit():
            spoken.append(n.digits(part))
        elif part == "-":
            spoken.append("gạch ngang")
        elif part == "_":
            spoken.append("gạch dưới")
        elif part.isalpha():
            spoken.append(_spell(part.upper()) if not re.search(r"[aeiouy]", part) else part)
    return " ".join(spoken)


def _say_url(match: re.Match[str]) -> str:
    url = match.group(0)
    trail = re.search(r"[.,;:!?)]+$", url)
    url = url[: trail.start()] if trail else url
    rest = re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE)
    host, _, path = rest.partition("/")
    spoken = say_domain(host)
    path = path.strip("/")
    if path and len(path) <= 20 and "?" not in path:  # a short path is worth saying; a long one is not
        spoken += " gạch chéo " + " gạch chéo ".join(_say_label(p.lower()) for p in path.split("/"))
    return spoken + (trail.group(0) if trail else "")


def _say_email(match: re.Match[str]) -> str:
    local, domain = match["local"], match["domain"]
    local_spoken = " chấm ".join(_say_label(p.lower()) for p in local.split("."))
    return f"{local_spoken} a còng {say_domain(domain)}"


# --- numbers --------------------------------------------------------------------------------


def _phone_rule(phones: frozenset[str] | set[str]) -> Rule:
    """Return the rule reading phone and hotline numbers digit by digit, in groups."""
    known = "|".join(sorted((re.escape(p) for p in phones), key=len, reverse=True))
    pattern = (
        r"(?<![\d.,/])(?:\+84[ .]?\d{1,3}(?:[ .]?\d{2,4}){2,3}"  # +84 912 345 678
        r"|0\d{2,3}(?:[ .]?\d{3,4}){2}"  # 0272 3822 111, 0912.345.678
        r"|1[89]00[ .]?\d{4}(?:\d{2})?"  # 1800 1567
        rf"|(?:{known}))(?![\d,.]\d|\d|/\d)"
    )

    def say(match: re.Match[str]) -> str:
        groups = re.split(r"[ .]", match.group(0).replace("+84", "+84 "))
        return ", ".join(("cộng " + n.digits(g)) if g.startswith("+") else n.digits(g) for g in groups if g)

    return re.compile(pattern), say


def _say_date(match: re.Match[str]) -> str:
    day, month, year = int(match["d"]), int(match["m"]), match["y"]
    if not n.is_date(day, month):
        return match.group(0).replace("/", " trên ")
    return n.date(day, month, int(year) if year else None)


def _say_day_range(match: re.Match[str]) -> str:
    first, last, month = int(match["a"]), int(match["b"]), int(match["m"])
    if not (n.is_date(first, month) and n.is_date(last, month)):
        return match.group(0)
    return f"từ ngày {n.cardinal(first)} đến {n.date(last, month, None)}"


def _say_month_year(match: re.Match[str]) -> str:
    month, year = int(match["m"]), int(match["y"])
    return n.date(None, month, year) if 1 <= month <= 12 else match.group(0)


def _say_time(match: re.Match[str]) -> str:
    hours, minutes = int(match["h"]), match["min"] or match["min2"]
    if hours > 24:
        return match.group(0)
    said = f"{n.cardinal(hours)} giờ"
    return said + (f" {n.cardinal(int(minutes))} phút" if minutes and int(minutes) else "")


def _say_percent(match: re.Match[str]) -> str:
    return f"{_say_number(match['num'])} phần trăm"


def _say_number(text: str) -> str:
    """Return a written number as words: "1.000" → "một nghìn", "3,5" → "ba phẩy năm"."""
    if "," in text:
        whole, fraction = text.replace(".", "").split(",", 1)
        return n.decimal(whole, fraction)
    return n.cardinal(int(text.replace(".", "")))


def _say_document_number(match: re.Match[str]) -> str:
    """Return "56/2017/NĐ-CP" as people say it: "năm mươi sáu năm hai nghìn không trăm mười bảy"."""
    year = f" năm {n.cardinal(int(match['y']))}" if match["y"] else ""
    return n.cardinal(int(match["num"])) + year


# --- words ----------------------------------------------------------------------------------


def _spell(word: str) -> str:
    return " ".join(LETTERS.get(c, c) for c in word)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_ABBREVIATION = re.compile(rf"(?<![\w&])(?:{_alternation(ABBREVIATIONS)})(?![\w&])")
_LOANWORD = re.compile(rf"\b(?:{_alternation(LOANWORDS)})\b", re.IGNORECASE)
_CAPITALS = re.compile(r"\b[^\W\d_a-zđ]{2,}\b")


def _say_words(text: str) -> str:
    """Expand abbreviations, say loanwords the Vietnamese way, spell unknown acronyms."""
    text = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(0)], text)
    text = _LOANWORD.sub(lambda m: LOANWORDS[m.group(0).lower()], text)
    return _CAPITALS.sub(_say_capitals, text)


def _say_capitals(match: re.Match[str]) -> str:
    """Return an all-capitals word: spelled when it has no vowel (NĐ), else read as a word (DỪNG)."""
    word = match.group(0)
    if not word.isupper():
        return word
    bases = {unicodedata.normalize("NFD", c)[0] for c in word}
    return word.lower() if bases & set("AEIOUY") else _spell(word)


def _tidy(text: str) -> str:
    text = re.sub(r"(?<![.!?:;,])[ \t]*\n+\s*", ". ", text.strip())
    text = re.sub(r"\s*[–—]\s*|\s+-\s+|\s*[→•·|]\s*", ", ", text)
    text = re.sub(r"[()\[\]{}]", ", ", text)
    text = re.sub(r"[\"“”‘’«»*_#`~^<>]", "", text)
    text = text.replace("&", " và ").replace("…", ".").replace("/", " hoặc ").replace("+", " cộng ")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"^[\s,;:]+|[\s,;:]+$", "", text)
    return re.sub(r"([.!?])\s*,", r"\1", text)


_RULES_BEFORE_NUMBERS: tuple[Rule, ...] = (
    (re.compile(r"\b(?P<local>[\w.+-]+)@(?P<domain>[\w-]+(?:\.[\w-]+)+)\b"), _say_email),
    (re.compile(rf"\bhttps?://\S+|\bwww\.\S+|\b{DOMAIN}(?:/[^\s,;]*)?", re.IGNORECASE), _say_url),
    (re.compile(r"\b24\s*/\s*7\b"), lambda m: SPEAKING_DUE),
    (re.compile(r"\b(?P<num>\d+)/(?P<y>\d{4})/[A-ZĐa-z0-9-]+"), _say_document_number),
    (re.compile(r"\b(?P<num>\d+)/(?P<y>)(?:QĐ|NĐ|CT|KH|TT|NQ|CV)[A-ZĐa-z0-9-]*"), _say_document_number),
)

_DAY = r"(?:\b[Nn]gày\s+)?\b"
_RULES_NUMBERS: tuple[Rule, ...] = (
    (re.compile(_DAY + r"(?P<a>\d{1,2})\s*[–-]\s*(?P<b>\d{1,2})/(?P<m>\d{1,2})\b(?!/\d)"), _say_day_range),
    (re.compile(_DAY + r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})\b"), _say_date),
    (re.compile(r"(?:\b[Tt]háng\s+)?\b(?P<m>\d{1,2})/(?P<y>\d{4})\b"), _say_month_year),
    (re.compile(_DAY + r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?P<y>)\b(?![/\d])"), _say_date),
    (re.compile(r"\b(?P<h>\d{1,2})(?:h(?P<min>\d{2})?|:(?P<min2>\d{2}))\b"), _say_time),
    (re.compile(r"(?P<num>\d+(?:[.,]\d+)*)\s?%"), _say_percent),
    (re.compile(r"\b[Tt]hứ\s+(?P<num>\d+)\b"), lambda m: "thứ " + n.ordinal(int(m["num"]))),
    (re.compile(r"\b(?P<a>\d+)\s*[–—-]\s*(?P<b>\d+)\b"), lambda m: f"{m['a']} đến {m['b']}"),
    (re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])"), lambda m: " "),
    (re.compile(r"\b\d{1,3}(?:\.\d{3})+(?:,\d+)?\b|\b\d+,\d+\b|\b\d+\b"), lambda m: _say_number(m.group(0))),
)
