"""A deck as an editable 16:9 PowerPoint file: real text boxes, brand colours, Be Vietnam Pro, speaker notes
(python-pptx; imported by `slides_pptx` only when a deck is written)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from xml.sax.saxutils import escape

from pptx import Presentation
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.oxml.slide import CT_Slide
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.util import Emu, Pt

from loa import model as m
from loa.fonts import FAMILY
from loa.renderers.deck import Deck
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


def deck_pptx(campaign: m.Campaign, deck: Deck) -> bytes:
    """Return the bytes of a deck as a PPTX file that repeats byte for byte."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = _emu(SLIDE_W), _emu(SLIDE_H)
    _theme_fonts(presentation, FAMILY)
    pictures: dict[str, bytes | None] = {}
    for index in range(len(deck.slides)):
        _slide(presentation, campaign, compose(campaign, deck, index), pictures)
    _core_properties(presentation, campaign, deck)
    raw = io.BytesIO()
    presentation.save(raw)
    return fixed_zip(raw.getvalue(), when=campaign.period.start)


def _emu(value: float) -> Emu:
    return Emu(round(value * EMU_PER_PX))


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


# --- one slide ---------------------------------------------------------------------------
# Each slide and its notes are written as DrawingML text and parsed once: the same XML that
# python-pptx's shape objects write, element for element, at a fraction of the cost (building them
# through its properties took most of a deck's time). The package, relationships, media and save
# stay python-pptx's.

_A, _P, _R = (
    "http://schemas.openxmlformats.org/drawingml/2006/main",
    "http://schemas.openxmlformats.org/presentationml/2006/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
)
_NS = f'xmlns:a="{_A}" xmlns:p="{_P}" xmlns:r="{_R}"'
_GROUP = '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
_STYLE = (
    '<p:style><a:lnRef idx="1"><a:schemeClr val="accent1"/></a:lnRef><a:fillRef idx="3">'
    '<a:schemeClr val="accent1"/></a:fillRef><a:effectRef idx="2"><a:schemeClr val="accent1"/></a:effectRef>'
    '<a:fontRef idx="minor">'
    '<a:schemeClr val="lt1"/></a:fontRef></p:style><p:txBody><a:bodyPr rtlCol="0" anchor="ctr"/><a:lstStyle/>'
    '<a:p><a:pPr algn="ctr"/></a:p></p:txBody>'
)
_NOTES_HEAD = (
    f'<p:notes {_NS}><p:cSld><p:spTree>{_GROUP}<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
    '<a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr><p:sp><p:nvSpPr>'
    '<p:cNvPr id="2" name="Slide Image Placeholder 1"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>'
    '<p:ph type="sldImg" idx="2"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp><p:sp><p:nvSpPr>'
    '<p:cNvPr id="3" name="Notes Placeholder 2"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>'
    '<p:ph type="body" idx="3" sz="quarter"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>'
)
_NOTES_TAIL = (
    '</p:txBody></p:sp><p:sp><p:nvSpPr><p:cNvPr id="4" name="Slide Number Placeholder 3"/><p:cNvSpPr>'
    '<a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="sldNum" idx="5" sz="quarter"/></p:nvPr></p:nvSpPr>'
    "<p:spPr/></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"
)
_ALIGN = {"left": "l", "center": "ctr", "right": "r"}
_ANCHOR = {"top": "t", "middle": "ctr", "bottom": "b"}
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")
_SLIDE_NUMBER_FIELD = "{4C0A5D2E-6B1F-4F3A-9A0E-0000000111AA}"


def _slide(presentation: Any, campaign: m.Campaign, scene: Scene, pictures: dict[str, bytes | None]) -> None:
    """Add a slide with its notes to the presentation."""
    part = presentation.part
    package = part.package
    slide_part = SlidePart(part._next_slide_partname, CT.PML_SLIDE, package, CT_Slide.new())
    slide_part.relate_to(presentation.slide_layouts[TITLE_ONLY].part, RT.SLIDE_LAYOUT)
    presentation.slides._sldIdLst.add_sldId(part.relate_to(slide_part, RT.SLIDE))
    slide_part._element = parse_xml(_slide_xml(campaign, scene, slide_part, pictures))
    number = len(presentation.slides._sldIdLst)
    notes_master = part.notes_master_part  # made from python-pptx's template with the first notes
    notes_part = NotesSlidePart(
        PackURI(f"/ppt/notesSlides/notesSlide{number}.xml"),
        CT.PML_NOTES_SLIDE,
        package,
        parse_xml(_notes_xml(scene.notes)),
    )
    notes_part.relate_to(notes_master, RT.NOTES_MASTER)
    notes_part.relate_to(slide_part, RT.SLIDE)
    slide_part.relate_to(notes_part, RT.NOTES_SLIDE)


def _slide_xml(campaign: m.Campaign, scene: Scene, slide_part: Any, pictures: dict[str, bytes | None]) -> str:
    """Return a slide's XML: its background, the title placeholder (always the first shape), then
    every element of the scene in order."""
    titles = [e for e in scene.elements if isinstance(e, Text) and e.role == "title"]
    title = (
        f"<p:spPr>{_xfrm(titles[0].box)}</p:spPr><p:txBody>{_frame(titles[0])}</p:txBody>"
        if titles
        else "<p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/><a:p/></p:txBody>"
    )
    shapes = [
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        f'<p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr>{title}</p:sp>'
    ]
    shape_id = 2
    for element in scene.elements:
        if isinstance(element, Text) and element.role == "title":
            continue
        if isinstance(element, Picture):
            if element.path not in pictures:
                pictures[element.path] = slide_picture(campaign, element.path)
            data = pictures[element.path]
            if data is None:
                continue
            shape_id += 1
            _, rid = slide_part.get_or_add_image_part(io.BytesIO(data))
            shapes.append(_picture(shape_id, element, rid))
        elif isinstance(element, Rect):
            shape_id += 1
            shapes.append(_rect(shape_id, element))
        else:
            shape_id += 1
            shapes.append(
                f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="TextBox {shape_id - 1}"/>'
                f'<p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr>{_xfrm(element.box)}'
                f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>'
                f"<p:txBody>{_frame(element)}</p:txBody></p:sp>"
            )
    return (
        f'<p:sld {_NS}><p:cSld><p:bg><p:bgPr><a:solidFill><a:srgbClr val="{_hex(scene.background)}"/>'
        f"</a:solidFill><a:effectLst/></p:bgPr></p:bg><p:spTree>{_GROUP}<p:grpSpPr/>{''.join(shapes)}</p:spTree>"
        "</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
    )


def _xfrm(box: Box) -> str:
    x, y, w, h = _xywh(box)
    return f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'


def _xywh(box: Box) -> tuple[Emu, Emu, Emu, Emu]:
    return _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h)


def _rect(shape_id: int, rect: Rect) -> str:
    if rect.radius:
        adjust = int(rect.radius / min(rect.box.w, rect.box.h) * 100000.0)
        geometry = f'<a:prstGeom prst="roundRect"><a:avLst><a:gd name="adj" fmla="val {adjust}"/></a:avLst>'
    else:
        geometry = '<a:prstGeom prst="rect"><a:avLst/>'
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="Trang trí {shape_id}"/><p:cNvSpPr/><p:nvPr/>'
        f"</p:nvSpPr><p:spPr>{_xfrm(rect.box)}{geometry}</a:prstGeom><a:solidFill>"
        f'<a:srgbClr val="{_hex(rect.fill)}"/></a:solidFill>'
        f"<a:ln><a:noFill/></a:ln><a:effectLst/></p:spPr>{_STYLE}</p:sp>"
    )


def _picture(shape_id: int, element: Picture, rid: str) -> str:
    return (
        f'<p:pic><p:nvPicPr><p:cNvPr id="{shape_id}" name="{_attr(element.alt[:60])}" '
        f'descr="{_attr(element.alt)}"/><p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/>'
        f'</p:nvPicPr><p:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>'
        f'<p:spPr>{_xfrm(element.box)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>'
    )


def slide_picture(campaign: m.Campaign, path: str) -> bytes | None:
    """Return a PNG or JPEG of a campaign picture; SVG is drawn by Typst on a transparent page."""
    file = campaign.root / path
    if not file.is_file():
        return None
    if file.suffix.lower() in RASTER:
        return file.read_bytes()
    data = {"path": "/" + path, "width": PICTURE_PT}
    return compile_typst("slide-picture.typ", data, root=campaign.root, format="png", ppi=144)[0]


def _frame(element: Text) -> str:
    """Return a text frame's body: no autofit, no insets, the element's anchor, its paragraphs."""
    paras = [_paragraph(para, element, first=index == 0) for index, para in enumerate(element.paras)]
    if element.slide_number and paras:
        paras[-1] = _paragraph(element.paras[-1], element, first=len(paras) == 1, number_field=True)
    body = f'<a:bodyPr wrap="square" lIns="0" rIns="0" tIns="0" bIns="0" anchor="{_ANCHOR[element.anchor]}">'
    return f"{body}<a:noAutofit/></a:bodyPr><a:lstStyle/>{''.join(paras) or '<a:p/>'}"


def _paragraph(source: Para, element: Text, *, first: bool, number_field: bool = False) -> str:
    size = element.size
    level = min(source.level, 8)
    em = Pt(size)
    indent = int(indent_em(source) * em)
    hanging = str(int(-(marker_em(source) * em))) if source.marker != "none" else "0"
    lvl = f' lvl="{level}"' if level else ""  # 0 is the default, which python-pptx leaves out
    before = Pt(size * space_before_em(source, first)).centipoints
    props = (
        f'<a:pPr algn="{_ALIGN[element.align]}"{lvl} marL="{indent}" indent="{hanging}"><a:lnSpc>'
        f'<a:spcPts val="{Pt(size * LINE).centipoints}"/></a:lnSpc><a:spcBef><a:spcPts val="{before}"/>'
        f"</a:spcBef>{_bullet(source, element)}</a:pPr>"
    )
    bold = element.role in ("title", "big")
    runs = [(run.text, run.bold or bold) for run in source.runs]
    field = ""
    if number_field and runs:
        text, last_bold = runs[-1]
        head = text.rstrip("0123456789")
        runs[-1] = (head, last_bold)
        field = (
            f'<a:fld id="{_SLIDE_NUMBER_FIELD}" type="slidenum">'
            f"{_run_props(str(int(size * 100)), last_bold, element.colour.lstrip('#'))}"
            f"<a:t>{_text(text[len(head) :])}</a:t></a:fld>"
        )
    centipoints, colour = str(em.centipoints), _hex(element.colour)
    body = "".join(f"<a:r>{_run_props(centipoints, b, colour)}<a:t>{_text(t)}</a:t></a:r>" for t, b in runs)
    return f"<a:p>{props}{body}{field}</a:p>"


def _bullet(source: Para, element: Text) -> str:
    if source.marker == "none":
        return "<a:buNone/>"
    colour = (element.marker_colour or element.colour).lstrip("#")
    if source.marker == "number":
        mark = f'<a:buAutoNum type="arabicPeriod" startAt="{source.number or 1}"/>'
    else:
        mark = f'<a:buChar char="{"•" if source.level == 0 else "–"}"/>'
    return f'<a:buClr><a:srgbClr val="{colour}"/></a:buClr><a:buFont typeface="{_attr(FAMILY)}"/>{mark}'


def _run_props(centipoints: str, bold: bool, colour: str) -> str:
    return (
        f'<a:rPr sz="{centipoints}" b="{"1" if bold else "0"}" lang="{LANG}" altLang="en-US"><a:solidFill>'
        f'<a:srgbClr val="{colour}"/></a:solidFill>{_TYPEFACES}</a:rPr>'
    )


_TYPEFACES = "".join(f'<a:{tag} typeface="{FAMILY}"/>' for tag in ("latin", "ea", "cs"))


def _notes_xml(notes: tuple[str, ...]) -> str:
    props = f'<a:rPr sz="{Pt(14).centipoints}" lang="{LANG}" altLang="en-US">{_TYPEFACES}</a:rPr>'
    paras = "".join(f"<a:p><a:r>{props}<a:t>{_text(line)}</a:t></a:r></a:p>" for line in notes)
    return f"{_NOTES_HEAD}{paras or '<a:p/>'}{_NOTES_TAIL}"


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _text(value: str) -> str:
    """Return run text as python-pptx stores it (control characters as _xHHHH_), escaped for XML."""
    return escape(_CONTROL.sub(lambda match: f"_x{ord(match.group(0)):04X}_", value))


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"})
