"""manifest.json: what a build produced, read by the portal, the channels and the web app."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loa import __version__
from loa import model as m
from loa.renderers.base import Artifact

PRODUCT_FIELDS = (
    "path",
    "kind",
    "format",
    "media_type",
    "topic",
    "audience",
    "title",
    "width",
    "height",
    "alt",
    "sha256",
    "bytes",
    "input_hash",
)


def product_entry(artifact: Artifact) -> dict[str, Any]:
    """Return the manifest entry of one product, leaving out empty fields."""
    entry = {
        "path": artifact.path,
        "kind": artifact.kind,
        "format": artifact.format,
        "media_type": artifact.media_type,
        "topic": artifact.topic,
        "audience": artifact.audience,
        "title": artifact.title,
        "width": artifact.width,
        "height": artifact.height,
        "alt": artifact.alt,
        "sha256": artifact.sha256,
        "bytes": artifact.size,
        "input_hash": artifact.input_hash,
    }
    return {k: v for k, v in entry.items() if v is not None and v != ""} | {
        "topic": artifact.topic,
        "audience": artifact.audience,
    }


def build_manifest(campaign: m.Campaign, products: list[Artifact], *, built_on: datetime) -> dict[str, Any]:
    """Return the manifest for a build."""
    return {
        "loa_version": __version__,
        "campaign": {
            "id": campaign.id,
            "title": campaign.title,
            "locale": campaign.locale,
            "issuer": campaign.issuer.name,
            "base_url": campaign.portal.base_url,
        },
        "built_at": built_on.astimezone(UTC).isoformat(timespec="seconds"),
        "topics": [{"id": t.id, "title": t.title, "audiences": list(t.audiences)} for t in campaign.topics],
        "audiences": [{"id": a.id, "name": a.name, "kind": a.kind} for a in campaign.audiences],
        "products": [product_entry(p) for p in products],
    }


def read_manifest(out: Path) -> dict[str, Any] | None:
    """Return a previous build's manifest, or None if there is no readable one."""
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
