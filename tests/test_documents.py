"""Documents: the press article as DOCX and PDF, lesson plans (giáo án) and printed quizzes with keys."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from loa import model as m
from loa.readers import read_campaign
from loa.renderers.article_docx import ArticleDocxRenderer
from loa.renderers.article_pdf import ArticlePdfRenderer
from loa.renderers.base import Artifact, Renderer, available_renderers
from loa.renderers.lesson_plan import LessonDocxRenderer, LessonPdfRenderer
from loa.renderers.quiz_print import QuizWorksheetRenderer
from loa_support import ROOTS, assert_golden

ROOT = ROOTS / "documents"
FONT = "Be Vietnam Pro"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A4_MM = (210.0, 297.0)
PT_PER_MM = 72 / 25.4
RENDERERS: tuple[type[Renderer], ...] = (
    ArticleDocxRenderer,
    ArticlePdfRenderer,
    LessonDocxRenderer,
    LessonPdfRenderer,
    QuizWorksheetRenderer,
)
ARTICLE = "bai-viet/thong-tin-ca-nhan/cha-me"
CHILD_ARTICLE = "bai-viet/thong-tin-ca-nhan/tre-6-10"
BLOCKS_ARTICLE = "bai-viet/noi-tim-giup-do/giao-vien"
LESSON = "giao-an/tiet-hoc-11-15"
LESSON_WITHOUT_QUIZ = "giao-an/tiet-hoc-6-10"


@pytest.fixture(scope="module")
def campaign() -> m.Campaign:
    return read_campaign(ROOT)[0]


@pytest.fixture(scope="module")
def products(campaign: m.Campaign) -> dict[str, Artifact]:
    """Every document of the test campaign, by path."""
    out: dict[str, Artifact] = {}
    for renderer in RENDERERS:
        for job in renderer().plan(campaign):
            out |= {a.path: a for a in renderer().render(campaign, job)}
    return out


def word(products: dict[str, Artifact], stem: str) -> Any:
    return docx.Document(io.BytesIO(products[f"{stem}.docx"].data))


def paragraphs(document: Any) -> Iterator[Any]:
    """Every paragraph in reading order, those inside tables included."""
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            yield Paragraph(child, document)
        elif child.tag == f"{W}tbl":
            for row in Table(child, document).rows:
                for cell in row.cells:
                    yield from cell.paragraphs


def docx_outline(document: Any) -> str:
    """The golden projection of a Word file: one line per non-empty paragraph, with its style."""
    lines = [f"{p.style.name}: {p.text}" for p in paragraphs(document) if p.text.strip()]
    return "\n".join(lines) + "\n"


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_outline(data: bytes) -> str:
    """The golden projection of a PDF: each page's text under a page marker."""
    pages = pdf_text(data)
    return "".join(f"--- trang {n} ---\n{text.strip()}\n" for n, text in enumerate(pages, start=1))


def squashed(text: str) -> str:
    return " ".join(text.split())


def docx_paths(products: dict[str, Artifact]) -> list[str]:
    return sorted(p for p in products if p.endswith(".docx"))


# --- plans and registration -------------------------------------------------------------------


def test_documents_are_registered_under_their_names() -> None:
    registry = available_renderers()
    for renderer in RENDERERS:
        assert registry[renderer.name] is renderer


def test_article_jobs_match_the_html_article_one_per_topic_and_audience(campaign: m.Campaign) -> None:
    html = available_renderers()["article-html"]().plan(campaign)
    for renderer in (ArticleDocxRenderer(), ArticlePdfRenderer()):
        assert [(j.topic, j.audience) for j in renderer.plan(campaign)] == [
            (j.topic, j.audience) for j in html
        ]


def test_a_campaign_without_lessons_plans_no_lesson_plans() -> None:
    full = read_campaign(ROOTS / "full")[0]
    assert full.lessons == ()
    assert LessonDocxRenderer().plan(full) == []
    assert LessonPdfRenderer().plan(full) == []


def test_each_quiz_gives_a_worksheet_and_a_separate_answer_key(products: dict[str, Artifact]) -> None:
    kinds = {p: a.kind for p, a in products.items() if p.startswith("phieu-bai-tap/")}
    assert kinds == {
        "phieu-bai-tap/cha-me.pdf": "quiz",
        "phieu-bai-tap/cha-me-dap-an.pdf": "quiz-key",
        "phieu-bai-tap/tre-11-15.pdf": "quiz",
        "phieu-bai-tap/tre-11-15-dap-an.pdf": "quiz-key",
    }


# --- Word files ----------------------------------------------------------------------------------


def test_every_word_file_opens_on_an_a4_page(products: dict[str, Artifact]) -> None:
    for path in docx_paths(products):
        section = docx.Document(io.BytesIO(products[path].data)).sections[0]
        assert section.page_width is not None and section.page_height is not None
        size = (section.page_width.mm, section.page_height.mm)
        assert size == pytest.approx(A4_MM, abs=0.5), path


def test_article_docx_uses_word_styles_by_name(products: dict[str, Artifact]) -> None:
    used = {p.style.name for stem in (ARTICLE, BLOCKS_ARTICLE) for p in paragraphs(word(products, stem))}
    expected = {"Title", "Lead", "Kicker", "Heading 1", "Heading 2", "List Bullet", "List Number", "Quote"}
    assert expected | {"Box Title", "Box Label", "Meta"} <= used


def test_article_docx_follows_the_html_articles_order(products: dict[str, Artifact]) -> None:
    document = word(products, ARTICLE)
    headings = [p.text for p in paragraphs(document) if p.style.name in ("Title", "Heading 1", "Box Title")]
    assert headings == [
        "Giữ kín thông tin cá nhân",
        "Điều cần ghi nhớ",
        "Thông tin cá nhân là gì?",
        "Khi cần giúp đỡ",
        "Việc nên làm",
        "Dấu hiệu người lớn cần để ý",
        "Khi cần giúp đỡ",
    ]
    lead = next(p for p in paragraphs(document) if p.style.name == "Lead")
    assert lead.text == "Giúp trẻ biết thông tin nào là riêng tư và giữ nó an toàn khi lên mạng."


def test_warning_signs_are_for_adults_only(products: dict[str, Artifact]) -> None:
    for stem, shown in ((ARTICLE, True), (CHILD_ARTICLE, False)):
        texts = [p.text for p in paragraphs(word(products, stem))]
        assert ("Dấu hiệu người lớn cần để ý" in texts) is shown, stem


def test_help_box_lists_every_hotline_with_111_first(products: dict[str, Artifact]) -> None:
    for path in docx_paths(products):
        document = docx.Document(io.BytesIO(products[path].data))
        lines = [p.text for p in paragraphs(document) if p.style.name == "Help Line"]
        numbers = [line.split()[0] for line in lines[1:]]
        assert numbers == ["111", "113"], path


def test_every_font_in_word_files_is_be_vietnam_pro_in_vietnamese(products: dict[str, Artifact]) -> None:
    for path in docx_paths(products):
        with zipfile.ZipFile(io.BytesIO(products[path].data)) as package:
            parts = [
                package.read(n) for n in package.namelist() if n.startswith("word/") and n.endswith(".xml")
            ]
        for part in parts:
            root = docx.oxml.parse_xml(part)
            for fonts in root.iter(f"{W}rFonts"):
                names = {k.removeprefix(W): v for k, v in fonts.attrib.items()}
                assert names == dict.fromkeys(("ascii", "hAnsi", "eastAsia", "cs"), FONT), path
            for lang in root.iter(f"{W}lang"):
                assert lang.get(qn("w:val")) == "vi-VN", path


def test_word_styles_name_the_font_and_language_in_their_defaults(products: dict[str, Artifact]) -> None:
    document = word(products, ARTICLE)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == FONT
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "vi-VN"
    for style in ("Title", "Heading 1", "Lead", "List Bullet", "Normal"):
        assert _effective_font(document.styles[style]) == FONT, style
    runs = [r for p in paragraphs(document) for r in p.runs]
    assert runs and all(r.font.name in (None, FONT) for r in runs)


def _effective_font(style: Any) -> str | None:
    while style is not None:
        if style.font.name:
            return str(style.font.name)
        style = style.base_style
    return FONT  # Normal inherits the document defaults checked above


def test_word_text_is_nfc(products: dict[str, Artifact]) -> None:
    for path in docx_paths(products):
        document = docx.Document(io.BytesIO(products[path].data))
        for paragraph in paragraphs(document):
            assert unicodedata.is_normalized("NFC", paragraph.text), (path, paragraph.text)


def test_word_files_are_byte_identical_across_renders(campaign: m.Campaign) -> None:
    for renderer in (ArticleDocxRenderer(), LessonDocxRenderer()):
        job = renderer.plan(campaign)[0]
        assert renderer.render(campaign, job)[0].data == renderer.render(campaign, job)[0].data


def test_word_files_carry_fixed_dates_and_the_issuer(
    campaign: m.Campaign, products: dict[str, Artifact]
) -> None:
    props = word(products, ARTICLE).core_properties
    start = campaign.period.start
    assert props.created.date() == props.modified.date() == start
    assert (props.author, props.title, props.language) == (
        campaign.issuer.name,
        "Giữ kín thông tin cá nhân",
        "vi-VN",
    )
    with zipfile.ZipFile(io.BytesIO(products[f"{ARTICLE}.docx"].data)) as package:
        infos = package.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(start.year, start.month, start.day, 0, 0, 0)}
        assert not [n for n in package.namelist() if "thumbnail" in n or "stylesWithEffects" in n]
        assert b"<Application>Loa</Application>" in package.read("docProps/app.xml")


def test_numbered_lists_restart_at_one(products: dict[str, Artifact]) -> None:
    for stem in (LESSON, BLOCKS_ARTICLE):
        document = word(products, stem)
        numbering = document.part.numbering_part.element
        numbered = [p for p in paragraphs(document) if p.style.name == "List Number"]
        assert numbered, stem
        for paragraph in numbered:
            num_id = paragraph._p.pPr.numPr.numId.val
            num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
            assert num.find(f"{W}lvlOverride/{W}startOverride").get(qn("w:val")) == "1"


def test_cover_picture_is_embedded_with_its_alt_text(products: dict[str, Artifact]) -> None:
    document = word(products, ARTICLE)
    described = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert "Một bạn nhỏ khóa điện thoại bằng mật khẩu" in described


# --- PDFs ------------------------------------------------------------------------------------------


def test_article_pdf_has_the_title_the_lead_and_111_on_a4(products: dict[str, Artifact]) -> None:
    data = products[f"{ARTICLE}.pdf"].data
    text = squashed(" ".join(pdf_text(data)))
    assert "Giữ kín thông tin cá nhân" in text
    assert "Giúp trẻ biết thông tin nào là riêng tư và giữ nó an toàn khi lên mạng." in text
    assert "111" in text and "Tổng đài điện thoại quốc gia bảo vệ trẻ em" in text
    assert unicodedata.is_normalized("NFC", text)
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == "Giữ kín thông tin cá nhân"
    assert str(reader.root_object["/Lang"]) == "vi-VN"


def test_every_pdf_page_is_a4(products: dict[str, Artifact]) -> None:
    for path, artifact in products.items():
        if path.endswith(".pdf"):
            for page in PdfReader(io.BytesIO(artifact.data)).pages:
                size = (float(page.mediabox.width) / PT_PER_MM, float(page.mediabox.height) / PT_PER_MM)
                assert size == pytest.approx(A4_MM, abs=0.5), path


def test_every_pdf_carries_111(products: dict[str, Artifact]) -> None:
    for path, artifact in products.items():
        if path.endswith(".pdf"):
            assert "111" in " ".join(pdf_text(artifact.data)), path


def test_pdfs_are_byte_identical_across_renders(campaign: m.Campaign) -> None:
    for renderer in (ArticlePdfRenderer(), LessonPdfRenderer(), QuizWorksheetRenderer()):
        job = renderer.plan(campaign)[0]
        first, second = renderer.render(campaign, job), renderer.render(campaign, job)
        assert [a.data for a in first] == [a.data for a in second], renderer.name


def test_worksheet_asks_for_the_class_never_a_childs_name(products: dict[str, Artifact]) -> None:
    for path in ("phieu-bai-tap/tre-11-15.pdf", "phieu-bai-tap/cha-me.pdf"):
        text = squashed(" ".join(pdf_text(products[path].data)))
        assert "Lớp:" in text
        for field in ("Họ và tên", "Họ tên", "Tên học sinh", "Tên em"):
            assert field.lower() not in text.lower(), (path, field)


def test_worksheet_holds_no_answers_and_the_key_holds_every_explanation(
    campaign: m.Campaign, products: dict[str, Artifact]
) -> None:
    for quiz in campaign.quizzes:
        sheet = squashed(" ".join(pdf_text(products[f"phieu-bai-tap/{quiz.id}.pdf"].data)))
        key = squashed(" ".join(pdf_text(products[f"phieu-bai-tap/{quiz.id}-dap-an.pdf"].data)))
        assert "đáp án" not in sheet.lower()
        for number, question in enumerate(quiz.questions, start=1):
            assert squashed(question.question) in sheet
            assert squashed(question.explanation) not in sheet
            assert squashed(question.explanation) in key
            letter = "ABCDEF"[question.answer - 1]
            assert f"Câu {number}: {letter}" in key


def test_lesson_plan_has_every_objective_and_the_minutes_of_each_activity(
    campaign: m.Campaign, products: dict[str, Artifact]
) -> None:
    lesson = next(x for x in campaign.lessons if x.id == "tiet-hoc-11-15")
    texts = {
        "docx": squashed(" ".join(p.text for p in paragraphs(word(products, LESSON)))),
        "pdf": squashed(" ".join(pdf_text(products[f"{LESSON}.pdf"].data))),
    }
    for name, text in texts.items():
        for objective in lesson.objectives:
            assert squashed(objective) in text, name
        for activity in lesson.activities:
            assert squashed(activity.title) in text and f"{activity.minutes} phút" in text, name
        assert f"{lesson.duration} phút" in text and "111" in text, name


def test_lesson_plan_sections_come_in_the_customary_order(products: dict[str, Artifact]) -> None:
    headings = [p.text for p in paragraphs(word(products, LESSON)) if p.style.name == "Heading 1"]
    assert headings == [
        "I. MỤC TIÊU",
        "II. CHUẨN BỊ",
        "III. TIẾN TRÌNH DẠY HỌC",
        "IV. CÂU HỎI THẢO LUẬN",
        "V. CÂU HỎI CỦNG CỐ",
        "VI. TỔNG KẾT",
    ]
    short = [p.text for p in paragraphs(word(products, LESSON_WITHOUT_QUIZ)) if p.style.name == "Heading 1"]
    assert short == [
        "I. MỤC TIÊU",
        "II. CHUẨN BỊ",
        "III. TIẾN TRÌNH DẠY HỌC",
        "IV. CÂU HỎI CỦNG CỐ",
        "V. TỔNG KẾT",
    ]


def test_lesson_plan_reviews_with_its_bands_quiz_and_keys_it_for_the_teacher(
    campaign: m.Campaign, products: dict[str, Artifact]
) -> None:
    quiz = next(q for q in campaign.quizzes if q.audience == "tre-11-15")
    for text in (
        squashed(" ".join(p.text for p in paragraphs(word(products, LESSON)))),
        squashed(" ".join(pdf_text(products[f"{LESSON}.pdf"].data))),
    ):
        assert "Đáp án dành cho giáo viên" in text
        for question in quiz.questions:
            assert squashed(question.question) in text and squashed(question.explanation) in text
    without = squashed(" ".join(pdf_text(products[f"{LESSON_WITHOUT_QUIZ}.pdf"].data)))
    assert "Chưa có bộ câu hỏi cho đối tượng này" in without


# --- golden projections ------------------------------------------------------------------------------

GOLDEN_DOCX = (ARTICLE, BLOCKS_ARTICLE, LESSON)
GOLDEN_PDF = (ARTICLE, LESSON, "phieu-bai-tap/tre-11-15", "phieu-bai-tap/tre-11-15-dap-an")


@pytest.mark.parametrize("stem", GOLDEN_DOCX)
def test_word_outline_matches_golden(products: dict[str, Artifact], stem: str) -> None:
    assert_golden(f"documents/{stem.replace('/', '__')}.docx.txt", docx_outline(word(products, stem)))


@pytest.mark.parametrize("stem", GOLDEN_PDF)
def test_pdf_text_matches_golden(products: dict[str, Artifact], stem: str) -> None:
    assert_golden(f"documents/{stem.replace('/', '__')}.pdf.txt", pdf_outline(products[f"{stem}.pdf"].data))


NATIONAL = ROOTS.parent.parent / "campaigns" / "bao-ve-tre-em"


@pytest.mark.skipif(not (NATIONAL / "campaign.yaml").is_file(), reason="the bundled campaign is not here")
def test_a_childrens_article_leaves_out_the_sections_written_for_adults() -> None:
    from loa.renderers.article_html import ArticleHtmlRenderer
    from loa.renderers.base import Job

    campaign = read_campaign(NATIONAL)[0]
    adults = ("Dành cho thầy cô và nhà trường", "Khi người lớn đăng ảnh của con")

    def article(audience: str) -> str:
        [html] = ArticleHtmlRenderer().render(campaign, Job("article-html", "thong-tin-ca-nhan", audience))
        return html.data.decode()

    child, parent = article("tre-6-10"), article("cha-me")
    assert all(heading in parent for heading in adults)
    assert not any(heading in child for heading in adults)
    assert "Thông tin nào là của riêng em?" in child, "the children's own sections stay"
    docx_text = "\n".join(
        p.text
        for p in docx.Document(
            io.BytesIO(
                ArticleDocxRenderer()
                .render(campaign, Job("article-docx", "thong-tin-ca-nhan", "tre-6-10"))[0]
                .data
            )
        ).paragraphs
    )
    assert not any(heading in docx_text for heading in adults)
