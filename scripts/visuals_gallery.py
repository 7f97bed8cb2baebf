"""Render the visuals of a campaign, time every product, and write the gallery's contact sheets.

    .venv/bin/python scripts/visuals_gallery.py [campaign folder] [--out docs/gallery]

Writes docs/gallery/cards.png, posters.png and infographics.png (each kept under ~500 KB) and prints
the CPU time of each product and of each topic, in milliseconds (CPU time, so a busy machine
does not inflate it).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections import defaultdict
from pathlib import Path

from PIL import Image, ImageDraw

from loa import model as m
from loa.readers import read_campaign
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.visuals.cards import GENERAL_SIZES, CardRenderer
from loa.renderers.visuals.content import Variant
from loa.renderers.visuals.infographics import InfographicRenderer
from loa.renderers.visuals.posters import PAPER_SIZES, PosterRenderer

BACKGROUND = (236, 239, 243)
GAP = 24


def render_all(campaign: m.Campaign) -> tuple[dict[str, list[Artifact]], dict[str, float]]:
    """Render every job of the three visual renderers; return artifacts by renderer and times by job."""
    found: dict[str, list[Artifact]] = defaultdict(list)
    times: dict[str, float] = {}
    renderers: list[Renderer] = [CardRenderer(), PosterRenderer(), InfographicRenderer()]
    for renderer in renderers:
        for job in renderer.plan(campaign):
            start = time.process_time()
            found[renderer.name] += renderer.render(campaign, job)
            times[job.key] = (time.process_time() - start) * 1000
    return found, times


def thumbnail(artifact: Artifact, height: int) -> Image.Image:
    """Return a PNG artifact scaled to a height."""
    image = Image.open(io.BytesIO(artifact.data)).convert("RGB")
    return image.resize((round(image.width * height / image.height), height), Image.Resampling.LANCZOS)


def sheet(rows: list[list[Image.Image]]) -> Image.Image:
    """Return the images laid out in rows on a light grey board."""
    width = max(sum(i.width for i in row) + GAP * (len(row) + 1) for row in rows)
    height = sum(max(i.height for i in row) for row in rows) + GAP * (len(rows) + 1)
    board = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(board)
    y = GAP
    for row in rows:
        x = GAP
        for image in row:
            board.paste(image, (x, y))
            draw.rectangle((x - 1, y - 1, x + image.width, y + image.height), outline=(200, 205, 212))
            x += image.width + GAP
        y += max(i.height for i in row) + GAP
    return board


def save_small(image: Image.Image, path: Path, limit: int = 500_000) -> None:
    """Save a PNG with a 256-colour palette, shrinking it until it is under the byte limit."""
    while True:
        out = io.BytesIO()
        image.quantize(256, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
        if out.tell() <= limit or image.width < 600:
            path.write_bytes(out.getvalue())
            return
        image = image.resize((int(image.width * 0.85), int(image.height * 0.85)), Image.Resampling.LANCZOS)


def pngs(artifacts: list[Artifact], ending: str) -> list[Artifact]:
    """Return the PNG artifacts whose path ends a certain way."""
    return [a for a in artifacts if a.format == "png" and a.path.endswith(ending)]


def contact_sheets(found: dict[str, list[Artifact]], out: Path) -> None:
    """Write cards.png, posters.png and infographics.png into the gallery folder."""
    out.mkdir(parents=True, exist_ok=True)
    cards = found["cards"]
    first = cards[0].topic
    sizes = [a for a in pngs(cards, ".png") if a.topic == first and "/chung-" in a.path]
    portraits = pngs(cards, "chung-facebook-doc.png")
    bands = [a for a in pngs(cards, "facebook-doc.png") if a.audience and a.topic == first]
    rows = [sizes, portraits[1:4] + bands, portraits[4:]]
    save_small(sheet([[thumbnail(a, 420) for a in row] for row in rows if row]), out / "cards.png")
    posters = pngs(found["posters"], "a4.png")
    save_small(sheet([[thumbnail(a, 560) for a in posters[i : i + 3]] for i in range(0, len(posters), 3)]),
               out / "posters.png")  # fmt: skip
    infographics = pngs(found["infographics"], ".png")
    rows = [[thumbnail(a, 540) for a in infographics[i : i + 3]] for i in range(0, len(infographics), 3)]
    save_small(sheet(rows), out / "infographics.png")


def report(campaign: m.Campaign, times: dict[str, float]) -> None:
    """Print the time of each product size (median over topics, all its formats), each job and each topic."""
    per_size: dict[str, list[float]] = defaultdict(list)
    renderer = CardRenderer()
    for topic in campaign.topics:
        for size in GENERAL_SIZES:
            start = time.process_time()
            renderer.render_size(campaign, topic, Variant(None), Job("cards", topic.id), size)
            per_size[f"card {size.slug} (png+svg+pdf)"].append((time.process_time() - start) * 1000)
        for paper in PAPER_SIZES:
            start = time.process_time()
            PosterRenderer().render_size(campaign, topic, Job("posters", topic.id), paper)
            per_size[f"poster {paper.slug} (pdf+png)"].append((time.process_time() - start) * 1000)
    for name, values in per_size.items():
        print(f"product {name:47s} {statistics.median(values):7.0f} ms")
    per_topic: dict[str, float] = defaultdict(float)
    for key, ms in times.items():
        per_topic[key.split("/")[1]] += ms
        print(f"job {key:51s} {ms:7.0f} ms")
    for topic, ms in per_topic.items():
        print(f"topic {topic:49s} {ms:7.0f} ms")
    print(f"{'all':55s} {sum(times.values()):7.0f} ms")


def main() -> None:
    """Render, time and write the contact sheets."""
    parser = argparse.ArgumentParser()
    parser.add_argument("campaign", nargs="?", default="campaigns/bao-ve-tre-em", type=Path)
    parser.add_argument("--out", default="docs/gallery", type=Path)
    args = parser.parse_args()
    campaign, _ = read_campaign(args.campaign)
    found, times = render_all(campaign)
    contact_sheets(found, args.out)
    report(campaign, times)


if __name__ == "__main__":
    main()
