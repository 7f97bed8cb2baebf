"""Text and YAML reading with what error messages need: UTF-8 checks, NFC, and line numbers."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from loa.errors import Diagnostic, Location

YamlPath = tuple[str | int, ...]
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster


class SourceProblem(Exception):
    """A file could not be read at all; carries its diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


def read_text(path: Path) -> str:
    """Return a file's text as NFC, or raise SourceProblem naming the encoding fix."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceProblem(
            Diagnostic(
                Location(path, line),
                "",
                f"tệp không phải UTF-8 (byte 0x{raw[exc.start]:02x} ở vị trí {exc.start})",
                "lưu lại tệp với mã hóa UTF-8 (Notepad/LibreOffice: Lưu thành → UTF-8), "
                f"hoặc chuyển từ Windows-1258: iconv -f CP1258 -t UTF-8 '{path.name}' -o "
                f"'{path.stem}.utf8{path.suffix}'",
                code="not-utf8",
            )
        ) from None
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n"))


@dataclass
class YamlDocument:
    """Parsed YAML data plus the line of every mapping key and sequence item."""

    path: Path
    data: Any
    lines: dict[YamlPath, int] = field(default_factory=dict)
    line_offset: int = 0

    def line_of(self, loc: Sequence[str | int]) -> int:
        """Return the line of the deepest known part of a path (1-based, in the file)."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1) + self.line_offset

    def location(self, loc: Sequence[str | int]) -> Location:
        """Return the file and line for a path inside the document."""
        return Location(self.path, self.line_of(loc))


def parse_yaml(text: str, path: Path, *, line_offset: int = 0) -> YamlDocument:
    """Parse YAML text, keeping line numbers; raise SourceProblem on broken YAML."""
    # Parsed once: the nodes give the lines, the safe loader (the C one when present) builds the data.
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 1 if mark else 1) + line_offset
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceProblem(
            Diagnostic(
                Location(path, line),
                "",
                f"YAML hỏng: {problem}",
                "kiểm tra thụt lề (dùng dấu cách, không dùng Tab) và đặt trong ngoặc kép "
                'những chuỗi có dấu ":" hoặc "#"',
                code="yaml",
            )
        ) from None
    finally:
        loader.dispose()
    doc = YamlDocument(path, data, line_offset=line_offset)
    if node is not None:
        _record_lines(node, (), doc.lines)
    return doc


def _record_lines(node: yaml.Node, here: YamlPath, lines: dict[YamlPath, int]) -> None:
    lines.setdefault(here, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*here, str(key.value))
            lines[child] = key.start_mark.line + 1
            _record_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*here, index), lines)


_MESSAGES = {
    "missing": ("thiếu trường bắt buộc", "thêm trường này"),
    "string_pattern_mismatch": ("giá trị không đúng dạng", ""),
    "date_from_datetime_parsing": ("ngày không hợp lệ", "viết ngày theo dạng YYYY-MM-DD"),
    "date_parsing": ("ngày không hợp lệ", "viết ngày theo dạng YYYY-MM-DD"),
    "date_type": ("ngày không hợp lệ", "viết ngày theo dạng YYYY-MM-DD"),
    "string_type": ("cần một chuỗi chữ", 'đặt giá trị trong ngoặc kép, ví dụ "111"'),
    "int_parsing": ("cần một số nguyên", ""),
    "literal_error": ("giá trị không được phép", ""),
    "too_short": ("quá ít phần tử hoặc quá ngắn", ""),
    "too_long": ("quá nhiều phần tử hoặc quá dài", ""),
    "string_too_short": ("chuỗi quá ngắn", ""),
    "tuple_type": ("cần một danh sách", "viết mỗi phần tử trên một dòng bắt đầu bằng '- '"),
    "model_type": ("cần một nhóm trường (mapping)", ""),
    "dict_type": ("cần một nhóm trường (mapping)", ""),
}

_PATTERN_FIXES = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "chỉ dùng chữ thường không dấu, số và dấu '-', ví dụ tre-11-15",
    r"^#[0-9A-Fa-f]{6}$": 'viết màu dạng "#RRGGBB" trong ngoặc kép, ví dụ "#0B4F8A"',
    r"^[0-9 ]{3,15}$": 'chỉ dùng chữ số, đặt trong ngoặc kép, ví dụ "111"',
}


def validate(
    model: type[BaseModel], doc: YamlDocument, *, prefix: YamlPath = ()
) -> tuple[BaseModel | None, list[Diagnostic]]:
    """Validate YAML data against a model; return it or located, fix-naming diagnostics."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, [_diagnostic(model, doc, err, prefix) for err in exc.errors()]


def _diagnostic(model: type[BaseModel], doc: YamlDocument, err: Any, prefix: YamlPath) -> Diagnostic:
    loc: YamlPath = tuple(err["loc"])
    field_name = ".".join(str(p) for p in (*prefix, *loc))
    kind = err["type"]
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        near = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        fix = f"có phải ý bạn là '{near[0]}'?" if near else f"các trường hợp lệ: {', '.join(known)}"
        return Diagnostic(doc.location(loc), field_name, "trường không có trong định dạng", fix)
    message, fix = explain(err)
    if kind == "missing" and not loc:
        message = "tệp trống"
    return Diagnostic(doc.location(loc), field_name, message, fix)


def explain(err: Any) -> tuple[str, str]:
    """Return a pydantic error as (what is wrong, how to fix) in Vietnamese."""
    kind = err["type"]
    message, fix = _MESSAGES.get(kind, (err["msg"], ""))
    if kind == "string_pattern_mismatch":
        fix = _PATTERN_FIXES.get(str(err.get("ctx", {}).get("pattern", ""))) or fix
    if kind == "literal_error":
        fix = f"chọn một trong: {err.get('ctx', {}).get('expected', '')}"
    if kind in ("too_short", "too_long", "string_too_short") and "ctx" in err:
        message = f"{message} ({err['msg']})"
    return message, fix


def _fields_at(model: type[BaseModel], loc: YamlPath) -> list[str]:
    """Return the field names of the (nested) model reached by a path."""
    current: Any = model
    keyed = False  # the previous part was a dict field (actions), so this part is one of its keys
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        field_info = getattr(current, "model_fields", {}).get(part)
        if field_info is None:
            return []
        keyed = get_origin(field_info.annotation) is dict
        current = _model_in(field_info.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    """Find a BaseModel class inside an annotation like tuple[X, ...] or X | None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
