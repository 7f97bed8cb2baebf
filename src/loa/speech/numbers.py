"""Vietnamese number reading for speech: cardinals, decimals, ordinals, digit strings and dates."""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ")
MONTHS = ("", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai")
"""Month names as said: tháng tư (not tháng bốn)."""


def _below_thousand(n: int) -> str:
    """Return 1..999 in words (num2words handles lẻ, mốt, lăm)."""
    from num2words import num2words  # loads when speech is written, not with every renderer

    return str(num2words(n, lang="vi"))


def _inner_group(n: int) -> str:
    """Return a group after a larger one: 16 → "không trăm mười sáu", 5 → "không trăm lẻ năm"."""
    if n >= 100:
        return _below_thousand(n)
    if n >= 10:
        return "không trăm " + _below_thousand(n)
    return "không trăm lẻ " + DIGITS[n]


def cardinal(n: int) -> str:
    """Return a whole number in Vietnamese words: 2016 → "hai nghìn không trăm mười sáu"."""
    if n < 0:
        return "âm " + cardinal(-n)
    if n < 1000:
        return DIGITS[0] if n == 0 else _below_thousand(n)
    if n >= 10**12:
        return digits(str(n))  # too long to say as a quantity: read it like a code
    groups: list[int] = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    words: list[str] = []
    for scale in range(len(groups) - 1, -1, -1):
        group = groups[scale]
        if group == 0:
            if words and scale > 0 and any(groups[:scale]):
                words += ["không", SCALES[scale]]  # 1.000.500: "một triệu không nghìn năm trăm"
            continue
        words.append(_below_thousand(group) if not words else _inner_group(group))
        words.append(SCALES[scale])
    return " ".join(w for w in words if w)


def decimal(whole: str, fraction: str) -> str:
    """Return a decimal written with a comma: ("3", "5") → "ba phẩy năm"; ("0", "05") → digit by digit."""
    tail = cardinal(int(fraction)) if not fraction.startswith("0") else digits(fraction)
    return f"{cardinal(int(whole))} phẩy {tail}"


def digits(text: str) -> str:
    """Return each digit of a string as a word: "111" → "một một một" (phone numbers, codes)."""
    return " ".join(DIGITS[int(c)] for c in text if c.isdigit())


def ordinal(n: int) -> str:
    """Return the word after "thứ": 1 → "nhất", 4 → "tư", 7 → "bảy"."""
    return {1: "nhất", 4: "tư"}.get(n, cardinal(n))


def date(day: int | None, month: int, year: int | None) -> str:
    """Return a date as said: (1, 6, 2026) → "ngày một tháng sáu năm hai nghìn không trăm hai mươi sáu"."""
    parts = [f"ngày {cardinal(day)}"] if day else []
    parts.append(f"tháng {MONTHS[month]}")
    if year is not None:
        parts.append(f"năm {cardinal(year)}")
    return " ".join(parts)


def is_date(day: int, month: int) -> bool:
    """Return whether day and month could be a calendar date."""
    return 1 <= day <= 31 and 1 <= month <= 12
