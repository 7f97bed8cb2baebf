"""Editable 16:9 PowerPoint decks: real text boxes, brand colours, Be Vietnam Pro, speaker notes."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any, ClassVar

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Pt

from loa import model as m
from loa.fonts import FAMILY
from loa.renderers.base import Artifact, Job
from loa.renderers.deck import Deck, DeckRenderer, build_deck
from loa.renderers.ooxml import fixed_zip
from loa.renderers.pictures import RASTER
from loa.renderers.slide_fit import LINE, SLIDE_H, SLIDE_W, Box, Para, indent_em, marker_em, space_before_em
from loa.renderers.slide_scene import Picture, Rect, Scene, Text, compose
from loa.renderers.typst import compile_typst

LANG = "vi-VN"
EMU_PER_PX = 9525
TITLE_ONLY = 5
PICTURE_PT = 420
"""Width SVG pictures are drawn at for PPTX: sharp on a full-HD projector at the largest use."""
_ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
_ANCHOR = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}


class SlidesPptxRenderer(DeckRenderer):
    """The conference deck and one classroom deck per children's band, as PowerPoint files."""

    name: ClassVar[str] = "slides-pptx"
    kind: ClassVar[str] = "slides"
    format: ClassVar[str] = "pptx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        deck = build_deck(campaign, job.audience)
        return [
            Artifact(
                path=self.path(deck),
                data=deck_pptx(campaign, deck),
                kind=self.kind,
                format=self.format,
                media_type=self.media_type,
                title=deck.title,
                audience=job.audience,
            )
        ]


def deck_pptx(campaign: m.Campaign, deck: Deck) -> bytes:
    """Return the bytes of a deck as a PPTX file that repeats byte for byte."""
    presentation = Presentation()
    _counted_partnames(presentation.part.package)
    presentation.slide_width, presentation.slide_height = _emu(SLIDE_W), _emu(SLIDE_H)
    _theme_fonts(presentation, FAMILY)
    pictures: dict[str, bytes | None] = {}
    for index in range(len(deck.slides)):
        _slide(presentation, campaign, compose(campaign, deck, index), pictures)
    _core_properties(presentation, campaign, deck)
    raw = io.BytesIO()
    presentation.save(raw)
    return fixed_zip(raw.getvalue(), when=campaign.period.start)


def _counted_partnames(package: Any) -> None:
    """Give the package a next_partname that counts instead of walking every part per call.

    python-pptx finds a new notes slide's name by walking the whole package each time, which makes a
    deck quadratic in its slides. Names come out the same: the lowest free number of the template.
    """
    taken = {str(part.partname) for part in package.iter_parts()}

    def next_partname(template: str) -> PackURI:
        number = 1
        while template % number in taken:
            number += 1
        taken.add(template % number)
        return PackURI(template % number)

    package.next_partname = next_partname


def _emu(value: float) -> Emu:
    return Emu(round(value * EMU_PER_PX))


def _rgb(colour: str) -> RGBColor:
    return RGBColor(*bytes.fromhex(colour.lstrip("#")))  # type: ignore[no-untyped-call]


def _theme_fonts(presentation: Any, family: str) -> None:
    """Make the theme's heading and body fonts the brand font, so text typed later uses it too."""
    theme = presentation.slide_master.part.part_related_by(RT.THEME)
    blob = re.sub(
        rb'<a:(latin|ea|cs) typeface="[^"]*"', rb'<a:\1 typeface="' + family.encode() + b'"', theme.blob
    )
    theme._blob = blob


def _core_properties(presentation: Any, campaign: m.Campaign, deck: Deck) -> None:
    props = presentation.core_properties
    start = campaign.period.start
    when = dt.datetime(start.year, start.month, start.day)
    props.title, props.subject = deck.title, campaign.title
    props.author = props.last_modified_by = campaign.issuer.name
    props.keywords = "bảo vệ trẻ em; an toàn trên mạng; 111"
    props.language, props.revision = LANG, 1
    props.created = props.modified = props.last_printed = when
    props.category, props.comments = "Bài trình chiếu", campaign.tagline or ""


# --- one slide ----------------------------------------------------------------------------


def _slide(presentation: Any, campaign: m.Campaign, scene: Scene, pictures: dict[str, bytes | None]) -> None:
    slide = presentation.slides.add_slide(presentation.slide_layouts[TITLE_ONLY])
    slide.background.fill.solid()
    slide.background.fill.fore_color.rgb = _rgb(scene.background)
    for element in scene.elements:
        if isinstance(element, Rect):
            _rect(slide, element)
        elif isinstance(element, Picture):
            _picture(slide, campaign, element, pictures)
        elif element.role == "title":
            _title(slide, element)
        else:
            frame = slide.shapes.add_textbox(*_xywh(element.box)).text_frame
            _text(frame, element)
    _notes(slide, scene.notes, FAMILY)


def _xywh(box: Box) -> tuple[Emu, Emu, Emu, Emu]:
    return _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h)


def _rect(slide: Any, rect: Rect) -> None:
    kind = MSO_SHAPE.ROUNDED_RECTANGLE if rect.radius else MSO_SHAPE.RECTANGLE
    shape = slide.shapes.add_shape(kind, *_xywh(rect.box))
    if rect.radius:
        shape.adjustments[0] = rect.radius / min(rect.box.w, rect.box.h)
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(rect.fill)
    shape.line.fill.background()
    shape.shadow.inherit = False
    shape.name = f"Trang trí {shape.shape_id}"


def _picture(slide: Any, campaign: m.Campaign, element: Picture, cache: dict[str, bytes | None]) -> None:
    if element.path not in cache:
        cache[element.path] = slide_picture(campaign, element.path)
    data = cache[element.path]
    if data is None:
        return
    picture = slide.shapes.add_picture(io.BytesIO(data), *_xywh(element.box))
    picture._element.nvPicPr.cNvPr.set("descr", element.alt)
    picture.name = element.alt[:60]


def slide_picture(campaign: m.Campaign, path: str) -> bytes | None:
    """Return a PNG or JPEG of a campaign picture; SVG is drawn by Typst on a transparent page."""
    file = campaign.root / path
    if not file.is_file():
        return None
    if file.suffix.lower() in RASTER:
        return file.read_bytes()
    data = {"path": "/" + path, "width": PICTURE_PT}
    return compile_typst("slide-picture.typ", data, root=campaign.root, format="png", ppi=144)[0]


def _title(slide: Any, element: Text) -> None:
    """Put a slide's title in its title placeholder, so outlines and screen readers find it."""
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = _xywh(element.box)
    _text(shape.text_frame, element)


def _text(frame: Any, element: Text) -> None:
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = _ANCHOR[element.anchor]
    for index, paragraph in enumerate(element.paras):
        target = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        _paragraph(target, paragraph, element, first=index == 0)
    if element.slide_number:
        _number_field(frame.paragraphs[-1], element)


def _paragraph(target: Any, source: Para, element: Text, *, first: bool) -> None:
    size = element.size
    target.alignment = _ALIGN[element.align]
    target.level = min(source.level, 8)
    target.line_spacing = Pt(size * LINE)
    target.space_before = Pt(size * space_before_em(source, first))
    _marker(target, source, element)
    for run_source in source.runs:
        run = target.add_run()
        run.text = run_source.text
        _font(run, size, element.colour, bold=run_source.bold or element.role in ("title", "big"))


def _marker(target: Any, source: Para, element: Text) -> None:
    ppr = target._p.get_or_add_pPr()
    em = Pt(element.size)
    indent = indent_em(source) * em
    marker_width = marker_em(source) * em
    ppr.set("marL", str(int(indent)))
    ppr.set("indent", str(int(-marker_width)) if source.marker != "none" else "0")
    for tag in ("a:buClr", "a:buFont", "a:buChar", "a:buAutoNum", "a:buNone"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    if source.marker == "none":
        _sub(ppr, "a:buNone")
        return
    colour = _sub(ppr, "a:buClr")
    _sub(colour, "a:srgbClr", val=(element.marker_colour or element.colour).lstrip("#"))
    _sub(ppr, "a:buFont", typeface=FAMILY)
    if source.marker == "number":
        _sub(ppr, "a:buAutoNum", type="arabicPeriod", startAt=str(source.number or 1))
    else:
        _sub(ppr, "a:buChar", char="•" if source.level == 0 else "–")


def _font(run: Any, size: float, colour: str, *, bold: bool, family: str = FAMILY) -> None:
    # What run.font's size, bold and colour write, written directly: python-pptx's properties cost
    # a third of a deck's time.
    rpr = run._r.get_or_add_rPr()
    rpr.set("sz", str(Pt(size).centipoints))
    rpr.set("b", "1" if bold else "0")
    _sub(_sub(rpr, "a:solidFill"), "a:srgbClr", val=str(_rgb(colour)))
    _typefaces(rpr, family)


def _typefaces(rpr: Any, family: str) -> None:
    """Set the latin, east-Asian and complex-script typefaces and the Vietnamese language."""
    rpr.set("lang", LANG)
    rpr.set("altLang", "en-US")
    for tag in ("a:latin", "a:ea", "a:cs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    anchor = rpr.find(qn("a:solidFill"))
    position = list(rpr).index(anchor) + 1 if anchor is not None else 0
    for offset, tag in enumerate(("a:latin", "a:ea", "a:cs")):
        element = OxmlElement(tag)
        element.set("typeface", family)
        rpr.insert(position + offset, element)


def _number_field(paragraph: Any, element: Text) -> None:
    """Replace the trailing number of a footer with a live slide-number field."""
    run = paragraph.runs[-1]
    text = run.text
    head, number = text.rstrip("0123456789"), text[len(text.rstrip("0123456789")) :]
    run.text = head
    field = _sub(paragraph._p, "a:fld", id="{4C0A5D2E-6B1F-4F3A-9A0E-0000000111AA}", type="slidenum")
    rpr = _sub(field, "a:rPr", sz=str(int(element.size * 100)), b="1" if run.font.bold else "0")
    fill = _sub(_sub(rpr, "a:solidFill"), "a:srgbClr")
    fill.set("val", element.colour.lstrip("#"))
    _typefaces(rpr, FAMILY)
    _sub(field, "a:t").text = number
    end = paragraph._p.find(qn("a:endParaRPr"))
    if end is not None:
        paragraph._p.remove(end)
        paragraph._p.append(end)


def _sub(parent: Any, tag: str, **attributes: str) -> Any:
    """Append a new DrawingML element (tag like "a:buChar") with attributes to a parent."""
    child = OxmlElement(tag)
    for name, value in attributes.items():
        child.set(name, value)
    parent.append(child)
    return child


def _notes(slide: Any, notes: tuple[str, ...], family: str) -> None:
    frame = slide.notes_slide.notes_text_frame
    for index, line in enumerate(notes):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(14)
        _typefaces(run._r.get_or_add_rPr(), family)
