"""Decks, press articles and lesson plans as LibreOffice opens them: the bundled campaign's files,
converted to PDF by LibreOffice and read back. Every word of a slide must be drawn on its page, inside
its text box (not cut off at the slide's edge, not spilling over what lies below); every word of a
document must be on its pages, in A4, in the brand font."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from docx import Document
from pptx import Presentation

from libreoffice import INSTALL, office_pdfs, soffice
from loa.build import build

NATIONAL = Path(__file__).parent.parent / "campaigns" / "bao-ve-tre-em"
ARTICLE_TOPIC = "bat-coc-online"
XHTML = "{http://www.w3.org/1999/xhtml}"
A4 = (595.3, 841.9)  # points


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]  # left, top, right, bottom, as fractions of the page


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """The national campaign's decks, lesson plans and one topic's articles, and their PDFs."""
    if soffice() is None or not _has("pdftotext"):
        message = f"needs LibreOffice and poppler: {INSTALL} poppler-utils"
        if os.environ.get("LOA_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{message} (LOA_REQUIRE_SERVICES=1)")
        pytest.skip(message)
    work = tmp_path_factory.mktemp("office")
    out = work / "out"
    build(NATIONAL, out=out, formats=["slides-pptx", "lesson-docx", "article-docx"])
    documents = [*sorted(out.glob("bai-giang/*.pptx")), *sorted(out.glob("giao-an/*.docx"))]
    documents += sorted((out / "bai-viet" / ARTICLE_TOPIC).glob("*.docx"))
    return office_pdfs(documents, work)


def decks(converted: dict[Path, Path]) -> Iterator[tuple[Path, Path]]:
    return ((d, pdf) for d, pdf in converted.items() if d.suffix == ".pptx")


def documents(converted: dict[Path, Path]) -> Iterator[tuple[Path, Path]]:
    return ((d, pdf) for d, pdf in converted.items() if d.suffix == ".docx")


def test_every_deck_opens_with_a_page_for_each_slide_in_the_brand_font(converted: dict[Path, Path]) -> None:
    assert len(list(decks(converted))) == 4, "the conference deck and three classroom decks"
    for deck, pdf in decks(converted):
        slides = len(Presentation(str(deck)).slides)
        assert len(pages(pdf)) == slides, f"{deck.name}: {len(pages(pdf))} pages for {slides} slides"
        assert set(fonts(pdf)) == {"BeVietnamPro-Regular", "BeVietnamPro-Bold"}, deck.name


def test_every_word_of_every_slide_is_drawn_on_its_page_inside_its_text_box(
    converted: dict[Path, Path],
) -> None:
    problems = []
    for deck, pdf in decks(converted):
        presentation = Presentation(str(deck))
        width, height = presentation.slide_width, presentation.slide_height
        for number, (slide, drawn) in enumerate(zip(presentation.slides, pages(pdf), strict=True), 1):
            frames = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text.strip()]
            written = Counter(w for s in frames for w in words_of(s.text_frame.text))
            if lost := written - Counter(joined(w.text for w in drawn)):
                problems.append(f"{deck.name} slide {number}: not drawn {sorted(lost)}")
            boxes = [
                (s.left / width, s.top / height, (s.left + s.width) / width, (s.top + s.height) / height)
                for s in frames
            ]
            # A word's ink may rise above its box (stacked diacritics): its middle must be inside.
            slack = 2 / 960
            outside = [
                w.text
                for w in drawn
                if not any(
                    left - slack <= w.box[0] and w.box[2] <= right + slack and top <= middle(w) <= bottom
                    for left, top, right, bottom in boxes
                )
            ]
            if outside:
                problems.append(f"{deck.name} slide {number}: outside every text box {outside}")
    assert not problems, "\n".join(problems)


def test_articles_and_lesson_plans_open_in_a4_with_every_word_in_the_brand_font(
    converted: dict[Path, Path],
) -> None:
    assert len(list(documents(converted))) >= 6, "three lesson plans and a topic's articles"
    for document, pdf in documents(converted):
        sizes = {size for size, _ in pages_with_size(pdf)}
        assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in sizes), (document.name, sizes)
        assert {"BeVietnamPro-Regular", "BeVietnamPro-Bold"} <= set(fonts(pdf)), document.name
        assert set(fonts(pdf)) <= {"BeVietnamPro-Regular", "BeVietnamPro-Bold", "BeVietnamPro-Italic"}
        shown = Counter(w.text.casefold() for page in pages(pdf) for w in page)
        written = Counter(w.casefold() for text in docx_texts(document) for w in words_of(text))
        lost = {w: n for w, n in (written - shown).items() if "://" not in w}  # addresses wrap at a '-'
        assert not lost, f"{document.parent.name}/{document.name}: not on its pages {lost}"


def words_of(text: str) -> list[str]:
    """Return the words of a text as a PDF reader finds them: NFC, without list markers or lone signs."""
    return [w for w in unicodedata.normalize("NFC", text).split() if re.search(r"\w", w)]


def joined(words: Iterable[str]) -> list[str]:
    """Return words with those a line ends after a hyphen joined again: LibreOffice, like PowerPoint,
    may break "356/2025/NĐ-CP" after its hyphen."""
    out: list[str] = []
    for word in words:
        if out and out[-1].endswith("-") and out[-1][-2:-1].isalnum():
            out[-1] += word
        else:
            out.append(word)
    return out


def middle(word: Word) -> float:
    return (word.box[1] + word.box[3]) / 2


def pages(pdf: Path) -> list[list[Word]]:
    return [words for _, words in pages_with_size(pdf)]


def pages_with_size(pdf: Path) -> list[tuple[tuple[float, float], list[Word]]]:
    """Return each page's size in points and its words, as pdftotext places them."""
    found = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", found.stdout))
    result = []
    for page in root.iter(f"{XHTML}page"):
        width, height = float(page.get("width", 0)), float(page.get("height", 0))
        words = [
            Word(
                unicodedata.normalize("NFC", w.text or ""),
                (
                    float(w.get("xMin", 0)) / width,
                    float(w.get("yMin", 0)) / height,
                    float(w.get("xMax", 0)) / width,
                    float(w.get("yMax", 0)) / height,
                ),
            )
            for w in page.iter(f"{XHTML}word")
        ]
        result.append(((width, height), [w for w in words if re.search(r"\w", w.text)]))
    return result


def fonts(pdf: Path) -> list[str]:
    """Return the embedded fonts' names, without their subset tags (ABCDEF+)."""
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return sorted({line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line.strip()})


def docx_texts(document: Path) -> list[str]:
    """Return the paragraphs a DOCX holds: body, tables, headers and footers."""
    doc = Document(str(document))
    texts = [p.text for p in doc.paragraphs]
    texts += [p.text for table in doc.tables for row in table.rows for c in row.cells for p in c.paragraphs]
    for section in doc.sections:
        texts += [p.text for part in (section.header, section.footer) for p in part.paragraphs]
    return texts


def _has(program: str) -> bool:
    return any((Path(d) / program).exists() for d in os.environ.get("PATH", "").split(os.pathsep))
