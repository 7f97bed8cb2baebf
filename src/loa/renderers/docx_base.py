"""A4 Word documents in Loa's house style: brand fonts and colours, vi-VN, byte-identical output."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from loa import model as m

LANG = "vi-VN"
BULLETS = ("•", "–", "·")  # glyphs Be Vietnam Pro has (no ◦ or ▪)
BULLET_NUM_ID = 1
DECIMAL_ABSTRACT_ID = 2
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
# Custom paragraph styles: name → (size pt, bold, italic, colour role, space before, space after).
CUSTOM_STYLES: dict[str, tuple[float, bool, bool, str, float, float]] = {
    "Kicker": (9, True, False, "primary", 0, 4),
    "Lead": (13, False, False, "text", 0, 14),
    "Box Title": (12.5, True, False, "primary", 0, 4),
    "Box Label": (10.5, True, False, "primary", 6, 2),
    "Help Line": (10.5, False, False, "text", 2, 4),
    "Meta": (9, False, False, "muted", 2, 2),
    "Meta List": (9, False, False, "muted", 0, 1),
    "Table Text": (10, False, False, "text", 0, 3),
}


@dataclass(frozen=True)
class DocxInfo:
    """What the core properties of a document say."""

    title: str
    subject: str
    author: str
    created: dt.date
    keywords: str = ""
    category: str = ""


def new_document(brand: m.Brand, info: DocxInfo) -> Any:
    """Return an empty A4 document whose styles use the brand's fonts and colours in Vietnamese."""
    document = docx.Document()
    _page_a4(document)
    _clean_package(document)
    _document_defaults(document, brand)
    _builtin_styles(document, brand)
    _custom_styles(document, brand)
    _fonts_everywhere(document, brand)
    _numbering(document)
    _settings(document)
    _core_properties(document, info)
    return document


def document_bytes(document: Any, *, when: dt.date) -> bytes:
    """Return the .docx bytes with sorted ZIP entries and fixed timestamps, so builds repeat exactly."""
    raw = io.BytesIO()
    document.save(raw)
    return fixed_zip(raw.getvalue(), when=when)


def fixed_zip(data: bytes, *, when: dt.date) -> bytes:
    """Return a ZIP rewritten with entries in name order, all stamped with the same date."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in sorted(source.namelist()):
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            target.writestr(entry, _patched(name, source.read(name)))
    return out.getvalue()


def _patched(name: str, data: bytes) -> bytes:
    # python-docx's template claims to be Word for Mac; say who made the file instead.
    if name == "docProps/app.xml":
        return data.replace(b"Microsoft Macintosh Word", b"Loa")
    return data


def hex_colour(value: str) -> RGBColor:
    """Return a python-docx colour for "#RRGGBB"."""
    return RGBColor.from_string(value.lstrip("#").upper())


def tint(value: str, amount: float) -> str:
    """Return "#RRGGBB" mixed with white: amount 0 is white, 1 is the colour itself."""
    channels = [int(value[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * amount):02X}" for c in channels)


def colour_role(brand: m.Brand, role: str) -> str:
    """Return the brand colour for a role: primary, accent, text or muted (text, lighter)."""
    if role == "muted":
        return _mix(brand.text, "#FFFFFF", 0.72)
    return str(getattr(brand, role))


def _mix(first: str, second: str, share: float) -> str:
    a = [int(first[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(second[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * share + y * (1 - share)):02X}" for x, y in zip(a, b, strict=True))


def _page_a4(document: Any) -> None:
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin, section.bottom_margin = Mm(18), Mm(20)
        section.header_distance, section.footer_distance = Mm(8), Mm(9)


def _clean_package(document: Any) -> None:
    """Drop the template's thumbnail and its Word 2010 style copy, which would contradict ours."""
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rid)
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            document.part.rels.pop(rid)


def _document_defaults(document: Any, brand: m.Brand) -> None:
    r_pr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(r_pr):
        r_pr.remove(child)
    r_pr.append(_fonts_element(brand.font_body))
    r_pr.append(parse_xml(f'<w:color {nsdecls("w")} w:val="{brand.text.lstrip("#").upper()}"/>'))
    r_pr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="21"/>'))
    r_pr.append(parse_xml(f'<w:szCs {nsdecls("w")} w:val="21"/>'))
    r_pr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{LANG}" w:eastAsia="{LANG}"/>'))


def _fonts_element(family: str) -> Any:
    return parse_xml(
        f'<w:rFonts {nsdecls("w")} w:ascii="{family}" w:hAnsi="{family}" '
        f'w:eastAsia="{family}" w:cs="{family}"/>'
    )


def _builtin_styles(document: Any, brand: m.Brand) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.2
    _style(styles["Title"], 24, bold=True, colour=brand.text, before=0, after=10)
    _strip_borders(styles["Title"])
    styles["Title"].paragraph_format.line_spacing = 1.05
    _style(styles["Heading 1"], 15, bold=True, colour=brand.primary, before=16, after=6)
    _style(styles["Heading 2"], 12.5, bold=True, colour=brand.text, before=12, after=4)
    _style(styles["Heading 3"], 11, bold=True, colour=brand.text, before=10, after=3)
    _style(styles["Quote"], 11, italic=True, colour=brand.primary, before=6, after=6)
    _quote_bar(styles["Quote"], brand)
    _style(styles["Caption"], 9, italic=True, colour=colour_role(brand, "muted"), before=2, after=10)
    for name in ("Header", "Footer"):
        _style(styles[name], 8.5, colour=colour_role(brand, "muted"), before=0, after=0)
    for name in ("List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2"):
        styles[name].paragraph_format.space_after = Pt(3)
        styles[name].paragraph_format.line_spacing = 1.15
    _hyperlink_style(document, brand)


def _style(
    style: Any,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    colour: str,
    before: float,
    after: float,
) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = hex_colour(colour)
    style.paragraph_format.space_before = Pt(before)
    style.paragraph_format.space_after = Pt(after)


def _strip_borders(style: Any) -> None:
    p_pr = style.element.get_or_add_pPr()
    for border in p_pr.findall(qn("w:pBdr")):
        p_pr.remove(border)


def _quote_bar(style: Any, brand: m.Brand) -> None:
    p_pr = style.element.get_or_add_pPr()
    colour = brand.primary.lstrip("#").upper()
    p_pr.insert(
        0,
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:left w:val="single" w:sz="18" w:space="10" w:color="{colour}"/>'
            "</w:pBdr>"
        ),
    )
    style.paragraph_format.left_indent = Mm(6)
    style.paragraph_format.right_indent = Mm(6)


def _hyperlink_style(document: Any, brand: m.Brand) -> None:
    style = document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = hex_colour(brand.primary)
    style.font.underline = True


def _custom_styles(document: Any, brand: m.Brand) -> None:
    for name, (size, bold, italic, role, before, after) in CUSTOM_STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.next_paragraph_style = document.styles["Normal"]
        style.quick_style = True
        _style(
            style, size, bold=bold, italic=italic, colour=colour_role(brand, role), before=before, after=after
        )
    document.styles["Kicker"].font.all_caps = True
    document.styles["Kicker"].font.spacing = Pt(0.6)
    document.styles["Lead"].paragraph_format.line_spacing = 1.25
    document.styles["Box Title"].paragraph_format.keep_with_next = True
    document.styles["Box Label"].paragraph_format.keep_with_next = True
    # Box titles show in Word's navigation pane beside the headings.
    document.styles["Box Title"].element.get_or_add_pPr().append(
        parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="0"/>')
    )


def _fonts_everywhere(document: Any, brand: m.Brand) -> None:
    """Replace every theme font in the styles with the brand's fonts, named for all four scripts."""
    heading_styles = {"Title", "Subtitle", *(f"Heading{i}" for i in range(1, 10))}
    for style in document.styles.element.findall(qn("w:style")):
        family = brand.font_heading if style.get(qn("w:styleId")) in heading_styles else brand.font_body
        r_pr = style.find(qn("w:rPr"))
        if r_pr is None:
            continue
        for fonts in r_pr.findall(qn("w:rFonts")):
            r_pr.remove(fonts)
        r_pr.insert(0, _fonts_element(family))
        for colour in r_pr.findall(qn("w:color")):
            for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
                colour.attrib.pop(qn(attribute), None)
    for name in ("Kicker", "Lead", "Box Title", "Hyperlink", "Heading 1", "Heading 2", "Title"):
        r_pr = document.styles[name].element.get_or_add_rPr()
        if r_pr.find(qn("w:rFonts")) is None:
            family = brand.font_heading if name.startswith(("Heading", "Title")) else brand.font_body
            r_pr.insert(0, _fonts_element(family))


def _numbering(document: Any) -> None:
    """Replace the template's lists with one bullet list and one decimal list, both in our font."""
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    numbering.append(_abstract_list(1, "bullet", [BULLETS[i % 3] for i in range(3)]))
    numbering.append(_abstract_list(DECIMAL_ABSTRACT_ID, "decimal", ["%1.", "%2.", "%3."]))
    numbering.append(_num(BULLET_NUM_ID, 1))
    styles = document.styles
    for level, name in enumerate(("List Bullet", "List Bullet 2", "List Bullet 3")):
        _list_style(styles[name], BULLET_NUM_ID, level)
    for level, name in enumerate(("List Number", "List Number 2", "List Number 3")):
        _list_style(styles[name], None, level)


def _abstract_list(abstract_id: int, kind: str, texts: list[str]) -> Any:
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{kind}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="300"/></w:pPr></w:lvl>'
        for i, text in enumerate(texts)
    )
    return parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )


def _num(num_id: int, abstract_id: int, *, restart: bool = False) -> Any:
    override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    return parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
    )


def new_decimal_list(document: Any) -> int:
    """Return the id of a new numbered list that starts again at 1."""
    numbering = document.part.numbering_part.element
    num_id = 1 + max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num")))
    numbering.append(_num(num_id, DECIMAL_ABSTRACT_ID, restart=True))
    return num_id


def _list_style(style: Any, num_id: int | None, level: int) -> None:
    p_pr = style.element.get_or_add_pPr()
    for old in p_pr.findall(qn("w:numPr")):
        p_pr.remove(old)
    for old in p_pr.findall(qn("w:ind")):
        p_pr.remove(old)
    if num_id is not None:
        p_pr.insert(
            0,
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
            ),
        )
    p_pr.append(parse_xml(f'<w:ind {nsdecls("w")} w:left="{360 * (level + 1)}" w:hanging="300"/>'))


def _settings(document: Any) -> None:
    settings = document.settings.element
    for tag in ("w:proofState", "w:savePreviewPicture", "w:rsids"):
        for old in settings.findall(qn(tag)):
            settings.remove(old)
    font_lang = settings.find(qn("w:themeFontLang"))
    font_lang.set(qn("w:val"), LANG)
    font_lang.set(qn("w:eastAsia"), LANG)
    settings.find(qn("w:decimalSymbol")).set(qn("w:val"), ",")
    settings.find(qn("w:listSeparator")).set(qn("w:val"), ";")


def _core_properties(document: Any, info: DocxInfo) -> None:
    props = document.core_properties
    when = dt.datetime(info.created.year, info.created.month, info.created.day, tzinfo=dt.UTC)
    props.title, props.subject, props.keywords = info.title, info.subject, info.keywords
    props.author = props.last_modified_by = info.author
    props.category = info.category
    props.comments = ""
    props.language = LANG
    props.created = props.modified = when
    props.revision = 1
