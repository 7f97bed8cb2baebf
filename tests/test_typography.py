"""Quotes typed straight in the campaign come out curly in every product, as a typesetter would set
them: “…” around words, ’ in an apostrophe; code and addresses keep what was typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx import Document

from loa import model as m
from loa.build import build
from loa.readers import read_campaign
from loa.readers.markdown import block_text
from loa.readers.typography import typographic
from loa_support import edit

TOPIC = "topics/giu-kin-thong-tin.md"


def test_paired_straight_quotes_become_curly_and_an_apostrophe_between_letters_too() -> None:
    assert typographic('Thủ đoạn "bắt cóc online" và "tin giả"') == "Thủ đoạn “bắt cóc online” và “tin giả”"
    assert typographic("Don't share a child's photo") == "Don’t share a child’s photo"
    assert typographic('Màn hình 6" rưỡi') == 'Màn hình 6" rưỡi', "an unpaired quote is left as typed"


def test_the_campaign_is_read_with_curly_quotes_in_yaml_and_markdown(
    copy_root: Callable[[str], Path],
) -> None:
    root = copy_root("minimal")
    edit(root / TOPIC, "title: Giữ kín thông tin cá nhân", 'title: Cảnh giác với "bắt cóc online"')
    edit(
        root / TOPIC,
        "Đó là những điều",
        'Kẻ gian gọi là "**xác minh**" và bảo `"mã OTP"` — xem [trang "hỏi đáp"](https://example.vn/"x"). '
        "Đó là những điều",
    )
    edit(
        root / TOPIC, 'say: ["Mẹ đăng ảnh này được không con?"]', "say: ['Mẹ đăng ảnh này lên \"Zalo\" nhé?']"
    )
    topic = read_campaign(root)[0].topics[0]
    assert topic.title == "Cảnh giác với “bắt cóc online”"
    assert topic.actions["cha-me"].say == ("Mẹ đăng ảnh này lên “Zalo” nhé?",)
    paragraph = topic.body[1]
    assert isinstance(paragraph, m.Paragraph)
    assert block_text((paragraph,)).startswith(
        'Kẻ gian gọi là “xác minh” và bảo "mã OTP" — xem trang “hỏi đáp”.'
    ), "code keeps the quotes typed"
    link = next(c for c in paragraph.children if isinstance(c, m.Link))
    assert link.href == "https://example.vn/%22x%22", "an address is not typography"


def test_the_press_article_headline_has_curly_quotes(
    copy_root: Callable[[str], Path], tmp_path: Path
) -> None:
    root = copy_root("minimal")
    edit(root / TOPIC, "title: Giữ kín thông tin cá nhân", 'title: Cảnh giác với "bắt cóc online"')
    out = tmp_path / "out"
    build(root, out=out, formats=["article-docx", "article-html"])
    docx = next(out.glob("bai-viet/*/cha-me.docx"))
    assert "Cảnh giác với “bắt cóc online”" in [p.text for p in Document(str(docx)).paragraphs]
    html = next(out.glob("bai-viet/*/cha-me.html")).read_text(encoding="utf-8")
    assert "<h1>Cảnh giác với “bắt cóc online”</h1>" in html or "Cảnh giác với “bắt cóc online”</h1>" in html
    assert '"bắt cóc online"' not in html and "&#34;bắt cóc online&#34;" not in html
