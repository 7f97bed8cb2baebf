"""What a printed press article holds, in reading order: shared by the DOCX and PDF articles."""

from __future__ import annotations

from dataclasses import dataclass

from loa import model as m
from loa.readers.sections import body_for
from loa.renderers.context import help_context

KEY_MESSAGES = "Điều cần ghi nhớ"
ACTIONS = "Việc nên làm"
DO, DONT, SAY = "Nên", "Không nên", "Có thể nói"
WARNING_SIGNS = "Dấu hiệu người lớn cần để ý"
HELP = "Khi cần giúp đỡ"
LEGAL = "Căn cứ pháp lý"
SOURCES = "Nguồn"


@dataclass(frozen=True)
class ArticleContent:
    """One topic told to one audience, ready for a page."""

    kicker: str
    title: str
    lead: str
    cover: m.Asset | None
    key_messages: tuple[str, ...]
    body: tuple[m.Block, ...]
    actions: tuple[tuple[str, tuple[str, ...]], ...]
    """(label, items) for Nên, Không nên, Có thể nói; empty labels are left out."""
    warning_signs: tuple[str, ...]
    help_intro: str
    hotlines: tuple[m.Hotline, ...]
    legal: tuple[str, ...]
    sources: tuple[str, ...]
    issuer: tuple[str, ...]
    """The issuer's name, then its contact lines."""


def article_content(campaign: m.Campaign, topic: m.Topic, audience: m.Audience) -> ArticleContent:
    """Return the article for one topic and audience, in the order the HTML article shows it."""
    acts = topic.actions.get(audience.id, m.AudienceActions())
    actions = ((DO, acts.do), (DONT, acts.dont), (SAY, tuple(f"“{x}”" for x in acts.say)))
    return ArticleContent(
        kicker=f"{campaign.title} · Dành cho {audience_phrase(audience)}",
        title=topic.title,
        lead=topic.summary,
        cover=topic.image,
        key_messages=topic.key_messages,
        body=body_for(topic, audience),
        actions=tuple((label, items) for label, items in actions if items),
        warning_signs=topic.warning_signs if audience.kind != "children" else (),
        help_intro=help_intro(audience),
        hotlines=ordered_hotlines(campaign),
        legal=tuple(legal_line(campaign.legal_reference(r)) for r in topic.legal),
        sources=tuple(source_line(s) for s in topic.sources),
        issuer=issuer_lines(campaign.issuer),
    )


def ordered_hotlines(campaign: m.Campaign) -> tuple[m.Hotline, ...]:
    """Return the campaign's hotlines with 111 first, as every help block lists them."""
    return tuple(help_context(campaign)["hotlines"])


def audience_phrase(audience: m.Audience) -> str:
    """Return the audience's name as it reads after "Dành cho": lower case unless it names children."""
    name = audience.name
    return name if audience.kind == "children" else name[:1].lower() + name[1:]


def help_intro(audience: m.Audience | None) -> str:
    """Return the 'who to tell' sentence that leads into the hotlines, worded for the audience."""
    if audience is not None and audience.kind == "children":
        return (
            "Khi có chuyện trên mạng làm em lo lắng, hãy kể ngay với người lớn em tin tưởng: "
            "bố mẹ, thầy cô. Em cũng có thể gọi:"
        )
    return "Khi trẻ gặp chuyện trên mạng, hãy bình tĩnh lắng nghe, giữ lại bằng chứng và liên hệ ngay:"


def legal_line(reference: m.LegalReference) -> str:
    """Return a legal reference as it is cited: title and number."""
    return f"{reference.title} số {reference.number}"


def source_line(source: m.Source) -> str:
    """Return a source as one line: title, publisher, date and address."""
    parts = [source.title, source.publisher, f"{source.date:%d/%m/%Y}" if source.date else None]
    line = ", ".join(p for p in parts if p)
    return f"{line} — {source.url}" if source.url else line


def issuer_lines(issuer: m.Issuer) -> tuple[str, ...]:
    """Return the issuer's name (with the body above it) and its contact lines."""
    name = f"{issuer.name} — {issuer.parent}" if issuer.parent else issuer.name
    contacts = (
        f"Điện thoại: {issuer.phone}" if issuer.phone else None,
        f"Thư điện tử: {issuer.email}" if issuer.email else None,
        f"Trang thông tin: {issuer.website}" if issuer.website else None,
    )
    return (name, *(c for c in contacts if c))
