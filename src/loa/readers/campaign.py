"""Read a campaign folder into the frozen Campaign model, or fail with every located error."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from loa import model as m
from loa.colour import BODY_MINIMUM, contrast
from loa.errors import CampaignError, Diagnostic, Location
from loa.readers.markdown import block_text, body_images, parse_body, split_front_matter
from loa.readers.source import SourceProblem, YamlDocument, parse_yaml, read_text, validate
from loa.readers.typography import typographic_values

T = TypeVar("T", bound=BaseModel)
WHITE = "#FFFFFF"  # text on brand.primary: headers, title slides, buttons


def read_campaign(folder: Path | str) -> tuple[m.Campaign, list[Diagnostic]]:
    """Return the campaign and its reader warnings; raise CampaignError listing every error."""
    reader = _Reader(Path(folder))
    campaign = reader.read()
    errors = [d for d in reader.diagnostics if d.severity == "error"]
    if errors or campaign is None:
        raise CampaignError(errors)
    return campaign, [d for d in reader.diagnostics if d.severity != "error"]


class _Reader:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.diagnostics: list[Diagnostic] = []
        self._docs: dict[str, YamlDocument] = {}  # front matter by path, quiz YAML by id: lines

    def read(self) -> m.Campaign | None:
        config = self.folder / "campaign.yaml"
        if not self.folder.is_dir():
            self._error(
                Location(self.folder),
                "",
                "thư mục chiến dịch không tồn tại",
                "kiểm tra đường dẫn, hoặc tạo chiến dịch mới: loa new <thư-mục>",
            )
            return None
        if not config.is_file():
            self._error(
                Location(config),
                "",
                "không thấy tệp campaign.yaml",
                "mỗi chiến dịch cần một campaign.yaml ở thư mục gốc (tạo mẫu: loa new)",
            )
            return None
        doc = self._load_yaml(config)
        source = self._validate(m.CampaignSource, doc) if doc else None
        topics = [t for path in sorted(self.folder.glob("topics/*.md")) if (t := self._topic(path))]
        quizzes = [q for path in sorted(self.folder.glob("quiz/*.y*ml")) if (q := self._quiz(path))]
        lessons = [x for path in sorted(self.folder.glob("lessons/*.y*ml")) if (x := self._lesson(path))]
        if source is None or doc is None:
            return None
        if not topics and not any(d.severity == "error" for d in self.diagnostics):
            self._error(
                Location(self.folder / "topics"),
                "",
                "chiến dịch chưa có chủ đề nào",
                "thêm ít nhất một tệp topics/<id>.md",
            )
        self._check_campaign(source, doc)
        self._check_topics(source, topics)
        self._check_quizzes(source, topics, quizzes)
        self._check_lessons(source, topics, lessons)
        if any(d.severity == "error" for d in self.diagnostics):
            return None
        ordered = tuple(sorted(topics, key=lambda t: (t.order, t.id)))
        return m.Campaign(
            **dict(source),
            root=self.folder,
            topics=ordered,
            quizzes=tuple(quizzes),
            lessons=tuple(lessons),
        )

    # --- files ------------------------------------------------------------------------------

    def _load_yaml(self, path: Path, text: str | None = None, offset: int = 0) -> YamlDocument | None:
        try:
            doc = parse_yaml(read_text(path) if text is None else text, path, line_offset=offset)
        except SourceProblem as problem:
            self.diagnostics.append(problem.diagnostic)
            return None
        doc.data = typographic_values(doc.data)  # “…” in every product, as in the Markdown
        return doc

    def _validate(self, model: type[T], doc: YamlDocument) -> T | None:
        result, diagnostics = validate(model, doc)
        self.diagnostics.extend(diagnostics)
        return result if isinstance(result, model) else None

    def _topic(self, path: Path) -> m.Topic | None:
        try:
            front, body, body_line = split_front_matter(read_text(path), path)
        except SourceProblem as problem:
            self.diagnostics.append(problem.diagnostic)
            return None
        doc = self._load_yaml(path, front, offset=1)
        meta = self._validate(m.TopicMeta, doc) if doc else None
        blocks, warnings = parse_body(body, path, body_line)
        self.diagnostics.extend(warnings)
        if not block_text(blocks).strip():
            self._error(
                Location(path, body_line),
                "body",
                "bài viết của chủ đề đang trống",
                "viết nội dung Markdown sau dòng '---' đóng phần khai báo",
            )
            return None
        if meta is None or doc is None:
            return None
        self._docs[str(path)] = doc
        return m.Topic(**dict(meta), body=blocks, source_path=path, body_line=body_line)

    def _quiz(self, path: Path) -> m.Quiz | None:
        doc = self._load_yaml(path)
        source = self._validate(m.QuizSource, doc) if doc else None
        if source is None or doc is None:
            return None
        self._docs.setdefault(f"quiz:{source.id}", doc)
        return m.Quiz(**dict(source), source_path=path)

    def _lesson(self, path: Path) -> m.Lesson | None:
        doc = self._load_yaml(path)
        source = self._validate(m.LessonSource, doc) if doc else None
        if source is None or doc is None:
            return None
        self._docs.setdefault(f"lesson:{source.id}", doc)
        return m.Lesson(**dict(source), source_path=path)

    # --- cross-checks -----------------------------------------------------------------------

    def _check_campaign(self, source: m.CampaignSource, doc: YamlDocument) -> None:
        at = doc.location
        if source.period.end < source.period.start:
            self._error(
                at(("period", "end")),
                "period.end",
                f"ngày kết thúc ({source.period.end}) trước ngày bắt đầu ({source.period.start})",
                "sửa period.end hoặc period.start",
            )
        self._check_brand(source.brand, doc)
        self._duplicates((a.id for a in source.audiences), "audiences", doc)
        self._duplicates((r.id for r in source.legal_references), "legal_references", doc)
        ref_ids = {r.id for r in source.legal_references}
        for i, ref in enumerate(source.legal_references):
            if ref.replaced_by and ref.replaced_by not in ref_ids:
                self._error(
                    at(("legal_references", i, "replaced_by")),
                    f"legal_references.{i}.replaced_by",
                    f"không có văn bản '{ref.replaced_by}'",
                    _choices(ref_ids),
                )
        for i, audience in enumerate(source.audiences):
            if audience.kind == "children" and (audience.age_min is None or audience.age_max is None):
                self._error(
                    at(("audiences", i)),
                    f"audiences.{i}",
                    "nhóm trẻ em cần độ tuổi",
                    "thêm age_min và age_max",
                )
        if source.brand.logo:
            self._file_exists(source.brand.logo, at(("brand", "logo")), "brand.logo")
        for i, asset in enumerate(source.assets):
            self._file_exists(asset.path, at(("assets", i, "path")), f"assets.{i}.path")

    def _check_brand(self, brand: m.Brand, doc: YamlDocument) -> None:
        """Refuse colour pairs that products print text in when they fall below WCAG AA (4.5:1)."""
        pairs = (
            ("text", brand.text, "background", brand.background),
            ("primary", brand.primary, "chữ trắng", WHITE),
            ("text", brand.text, "secondary", brand.secondary),
        )
        for field, colour, other, against in pairs:
            ratio = contrast(colour, against)
            if ratio < BODY_MINIMUM:
                self._error(
                    doc.location(("brand", field)),
                    f"brand.{field}",
                    f"độ tương phản {colour} với {other} ({against}) chỉ {ratio:.1f}:1, "
                    f"dưới mức AA {BODY_MINIMUM}:1",
                    "chọn màu đậm hơn cho chữ, hoặc nhạt hơn cho nền; kiểm tra ở "
                    "https://webaim.org/resources/contrastchecker/",
                )

    def _check_topics(self, source: m.CampaignSource, topics: list[m.Topic]) -> None:
        audience_ids = {a.id for a in source.audiences}
        ref_ids = {r.id for r in source.legal_references}
        seen: dict[str, Path] = {}
        for topic in topics:
            doc = self._docs[str(topic.source_path)]
            if topic.id in seen:
                self._error(
                    doc.location(("id",)),
                    "id",
                    f"id chủ đề '{topic.id}' trùng với {seen[topic.id].name}",
                    "đặt cho mỗi chủ đề một id riêng",
                )
                continue
            seen[topic.id] = topic.source_path
            self._unknown(topic.audiences, audience_ids, "audiences", doc)
            self._unknown(tuple(topic.actions), audience_ids, "actions", doc)
            self._unknown(topic.legal, ref_ids, "legal", doc)
            if topic.image:
                self._file_exists(topic.image.path, doc.location(("image", "path")), "image.path")
            for image, line in body_images(topic.body):
                self._file_exists(image, Location(topic.source_path, line), "body")

    def _check_quizzes(self, source: m.CampaignSource, topics: list[m.Topic], quizzes: list[m.Quiz]) -> None:
        audience_ids = {a.id for a in source.audiences}
        topic_ids = {t.id for t in topics}
        for quiz in quizzes:
            doc = self._docs[f"quiz:{quiz.id}"]
            if quiz.audience not in audience_ids:
                self._error(
                    doc.location(("audience",)),
                    "audience",
                    f"không có đối tượng '{quiz.audience}'",
                    _choices(audience_ids),
                )
            self._duplicates((q.id for q in quiz.questions), "questions", doc)
            for i, q in enumerate(quiz.questions):
                if q.answer > len(q.choices):
                    self._error(
                        doc.location(("questions", i, "answer")),
                        f"questions.{i}.answer",
                        f"đáp án {q.answer} nhưng chỉ có {len(q.choices)} lựa chọn",
                        "answer là số thứ tự của lựa chọn đúng, đếm từ 1",
                    )
                if q.topic and q.topic not in topic_ids:
                    self._error(
                        doc.location(("questions", i, "topic")),
                        f"questions.{i}.topic",
                        f"không có chủ đề '{q.topic}'",
                        _choices(topic_ids),
                    )

    def _check_lessons(
        self, source: m.CampaignSource, topics: list[m.Topic], lessons: list[m.Lesson]
    ) -> None:
        audiences = {a.id: a for a in source.audiences}
        topic_ids = {t.id for t in topics}
        for lesson in lessons:
            doc = self._docs[f"lesson:{lesson.id}"]
            if lesson.audience not in audiences:
                self._error(
                    doc.location(("audience",)),
                    "audience",
                    f"không có đối tượng '{lesson.audience}'",
                    _choices(set(audiences)),
                )
            self._unknown(lesson.topics, topic_ids, "topics", doc)
            total = sum(a.minutes for a in lesson.activities)
            if total > lesson.duration:
                self._error(
                    doc.location(("activities",)),
                    "activities",
                    f"các hoạt động dài {total} phút, quá thời lượng {lesson.duration} phút",
                    "rút ngắn hoạt động hoặc tăng duration",
                )

    # --- helpers ----------------------------------------------------------------------------

    def _error(self, location: Location, field: str, message: str, fix: str = "") -> None:
        self.diagnostics.append(Diagnostic(location, field, message, fix))

    def _duplicates(self, ids: Iterable[str], field: str, doc: YamlDocument) -> None:
        seen: set[str] = set()
        for i, item in enumerate(ids):
            if item in seen:
                self._error(
                    doc.location((field, i, "id")),
                    f"{field}.{i}.id",
                    f"id '{item}' bị trùng",
                    "đặt cho mỗi mục một id riêng",
                )
            seen.add(item)

    def _unknown(self, used: tuple[str, ...], known: set[str], field: str, doc: YamlDocument) -> None:
        for i, item in enumerate(used):
            if item not in known:
                loc = (field, item) if field == "actions" else (field, i)
                self._error(
                    doc.location(loc),
                    f"{field}",
                    f"không có '{item}' trong campaign.yaml",
                    _choices(known),
                )

    def _file_exists(self, relative: str, location: Location, field: str) -> None:
        path = (self.folder / relative).resolve()
        inside = path.is_relative_to(self.folder.resolve())
        if not inside or not path.is_file():
            self._error(
                location,
                field,
                f"không thấy tệp '{relative}'",
                "đường dẫn tính từ thư mục chiến dịch, ví dụ assets/anh.png; "
                "kiểm tra tên tệp (phân biệt chữ hoa, chữ thường)",
            )


def _choices(known: set[str]) -> str:
    return "dùng một trong: " + ", ".join(sorted(known)) if known else ""
