"""Topic files: YAML front matter plus a Markdown body parsed once into the document tree."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from loa import model as m
from loa.errors import Diagnostic, Location
from loa.readers.source import SourceProblem

_md = MarkdownIt("commonmark", {"typographer": True}).enable("smartquotes")  # “…”, ’: readers/typography.py


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (front matter, body, line where the body starts) of a topic file."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceProblem(
            Diagnostic(
                Location(path, 1),
                "",
                "thiếu phần khai báo (front matter) ở đầu tệp",
                "mở đầu tệp bằng một dòng '---', các trường id, title..., rồi một dòng '---'",
                code="front-matter",
            )
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise SourceProblem(
        Diagnostic(
            Location(path, 1),
            "",
            "phần khai báo (front matter) không có dòng '---' đóng lại",
            "thêm một dòng '---' sau trường cuối cùng của phần khai báo",
            code="front-matter",
        )
    )


def parse_body(text: str, path: Path, first_line: int) -> tuple[tuple[m.Block, ...], list[Diagnostic]]:
    """Parse Markdown into blocks; raw HTML is dropped with a warning naming its line."""
    tokens = _md.parse(text)
    warnings: list[Diagnostic] = []
    blocks = tuple(_blocks(iter(tokens), None, path, first_line, warnings))
    return blocks, warnings


def _blocks(
    tokens: Iterator[Token], until: str | None, path: Path, offset: int, warnings: list[Diagnostic]
) -> Iterator[m.Block]:
    for token in tokens:
        if token.type == until:
            return
        line = (token.map[0] if token.map else 0) + offset
        if token.type == "heading_open":
            inline = next(tokens)
            next(tokens)
            yield m.Heading(level=int(token.tag[1]), children=_inlines(inline), line=line)
        elif token.type == "paragraph_open":
            inline = next(tokens)
            next(tokens)
            yield m.Paragraph(children=_inlines(inline), line=line)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            close = token.type.replace("_open", "_close")
            items = tuple(_list_items(tokens, close, path, offset, warnings))
            yield m.ListBlock(ordered=token.type.startswith("ordered"), items=items, line=line)
        elif token.type == "blockquote_open":
            children = tuple(_blocks(tokens, "blockquote_close", path, offset, warnings))
            yield m.Quote(children=children, line=line)
        elif token.type == "hr":
            yield m.Rule(line=line)
        elif token.type in ("fence", "code_block"):
            yield m.Paragraph(children=(m.Code(text=token.content.rstrip("\n")),), line=line)
        elif token.type == "html_block":
            warnings.append(
                Diagnostic(
                    Location(path, line),
                    "body",
                    "HTML viết tay trong bài bị bỏ qua",
                    "dùng cú pháp Markdown thay cho thẻ HTML",
                    severity="warning",
                    code="raw-html",
                )
            )


def _list_items(
    tokens: Iterator[Token], close: str, path: Path, offset: int, warnings: list[Diagnostic]
) -> Iterator[tuple[m.Block, ...]]:
    for token in tokens:
        if token.type == close:
            return
        if token.type == "list_item_open":
            yield tuple(_blocks(tokens, "list_item_close", path, offset, warnings))


def _inlines(token: Token) -> tuple[m.Inline, ...]:
    stack: list[list[m.Inline]] = [[]]
    opened: list[Token] = []
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            stack[-1].append(m.Text(text=child.content))
        elif kind == "softbreak":
            stack[-1].append(m.Text(text=" "))
        elif kind == "hardbreak":
            stack[-1].append(m.LineBreak())
        elif kind == "code_inline":
            stack[-1].append(m.Code(text=child.content))
        elif kind == "image":
            alt = "".join(c.content for c in child.children or [])
            stack[-1].append(m.InlineImage(path=_from_campaign(str(child.attrs.get("src", ""))), alt=alt))
        elif kind.endswith("_open"):
            opened.append(child)
            stack.append([])
        elif kind.endswith("_close"):
            start, children = opened.pop(), tuple(stack.pop())
            stack[-1].append(_wrap(start, children))
    return tuple(stack[0])


def _from_campaign(src: str) -> str:
    """Return a body image path relative to the campaign folder (topics are one level down)."""
    return src if "://" in src or src.startswith("data:") else posixpath.normpath(f"topics/{src}")


def _wrap(start: Token, children: tuple[m.Inline, ...]) -> m.Inline:
    if start.type == "strong_open":
        return m.Strong(children=children)
    if start.type == "em_open":
        return m.Emphasis(children=children)
    return m.Link(href=str(start.attrs.get("href", "")), children=children)


def inline_text(nodes: tuple[m.Inline, ...]) -> str:
    """Return the plain text of inline nodes."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, m.Text | m.Code):
            parts.append(node.text)
        elif isinstance(node, m.Strong | m.Emphasis | m.Link):
            parts.append(inline_text(node.children))
        elif isinstance(node, m.LineBreak):
            parts.append(" ")
    return "".join(parts)


def block_text(blocks: tuple[m.Block, ...]) -> str:
    """Return the plain text of blocks, one line per paragraph or list item."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, m.Heading | m.Paragraph):
            parts.append(inline_text(block.children))
        elif isinstance(block, m.Quote):
            parts.append(block_text(block.children))
        elif isinstance(block, m.ListBlock):
            parts.extend(block_text(item) for item in block.items)
    return "\n".join(parts)


def body_images(blocks: tuple[m.Block, ...]) -> Iterator[tuple[str, int]]:
    """Yield (path from the campaign folder, source line) of every local image in a topic body."""
    for block in blocks:
        if isinstance(block, m.Heading | m.Paragraph):
            for node in block.children:
                if isinstance(node, m.InlineImage) and "://" not in node.path:
                    yield node.path, block.line
        elif isinstance(block, m.Quote):
            yield from body_images(block.children)
        elif isinstance(block, m.ListBlock):
            for item in block.items:
                yield from body_images(item)
