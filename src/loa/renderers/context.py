"""Template context shared by HTML products and the portal: the help block, actions, sources."""

from __future__ import annotations

from typing import Any

from loa import model as m
from loa.readers.sections import body_for
from loa.renderers.base import Job
from loa.renderers.html import asset_output_path, blocks_to_html


def help_context(campaign: m.Campaign) -> dict[str, Any]:
    """Return the 'who to tell' block: hotlines, with 111 first."""
    hotlines = sorted(campaign.hotlines, key=lambda h: h.number != "111")  # stable: file order after 111
    return {"hotlines": hotlines}


def unit_of(campaign: m.Campaign, job: Job) -> m.Unit | None:
    """Return the recipient unit a co-branded job is for, if any."""
    return campaign.unit(job.unit) if job.unit else None


def pack_path(job: Job, path: str) -> str:
    """Return an artifact path inside the unit's pack folder (don-vi/<code>/) for co-branded jobs."""
    return f"don-vi/{job.unit}/{path}" if job.unit else path


def portal_link(campaign: m.Campaign, topic: m.Topic | None, unit: m.Unit | None = None) -> str:
    """Return the public address of a topic page (or the home page), carrying the unit's code."""
    url = campaign.portal.base_url.rstrip("/") + "/" + (f"chu-de/{topic.id}/" if topic else "")
    return f"{url}?dv={unit.code}" if unit else url


def topic_context(
    campaign: m.Campaign, topic: m.Topic, audience: m.Audience | None, *, asset_prefix: str
) -> dict[str, Any]:
    """Return what a template needs to show one topic, for one audience or for all."""

    def image_url(path: str) -> str:
        return path if "://" in path else asset_prefix + asset_output_path(path)

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
        "body": blocks_to_html(body_for(topic, audience), image_url=image_url, heading_shift=0),
        "actions": actions,
        "show_warning_signs": audience is None or audience.kind != "children",
        "legal": [campaign.legal_reference(r) for r in topic.legal],
        "cover": image_url(topic.image.path) if topic.image else None,
        **help_context(campaign),
    }
