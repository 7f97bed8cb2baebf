"""Template context shared by HTML products and the portal: the help block, actions, sources."""

from __future__ import annotations

from typing import Any

from loa import model as m
from loa.renderers.html import asset_name, blocks_to_html


def help_context(campaign: m.Campaign) -> dict[str, Any]:
    """Return the 'who to tell' block: hotlines, with 111 first."""
    hotlines = sorted(campaign.hotlines, key=lambda h: (h.number != "111", h.number))
    return {"hotlines": hotlines}


def topic_context(
    campaign: m.Campaign, topic: m.Topic, audience: m.Audience | None, *, asset_prefix: str
) -> dict[str, Any]:
    """Return what a template needs to show one topic, for one audience or for all."""

    def image_url(path: str) -> str:
        return path if "://" in path else asset_prefix + asset_name(path)

    actions = (
        [(audience, topic.actions[audience.id])]
        if audience and audience.id in topic.actions
        else [(campaign.audience(a), acts) for a, acts in topic.actions.items()]
        if audience is None
        else []
    )
    return {
        "campaign": campaign,
        "topic": topic,
        "audience": audience,
        "audiences": [campaign.audience(a) for a in topic.audiences],
        "body": blocks_to_html(topic.body, image_url=image_url, heading_shift=0),
        "actions": actions,
        "show_warning_signs": audience is None or audience.kind != "children",
        "legal": [campaign.legal_reference(r) for r in topic.legal],
        "cover": image_url(topic.image.path) if topic.image else None,
        **help_context(campaign),
    }
