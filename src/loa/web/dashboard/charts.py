"""Bar charts drawn on the server as inline SVG: no script, no CDN, readable by screen readers."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH = 22, 10, 230, 300, 70
COLOURS = {"primary": "#0b4f8a", "good": "#1a7f37", "warn": "#b35900", "bad": "#b42318"}


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    max_value: float | None = None,
    suffix: str = "",
    colour_by_value: bool = False,
) -> SafeString:
    """Return a horizontal bar chart; with colour_by_value, bars of percentages go red → amber → green."""
    top = max_value if max_value is not None else max((v for _, v in rows), default=0) or 1
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-{id(rows)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="chart-{id(rows)}">{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        length = 0 if top <= 0 else max(0.0, min(1.0, value / top)) * BAR_WIDTH
        fill = _colour(value) if colour_by_value else COLOURS["primary"]
        shown = _number(value) + suffix
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.0f}" text-anchor="end" font-size="13" '
            f'fill="#1f2933">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
            f'fill="#e8edf3" rx="3"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{fill}" rx="3"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + BAR_HEIGHT * 0.7:.0f}" font-size="13" '
            f'font-weight="600" fill="#1f2933">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def _colour(percent: float) -> str:
    return COLOURS["good"] if percent >= 80 else COLOURS["warn"] if percent >= 50 else COLOURS["bad"]


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart_png(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    max_value: float | None = None,
    suffix: str = "",
    colour_by_value: bool = False,
    scale: int = 2,
) -> bytes:
    """Return the same horizontal bar chart as a PNG (for the DOCX report), drawn with Pillow."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    def font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        try:
            from fontpkg_be_vietnam_pro import ROOT

            return ImageFont.truetype(f"{ROOT}/files/BeVietnamPro-{weight}.ttf", size * scale)
        except (ImportError, OSError):
            return ImageFont.load_default(size * scale)

    top = max_value if max_value is not None else max((v for _, v in rows), default=0) or 1
    head = 34
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = head + max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    image = Image.new("RGB", (width * scale, height * scale), "white")
    draw = ImageDraw.Draw(image)
    regular, bold = font("Regular", 13), font("SemiBold", 13)
    draw.text((8 * scale, 8 * scale), title, fill="#1f2933", font=font("Bold", 14))
    for i, (label, value) in enumerate(rows):
        y = head + GAP + i * (BAR_HEIGHT + GAP)
        length = 0 if top <= 0 else max(0.0, min(1.0, value / top)) * BAR_WIDTH
        fill = _colour(value) if colour_by_value else COLOURS["primary"]
        middle = (y + BAR_HEIGHT / 2) * scale
        draw.text(
            ((LABEL_WIDTH - 8) * scale, middle), _short(label), fill="#1f2933", font=regular, anchor="rm"
        )
        box = [LABEL_WIDTH * scale, y * scale, (LABEL_WIDTH + BAR_WIDTH) * scale, (y + BAR_HEIGHT) * scale]
        draw.rounded_rectangle(box, radius=3 * scale, fill="#e8edf3")
        if length > 0:
            box[2] = int((LABEL_WIDTH + length) * scale)
            draw.rounded_rectangle(box, radius=3 * scale, fill=fill)
        draw.text(
            ((LABEL_WIDTH + BAR_WIDTH + 8) * scale, middle),
            _number(value) + suffix,
            fill="#1f2933",
            font=bold,
            anchor="lm",
        )
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
