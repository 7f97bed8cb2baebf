"""A4 Word documents in Loa's house style: brand fonts and colours, vi-VN, byte-identical output."""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from loa import model as m
from loa.renderers.ooxml import fixed_zip, put, xml

LANG = "vi-VN"
BULLETS = ("•", "–", "·")  # glyphs Be Vietnam Pro has (it has no ◦ or ▪)
BULLET_NUM_ID = 1
BULLET_ABSTRACT_ID = 1
DECIMAL_ABSTRACT_ID = 2
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
HEADING_STYLE_IDS = {"Title", "Subtitle", *(f"Heading{i}" for i in range(1, 10))}
# Word's styles Loa uses; the template's other 160 (mostly table looks) are dropped, which keeps the
# style list short for editors and python-docx's style look-ups fast.
KEPT_STYLES = (
    *("Normal", "Default Paragraph Font", "No List", "Normal Table", "Table Grid", "Title", "Subtitle"),
    *("Heading 1", "Heading 2", "Heading 3", "Quote", "Caption", "Header", "Footer", "Hyperlink"),
    *(
        f"{kind}{suffix}"
        for kind in ("List Bullet", "List Number", "List Continue")
        for suffix in ("", " 2", " 3")
    ),
)


@dataclass(frozen=True)
class TextStyle:
    """How a paragraph style looks: size in points, weight, colour role and spacing."""

    size: float
    colour: str = "text"
    """primary, accent, text or muted."""
    bold: bool = False
    italic: bool = False
    before: float = 0
    after: float = 6


# Loa's own paragraph styles, beside Word's built-in Title, Heading n, List Bullet and Quote.
CUSTOM_STYLES: dict[str, TextStyle] = {
    "Kicker": TextStyle(9, "primary", bold=True, after=4),
    "Lead": TextStyle(13, after=12),
    "Box Title": TextStyle(12.5, "primary", bold=True, after=4),
    "Box Label": TextStyle(10.5, "primary", bold=True, before=6, after=2),
    "Help Line": TextStyle(10.5, before=2, after=4),
    "Box Text": TextStyle(10, before=2, after=4),
    "Meta": TextStyle(9, "muted", before=2, after=2),
    "Meta List": TextStyle(9, "muted", after=1),
    "Table Text": TextStyle(10, after=3),
    "Table Heading": TextStyle(10, "background", bold=True, after=0),
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
    """Return an empty A4 document whose styles use the brand's fonts and colours, in Vietnamese."""
    brand_json = brand.model_dump_json()
    document = docx.Document(io.BytesIO(_styled_template(brand_json)))
    _core_properties(document, info)
    _remember_style_ids(document, _style_ids(brand_json))
    return document


@functools.lru_cache(maxsize=8)
def _style_ids(brand_json: str) -> dict[tuple[bool, str, Any], str | None]:
    """Return the style ids found so far in documents made from a brand's template (empty at first)."""
    return {}


def _remember_style_ids(document: Any, known: dict[tuple[bool, str, Any], str | None]) -> None:
    """Look each style up once, not once per paragraph.

    python-docx finds a style's id by walking every style of the document for each paragraph given
    a style (to see whether it is the default): half the time of writing an article. Documents made
    from one template have the same styles, and Loa adds none while writing, so the answer for a
    name (or a style) is kept for every document of the template.
    """
    part = document.part
    look_up = part.get_style_id

    def get_style_id(style_or_name: Any, style_type: Any) -> str | None:
        if style_or_name is None:
            return None
        by_name = isinstance(style_or_name, str)
        key = (by_name, style_or_name if by_name else style_or_name.style_id, style_type)
        if key not in known:
            known[key] = look_up(style_or_name, style_type)
        return known[key]

    part.get_style_id = get_style_id


@functools.lru_cache(maxsize=8)
def _styled_template(brand_json: str) -> bytes:
    """Return the empty styled document of a brand, made once per process (~100 ms of python-docx
    style lookups that every article and lesson plan would otherwise repeat)."""
    brand = m.Brand.model_validate_json(brand_json)
    document = docx.Document()
    _page_a4(document)
    _clean_package(document)
    _document_defaults(document, brand)
    _builtin_styles(document, brand)
    _custom_styles(document, brand)
    _prune_styles(document)
    _fonts_everywhere(document, brand)
    _numbering(document)
    _settings(document)
    raw = io.BytesIO()
    document.save(raw)
    return raw.getvalue()


def document_bytes(document: Any, *, when: dt.date) -> bytes:
    """Return the .docx bytes with sorted ZIP entries and fixed timestamps, so builds repeat exactly."""
    raw = io.BytesIO()
    document.save(raw)
    # python-docx's template says it was written by Word for Mac; say who made it.
    app = (b"<Application>Microsoft Macintosh Word</Application>", b"<Application>Loa</Application>")
    return fixed_zip(raw.getvalue(), when=when, patches={"docProps/app.xml": app})


def hex_colour(value: str) -> RGBColor:
    """Return a python-docx colour for "#RRGGBB"."""
    return RGBColor.from_string(value.lstrip("#").upper())


def mix(first: str, second: str, share: float) -> str:
    """Return "#RRGGBB" made of `share` of the first colour and the rest of the second."""
    a = [int(first[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(second[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * share + y * (1 - share)):02X}" for x, y in zip(a, b, strict=True))


def colour_role(brand: m.Brand, role: str) -> str:
    """Return the brand colour for a role: primary, accent, text, background or muted."""
    if role == "muted":
        return mix(brand.text, "#FFFFFF", 0.72)
    if role == "background":
        return "#FFFFFF"
    return str(getattr(brand, role))


def new_decimal_list(document: Any) -> int:
    """Return the id of a new numbered list that starts again at 1."""
    numbering = document.part.numbering_part.element
    num_id = 1 + max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num")))
    numbering.append(_num(num_id, DECIMAL_ABSTRACT_ID, restart=True))
    return num_id


def _page_a4(document: Any) -> None:
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin, section.bottom_margin = Mm(24), Mm(20)
        section.header_distance, section.footer_distance = Mm(8), Mm(9)


def _clean_package(document: Any) -> None:
    """Drop the template's thumbnail and its Word 2010 copy of the styles, which would contradict ours."""
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rid)
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            document.part.rels.pop(rid)


def _document_defaults(document: Any, brand: m.Brand) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(r_pr):
        r_pr.remove(child)
    for element in (
        fonts_element(brand.font_body),
        xml(f'<w:color w:val="{brand.text.lstrip("#").upper()}"/>'),
        xml('<w:sz w:val="21"/>'),
        xml('<w:szCs w:val="21"/>'),
        xml(f'<w:lang w:val="{LANG}" w:eastAsia="{LANG}"/>'),
    ):
        put(r_pr, element)


def fonts_element(family: str) -> Any:
    """Return a w:rFonts naming one family for Latin, East Asian and complex scripts alike."""
    return xml(f'<w:rFonts w:ascii="{family}" w:hAnsi="{family}" w:eastAsia="{family}" w:cs="{family}"/>')


def _builtin_styles(document: Any, brand: m.Brand) -> None:
    styles = document.styles
    styles["Normal"].paragraph_format.space_after = Pt(6)
    styles["Normal"].paragraph_format.line_spacing = 1.2
    _look(styles["Title"], TextStyle(24, bold=True, after=10), brand)
    styles["Title"].paragraph_format.line_spacing = 1.05
    _look(styles["Heading 1"], TextStyle(15, "primary", bold=True, before=16, after=6), brand)
    _look(styles["Heading 2"], TextStyle(12.5, bold=True, before=12, after=4), brand)
    _look(styles["Heading 3"], TextStyle(11, bold=True, before=10, after=3), brand)
    _look(styles["Quote"], TextStyle(11, "primary", italic=True, before=6, after=6), brand)
    _look(styles["Caption"], TextStyle(9, "muted", italic=True, before=2, after=10), brand)
    for name in ("Header", "Footer"):
        _look(styles[name], TextStyle(8.5, "muted", after=0), brand)
        styles[name].paragraph_format.tab_stops.clear_all()  # the template's stops suit US Letter
    for name in ("List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2"):
        styles[name].paragraph_format.space_after = Pt(3)
        styles[name].paragraph_format.line_spacing = 1.15
    for name in ("Title", "Quote"):
        for border in styles[name].element.get_or_add_pPr().findall(qn("w:pBdr")):
            border.getparent().remove(border)
    _quote_bar(styles["Quote"], brand)
    hyperlink = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    hyperlink.font.color.rgb = hex_colour(brand.primary)
    hyperlink.font.underline = True


def _look(style: Any, look: TextStyle, brand: m.Brand) -> None:
    style.font.size = Pt(look.size)
    style.font.bold = look.bold
    style.font.italic = look.italic
    style.font.color.rgb = hex_colour(colour_role(brand, look.colour))
    style.paragraph_format.space_before = Pt(look.before)
    style.paragraph_format.space_after = Pt(look.after)


def _quote_bar(style: Any, brand: m.Brand) -> None:
    colour = brand.primary.lstrip("#").upper()
    put(
        style.element.get_or_add_pPr(),
        xml(f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="10" w:color="{colour}"/></w:pBdr>'),
    )
    style.paragraph_format.left_indent = Mm(6)
    style.paragraph_format.right_indent = Mm(6)


def _custom_styles(document: Any, brand: m.Brand) -> None:
    for name, look in CUSTOM_STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.next_paragraph_style = document.styles["Normal"]
        style.quick_style = True
        _look(style, look, brand)
    document.styles["Kicker"].font.all_caps = True
    document.styles["Lead"].paragraph_format.line_spacing = 1.25
    rule = colour_role(brand, "muted").lstrip("#")
    put(
        document.styles["Lead"].element.get_or_add_pPr(),
        xml(f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="8" w:color="{rule}"/></w:pBdr>'),
    )
    for name in ("Box Title", "Box Label", "Table Heading"):
        document.styles[name].paragraph_format.keep_with_next = True
    # Box titles show in Word's navigation pane beside the headings.
    put(document.styles["Box Title"].element.get_or_add_pPr(), xml('<w:outlineLvl w:val="0"/>'))


def _prune_styles(document: Any) -> None:
    """Drop every style that neither Loa nor a kept style (through basedOn, link, next) refers to."""
    element = document.styles.element
    styles = {s.get(qn("w:styleId")): s for s in element.findall(qn("w:style"))}
    names = {*KEPT_STYLES, *CUSTOM_STYLES}
    wanted = [i for i, s in styles.items() if s.find(qn("w:name")).get(qn("w:val")).lower() in _lower(names)]
    kept: set[str] = set()
    while wanted:
        style_id = wanted.pop()
        if style_id in kept or style_id not in styles:
            continue
        kept.add(style_id)
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = styles[style_id].find(qn(tag))
            if ref is not None:
                wanted.append(ref.get(qn("w:val")))
    for style_id, style in styles.items():
        if style_id not in kept:
            element.remove(style)


def _lower(names: set[str]) -> set[str]:
    # Word stores built-in names in lower case ("heading 1"); python-docx shows them capitalised.
    return {n.lower() for n in names}


def _fonts_everywhere(document: Any, brand: m.Brand) -> None:
    """Name the brand's fonts wherever a style names a font, and drop theme fonts and colours."""
    for style in document.styles.element.findall(qn("w:style")):
        family = brand.font_heading if style.get(qn("w:styleId")) in HEADING_STYLE_IDS else brand.font_body
        r_pr = style.find(qn("w:rPr"))
        if r_pr is not None:
            put(r_pr, fonts_element(family))
        # Table styles also name fonts in their conditional parts (first row, last column...).
        for fonts in style.iter(qn("w:rFonts")):
            fonts.attrib.clear()
            fonts.attrib.update(fonts_element(family).attrib)
        for colour in r_pr.findall(qn("w:color")) if r_pr is not None else ():
            for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
                colour.attrib.pop(qn(attribute), None)


def _numbering(document: Any) -> None:
    """Replace the template's lists with one bullet list and one decimal list, in the body font."""
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    numbering.append(_abstract_list(BULLET_ABSTRACT_ID, "bullet", list(BULLETS)))
    numbering.append(_abstract_list(DECIMAL_ABSTRACT_ID, "decimal", ["%1.", "%2.", "%3."]))
    numbering.append(_num(BULLET_NUM_ID, BULLET_ABSTRACT_ID))
    for level, suffix in enumerate(("", " 2", " 3")):
        _list_style(document.styles["List Bullet" + suffix], level, num_id=BULLET_NUM_ID)
        _list_style(document.styles["List Number" + suffix], level)
        _list_style(document.styles["List Continue" + suffix], level, hanging=0)
    _list_style(document.styles["Meta List"], 0, num_id=BULLET_NUM_ID)


def _abstract_list(abstract_id: int, kind: str, texts: list[str]) -> Any:
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{kind}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{_indent(i)}" w:hanging="300"/></w:pPr></w:lvl>'
        for i, text in enumerate(texts)
    )
    return xml(
        f'<w:abstractNum w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="multilevel"/>'
        f"{levels}</w:abstractNum>"
    )


def _indent(level: int) -> int:
    return 340 * (level + 1)


def _num(num_id: int, abstract_id: int, *, restart: bool = False) -> Any:
    override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    return xml(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>')


def _list_style(style: Any, level: int, *, num_id: int | None = None, hanging: int = 300) -> None:
    p_pr = style.element.get_or_add_pPr()
    for old in p_pr.findall(qn("w:numPr")):
        p_pr.remove(old)
    if num_id is not None:
        put(p_pr, xml(f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    put(p_pr, xml(f'<w:ind w:left="{_indent(level)}" w:hanging="{hanging}"/>'))


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
