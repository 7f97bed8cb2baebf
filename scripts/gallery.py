"""Write the gallery: one contact sheet PNG per product kind, from a build of a campaign.

    .venv/bin/python scripts/gallery.py [campaign] [--out docs/gallery] [--from BUILD]
                                        [--kinds slides,video,...] [--times]

Builds the campaign into a temporary folder (every format but video and bulletin), or reads an
existing build with --from; video and bulletin are rendered for the first topic only when the
build has none. Office files go through LibreOffice (PDF) and pdftoppm, web pages and the HTML
products through Debian's Chromium, clips and sound through ffmpeg. A sheet whose tool is missing
is skipped with the package to install. --times prints the CPU time of every visual product.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from loa.build import build, select_renderers
from loa.fonts import font_file
from loa.manifest import product_entry
from loa.readers import read_campaign
from loa.renderers.base import Renderer
from loa.renderers.bulletin import BulletinRenderer
from loa.renderers.video import VideoRenderer
from loa.speech.ffmpeg import ffmpeg_program

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from portal_harness import DESKTOP, MOBILE, chromium_path, launch_chromium, serve

from libreoffice import office_pdf

WIDTH, GAP, CAPTION = 2400, 28, 64
BACKGROUND, INK, MUTED = (236, 239, 243), (22, 30, 40), (84, 96, 110)
LIMIT = 600_000
"""Bytes: each sheet is shrunk until its PNG is no larger."""


class MissingTool(Exception):
    """A program a sheet needs is not installed; the message names the package."""


@dataclass
class Tile:
    """One picture on a sheet with the caption printed under it."""

    image: Image.Image
    caption: str


@dataclass
class Section:
    """A titled group of tiles, scaled to one height and wrapped into rows."""

    title: str
    tiles: list[Tile]
    height: int


@dataclass
class Build:
    """A built campaign: its folder and manifest, and the tools that turn products into pictures."""

    folder: Path
    manifest: dict[str, Any]
    work: Path
    stack: ExitStack
    extra: list[dict[str, Any]] = field(default_factory=list)
    _browser: Any = None
    _url: str = ""

    def products(self, kind: str, fmt: str | None = None, *, units: bool = False) -> list[dict[str, Any]]:
        """Return the manifest entries of a kind (and format), in manifest order: the shared ones, or
        the recipient units' co-branded copies."""
        found = [*self.manifest["products"], *self.extra]
        return [
            p
            for p in found
            if p["kind"] == kind and fmt in (None, p["format"]) and p["path"].startswith("don-vi/") == units
        ]

    def file(self, product: dict[str, Any]) -> Path:
        return Path(product.get("root", self.folder)) / product["path"]

    def label(self, product: dict[str, Any]) -> str:
        """Return a product's title with its audience, as printed under its tile."""
        names = {a["id"]: a["name"] for a in self.manifest["audiences"]}
        audience = names.get(product.get("audience") or "")
        title = product.get("title", product["path"])
        return f"{title} · {audience}" if audience and audience not in title else title

    def pdf_pages(self, pdf: Path, pages: range, dpi: int = 60) -> list[Image.Image]:
        """Return pages of a PDF (1-based range, clipped to the page count) rendered by pdftoppm."""
        if not shutil.which("pdftoppm"):
            raise MissingTool("pdftoppm is missing: apt-get install poppler-utils")
        prefix = self.work / f"pdf-{len(list(self.work.iterdir()))}"
        command = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(pages.start), "-l", str(pages.stop - 1)]
        subprocess.run([*command, str(pdf), str(prefix)], check=True, stderr=subprocess.DEVNULL)
        return [Image.open(p).convert("RGB") for p in sorted(self.work.glob(f"{prefix.name}-*.png"))]

    def office_pdf(self, document: Path) -> Path:
        """Return a DOCX or PPTX converted to PDF by LibreOffice, which is given the brand font."""
        try:
            return office_pdf(document, self.work)
        except FileNotFoundError as exc:
            raise MissingTool(str(exc)) from None

    def page_tiles(self, pdf: Path, pages: range, caption: str, dpi: int = 60) -> list[Tile]:
        """Return tiles of a PDF's pages, captioned '<caption> · trang N' when there are several."""
        images = self.pdf_pages(pdf, pages, dpi)
        if len(pages) == 1:
            return [Tile(images[0], caption)]
        return [
            Tile(image, f"{caption} · trang {i}" if caption else f"Trang {i}")
            for i, image in enumerate(images, pages.start)
        ]

    def browser(self) -> Any:
        """Return a headless Chromium, started once."""
        if self._browser is None:
            executable = chromium_path()
            if executable is None:
                raise MissingTool("Chromium is missing: apt-get install chromium (or set LOA_CHROMIUM)")
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                raise MissingTool("Playwright is missing: pip install -e '.[dev]'") from None
            self._browser = launch_chromium(self.stack.enter_context(sync_playwright()), executable)
            self.stack.callback(self._browser.close)
        return self._browser

    def screenshot(self, target: str, viewport: dict[str, int], *, longest: int = 0) -> Image.Image:
        """Return a page of the build (a path) or a file (a file: URL), cut to `longest` CSS px."""
        if not self._url:
            self._url = self.stack.enter_context(serve(self.folder))
        context = self.browser().new_context(viewport=viewport, locale="vi-VN")
        try:
            page = context.new_page()
            page.goto(target if target.startswith("file:") else self._url + target, wait_until="load")
            page.evaluate("document.fonts.ready")
            image = Image.open(io.BytesIO(page.screenshot(full_page=bool(longest)))).convert("RGB")
        finally:
            context.close()
        return image.crop((0, 0, image.width, min(image.height, longest))) if longest else image

    def html_image(self, body: str, width: int, name: str) -> Image.Image:
        """Return an HTML snippet drawn by Chromium in Be Vietnam Pro, as tall as its content."""
        page = self.work / f"{name}.html"
        face = "".join(
            f"@font-face{{font-family:B;font-weight:{w};src:url({font_file(n).as_uri()})}}"
            for w, n in ((400, "Regular"), (600, "SemiBold"), (700, "Bold"))
        )
        style = f"{face}body{{margin:0;font:16px/1.45 B,'Noto Color Emoji',sans-serif;color:#1c1e21}}"
        page.write_text(f"<!doctype html><meta charset=utf-8><style>{style}</style>{body}")
        return self.screenshot(page.as_uri(), {"width": width, "height": 200}, longest=4000)

    def ffmpeg(self, *args: str) -> str:
        """Run ffmpeg and return its log."""
        program = ffmpeg_program()
        if program is None:
            raise MissingTool("ffmpeg is missing: apt-get install ffmpeg")
        done = subprocess.run([program, "-hide_banner", "-nostdin", "-y", *args], capture_output=True)
        return done.stderr.decode(errors="replace")


# --- sheets, one function per product kind --------------------------------------------------


def slides(b: Build) -> list[Section]:
    """PPTX pages through LibreOffice, and the HTML decks in Chromium."""
    sections = [
        Section(
            f"{b.label(deck)} — PPTX mở bằng LibreOffice", b.page_tiles(pdf, range(1, count + 1), "", 30), 190
        )
        for deck, count in zip(b.products("slides", "pptx")[:2], (24, 20), strict=False)
        if (pdf := b.office_pdf(b.file(deck)))
    ]
    shots = [
        Tile(
            b.screenshot(f"{deck['path']}#{n}", {"width": 1280, "height": 720}),
            f"{b.label(deck)} · trang {n}",
        )
        for deck in b.products("slides", "html")
        for n in (1, 2, 4)
    ]
    return [*sections, Section("Bài trình chiếu HTML trong Chromium", shots, 250)]


def handouts(b: Build) -> list[Section]:
    """The PDF handouts: the conference deck's first pages and each classroom deck's first page."""
    first, *others = b.products("handout")
    tiles = b.page_tiles(b.file(first), range(1, 5), b.label(first))
    tiles += [tile for h in others for tile in b.page_tiles(b.file(h), range(1, 2), b.label(h))]
    return [Section("Tài liệu phát tay (PDF)", tiles[:4], 520), Section("", tiles[4:], 520)]


def articles(b: Build) -> list[Section]:
    """One topic for a child and for parents: HTML in Chromium, DOCX through LibreOffice, PDF."""
    topic, sections = b.manifest["topics"][0]["id"], []
    for audience in ("tre-6-10", "cha-me"):
        found = {
            p["format"]: p for p in b.products("article") if (p["topic"], p["audience"]) == (topic, audience)
        }
        if found:
            page = b.screenshot(found["html"]["path"], {"width": 900, "height": 1200}, longest=1500)
            tiles = [Tile(page, "HTML (Chromium), phần đầu")]
            tiles += b.page_tiles(b.office_pdf(b.file(found["docx"])), range(1, 2), "DOCX (LibreOffice)")
            tiles += b.page_tiles(b.file(found["pdf"]), range(1, 3), "PDF")
            sections.append(Section(b.label(found["html"]), tiles, 700))
    return sections


def lessons(b: Build) -> list[Section]:
    """Each lesson plan: the DOCX's first page through LibreOffice and the PDF's first pages."""
    sections = []
    for pdf in b.products("lesson-plan", "pdf"):
        docx = b.folder / pdf["path"].replace(".pdf", ".docx")
        tiles = b.page_tiles(b.office_pdf(docx), range(1, 2), "DOCX (LibreOffice)")
        sections.append(Section(b.label(pdf), tiles + b.page_tiles(b.file(pdf), range(1, 4), "PDF"), 520))
    return sections


def quizzes(b: Build) -> list[Section]:
    """Each printable quiz: the worksheet's first page and its answer key's."""
    keys = {p["audience"]: p for p in b.products("quiz-key")}
    pairs = [(sheet, keys[sheet["audience"]]) for sheet in b.products("quiz")]
    tiles = [
        tile for pair in pairs for p in pair for tile in b.page_tiles(b.file(p), range(1, 2), b.label(p))
    ]
    return [Section("Phiếu bài tập và đáp án (PDF, trang đầu)", tiles, 560)]


def cards(b: Build) -> list[Section]:
    """Every size of one topic's card, the portrait card of other topics, audience bands."""
    found = b.products("card", "png")
    first = found[0]["topic"]
    sizes = [p for p in found if p["topic"] == first and "/chung-" in p["path"]]
    portraits = [p for p in found if p["path"].endswith("/chung-facebook-doc.png")][1:]
    bands = [p for p in found if p["topic"] == first and p.get("audience") and "facebook-doc" in p["path"]]
    names = {a["id"]: a["name"] for a in b.manifest["audiences"]}
    units = [p for p in b.products("card", "png", units=True) if p["topic"] == first]
    return [
        Section(
            f"Mọi khổ: {sizes[0]['title'].split(' — ')[0]}",
            [image_tile(b, p, after_dash(p)) for p in sizes],
            400,
        ),
        Section(
            "Ảnh dọc Facebook, các chủ đề khác",
            [image_tile(b, p, p["title"].split(" — ")[0]) for p in portraits],
            400,
        ),
        Section("Theo đối tượng", [image_tile(b, p, names[p["audience"]]) for p in bands], 420),
        Section(
            "Đồng thương hiệu: bản của từng đơn vị nhận (--units)",
            [image_tile(b, p, f"{p['path'].split('/')[1]} · {after_dash(p)}") for p in units],
            400,
        ),
    ]


def posters(b: Build) -> list[Section]:
    """The A4 poster preview of every topic."""
    found = [p for p in b.products("poster", "png") if p["path"].endswith("/a4.png")]
    return [Section("Áp phích A4 (ảnh xem trước)", [image_tile(b, p) for p in found], 560)]


def infographics(b: Build) -> list[Section]:
    """The infographic of every topic."""
    return [Section("Đồ họa thông tin", [image_tile(b, p) for p in b.products("infographic", "png")], 560)]


def social(b: Build) -> list[Section]:
    """The Facebook post and the Zalo article of two topics, drawn as they would appear."""
    images = b.products("card", "png")
    tiles = []
    for post in b.products("social")[:4]:
        text = b.file(post).read_text()
        if post["format"] == "txt":
            image = next(c for c in images if c["topic"] == post["topic"] and c.get("alt") == post.get("alt"))
            body = facebook_mock(b, text, image)
        else:
            article = json.loads(text)
            image = next(c for c in images if article["cover"]["photo_url"].endswith(c["path"]))
            body = zalo_mock(b, article, image)
        tiles.append(Tile(b.html_image(body, 560, Path(post["path"]).stem + post["topic"]), b.label(post)))
    return [Section("Bài đăng mạng xã hội (mô phỏng, ảnh và chữ thật)", tiles, 1100)]


def press_kits(b: Build) -> list[Section]:
    """What each press kit ZIP holds: its read-me and the files per folder."""
    tiles = []
    for kit in b.products("press-kit"):
        with zipfile.ZipFile(b.file(kit)) as archive:
            infos = archive.infolist()
            readme = next((archive.read(i).decode() for i in infos if i.filename.endswith(".txt")), "")
        folders: Counter[str] = Counter()
        sizes: Counter[str] = Counter()
        for info in infos:
            folder = info.filename.split("/")[0] if "/" in info.filename else "(gốc)"
            folders[folder] += 1
            sizes[folder] += info.file_size
        rows = "".join(
            f"<tr><td>{html.escape(f)}/</td><td>{n}</td><td>{sizes[f] / 1e6:.1f} MB</td></tr>"
            for f, n in sorted(folders.items())
        )
        body = (
            f"<div style='padding:20px'><h3 style='margin:0 0 8px'>{html.escape(kit['path'])}</h3>"
            f"<p>{len(infos)} tệp · {sum(sizes.values()) / 1e6:.1f} MB khi giải nén</p>"
            f"<table style='border-collapse:collapse' cellpadding=3>{rows}</table>"
            f"<pre style='white-space:pre-wrap;font:13px/1.4 B;background:#f4f5f7;padding:10px'>"
            f"{html.escape(readme)}</pre></div>"
        )
        tiles.append(Tile(b.html_image(body, 560, Path(kit["path"]).stem + "-kit"), b.label(kit)))
    return [Section("Bộ tài liệu (ZIP): nội dung", tiles[:4], 900), Section("", tiles[4:], 900)]


def video(b: Build) -> list[Section]:
    """Frames of each clip at several moments, and its thumbnail."""
    sections = []
    for clip in b.products("video", "mp4"):
        log = b.ffmpeg("-i", str(b.file(clip)))
        h, m, s = re.search(r"Duration: (\d+):(\d+):([\d.]+)", log).groups()  # type: ignore[union-attr]
        seconds = int(h) * 3600 + int(m) * 60 + float(s)
        tiles = [image_tile(b, {**clip, "path": clip["path"][:-4] + ".png"}, "Ảnh đại diện")]
        for moment in (0.04, 0.2, 0.4, 0.6, 0.8, 0.97):
            frame = b.work / f"frame-{len(tiles)}-{clip['width']}.png"
            b.ffmpeg("-ss", f"{seconds * moment:.2f}", "-i", str(b.file(clip)), "-frames:v", "1", str(frame))
            tiles.append(
                Tile(Image.open(frame).convert("RGB"), f"{seconds * moment:.0f} s / {seconds:.0f} s")
            )
        height = 300 if clip["width"] > clip["height"] else 540
        sections.append(Section(f"{clip['title']} ({clip['width']}×{clip['height']})", tiles, height))
    return sections


def bulletin(b: Build) -> list[Section]:
    """Each bulletin's waveform and its script."""
    sections = []
    for sound in b.products("audio", "mp3"):
        wave = b.work / f"wave-{Path(sound['path']).stem}.png"
        draw = "showwavespic=s=2200x240:colors=0x1d5fa8:scale=sqrt"
        b.ffmpeg("-i", str(b.file(sound)), "-filter_complex", draw, str(wave))
        waveform = Image.alpha_composite(
            Image.new("RGBA", (2200, 240), "white"), Image.open(wave).convert("RGBA")
        )
        script = html.escape(b.file(sound).with_suffix(".txt").read_text())
        page = f"<pre style='margin:0;padding:24px;white-space:pre-wrap;font:17px/1.5 B;columns:2'>{script}"
        sections.append(Section(sound["title"], [Tile(waveform.convert("RGB"), "Dạng sóng MP3")], 240))
        sections.append(Section("", [Tile(b.html_image(page, 1700, wave.stem), "Kịch bản")], 1100))
    return sections


def portal(b: Build) -> list[Section]:
    """Home, a topic, a quiz and the help page, on a desktop and a phone (top of each page)."""
    topic = b.manifest["topics"][0]["id"]
    quiz = b.manifest["audiences"][0]["id"]
    pages = {
        "Trang chủ": "",
        "Chủ đề": f"chu-de/{topic}/",
        "Câu đố": f"cau-do/{quiz}/",
        "Trợ giúp": "tro-giup/",
    }
    sections = []
    for name, viewport, longest, height in (
        ("máy tính 1280 px", DESKTOP, 1200, 520),
        ("điện thoại 390 px", MOBILE, 1700, 1000),
    ):
        tiles = [Tile(b.screenshot(path, viewport, longest=longest), title) for title, path in pages.items()]
        sections.append(Section(f"Trên {name} (phần đầu trang)", tiles, height))
    return sections


def mock_post(header: str, picture: Path, text: str, *, cover: bool = False) -> str:
    """Return the HTML of a post card: the page's name, the text and the picture (or a cover on top)."""
    image = f"<img src='{picture.as_uri()}' style='width:100%;display:block'>"
    card = "margin:12px;background:#fff;border:1px solid #dadde1;border-radius:10px;overflow:hidden"
    return (
        f"<div style='{card}'>{image if cover else ''}<div style='padding:12px 16px'>{header}</div>"
        f"<div style='padding:0 16px 12px;white-space:pre-wrap'>{text}</div>{'' if cover else image}</div>"
    )


def facebook_mock(b: Build, text: str, image: dict[str, Any]) -> str:
    issuer = html.escape(b.manifest["campaign"]["issuer"])
    header = f"<b>{issuer}</b><div style='color:#65676b;font-size:13px'>Vừa xong · 🌐</div>"
    return (
        "<div style='background:#f0f2f5;padding:1px'>"
        + mock_post(header, b.file(image), html.escape(text))
        + "</div>"
    )


def zalo_mock(b: Build, article: dict[str, Any], image: dict[str, Any]) -> str:
    blocks = [x["content"] for x in article["body"] if x["type"] == "text"]
    shown = "\n\n".join(blocks[:6]) + ("\n\n…" if len(blocks) > 6 else "")
    header = (
        f"<div style='color:#0068ff;font-size:13px'>Zalo OA · {html.escape(article['author'])}</div>"
        f"<b style='font-size:20px'>{html.escape(article['title'])}</b>"
        f"<div style='color:#65676b'>{html.escape(article['description'])}</div>"
    )
    return mock_post(header, b.file(image), html.escape(shown), cover=True)


def after_dash(product: dict[str, Any]) -> str:
    """Return what a title says after its topic, e.g. 'Ảnh bài đăng Facebook dọc'."""
    return product["title"].split(" — ", 1)[-1]


def image_tile(b: Build, product: dict[str, Any], caption: str = "") -> Tile:
    return Tile(Image.open(b.file(product)).convert("RGB"), caption or b.label(product))


@dataclass(frozen=True)
class Kind:
    """A sheet: its title, the formats the build needs for it, and the function that draws it."""

    title: str
    formats: tuple[str, ...]
    draw: Callable[[Build], list[Section]]


EVERY_FORMAT = (
    *("article-html", "article-docx", "article-pdf", "cards", "infographics", "lesson-docx", "lesson-pdf"),
    *(
        "posters",
        "quiz-print",
        "slides-handout",
        "slides-html",
        "slides-pptx",
        "social",
        "press-kit",
        "portal",
    ),
)
"""Every format but video and bulletin, which the kits would hold but take minutes to make."""
KINDS = {
    "slides": Kind("Bài trình chiếu", ("slides-pptx", "slides-html"), slides),
    "handouts": Kind("Tài liệu phát tay", ("slides-handout",), handouts),
    "articles": Kind("Bài viết", ("article-html", "article-docx", "article-pdf"), articles),
    "lessons": Kind("Giáo án", ("lesson-docx", "lesson-pdf"), lessons),
    "quizzes": Kind("Phiếu bài tập", ("quiz-print",), quizzes),
    "cards": Kind("Ảnh mạng xã hội", ("cards",), cards),
    "posters": Kind("Áp phích", ("posters",), posters),
    "infographics": Kind("Đồ họa thông tin", ("infographics",), infographics),
    "social": Kind("Bài đăng Facebook và Zalo", ("cards", "social"), social),
    "press-kits": Kind("Bộ tài liệu", EVERY_FORMAT, press_kits),
    "video": Kind("Video", (), video),
    "bulletin": Kind("Bản tin truyền thanh", (), bulletin),
    "portal": Kind("Cổng thông tin", ("portal",), portal),
}


# --- layout ---------------------------------------------------------------------------------


def font(size: int, weight: str = "Regular") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(weight)), size)


def caption_lines(
    draw: ImageDraw.ImageDraw, text: str, width: int, face: ImageFont.FreeTypeFont
) -> list[str]:
    """Return a caption wrapped to a width, at most two lines, the second cut with an ellipsis."""
    lines, line = [], ""
    for word in text.split():
        if line and draw.textlength(f"{line} {word}", font=face) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines[1] = " ".join(lines[1:])
        while draw.textlength(lines[1] + "…", font=face) > width:
            lines[1] = lines[1][:-1]
        lines = [lines[0], lines[1] + "…"]
    return lines


def contact_sheet(title: str, subtitle: str, sections: list[Section]) -> Image.Image:
    """Return the sections laid out under a title, each tile framed with its caption below it."""
    placed: list[tuple[int, int, Image.Image, str] | tuple[int, int, str]] = []
    y = 150
    for section in sections:
        if section.title:
            placed.append((GAP, y, section.title))
            y += 52
        x, row = GAP, 0
        for tile in section.tiles:
            image = tile.image.resize(
                (max(1, round(tile.image.width * section.height / tile.image.height)), section.height),
                Image.Resampling.LANCZOS,
            )
            if image.width > WIDTH - 2 * GAP:
                image = image.resize((WIDTH - 2 * GAP, round(image.height * (WIDTH - 2 * GAP) / image.width)))
            if x > GAP and x + image.width > WIDTH - GAP:
                x, y = GAP, y + row + CAPTION + GAP
                row = 0
            placed.append((x, y, image, tile.caption))
            x, row = x + image.width + GAP, max(row, image.height)
        y += row + CAPTION + GAP
    board = Image.new("RGB", (WIDTH, y), BACKGROUND)
    draw = ImageDraw.Draw(board)
    draw.text((GAP, 30), title, font=font(56, "Bold"), fill=INK)
    draw.text((GAP, 100), subtitle, font=font(26), fill=MUTED)
    small, heading = font(22), font(30, "SemiBold")
    for item in placed:
        if len(item) == 3:
            draw.text(item[:2], item[2], font=heading, fill=INK)
            continue
        x, y, image, caption = item
        board.paste(image, (x, y))
        draw.rectangle((x - 1, y - 1, x + image.width, y + image.height), outline=(200, 205, 212))
        for i, line in enumerate(caption_lines(draw, caption, max(image.width, 160), small)):
            draw.text((x, y + image.height + 6 + i * 28), line, font=small, fill=MUTED)
    return board


def save_small(image: Image.Image, path: Path, limit: int = LIMIT) -> None:
    """Save a PNG with a 256-colour palette, shrinking it until it is under the byte limit."""
    while True:
        out = io.BytesIO()
        image.quantize(256, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
        if out.tell() <= limit or image.width < 800:
            path.write_bytes(out.getvalue())
            return
        image = image.resize((int(image.width * 0.9), int(image.height * 0.9)), Image.Resampling.LANCZOS)


# --- the command ----------------------------------------------------------------------------


SAMPLE_UNITS = (
    ("thcs-le-loi", "Trường THCS Lê Lợi", "Cô Lan phụ trách: 0276 3822 000"),
    ("xa-tan-thanh", "UBND xã Tân Thành", "Văn phòng UBND xã: 0276 3800 123"),
)
"""Recipient units for the co-branded sheet (sample names; a real list comes from the dispatch)."""


def sample_units(work: Path) -> Path:
    path = work / "units.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("code", "name", "contact"), *SAMPLE_UNITS])
    return path


@contextmanager
def opened_build(campaign: Path, given: Path | None, kinds: list[str]) -> Iterator[Build]:
    """Yield a build of the campaign, fresh in a temporary folder unless one is given."""
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="loa-gallery-")))
        folder = given or work / "build"
        if given is None and (wanted := {f for k in kinds for f in KINDS[k].formats}):
            print(f"building {', '.join(sorted(wanted))} …", flush=True)
            build(campaign, out=folder, formats=sorted(wanted), units=sample_units(work))
        manifest = (
            json.loads((folder / "manifest.json").read_text()) if (folder / "manifest.json").exists() else {}
        )
        manifest.setdefault("products", [])
        b = Build(folder, manifest, work, stack)
        b.extra = spoken_products(campaign, b, kinds)
        if not manifest.get("topics"):
            b.manifest |= campaign_summary(campaign)
        yield b


def spoken_products(campaign: Path, b: Build, kinds: list[str]) -> list[dict[str, Any]]:
    """Render the video or bulletin of the first topic when the build has none, into the work folder."""
    wanted: list[Renderer] = []
    if "video" in kinds and not b.products("video"):
        wanted.append(VideoRenderer())
    if "bulletin" in kinds and not b.products("audio"):
        wanted.append(BulletinRenderer())
    model, _ = read_campaign(campaign) if wanted else (None, None)
    found = []
    for renderer in wanted:
        if reason := renderer.unavailable_reason():
            print(f"skipping {renderer.name}: {reason}")
            continue
        for job in renderer.plan(model):
            if job.topic == model.topics[0].id:
                print(
                    f"rendering {renderer.name} of {job.topic} {dict(job.options).get('size', '')}",
                    flush=True,
                )
                for artifact in renderer.render(model, job):
                    (b.work / artifact.path).parent.mkdir(parents=True, exist_ok=True)
                    (b.work / artifact.path).write_bytes(artifact.data)
                    found.append(product_entry(artifact) | {"root": str(b.work)})
    return found


def campaign_summary(campaign: Path) -> dict[str, Any]:
    """Return the campaign, topics and audiences in the manifest's shape, for a build without one."""
    model, _ = read_campaign(campaign)
    return {
        "campaign": {"title": model.title, "issuer": model.issuer.name},
        "topics": [{"id": t.id, "title": t.title} for t in model.topics],
        "audiences": [{"id": a.id, "name": a.name} for a in model.audiences],
    }


def print_times(campaign: Path) -> None:
    """Print the CPU time of each visual job (cards, posters, infographics) and of each topic."""
    model, _ = read_campaign(campaign)
    per_topic: dict[str, float] = defaultdict(float)
    for renderer in select_renderers(["cards", "posters", "infographics"]):
        for job in renderer.plan(model):
            start = time.process_time()
            renderer.render(model, job)
            ms = (time.process_time() - start) * 1000
            per_topic[job.topic or ""] += ms
            print(f"job {renderer.name}/{job.topic:45s} {ms:7.0f} ms")
    for topic, ms in per_topic.items():
        print(f"topic {topic:49s} {ms:7.0f} ms")
    print(f"{'all':55s} {sum(per_topic.values()):7.0f} ms")


def main() -> None:
    """Build (or read) the campaign and write the chosen contact sheets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("campaign", nargs="?", default="campaigns/bao-ve-tre-em", type=Path)
    parser.add_argument("--out", default="docs/gallery", type=Path)
    parser.add_argument("--from", dest="given", type=Path, help="a build folder to read instead of building")
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, of: {', '.join(KINDS)}")
    parser.add_argument(
        "--times", action="store_true", help="also print the CPU time of every visual product"
    )
    args = parser.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if unknown := [k for k in kinds if k not in KINDS]:
        parser.error(f"unknown kinds {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    with opened_build(args.campaign, args.given, kinds) as b:
        subtitle = f"{b.manifest['campaign']['title']} · {b.manifest['campaign']['issuer']}"
        for kind in kinds:
            start = time.monotonic()
            try:
                sections = [s for s in KINDS[kind].draw(b) if s.tiles]
            except MissingTool as missing:
                print(f"skipping {kind}.png: {missing}")
                continue
            if not sections:
                print(f"skipping {kind}.png: the build has no such products")
                continue
            path = args.out / f"{kind}.png"
            save_small(contact_sheet(KINDS[kind].title, subtitle, sections), path)
            print(f"{path} {path.stat().st_size // 1000} KB ({time.monotonic() - start:.0f} s)", flush=True)
    if args.times:
        print_times(args.campaign)


if __name__ == "__main__":
    main()
