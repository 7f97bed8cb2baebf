"""Campaign files (logos, covers, body images) copied into every build's assets/ folder."""

from __future__ import annotations

from loa import model as m
from loa.readers.markdown import body_images
from loa.renderers.base import Artifact
from loa.renderers.html import asset_output_path


def campaign_files(campaign: m.Campaign) -> list[str]:
    """Return every campaign file the products may show, as paths from the campaign folder."""
    paths = {a.path for a in campaign.assets}
    paths |= {campaign.brand.logo} if campaign.brand.logo else set()
    paths |= {t.image.path for t in campaign.topics if t.image}
    paths |= {p for t in campaign.topics for p, _ in body_images(t.body)}
    paths |= {u.logo for u in campaign.units if u.logo}
    return sorted(paths)


def asset_artifacts(campaign: m.Campaign) -> list[Artifact]:
    """Return the campaign files as artifacts under assets/, so every product's links resolve."""
    return [
        Artifact(
            path=asset_output_path(path),
            data=(campaign.root / path).read_bytes(),
            kind="asset",
            format=path.rsplit(".", 1)[-1].lower(),
            media_type="application/octet-stream",
        )
        for path in campaign_files(campaign)
    ]
