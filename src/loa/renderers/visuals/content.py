"""What every visual shows, taken from the model: issuer, help strip, QR link, labels, alt text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loa import model as m
from loa.fonts import FALLBACK_FAMILIES
from loa.renderers.context import help_context, portal_link
from loa.renderers.qr import qr_svg
from loa.renderers.visuals.palette import palette

LABELS = {
    "scan": "Quét mã để đọc thêm",
    "call": "Gọi",
    "risks": "Nguy cơ",
    "signs": "Dấu hiệu cần chú ý",
    "actions": "Cần làm gì",
    "help": "Tìm giúp đỡ ở đâu",
    "messages": "Điều cần nhớ",
    "for": "Dành cho",
}
"""Words the templates print that do not come from the campaign (kept here for the glyph check)."""


@dataclass(frozen=True)
class Variant:
    """Who a product speaks to: everyone (audience None) or one children's age band."""

    audience: m.Audience | None

    @property
    def slug(self) -> str:
        return self.audience.id if self.audience else "chung"


def children_bands(campaign: m.Campaign, topic: m.Topic) -> list[m.Audience]:
    """Return the topic's children's bands that have their own actions, in campaign order."""
    return [
        a
        for a in campaign.audiences
        if a.kind == "children" and a.id in topic.audiences and a.id in topic.actions
    ]


def messages(topic: m.Topic, variant: Variant, limit: int) -> list[dict[str, str]]:
    """Return the card's tips: key messages for everyone, do/don't actions for a children's band."""
    if variant.audience is None or variant.audience.id not in topic.actions:
        return [{"kind": "key", "text": t} for t in topic.key_messages[:limit]]
    acts = topic.actions[variant.audience.id]
    dont = min(len(acts.dont), max(1, limit // 3))
    do = [{"kind": "do", "text": t} for t in acts.do[: limit - dont]]
    return do + [{"kind": "dont", "text": t} for t in acts.dont[:dont]]


def first_sentence(text: str | None) -> str:
    """Return the first sentence of a hotline description, without its full stop, lower-cased."""
    return lower_first((text or "").split(". ")[0].strip().rstrip("."))


def help_strip(campaign: m.Campaign, unit: m.Unit | None) -> dict[str, Any] | None:
    """Return the "who to tell" strip: the first hotline (111) large, the others listed after it."""
    hotlines: list[m.Hotline] = help_context(campaign)["hotlines"]
    if not hotlines:
        return None
    main, *others = hotlines
    note = first_sentence(main.description)
    return {
        "number": main.number,
        "call": f"{LABELS['call']} {main.number}",
        "line": f"{LABELS['call']} {main.number} — {note}" if note else f"{LABELS['call']} {main.number}",
        "name": main.name,
        "note": note,
        "others": [{"number": h.number, "name": h.name} for h in others],
        "contact": unit.contact if unit and unit.contact else None,
    }


def lower_first(text: str) -> str:
    """Return text with its first letter in lower case, for use inside a sentence."""
    return text[:1].lower() + text[1:]


def asset(path: str | None) -> str | None:
    """Return a campaign-folder path as Typst sees it (from the compile root)."""
    return "/" + path.lstrip("/") if path else None


def base_data(
    campaign: m.Campaign, topic: m.Topic, variant: Variant, unit: m.Unit | None, *, qr: bool
) -> dict[str, Any]:
    """Return the data every visual template reads (brand.typ): colours, fonts, issuer, help, QR."""
    url = portal_link(campaign, topic, unit)
    return {
        "colours": palette(campaign.brand),
        "fonts": {
            "heading": campaign.brand.font_heading,
            "body": campaign.brand.font_body,
            "fallback": list(FALLBACK_FAMILIES),
        },
        "labels": LABELS,
        "issuer": {
            "name": campaign.issuer.name,
            "parent": campaign.issuer.parent,
            "logo": asset(campaign.brand.logo),
        },
        "unit": {"name": unit.name, "logo": asset(unit.logo), "contact": unit.contact} if unit else None,
        "help": help_strip(campaign, unit),
        "kicker": campaign.title,
        "tagline": campaign.tagline or campaign.title,
        "title": topic.title,
        "audience": f"{LABELS['for']} {lower_first(variant.audience.name)}" if variant.audience else None,
        "url": url,
        "url-text": url.split("://", 1)[-1],
        "qr": qr_svg(url) if qr else None,
    }


def alt_text(product: str, data: dict[str, Any], items: list[str]) -> str:
    """Return one sentence for screen readers and the portal: what the image is and what it says."""
    said = "; ".join(i.rstrip(".") for i in items)
    help_line = data["help"]["line"] + f" ({data['help']['name']})" if data["help"] else ""
    audience = f", {lower_first(data['audience'])}," if data["audience"] else ""
    head = f"{product} «{data['title']}»{audience} của {data['issuer']['name']}"
    tail = ". ".join(p for p in (said, help_line) if p)
    qr = f". Mã QR dẫn tới {data['url']}" if data["qr"] else ""
    return f"{head}: {tail}{qr}."
