"""The document tree and Loa's boxes written into a Word document with python-docx."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image

from loa import model as m
from loa.renderers.docx_base import BULLET_NUM_ID, colour_role, hex_colour, mix, new_decimal_list
from loa.renderers.ooxml import put, xml
from loa.renderers.pictures import PPI, picture_bytes

TEXT_WIDTH_MM = 170
TEXT_WIDTH_TWIPS = 9638  # 170 mm: A4 less two 20 mm margins
BOX_PADDING = 260
PICTURE_MAX_HEIGHT_MM = 80
HEADING_STYLES = {1: "Heading 1", 2: "Heading 1", 3: "Heading 2"}
LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")


class DocxBody:
    """Writes body blocks, lists, boxes and pictures into one document."""

    def __init__(self, document: Any, campaign: m.Campaign) -> None:
        self.document = document
        self.campaign = campaign

    # --- blocks -------------------------------------------------------------------------

    def blocks(self, container: Any, blocks: Iterable[m.Block], *, level: int = 0) -> None:
        """Write body blocks; `level` is the depth of the list they sit in."""
        for block in blocks:
            self.block(container, block, level=level)

    def block(self, container: Any, block: m.Block, *, level: int = 0) -> None:
        """Write one body block."""
        if isinstance(block, m.Heading):
            style = HEADING_STYLES.get(block.level, "Heading 3")
            self.inlines(container.add_paragraph(style=style), block.children)
        elif isinstance(block, m.Paragraph):
            self.paragraph(container, block.children)
        elif isinstance(block, m.ListBlock):
            self.list_block(container, block, level=level)
        elif isinstance(block, m.Quote):
            self.quote(container, block)
        else:
            self.rule(container)

    def paragraph(self, container: Any, nodes: tuple[m.Inline, ...], style: str = "Normal") -> None:
        """Write a paragraph; a paragraph holding only pictures becomes figures with captions."""
        images = [n for n in nodes if isinstance(n, m.InlineImage)]
        words = [n for n in nodes if not isinstance(n, m.InlineImage | m.LineBreak)]
        if images and not any(not isinstance(n, m.Text) or n.text.strip() for n in words):
            for image in images:
                self.figure(container, image.path, image.alt)
            return
        self.inlines(container.add_paragraph(style=style), nodes)

    def list_block(self, container: Any, block: m.ListBlock, *, level: int) -> None:
        """Write a bullet or numbered list; every numbered list starts again at 1."""
        depth = min(level, 2)
        suffix = "" if depth == 0 else f" {depth + 1}"
        style = ("List Number" if block.ordered else "List Bullet") + suffix
        num_id = new_decimal_list(self.document) if block.ordered else BULLET_NUM_ID
        for item in block.items:
            self.list_item(container, item, style=style, num_id=num_id, level=level)

    def list_item(
        self, container: Any, item: tuple[m.Block, ...], *, style: str, num_id: int, level: int
    ) -> None:
        """Write one list item: its first paragraph carries the bullet or the number."""
        first = item[0] if item else None
        if isinstance(first, m.Paragraph):
            paragraph = container.add_paragraph(style=style)
            self.inlines(paragraph, first.children)
            number(paragraph, num_id, min(level, 2))
        for block in item[1:] if isinstance(first, m.Paragraph) else item:
            if isinstance(block, m.Paragraph):
                suffix = "" if level == 0 else f" {min(level, 2) + 1}"
                self.inlines(container.add_paragraph(style="List Continue" + suffix), block.children)
            else:
                self.block(container, block, level=level + 1)

    def quote(self, container: Any, block: m.Quote) -> None:
        """Write a block quote as Quote paragraphs."""
        for child in block.children:
            if isinstance(child, m.Paragraph):
                self.inlines(container.add_paragraph(style="Quote"), child.children)
            else:
                self.block(container, child)

    def rule(self, container: Any) -> None:
        """Write a thematic break as a thin line."""
        paragraph = container.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(10)
        colour = colour_role(self.campaign.brand, "muted").lstrip("#")
        put(
            paragraph._p.get_or_add_pPr(),
            xml(f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="{colour}"/></w:pBdr>'),
        )

    # --- inlines ------------------------------------------------------------------------

    def inlines(
        self, paragraph: Any, nodes: Iterable[m.Inline], *, bold: bool = False, italic: bool = False
    ) -> None:
        """Write inline nodes as runs, keeping bold, italic, links and line breaks."""
        for node in nodes:
            if isinstance(node, m.Text):
                run(paragraph, node.text, bold=bold, italic=italic)
            elif isinstance(node, m.Strong):
                self.inlines(paragraph, node.children, bold=True, italic=italic)
            elif isinstance(node, m.Emphasis):
                self.inlines(paragraph, node.children, bold=bold, italic=True)
            elif isinstance(node, m.Code):
                self.code(paragraph, node.text)
            elif isinstance(node, m.LineBreak):
                paragraph.add_run().add_break(WD_BREAK.LINE)
            elif isinstance(node, m.Link):
                self.link(paragraph, node, bold=bold, italic=italic)
            else:
                run(paragraph, node.alt, bold=bold, italic=True)

    def code(self, paragraph: Any, text: str) -> None:
        """Write inline code as a shaded bold run in the body font (a number like 111 stays readable)."""
        fill = self.campaign.brand.secondary.lstrip("#")
        shade = xml(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
        put(run(paragraph, text, bold=True)._r.get_or_add_rPr(), shade)

    def link(self, paragraph: Any, node: m.Link, *, bold: bool, italic: bool) -> None:
        """Write a web link as a real hyperlink; any other link becomes plain text."""
        if not node.href.startswith(LINK_SCHEMES):
            self.inlines(paragraph, node.children, bold=bold, italic=italic)
            return
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), paragraph.part.relate_to(node.href, RT.HYPERLINK, is_external=True))
        start = len(paragraph.runs)
        self.inlines(paragraph, node.children, bold=bold, italic=italic)
        for added in paragraph.runs[start:]:
            added.style = self.document.styles["Hyperlink"]
            hyperlink.append(added._r)
        paragraph._p.append(hyperlink)

    # --- Loa's parts ----------------------------------------------------------------------

    def bullets(
        self, container: Any, items: Iterable[str], *, style: str = "List Bullet", italic: bool = False
    ) -> None:
        """Write plain strings as a bullet list."""
        for text in items:
            paragraph = container.add_paragraph(style=style)
            number(
                paragraph, BULLET_NUM_ID, 0
            )  # also on the paragraph: LibreOffice ignores it in custom styles
            run(paragraph, text, italic=italic)

    def box(self, *, fill: str, bar: str, keep_together: bool = False) -> Any:
        """Add a shaded one-cell table with a coloured bar on its left; return the cell."""
        table = self.document.add_table(rows=1, cols=1)
        table.autofit = False
        full_width(table, [TEXT_WIDTH_TWIPS])
        # Word 2010 layout puts the cell's text, not its edge, at the indent: line the bar up with the text.
        put(table._tbl.tblPr, xml(f'<w:tblInd w:w="{BOX_PADDING}" w:type="dxa"/>'))
        put(
            table._tbl.tblPr,
            xml(
                f'<w:tblCellMar><w:top w:w="150" w:type="dxa"/><w:left w:w="{BOX_PADDING}" w:type="dxa"/>'
                f'<w:bottom w:w="90" w:type="dxa"/><w:right w:w="{BOX_PADDING}" w:type="dxa"/></w:tblCellMar>'
            ),
        )
        cell = table.cell(0, 0)
        tc_pr = cell._tc.get_or_add_tcPr()
        put(
            tc_pr,
            xml(
                '<w:tcBorders><w:top w:val="nil"/>'
                f'<w:left w:val="single" w:sz="36" w:space="0" w:color="{bar.lstrip("#")}"/>'
                '<w:bottom w:val="nil"/><w:right w:val="nil"/></w:tcBorders>'
            ),
        )
        put(tc_pr, shading(fill))
        if keep_together:
            put(table.rows[0]._tr.get_or_add_trPr(), xml("<w:cantSplit/>"))
        return cell

    def spacer(self, points: float = 8) -> None:
        """Add a small empty paragraph, since Word leaves no space after a table."""
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = Pt(points)

    def figure(
        self, container: Any, path: str, alt: str, *, base: str = "", credit: str | None = None
    ) -> None:
        """Add a picture from the campaign folder, described by its alt text, and a caption."""
        picture = picture_bytes(self.campaign.root, path, base=base)
        if picture is None:
            return
        paragraph = container.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        shape = paragraph.add_run().add_picture(io.BytesIO(picture), width=Mm(_width_mm(picture)))
        shape._inline.docPr.set("descr", alt)
        caption = alt + (f" (Ảnh: {credit})" if credit else "")
        if caption:
            container.add_paragraph(caption, style="Caption").alignment = WD_ALIGN_PARAGRAPH.CENTER


def first_paragraph(cell: Any, text: str, style: str) -> Any:
    """Fill the empty paragraph a new cell starts with, and return it."""
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if text:
        paragraph.add_run(text)
    return paragraph


def run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False) -> Any:
    """Add a run of text, bold or italic when asked."""
    added = paragraph.add_run(text)
    if bold:
        added.bold = True
    if italic:
        added.italic = True
    return added


def number(paragraph: Any, num_id: int, level: int) -> None:
    """Attach a paragraph to a numbered list."""
    put(
        paragraph._p.get_or_add_pPr(),
        xml(f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'),
    )


def shading(fill: str) -> Any:
    """Return a w:shd that fills a cell or run with a colour."""
    return xml(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill.lstrip("#").upper()}"/>')


def full_width(table: Any, columns: list[int]) -> None:
    """Give a table fixed column widths in twips, filling the text column."""
    tbl_pr = table._tbl.tblPr
    put(tbl_pr, xml(f'<w:tblW w:w="{sum(columns)}" w:type="dxa"/>'))
    put(tbl_pr, xml('<w:tblLayout w:type="fixed"/>'))
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), columns, strict=True):
        column.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, columns, strict=True):
            put(cell._tc.get_or_add_tcPr(), xml(f'<w:tcW w:w="{width}" w:type="dxa"/>'))


def _width_mm(picture: bytes) -> float:
    with Image.open(io.BytesIO(picture)) as image:
        width, height = image.size
    # Pictures come at PPI; never wider than the text, never taller than a third of the page.
    return min(TEXT_WIDTH_MM, width / PPI * 25.4, PICTURE_MAX_HEIGHT_MM * width / height)


def help_box(body: DocxBody, *, title: str, intro: str, hotlines: Iterable[m.Hotline]) -> None:
    """Add the 'who to tell' box: a sentence, then every hotline with its number large."""
    brand = body.campaign.brand
    cell = body.box(fill=mix(brand.accent, "#FFFFFF", 0.16), bar=brand.accent, keep_together=True)
    first_paragraph(cell, title, "Box Title")
    cell.add_paragraph(intro, style="Help Line")
    for hotline in hotlines:
        paragraph = cell.add_paragraph(style="Help Line")
        paragraph.paragraph_format.keep_with_next = True
        dial = run(paragraph, hotline.number, bold=True)
        dial.font.size = Pt(17)
        dial.font.color.rgb = hex_colour(brand.primary)
        run(paragraph, "   " + hotline.name, bold=True)
        if hotline.description:
            paragraph.add_run().add_break(WD_BREAK.LINE)
            run(paragraph, hotline.description)
    body.spacer()


def page_header(body: DocxBody, text: str) -> None:
    """Put the campaign's logo and a line of text at the top of every page."""
    paragraph = body.document.sections[0].header.paragraphs[0]
    paragraph.style = body.document.styles["Header"]
    brand = body.campaign.brand
    logo = picture_bytes(body.campaign.root, brand.logo) if brand.logo else None
    if logo is not None:
        shape = paragraph.add_run().add_picture(io.BytesIO(logo), height=Mm(7))
        asset = body.campaign.asset(brand.logo or "")
        shape._inline.docPr.set("descr", asset.alt if asset else "Biểu trưng")
        paragraph.add_run("  ")
    paragraph.add_run(text)


def page_footer(document: Any, text: str) -> None:
    """Put a footer on every page: a line of text on the left, "Trang n/m" on the right."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(text + "\tTrang ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run("/")
    _field(paragraph, "NUMPAGES", "1")


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    field = xml(f'<w:fldSimple w:instr=" {instruction} "><w:r><w:t>{shown}</w:t></w:r></w:fldSimple>')
    paragraph._p.append(field)
