"""A press article as an A4 Word document in the house styles (python-docx; imported by `article_docx`
only when an article is written)."""

from __future__ import annotations

from docx.shared import Pt

from loa import model as m
from loa.renderers import article_content as text
from loa.renderers.article_content import ArticleContent, article_content
from loa.renderers.docx_base import DocxInfo, document_bytes, new_document
from loa.renderers.docx_blocks import DocxBody, first_paragraph, help_box, page_footer, page_header


def article_document(campaign: m.Campaign, topic: m.Topic, audience: m.Audience) -> bytes:
    """Return the article for one topic and audience as the bytes of a DOCX file."""
    info = DocxInfo(
        title=topic.title,
        subject=f"{campaign.title} — dành cho {text.audience_phrase(audience)}",
        author=campaign.issuer.name,
        created=campaign.period.start,
        keywords="; ".join(("bảo vệ trẻ em", "môi trường mạng", audience.name)),
        category="Bài viết tuyên truyền",
    )
    document = new_document(campaign.brand, info)
    write_article(DocxBody(document, campaign), article_content(campaign, topic, audience))
    return document_bytes(document, when=campaign.period.start)


def write_article(body: DocxBody, content: ArticleContent) -> None:
    """Write the whole article, top to bottom."""
    _masthead(body, content)
    _key_messages(body, content)
    body.blocks(body.document, content.body)
    _actions(body, content)
    _warning_signs(body, content)
    help_box(body, title=text.HELP, intro=content.help_intro, hotlines=content.hotlines)
    _credits(body, content)
    hotline = f" · Khi cần giúp đỡ, gọi {content.hotlines[0].number}" if content.hotlines else ""
    page_header(body, body.campaign.issuer.name)
    page_footer(body.document, body.campaign.title + hotline)


def _masthead(body: DocxBody, content: ArticleContent) -> None:
    document = body.document
    document.add_paragraph(content.kicker, style="Kicker")
    document.add_paragraph(content.title, style="Title")
    document.add_paragraph(content.lead, style="Lead")
    if content.cover:
        credit = (body.campaign.asset(content.cover.path) or content.cover).credit
        body.figure(document, content.cover.path, content.cover.alt, credit=credit)


def _key_messages(body: DocxBody, content: ArticleContent) -> None:
    brand = body.campaign.brand
    cell = body.box(fill=brand.secondary, bar=brand.primary, keep_together=True)
    first_paragraph(cell, text.KEY_MESSAGES, "Box Title")
    body.bullets(cell, content.key_messages)
    body.spacer()


def _actions(body: DocxBody, content: ArticleContent) -> None:
    if not content.actions:
        return
    brand = body.campaign.brand
    body.spacer(4)
    cell = body.box(fill=brand.secondary, bar=brand.primary)
    first_paragraph(cell, text.ACTIONS, "Box Title")
    for label, items in content.actions:
        cell.add_paragraph(label, style="Box Label")
        body.bullets(cell, items, italic=label == text.SAY)
    body.spacer()


def _warning_signs(body: DocxBody, content: ArticleContent) -> None:
    if not content.warning_signs:
        return
    body.document.add_paragraph(text.WARNING_SIGNS, style="Heading 1")
    body.bullets(body.document, content.warning_signs)
    body.spacer(4)


def _credits(body: DocxBody, content: ArticleContent) -> None:
    document = body.document
    if content.legal:
        paragraph = document.add_paragraph(style="Meta")
        paragraph.add_run(f"{text.LEGAL}: ").bold = True
        paragraph.add_run("; ".join(content.legal) + ".")
    if content.sources:
        document.add_paragraph(style="Meta").add_run(f"{text.SOURCES}:").bold = True
        body.bullets(document, content.sources, style="Meta List")
    name, *contacts = content.issuer
    paragraph = document.add_paragraph(style="Meta")
    paragraph.paragraph_format.space_before = Pt(8)
    paragraph.add_run(name).bold = True
    if contacts:
        paragraph.add_run(" · " + " · ".join(contacts))
