"""Portal pages: home, topics, audiences, help, downloads, search, feeds and sitemap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from loa import model as m
from loa.readers.markdown import block_text
from loa.renderers.base import Artifact
from loa.renderers.context import help_context, topic_context
from loa.renderers.html import asset_output_path, template_environment
from loa.renderers.webfonts import VIETNAMESE, woff_subset
from loa.site.search import fold_d

FONT_WEIGHTS = ("Regular", "Italic", "SemiBold", "Bold")
AUDIENCE_ORDER = ("children", "parents", "teachers", "officials", "businesses", "public")


@dataclass(frozen=True)
class Page:
    """One portal page before rendering."""

    path: str
    template: str
    title: str
    description: str
    context: dict[str, Any]

    @property
    def url_path(self) -> str:
        return self.path.removesuffix("index.html")

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


def render_site(campaign: m.Campaign, products: list[Artifact], *, built_on: dt.datetime) -> list[Artifact]:
    """Return every portal file: pages, feeds, sitemap, styles, fonts and campaign assets."""
    env = template_environment()
    pages = list(_pages(campaign, products))
    common = {
        "campaign": campaign,
        "nav": _nav(campaign),
        "built_on": built_on,
        "fold": fold_d,
        **help_context(campaign),
    }
    out = [_page_artifact(env.get_template(p.template), p, common, campaign) for p in pages]
    feed_context = {**common, "pages": pages, "topics": campaign.topics, "base": _base(campaign)}
    for name, media in (
        ("sitemap.xml", "application/xml"),
        ("feed.xml", "application/atom+xml"),
        ("rss.xml", "application/rss+xml"),
    ):
        out.append(_file(name, env.get_template(name).render(feed_context).encode(), media))
    out.append(
        _file(
            "robots.txt",
            f"User-agent: *\nAllow: /\nSitemap: {_base(campaign)}sitemap.xml\n".encode(),
            "text/plain",
        )
    )
    out.extend(_static_files(campaign))
    return out


def _pages(campaign: m.Campaign, products: list[Artifact]) -> Iterator[Page]:
    audiences = sorted(campaign.audiences, key=lambda a: (AUDIENCE_ORDER.index(a.kind), a.age_min or 0))
    yield Page(
        "index.html",
        "home.html",
        campaign.title,
        campaign.tagline or campaign.title,
        {"audiences": audiences, "topics": campaign.topics},
    )
    yield Page(
        "chu-de/index.html",
        "topics.html",
        "Các chủ đề",
        "Tất cả chủ đề của chiến dịch, cho trẻ em, cha mẹ, thầy cô và cộng đồng.",
        {"topics": campaign.topics},
    )
    for topic in campaign.topics:
        context = topic_context(campaign, topic, None, asset_prefix="../../")
        context["downloads"] = [p for p in products if p.topic == topic.id]
        context["search_fold"] = fold_d(f"{topic.title} {topic.summary} {block_text(topic.body)}")
        yield Page(f"chu-de/{topic.id}/index.html", "topic.html", topic.title, topic.summary, context)
    for audience in audiences:
        topics = [t for t in campaign.topics if audience.id in t.audiences]
        yield Page(
            f"doi-tuong/{audience.id}/index.html",
            "audience.html",
            f"Dành cho {audience.name}",
            audience.description or f"Các chủ đề dành cho {audience.name}.",
            {
                "audience": audience,
                "topics": topics,
                "articles": {
                    p.topic: p for p in products if p.audience == audience.id and p.kind == "article"
                },
            },
        )
    yield from _quiz_pages(campaign)
    yield Page(
        "tro-giup/index.html",
        "help.html",
        "Tìm giúp đỡ ở đâu",
        "Các số điện thoại và cách báo cáo khi trẻ gặp nguy hiểm trên mạng.",
        {},
    )
    yield Page(
        "tai-ve/index.html",
        "downloads.html",
        "Trung tâm tải về",
        "Tất cả sản phẩm truyền thông của chiến dịch để tải về và sử dụng.",
        {
            "groups": [(t, [p for p in products if p.topic == t.id]) for t in campaign.topics],
            "other": [p for p in products if p.topic is None],
        },
    )
    yield Page(
        "tim-kiem/index.html",
        "search.html",
        "Tìm kiếm",
        "Tìm trong toàn bộ nội dung của chiến dịch.",
        {},
    )
    yield Page("404.html", "404.html", "Không tìm thấy trang", "Trang bạn tìm không có.", {})


def _quiz_pages(campaign: m.Campaign) -> Iterator[Page]:
    if campaign.quizzes:
        yield Page(
            "cau-do/index.html",
            "quizzes.html",
            "Câu đố",
            "Trả lời vài câu hỏi ngắn để biết mình đã sẵn sàng an toàn trên mạng chưa.",
            {"quizzes": campaign.quizzes},
        )
    for quiz in campaign.quizzes:
        audience = campaign.audience(quiz.audience)
        yield Page(
            f"cau-do/{quiz.id}/index.html",
            "quiz.html",
            quiz.title,
            f"Câu đố cho {audience.name}: {len(quiz.questions)} câu hỏi có giải thích.",
            {"quiz": quiz, "audience": audience},
        )


def _page_artifact(template: Any, page: Page, common: dict[str, Any], campaign: m.Campaign) -> Artifact:
    logo = campaign.brand.logo
    html = template.render(
        {
            **common,
            **page.context,
            "page": page,
            "root": page.root,
            "canonical": _base(campaign) + page.url_path,
            "og_image": _base(campaign) + asset_output_path(logo) if logo else None,
        }
    )
    return Artifact(
        path=page.path,
        data=html.encode(),
        kind="page",
        format="html",
        media_type="text/html",
        title=page.title,
    )


def _nav(campaign: m.Campaign) -> list[tuple[str, str]]:
    quiz = [("cau-do/", "Câu đố")] if campaign.quizzes else []
    return [
        ("", "Trang chủ"),
        ("chu-de/", "Chủ đề"),
        *quiz,
        ("tai-ve/", "Tải về"),
        ("tim-kiem/", "Tìm kiếm"),
        ("tro-giup/", "Tìm giúp đỡ"),
    ]


def _base(campaign: m.Campaign) -> str:
    return campaign.portal.base_url.rstrip("/") + "/"


def _file(path: str, data: bytes, media_type: str) -> Artifact:
    return Artifact(path=path, data=data, kind="site", format=path.rsplit(".", 1)[-1], media_type=media_type)


def _static_files(campaign: m.Campaign) -> Iterator[Artifact]:
    static = files("loa") / "static"
    for entry in sorted(static.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            yield _file(
                f"static/{entry.name}",
                entry.read_bytes(),
                "text/css" if entry.name.endswith(".css") else "application/octet-stream",
            )
    text = campaign.model_dump_json()  # every character the pages can show stays in the subset
    chars = "".join(sorted(set(VIETNAMESE) | {c for c in text if c.isprintable()}))
    for weight in FONT_WEIGHTS:
        yield _file(f"static/fonts/BeVietnamPro-{weight}.woff", woff_subset(weight, chars), "font/woff")
