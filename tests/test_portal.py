"""The portal and the HTML products of tests/roots/full, checked as documents: pages, feeds,
sitemap, search index, and the structure every page must have."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from loa import model as m
from loa.build import build
from loa.readers import read_campaign
from loa.readers.markdown import inline_text
from loa_support import ROOTS, edit

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# --- a small HTML tree, enough to ask questions of a page ----------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter(tag)

    def text(self) -> str:
        return " ".join("".join(c if isinstance(c, str) else f" {c.text()} " for c in self.children).split())

    def meta(self, prop: str) -> str | None:
        return next(
            (e.attrs.get("content") for e in self.iter("meta") if e.attrs.get("property") == prop), None
        )


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        open_tags = [e.tag for e in self.stack]
        if tag not in open_tags:
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes nothing")
            return
        while self.stack[-1].tag != tag:
            self.problems.append(f"line {self.getpos()[0]}: <{self.stack.pop().tag}> is not closed")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass(frozen=True)
class Page:
    path: str
    """Path in the output folder, e.g. chu-de/x/index.html."""
    document: Element
    problems: tuple[str, ...]
    is_product: bool = False
    """An HTML product listed in manifest.json (an article, a slide deck), not a portal page."""


def parse(path: str, html: str, *, is_product: bool = False) -> Page:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    unclosed = [f"<{e.tag}> is not closed" for e in builder.stack[1:]]
    return Page(path, builder.root, (*builder.problems, *unclosed), is_product)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def campaign() -> m.Campaign:
    return read_campaign(ROOTS / "full")[0]


@pytest.fixture(scope="module")
def base(campaign: m.Campaign) -> str:
    return campaign.portal.base_url.rstrip("/") + "/"


@pytest.fixture(scope="module")
def pages(built_full: Path) -> list[Page]:
    """Every HTML page of the build (portal pages and HTML products), parsed."""
    manifest = json.loads((built_full / "manifest.json").read_text(encoding="utf-8"))
    products = {p["path"] for p in manifest["products"]}
    paths = [p.relative_to(built_full).as_posix() for p in sorted(built_full.rglob("*.html"))]
    found = [
        parse(path, (built_full / path).read_text(encoding="utf-8"), is_product=path in products)
        for path in paths
        if not path.startswith("pagefind/")
    ]
    assert len(found) > 10
    return found


@pytest.fixture(scope="module")
def portal_pages(pages: list[Page]) -> list[Page]:
    return [p for p in pages if not p.is_product]


def failures(pages: list[Page], problem: Callable[[Page], str]) -> list[str]:
    """Return 'path: problem' for every page where a check finds one (a non-empty string)."""
    found = [(page.path, problem(page)) for page in pages]
    return [f"{path}: {what}" for path, what in found if what]


# --- files -----------------------------------------------------------------------------------


def test_portal_has_every_section_page_feed_and_the_search_index(
    built_full: Path, campaign: m.Campaign
) -> None:
    expected = [
        "index.html",
        "chu-de/index.html",
        "tro-giup/index.html",
        "tai-ve/index.html",
        "tim-kiem/index.html",
        "404.html",
        "sitemap.xml",
        "feed.xml",
        "rss.xml",
        "robots.txt",
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
        "static/site.css",
    ]
    expected += [f"chu-de/{t.id}/index.html" for t in campaign.topics]
    expected += [f"doi-tuong/{a.id}/index.html" for a in campaign.audiences]
    expected += [f"assets/{Path(a.path).name}" for a in campaign.assets]
    missing = [path for path in expected if not (built_full / path).is_file()]
    assert missing == []


def test_search_index_is_in_vietnamese_and_covers_the_topic_pages(
    built_full: Path, campaign: m.Campaign
) -> None:
    entry = json.loads((built_full / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["vi"]
    assert entry["languages"]["vi"]["page_count"] >= len(campaign.topics)


def test_sitemap_lists_every_topic_under_the_base_url(
    built_full: Path, campaign: m.Campaign, base: str
) -> None:
    root = ET.parse(built_full / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locations = [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]
    assert base in locations
    for topic in campaign.topics:
        assert f"{base}chu-de/{topic.id}/" in locations
    assert all(loc and loc.startswith(base) and "//" not in loc.removeprefix("https://") for loc in locations)
    assert f"{base}404.html" not in locations
    for url in root.iter(f"{SITEMAP}url"):
        datetime.strptime(url.findtext(f"{SITEMAP}lastmod") or "", "%Y-%m-%d")


def test_atom_feed_is_valid_atom_with_an_entry_per_topic(
    built_full: Path, campaign: m.Campaign, base: str
) -> None:
    feed = ET.parse(built_full / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):  # RFC 4287 §4.1.1
        assert (feed.findtext(f"{ATOM}{required}") or "").strip(), required
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    datetime.fromisoformat(feed.findtext(f"{ATOM}updated") or "")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [t.title for t in campaign.topics]
    for entry, topic in zip(entries, campaign.topics, strict=True):
        assert entry.findtext(f"{ATOM}id") == f"{base}chu-de/{topic.id}/"
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href") == f"{base}chu-de/{topic.id}/"
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
        assert entry.findtext(f"{ATOM}summary") == topic.summary


def test_rss_feed_has_an_item_per_topic(built_full: Path, campaign: m.Campaign, base: str) -> None:
    rss = ET.parse(built_full / "rss.xml").getroot()
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel is not None
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip(), required
    parsedate_to_datetime(channel.findtext("lastBuildDate") or "")
    links = [item.findtext("link") for item in channel.iter("item")]
    assert links == [f"{base}chu-de/{t.id}/" for t in campaign.topics]


# --- every page ------------------------------------------------------------------------------


def test_every_page_is_in_vietnamese(pages: list[Page]) -> None:
    def lang(page: Page) -> str:
        html = next(page.document.iter("html"), None)
        return (
            ""
            if html and html.attrs.get("lang") == "vi"
            else f"<html lang> is {html and html.attrs.get('lang')!r}"
        )

    assert failures(pages, lang) == []


def test_every_page_has_one_h1_and_a_title(pages: list[Page]) -> None:
    def headings(page: Page) -> str:
        h1 = len(list(page.document.iter("h1")))
        titles = [t.text() for t in page.document.iter("title")]
        return "" if h1 == 1 and len(titles) == 1 and titles[0] else f"{h1} <h1>, titles {titles}"

    assert failures(pages, headings) == []


def test_every_page_closes_the_tags_it_opens(pages: list[Page]) -> None:
    assert failures(pages, lambda page: "; ".join(page.problems[:3])) == []


def test_every_portal_page_has_open_graph_tags_with_its_own_url(portal_pages: list[Page], base: str) -> None:
    def open_graph(page: Page) -> str:
        missing = [p for p in ("og:title", "og:description", "og:url") if not page.document.meta(p)]
        own_url = base + page.path.removesuffix("index.html")
        if not missing and page.path != "404.html" and page.document.meta("og:url") != own_url:
            return f"og:url is {page.document.meta('og:url')}, not {own_url}"
        return f"missing {missing}" if missing else ""

    assert failures(portal_pages, open_graph) == []


def test_every_portal_page_links_to_the_help_page(portal_pages: list[Page]) -> None:
    def help_link(page: Page) -> str:
        here = f"https://x/{page.path}"
        targets = {urljoin(here, a.attrs.get("href") or "") for a in page.document.iter("a")}
        return "" if "https://x/tro-giup/" in targets else "no link to tro-giup/"

    assert failures(portal_pages, help_link) == []


def test_every_page_shows_the_111_hotline(pages: list[Page]) -> None:
    def hotline(page: Page) -> str:
        return "" if re.search(r"\b111\b", page.document.text()) else "no 111"

    assert failures(pages, hotline) == []


def test_every_portal_page_calls_111_with_one_tap(portal_pages: list[Page]) -> None:
    def phone_link(page: Page) -> str:
        calls = [a for a in page.document.iter("a") if a.attrs.get("href") == "tel:111"]
        return "" if calls and "111" in calls[0].text() else "no tel:111 link showing 111"

    assert failures(portal_pages, phone_link) == []


def test_every_image_has_an_alt_attribute(pages: list[Page]) -> None:
    def alt(page: Page) -> str:
        return ", ".join(
            str(img.attrs.get("src")) for img in page.document.iter("img") if img.attrs.get("alt") is None
        )

    assert failures(pages, alt) == []


def test_every_local_link_and_image_points_to_a_file_in_the_output(
    pages: list[Page], built_full: Path, base: str
) -> None:
    site_path = urlsplit(base).path  # root-relative links must stay under the portal's address

    def broken(page: Page) -> str:
        missing = []
        for element in page.document.iter():
            target = element.attrs.get("href") if element.tag in ("a", "link") else element.attrs.get("src")
            if not target or urlsplit(target).scheme or target.startswith(("#", "//")):
                continue
            here = site_path + page.path
            path = posixpath.normpath(urljoin(here, urlsplit(target).path)).removeprefix(site_path)
            if target.endswith("/") or not posixpath.splitext(path)[1]:
                path = posixpath.join(path, "index.html")
            if not (built_full / path).is_file():
                missing.append(target)
        return ", ".join(missing)

    assert failures(pages, broken) == []


# --- topic pages and articles ----------------------------------------------------------------


def page_at(pages: list[Page], path: str) -> Page:
    return next(p for p in pages if p.path == path)


def test_topic_page_shows_its_cover_and_body_images_with_their_alt_text(
    pages: list[Page], campaign: m.Campaign
) -> None:
    page = page_at(pages, "chu-de/thong-tin-ca-nhan/index.html")
    alts = {img.attrs.get("alt") for img in page.document.iter("img")}
    topic = campaign.topic("thong-tin-ca-nhan")
    assert topic.image is not None
    assert topic.image.alt in alts
    assert "Màn hình cài đặt quyền riêng tư" in alts


def test_topic_page_shows_every_audiences_actions(pages: list[Page], campaign: m.Campaign) -> None:
    for topic in campaign.topics:
        text = page_at(pages, f"chu-de/{topic.id}/index.html").document.text()
        for actions in topic.actions.values():
            for line in (*actions.do, *actions.dont, *actions.say):
                assert line in text, f"{topic.id}: {line}"


def article_pairs() -> list[tuple[str, str]]:
    campaign = read_campaign(ROOTS / "full")[0]
    return [(t.id, a) for t in campaign.topics for a in t.audiences]


@pytest.mark.parametrize(("topic_id", "audience_id"), article_pairs())
def test_article_has_the_help_block_key_messages_and_only_its_audiences_actions(
    pages: list[Page], campaign: m.Campaign, topic_id: str, audience_id: str
) -> None:
    document = page_at(pages, f"bai-viet/{topic_id}/{audience_id}.html").document
    topic = campaign.topic(topic_id)
    text = document.text()
    help_blocks = [s for s in document.iter("section") if "Khi cần giúp đỡ" in s.text()]
    assert help_blocks, "the article has a 'Khi cần giúp đỡ' section"
    assert any(a.attrs.get("href") == "tel:111" for a in help_blocks[-1].iter("a"))
    for message in topic.key_messages:
        assert message in text
    own = topic.actions.get(audience_id, m.AudienceActions())
    for line in (*own.do, *own.dont, *own.say):
        assert line in text
    for other, actions in topic.actions.items():
        if other != audience_id:
            for line in (*actions.do, *actions.dont, *actions.say):
                assert line not in text, f"{other}'s action in the {audience_id} article: {line}"
    if campaign.audience(audience_id).kind == "children":
        for sign in topic.warning_signs:
            assert sign not in text, "warning signs are for adults"


def test_image_used_only_in_a_topic_body_is_copied_into_the_output(
    copy_root: Callable[[str], Path], tmp_path: Path
) -> None:
    root, out = copy_root("minimal"), tmp_path / "_site"
    (root / "assets").mkdir()
    shutil.copy(ROOTS / "full" / "assets" / "bia.svg", root / "assets" / "so-do.svg")
    edit(
        root / "topics" / "giu-kin-thong-tin.md",
        "## Khi cần giúp đỡ",
        "![Sơ đồ ba bước khi gặp chuyện](../assets/so-do.svg)\n\n## Khi cần giúp đỡ",
    )
    build(root, out=out, formats=["article-html", "portal"])
    page = (out / "chu-de" / "giu-kin-thong-tin" / "index.html").read_text(encoding="utf-8")
    assert 'src="../../assets/so-do.svg"' in page
    assert (out / "assets" / "so-do.svg").is_file()


def test_zalo_article_body_does_not_repeat_its_lead_and_sets_headings_apart(
    built_full: Path, campaign: m.Campaign
) -> None:
    topic = campaign.topics[0]
    article = json.loads((built_full / "mang-xa-hoi" / topic.id / "zalo.json").read_text(encoding="utf-8"))
    texts = [block["content"] for block in article["body"]]
    assert article["description"] == topic.summary
    assert topic.summary not in texts, "the lead is shown once, above the body"
    headings = [b for b in topic.body if isinstance(b, m.Heading)]
    assert headings and all(inline_text(h.children).upper() in texts for h in headings)
    assert texts[-1].startswith("Khi cần giúp đỡ: 111")
