"""The campaign model: plain frozen data that readers build and renderers only read."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Colour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
AudienceKind = Literal["children", "parents", "teachers", "businesses", "officials", "public"]


class Frozen(BaseModel):
    """Base for every model: immutable, strict about unknown fields, documented by docstrings."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


# --- document tree (the parsed Markdown body) ---------------------------------------------


class Text(Frozen):
    kind: Literal["text"] = "text"
    text: str


class Strong(Frozen):
    kind: Literal["strong"] = "strong"
    children: tuple[Inline, ...]


class Emphasis(Frozen):
    kind: Literal["emphasis"] = "emphasis"
    children: tuple[Inline, ...]


class Link(Frozen):
    kind: Literal["link"] = "link"
    href: str
    children: tuple[Inline, ...]


class Code(Frozen):
    kind: Literal["code"] = "code"
    text: str


class LineBreak(Frozen):
    kind: Literal["break"] = "break"


class InlineImage(Frozen):
    kind: Literal["image"] = "image"
    path: str
    alt: str


Inline = Annotated[
    Text | Strong | Emphasis | Link | Code | LineBreak | InlineImage, Field(discriminator="kind")
]


class Heading(Frozen):
    kind: Literal["heading"] = "heading"
    level: int
    children: tuple[Inline, ...]
    line: int = 0


class Paragraph(Frozen):
    kind: Literal["paragraph"] = "paragraph"
    children: tuple[Inline, ...]
    line: int = 0


class ListBlock(Frozen):
    kind: Literal["list"] = "list"
    ordered: bool
    items: tuple[tuple[Block, ...], ...]
    line: int = 0


class Quote(Frozen):
    kind: Literal["quote"] = "quote"
    children: tuple[Block, ...]
    line: int = 0


class Rule(Frozen):
    kind: Literal["rule"] = "rule"
    line: int = 0


Block = Annotated[Heading | Paragraph | ListBlock | Quote | Rule, Field(discriminator="kind")]


# --- campaign.yaml --------------------------------------------------------------------------


class Issuer(Frozen):
    name: str = Field(min_length=2)
    """Tên đầy đủ của cơ quan ban hành theo tên hiện nay, ví dụ "Sở Văn hóa, Thể thao và Du lịch"."""
    parent: str | None = None
    """Cơ quan cấp trên của cơ quan ban hành, ví dụ "Ủy ban nhân dân tỉnh Tây Ninh"."""
    short_name: str | None = None
    """Tên viết tắt dùng trong ký hiệu văn bản, ví dụ "SVHTTDL"."""
    place: str | None = None
    """Địa danh ghi ở dòng "địa danh, ngày tháng", ví dụ "Tây Ninh"."""
    website: str | None = None
    """Địa chỉ trang web của cơ quan ban hành."""
    email: str | None = None
    """Địa chỉ thư điện tử (e-mail) liên hệ, in trên các sản phẩm."""
    phone: str | None = None
    """Số điện thoại liên hệ, in trên các sản phẩm (đặt trong dấu ngoặc kép trong YAML)."""


class Period(Frozen):
    start: dt.date
    """Ngày bắt đầu chiến dịch (YYYY-MM-DD)."""
    end: dt.date
    """Ngày kết thúc chiến dịch (YYYY-MM-DD); không được sớm hơn ngày bắt đầu."""


class Brand(Frozen):
    primary: Colour = "#0B4F8A"
    """Màu chủ đạo: đầu trang, nút bấm, trang bìa bài trình chiếu ("#RRGGBB")."""
    secondary: Colour = "#E8F1FA"
    """Màu nhạt dùng cho khung và nền."""
    accent: Colour = "#F2A516"
    """Màu nhấn để làm nổi bật, nên dùng tiết kiệm."""
    text: Colour = "#1B1F24"
    """Màu chữ của phần nội dung."""
    background: Colour = "#FFFFFF"
    """Màu nền của trang."""
    logo: str | None = None
    """Đường dẫn tới logo trong thư mục chiến dịch, ví dụ assets/logo.svg."""
    font_heading: str = "Be Vietnam Pro"
    """Phông chữ cho tiêu đề."""
    font_body: str = "Be Vietnam Pro"
    """Phông chữ cho phần nội dung."""


class Audience(Frozen):
    id: Slug
    """Mã ngắn để chủ đề và câu đố chỉ tới nhóm đối tượng này, ví dụ tre-11-15, cha-me."""
    name: str
    """Tên hiển thị cho người đọc, ví dụ "Trẻ em 11–15 tuổi"."""
    kind: AudienceKind
    """Loại đối tượng: children, parents, teachers, businesses, officials hoặc public."""
    age_min: int | None = Field(default=None, ge=0, le=18)
    """Tuổi nhỏ nhất của nhóm trẻ em."""
    age_max: int | None = Field(default=None, ge=0, le=18)
    """Tuổi lớn nhất của nhóm trẻ em."""
    description: str | None = None
    """Một dòng mô tả nhóm đối tượng này là ai."""


class Hotline(Frozen):
    number: str = Field(pattern=r"^[0-9 ]{3,15}$")
    """Số điện thoại đúng như khi bấm gọi, đặt trong dấu ngoặc kép trong YAML: "111"."""
    name: str
    """Nơi trả lời cuộc gọi, ví dụ "Tổng đài điện thoại quốc gia bảo vệ trẻ em"."""
    description: str | None = None
    """Khi nào nên gọi và cước phí cuộc gọi."""
    url: str | None = None
    """Trang web của dịch vụ."""
    source: str | None = None
    """Nguồn của các thông tin về đường dây này."""


class LegalReference(Frozen):
    id: Slug
    """Mã ngắn để chủ đề chỉ tới văn bản này, ví dụ luat-tre-em-2016."""
    title: str
    """Tên văn bản, ví dụ "Luật Trẻ em"."""
    number: str
    """Số, ký hiệu chính thức, ví dụ 102/2016/QH13."""
    issued: dt.date | None = None
    """Ngày văn bản được thông qua hoặc ký ban hành."""
    effective: dt.date
    """Ngày văn bản có hiệu lực."""
    expires: dt.date | None = None
    """Ngày văn bản hết hiệu lực (bị thay thế hoặc bãi bỏ); để trống nếu văn bản còn hiệu lực."""
    replaced_by: Slug | None = None
    """Mã của văn bản pháp luật thay thế văn bản này."""
    url: str | None = None
    """Địa chỉ để đọc văn bản."""
    note: str | None = None
    """Những điểm trong văn bản quan trọng đối với chiến dịch này."""

    def in_force(self, on: dt.date) -> bool:
        """Return whether the text applies on the given day."""
        return self.effective <= on and (self.expires is None or on < self.expires)


class Asset(Frozen):
    path: str
    """Đường dẫn tệp trong thư mục chiến dịch, ví dụ assets/poster.png."""
    alt: str = ""
    """Văn bản thay thế (alt): một câu mô tả hình ảnh cho người không nhìn thấy được."""
    credit: str | None = None
    """Tác giả hoặc giấy phép sử dụng của hình ảnh."""


class SpeechSettings(Frozen):
    engine: Literal["espeak-ng", "piper", "cloud"] = "espeak-ng"
    """Bộ đọc cho lời dẫn video và bản tin truyền thanh: espeak-ng (mặc định), piper hoặc cloud."""
    voice: str | None = None
    """Giọng: vi (Bắc), vi-vn-x-central (Trung), vi-vn-x-south (Nam), hoặc tệp giọng .onnx của Piper."""


class Portal(Frozen):
    base_url: str = "https://loa.example.gov.vn"
    """Địa chỉ công khai của cổng thông tin, dùng cho sitemap, feed, thẻ Open Graph và mã QR."""
    quiz_api: str | None = None
    """Địa chỉ API nhận kết quả câu đố ẩn danh (…/api/quiz-results); để trống thì câu đố không gửi gì."""


class CampaignSource(Frozen):
    """What campaign.yaml holds."""

    id: Slug
    """Mã chiến dịch, ví dụ bao-ve-tre-em-tren-mang."""
    title: str = Field(min_length=3)
    """Tên chiến dịch, hiển thị trên mọi sản phẩm."""
    tagline: str | None = None
    """Một dòng ngắn hiển thị dưới tên chiến dịch."""
    locale: Literal["vi", "en"] = "vi"
    """Ngôn ngữ của nội dung: vi (tiếng Việt) hoặc en (tiếng Anh)."""
    issuer: Issuer
    """Cơ quan ban hành chiến dịch."""
    period: Period
    """Thời gian diễn ra chiến dịch."""
    brand: Brand = Brand()
    """Màu sắc, logo và phông chữ dùng cho mọi sản phẩm."""
    audiences: tuple[Audience, ...] = Field(min_length=1)
    """Các nhóm đối tượng mà sản phẩm hướng tới."""
    hotlines: tuple[Hotline, ...] = ()
    """Các đường dây trợ giúp in trên mọi sản phẩm; bắt buộc phải có số 111."""
    legal_references: tuple[LegalReference, ...] = ()
    """Các luật, nghị định mà nội dung trích dẫn, kèm ngày hiệu lực."""
    assets: tuple[Asset, ...] = ()
    """Hình ảnh và logo, mỗi tệp kèm văn bản thay thế (alt)."""
    speech: SpeechSettings = SpeechSettings()
    """Bộ đọc và giọng đọc; biến môi trường LOA_SPEECH_ENGINE, LOA_SPEECH_VOICE được ưu tiên."""
    portal: Portal = Portal()
    """Cài đặt cổng thông tin."""


# --- topics ---------------------------------------------------------------------------------


class AudienceActions(Frozen):
    do: tuple[str, ...] = ()
    """Những việc nên làm."""
    dont: tuple[str, ...] = ()
    """Những việc không nên làm."""
    say: tuple[str, ...] = ()
    """Những câu có thể nói ngay trong tình huống đó."""


class Source(Frozen):
    title: str
    """Tiêu đề của tài liệu hoặc trang web nguồn."""
    publisher: str | None = None
    """Cơ quan, đơn vị công bố tài liệu."""
    url: str | None = None
    """Địa chỉ của nguồn."""
    date: dt.date | None = None
    """Ngày công bố."""


class TopicTranslation(Frozen):
    """The headline content of a topic in a second locale."""

    title: str = Field(min_length=3)
    """Tên chủ đề bằng ngôn ngữ này."""
    summary: str = Field(min_length=10)
    """Tóm tắt bằng ngôn ngữ này."""
    key_messages: tuple[str, ...] = Field(min_length=1, max_length=5)
    """Các thông điệp chính bằng ngôn ngữ này, theo đúng thứ tự như bản tiếng Việt."""


class TopicMeta(Frozen):
    """What a topic's front matter holds."""

    id: Slug
    """Mã chủ đề, không được trùng; tên tệp nên giống mã này."""
    title: str = Field(min_length=3)
    """Tên chủ đề."""
    summary: str = Field(min_length=10)
    """Một hoặc hai câu: chủ đề này giúp ích điều gì."""
    order: int = 100
    """Thứ tự trên cổng thông tin (số nhỏ hơn đứng trước)."""
    audiences: tuple[Slug, ...] = Field(min_length=1)
    """Mã các nhóm đối tượng mà chủ đề này hướng tới."""
    key_messages: tuple[str, ...] = Field(min_length=1, max_length=5)
    """Từ một đến năm thông điệp ngắn, mỗi thông điệp tối đa 120 ký tự."""
    risks: tuple[str, ...] = ()
    """Những nguy cơ có thể xảy ra."""
    warning_signs: tuple[str, ...] = ()
    """Dấu hiệu giúp người lớn nhận biết trẻ có thể đang gặp chuyện."""
    actions: dict[Slug, AudienceActions] = {}
    """Theo từng mã nhóm đối tượng: do (nên làm), dont (không nên làm) và say (nên nói)."""
    legal: tuple[Slug, ...] = ()
    """Mã các văn bản pháp luật mà chủ đề dựa vào."""
    image: Asset | None = None
    """Ảnh bìa (không bắt buộc), kèm văn bản thay thế (alt)."""
    sources: tuple[Source, ...] = ()
    """Nguồn của các thông tin trong chủ đề này."""
    translations: dict[Literal["en"], TopicTranslation] = {}
    """Tên, tóm tắt và các thông điệp chính bằng ngôn ngữ khác (tiếng Anh: en)."""


class Topic(TopicMeta):
    body: tuple[Block, ...]
    """The parsed Markdown body."""
    source_path: Path
    """The Markdown file this topic was read from."""
    body_line: int = 1
    """Line of the file where the body starts."""


# --- quizzes --------------------------------------------------------------------------------


class Question(Frozen):
    id: Slug
    """Mã câu hỏi, không được trùng trong cùng một bộ câu đố."""
    topic: Slug | None = None
    """Mã chủ đề mà câu hỏi này thuộc về."""
    question: str = Field(min_length=5)
    """Nội dung câu hỏi."""
    choices: tuple[str, ...] = Field(min_length=2, max_length=6)
    """Từ hai đến sáu phương án trả lời."""
    answer: int = Field(ge=1)
    """Số thứ tự của phương án đúng, đếm từ 1."""
    explanation: str = Field(min_length=5)
    """Giải thích vì sao đáp án đúng: hiện ra sau khi trả lời."""


class QuizSource(Frozen):
    """What a quiz/*.yaml file holds."""

    id: Slug
    """Mã bộ câu đố."""
    title: str
    """Tên bộ câu đố."""
    audience: Slug
    """Mã nhóm đối tượng mà bộ câu đố dành cho."""
    questions: tuple[Question, ...] = Field(min_length=1)
    """Danh sách câu hỏi."""


class Quiz(QuizSource):
    source_path: Path
    """The YAML file this quiz was read from."""


# --- lesson plans -------------------------------------------------------------------------


class Activity(Frozen):
    title: str
    """Tên hoạt động, ví dụ "Khởi động: Ai là người lạ?"."""
    minutes: int = Field(ge=1, le=120)
    """Thời lượng của hoạt động, tính bằng phút."""
    steps: tuple[str, ...] = Field(min_length=1)
    """Các bước giáo viên và học sinh thực hiện, theo thứ tự."""
    materials: tuple[str, ...] = ()
    """Đồ dùng cần có (trang trình chiếu, thẻ, phiếu học tập...)."""


class LessonSource(Frozen):
    """What a lessons/*.yaml file holds: a lesson plan (giáo án) for one age band."""

    id: Slug
    """Mã giáo án."""
    title: str
    """Tên bài học."""
    audience: Slug
    """Mã nhóm đối tượng trẻ em mà bài học dành cho."""
    topics: tuple[Slug, ...] = Field(min_length=1)
    """Mã các chủ đề mà bài học đề cập."""
    duration: int = Field(ge=10, le=180)
    """Thời lượng bài học, tính bằng phút."""
    objectives: tuple[str, ...] = Field(min_length=1)
    """Những gì học sinh làm được sau bài học (kỹ năng, bắt đầu bằng một động từ)."""
    preparation: tuple[str, ...] = ()
    """Những gì giáo viên cần chuẩn bị."""
    activities: tuple[Activity, ...] = Field(min_length=1)
    """Các hoạt động theo thứ tự; tổng số phút của chúng nên bằng thời lượng bài học."""
    discussion: tuple[str, ...] = ()
    """Các câu hỏi để thảo luận với cả lớp."""
    wrap_up: str
    """Thông điệp kết thúc bài học, nêu rõ cần báo cho ai và đường dây nóng 111."""


class Lesson(LessonSource):
    source_path: Path
    """The YAML file this lesson was read from."""


# --- recipient units (co-branding) ---------------------------------------------------------


class Unit(Frozen):
    """A recipient unit whose name, logo and contact co-brand its own pack."""

    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
    """Mã đơn vị, ví dụ mã đơn vị hành chính cấp xã "25747" hoặc "thcs-le-loi"."""
    name: str = Field(min_length=2)
    """Tên in trên các sản phẩm, ví dụ "UBND phường Long An"."""
    group: str | None = None
    """Loại đơn vị, ví dụ xa, truong-thcs, cong-an, bao-chi."""
    audience: Slug | None = None
    """Mã nhóm đối tượng có sản phẩm được xếp đầu tiên trong bộ sản phẩm của đơn vị."""
    logo: str | None = None
    """Đường dẫn tới logo, tính từ thư mục chiến dịch."""
    contact: str | None = None
    """Dòng liên hệ tại địa phương, ví dụ "Cán bộ bảo vệ trẻ em: 0272 3xxx xxx"."""


# --- the whole campaign ---------------------------------------------------------------------


class Campaign(CampaignSource):
    """A campaign as renderers see it: campaign.yaml plus topics and quizzes."""

    root: Path
    """The campaign folder."""
    topics: tuple[Topic, ...]
    """Topics in portal order."""
    quizzes: tuple[Quiz, ...] = ()
    """Quizzes, one per audience at most."""
    lessons: tuple[Lesson, ...] = ()
    """Lesson plans for teachers, one per age band."""
    units: tuple[Unit, ...] = ()
    """Recipient units for co-branded packs (from `loa build --units units.csv`)."""

    def audience(self, audience_id: str) -> Audience:
        """Return the audience with this id."""
        return next(a for a in self.audiences if a.id == audience_id)

    def topic(self, topic_id: str) -> Topic:
        """Return the topic with this id."""
        return next(t for t in self.topics if t.id == topic_id)

    def legal_reference(self, ref_id: str) -> LegalReference:
        """Return the legal reference with this id."""
        return next(r for r in self.legal_references if r.id == ref_id)

    def unit(self, code: str) -> Unit:
        """Return the recipient unit with this code."""
        # A co-branded build looks up every unit of a batch in every job, among thousands: an
        # index, made again for a copy with other units (model_copy copies it with the rest).
        units, by_code = self._units_index
        if units is not self.units:
            del self.__dict__["_units_index"]
            units, by_code = self._units_index
        return by_code[code]

    @functools.cached_property
    def _units_index(self) -> tuple[tuple[Unit, ...], dict[str, Unit]]:
        return self.units, {u.code: u for u in self.units}

    def asset(self, path: str) -> Asset | None:
        """Return the declared asset for a path, if any."""
        return next((a for a in self.assets if a.path == path), None)


Strong.model_rebuild()
Emphasis.model_rebuild()
Link.model_rebuild()
ListBlock.model_rebuild()
Quote.model_rebuild()
