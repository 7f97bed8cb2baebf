"""Social posts composed from built products: Facebook text and Zalo articles, checked against limits."""

from __future__ import annotations

import json
from collections.abc import Iterator

from loa import model as m
from loa import platforms as p
from loa.errors import BuildError
from loa.readers.markdown import inline_text
from loa.renderers.base import Artifact
from loa.renderers.context import help_context, portal_link

HASHTAGS = ("#BaoVeTreEm", "#AnToanTrenMang", "#TongDai111")
FACEBOOK_IMAGE_SIZES = ((1080, 1350), (1080, 1080), (1200, 630))


def compose_social_posts(campaign: m.Campaign, products: list[Artifact]) -> list[Artifact]:
    """Return a Facebook post and a Zalo article per topic; raise naming any platform limit exceeded."""
    posts: list[Artifact] = []
    problems: list[str] = []
    for topic in campaign.topics:
        cards = [a for a in products if a.topic == topic.id and a.kind == "card" and a.format == "png"]
        facebook, zalo = _facebook(campaign, topic, cards), _zalo(campaign, topic, cards)
        problems += [f"chủ đề {topic.id}: {x}" for x in _limit_problems(facebook, zalo, cards)]
        posts += [facebook, zalo]
    if problems:
        raise BuildError("bài đăng mạng xã hội vượt giới hạn nền tảng:\n" + "\n".join(problems))
    return posts


def _facebook(campaign: m.Campaign, topic: m.Topic, cards: list[Artifact]) -> Artifact:
    image = _pick(cards, FACEBOOK_IMAGE_SIZES)
    text = "\n".join(_facebook_lines(campaign, topic)) + "\n"
    return Artifact(
        path=f"mang-xa-hoi/{topic.id}/facebook.txt",
        data=text.encode(),
        kind="social",
        format="txt",
        media_type="text/plain; charset=utf-8",
        title=f"Bài đăng Facebook — {topic.title}",
        topic=topic.id,
        alt=image.alt if image else None,
    )


def _facebook_lines(campaign: m.Campaign, topic: m.Topic) -> Iterator[str]:
    yield topic.title.upper()
    yield ""
    yield topic.summary
    yield ""
    yield from (f"✅ {message}" for message in topic.key_messages)
    yield ""
    yield from (
        f"📞 {h.number} — {h.name}" + (f": {h.description}" if h.description else "")
        for h in help_context(campaign)["hotlines"]
    )
    yield ""
    yield f"👉 Xem thêm: {portal_link(campaign, topic)}"
    yield ""
    yield " ".join(HASHTAGS)


def _zalo(campaign: m.Campaign, topic: m.Topic, cards: list[Artifact]) -> Artifact:
    cover = _pick(cards, ((1280, 720), (1200, 630), (1080, 1080)))
    base = campaign.portal.base_url.rstrip("/") + "/"
    # The description is the article's lead (sapo), shown above the body: the body does not repeat it.
    # Zalo's text blocks carry no styles, so headings stand out in capitals.
    body = [
        {"type": "text", "content": text.upper() if isinstance(b, m.Heading) else text}
        for b in topic.body
        if (text := _block_text(b))
    ]
    hotlines = help_context(campaign)["hotlines"]
    body.append(
        {
            "type": "text",
            "content": "Khi cần giúp đỡ: " + "; ".join(f"{h.number} — {h.name}" for h in hotlines),
        }
    )
    article = {
        "type": "normal",
        "title": topic.title,
        "author": (campaign.issuer.short_name or campaign.issuer.name)[: p.ZALO_AUTHOR.maximum],
        "description": topic.summary,
        "cover": {"cover_type": "photo", "photo_url": base + cover.path if cover else None, "status": "show"},
        "body": body,
        "related_link": portal_link(campaign, topic),
        "status": "show",
        "comment": "show",
    }
    data = json.dumps(article, ensure_ascii=False, indent=2) + "\n"
    return Artifact(
        path=f"mang-xa-hoi/{topic.id}/zalo.json",
        data=data.encode(),
        kind="social",
        format="json",
        media_type="application/json",
        title=f"Bài viết Zalo OA — {topic.title}",
        topic=topic.id,
    )


def _block_text(block: m.Block) -> str:
    if isinstance(block, m.Heading | m.Paragraph):
        return inline_text(block.children)
    if isinstance(block, m.ListBlock):
        return "\n".join("• " + " ".join(_block_text(b) for b in item) for item in block.items)
    if isinstance(block, m.Quote):
        return "\n".join(_block_text(b) for b in block.children)
    return ""


def _pick(cards: list[Artifact], sizes: tuple[tuple[int, int], ...]) -> Artifact | None:
    for size in sizes:
        for card in cards:
            if (card.width, card.height) == size:
                return card
    return cards[0] if cards else None


def _limit_problems(facebook: Artifact, zalo: Artifact, cards: list[Artifact]) -> Iterator[str]:
    article = json.loads(zalo.data)
    checks = [
        p.over(p.FACEBOOK_MESSAGE, facebook.data.decode()),
        p.over(p.ZALO_TITLE, article["title"]),
        p.over(p.ZALO_AUTHOR, article["author"]),
        p.over(p.ZALO_DESCRIPTION, article["description"]),
    ]
    cover = article["cover"]["photo_url"]
    chosen = next((c for c in cards if cover and cover.endswith(c.path)), None)
    if chosen:
        checks.append(p.over(p.ZALO_COVER_BYTES, chosen.data))
    yield from (c for c in checks if c)
