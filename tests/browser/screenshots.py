"""Take portal screenshots to look at (desktop and mobile) or for the README (docs/img/).

.venv/bin/python tests/browser/screenshots.py campaigns/bao-ve-tre-em --out /tmp/shots
.venv/bin/python tests/browser/screenshots.py campaigns/bao-ve-tre-em --readme docs/img
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from portal_harness import DESKTOP, MOBILE, chromium_path, launch_chromium, serve, wait_for_fonts

from loa.build import build

# README images stay short enough to read on a repository page: the top of home and topic pages.
README_CROP = {"home": 1600, "topic": 2400}
README_MAX_BYTES = 400_000


def first_topic(site: Path) -> str:
    """Return the path of the first topic page listed on the topics page."""
    return sorted(p.parent.name for p in (site / "chu-de").glob("*/index.html"))[0]


def pages(site: Path, topic: str | None) -> dict[str, str]:
    return {"home": "", "topic": f"chu-de/{topic or first_topic(site)}/", "help": "tro-giup/"}


def small_png(data: bytes, *, crop_height: int | None = None) -> bytes:
    """Return the PNG cropped and, if it is too heavy for a README, reduced to a 256-colour palette."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    if crop_height and image.height > crop_height:
        image = image.crop((0, 0, image.width, crop_height))
    for candidate in (image, image.quantize(colors=256, dither=Image.Dither.NONE)):
        buffer = io.BytesIO()
        candidate.save(buffer, format="PNG", optimize=True)
        if buffer.tell() <= README_MAX_BYTES:
            break
    return buffer.getvalue()


def shoot(site: Path, out: Path, *, readme: bool, topic: str | None) -> list[Path]:
    executable = chromium_path()
    if executable is None:
        raise SystemExit("Chromium is not installed: apt-get install chromium")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    sizes = {"desktop": DESKTOP} if readme else {"desktop": DESKTOP, "mobile": MOBILE}
    with serve(site) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        for size_name, viewport in sizes.items():
            page = browser.new_page(viewport=viewport, locale="vi-VN")
            for name, path in pages(site, topic).items():
                page.goto(url + path)
                wait_for_fonts(page)
                data = page.screenshot(full_page=True)
                if readme:
                    target = out / f"portal-{name}.png"
                    target.write_bytes(small_png(data, crop_height=README_CROP.get(name)))
                else:
                    target = out / f"{name}-{size_name}.png"
                    target.write_bytes(data)
                written.append(target)
            page.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="campaign folder, or a built site (has manifest.json)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/shots"))
    parser.add_argument("--readme", type=Path, help="write portal-{home,topic,help}.png here")
    parser.add_argument("--topic", help="topic id for the topic page (default: first by id)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.source
        if not (site / "manifest.json").is_file():
            site = Path(tmp) / "site"
            build(args.source, out=site)
        target = args.readme or args.out
        for path in shoot(site, target, readme=args.readme is not None, topic=args.topic):
            print(f"{path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
