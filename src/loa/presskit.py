"""Press kits: one ZIP per audience (and per co-branded unit) with a manifest and a Vietnamese README."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from loa import model as m
from loa.executors import map_in_processes
from loa.renderers.base import Artifact, StoredArtifact
from loa.renderers.context import help_context, portal_link
from loa.writer import keep_in, keep_written_in
from loa.zips import Entry, archive, write_archive

# ZIP entries get a fixed time so the same products give byte-identical kits.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
KIT_VERSION = "1"
"""Bump when the kit layout changes, so kits cached by content are zipped again."""
PACKED_FORMATS = frozenset({"png", "jpg", "jpeg", "pdf", "docx", "pptx", "xlsx", "zip", "mp4", "mp3", "woff"})
KIND_NAMES = {
    "article": "Bài báo", "slides": "Bài trình chiếu", "handout": "Tài liệu phát tay",
    "poster": "Áp phích", "card": "Ảnh mạng xã hội", "infographic": "Đồ họa thông tin",
    "quiz": "Phiếu câu hỏi", "quiz-key": "Đáp án câu hỏi", "lesson-plan": "Giáo án",
    "social": "Bài đăng mạng xã hội", "video": "Video", "audio": "Bản tin truyền thanh",
}  # fmt: skip


def compose_press_kits(
    campaign: m.Campaign,
    products: list[Artifact],
    previous: Mapping[str, list[Artifact]] | None = None,
    *,
    staging: Path | None = None,
    workers: int = 1,
) -> Iterator[Artifact]:
    """Yield a kit per audience, plus one per recipient unit; a kit whose contents are unchanged
    since the previous build (same README, same files by SHA-256) is reused, not zipped again.

    One at a time: a unit's kit holds its whole pack (~5 MB of posters and cards), and a province
    has thousands of units, so each kit should be put on disk before the next is made. Given a
    staging folder and several workers, units' kits are zipped in that many processes, which write
    each kit at its place there (`loa.writer.keep_written_in`) and hand back only its file's name."""
    previous = previous or {}
    shared = [p for p in products if not p.path.startswith("don-vi/")]
    for a in campaign.audiences:
        own = [p for p in shared if p.audience in (a.id, None)]
        title = f"Bộ tài liệu — {a.name}"
        yield _cached_kit(previous, campaign, f"bo-tai-lieu/{a.id}.zip", title, a, None, own)
    by_unit: dict[str, list[Artifact]] = {}
    for product in products:
        if product.path.startswith("don-vi/"):
            by_unit.setdefault(product.path.split("/", 2)[1], []).append(product)
    orders = [_UnitKit(unit, by_unit.get(unit.code, [])) for unit in campaign.units]
    if staging is None or workers < 2 or len(orders) < KIT_POOL_THRESHOLD:
        yield from (_unit_kit((campaign, previous, None), order) for order in orders)
        return
    kits_before = {key: found for key, found in previous.items() if any(a.kind == "press-kit" for a in found)}
    yield from map_in_processes(
        _unit_kit,
        (campaign, _by_reference(kits_before), staging),
        [_UnitKit(order.unit, _by_reference(order.items)) for order in orders],
        workers=workers,
    )


KIT_POOL_THRESHOLD = 64
"""From this many units, their kits are zipped on several processes."""


@dataclass(frozen=True)
class _UnitKit:
    unit: m.Unit
    items: list[Artifact]


def _unit_kit(
    shared: tuple[m.Campaign, Mapping[str, list[Artifact]], Path | None], order: _UnitKit
) -> Artifact:
    campaign, previous, staging = shared
    unit = order.unit
    audience = campaign.audience(unit.audience) if unit.audience else None
    title = f"Bộ tài liệu — {unit.name}"
    kit = _cached_kit(
        previous, campaign, f"don-vi/{unit.code}.zip", title, audience, unit, order.items, staging
    )
    if staging is None:
        return kit
    stored = kit if isinstance(kit, StoredArtifact) else keep_in(staging, kit)
    return stored.by_reference()


def _by_reference(value: Any) -> Any:
    """Return artifacts (in a list or a mapping of lists) to pickle as their files' names."""
    if isinstance(value, Mapping):
        return {key: _by_reference(found) for key, found in value.items()}
    return [a.by_reference() if isinstance(a, StoredArtifact) else a for a in value]


def _cached_kit(
    previous: Mapping[str, list[Artifact]],
    campaign: m.Campaign,
    path: str,
    title: str,
    audience: m.Audience | None,
    unit: m.Unit | None,
    items: list[Artifact],
    staging: Path | None = None,
) -> Artifact:
    """Return a kit: the previous build's when its contents are unchanged, else zipped anew (written
    straight to its place in `staging` when one is given)."""
    readme = _readme(campaign, title, audience, unit, items)
    listing = "\n".join(f"{p.path} {p.sha256}" for p in sorted(items, key=lambda p: p.path))
    key = hashlib.sha256(f"{KIT_VERSION}\n{path}\n{readme}\n{listing}".encode()).hexdigest()
    for found in previous.get(key, []):
        if found.path == path:
            return found
    entries = _entries(readme, title, items)
    kit = Artifact(
        path=path, data=b"", kind="press-kit", format="zip", media_type="application/zip", title=title,
        audience=audience.id if audience else None, input_hash=key,
    )  # fmt: skip
    if staging is not None:
        return keep_written_in(staging, kit, lambda handle: write_archive(handle, entries, when=ZIP_TIME))
    return replace(kit, data=archive(entries, when=ZIP_TIME))


def _entries(readme: str, title: str, items: list[Artifact]) -> list[Entry]:
    """Return a kit's files: its README, its manifest, then the products by path."""
    entries = [
        {
            "path": p.path,
            "kind": p.kind,
            "format": p.format,
            "topic": p.topic,
            "audience": p.audience,
            "title": p.title,
            "sha256": p.sha256,
        }
        for p in items
    ]
    listing = json.dumps({"title": title, "products": entries}, ensure_ascii=False, indent=2) + "\n"
    return [
        Entry.of("DOC-TRUOC.txt", readme.encode(), deflate=True),
        Entry.of("manifest.json", listing.encode(), deflate=True),
        *(_entry(item) for item in sorted(items, key=lambda p: p.path)),
    ]


def _entry(item: Artifact) -> Entry:
    """Return a product's entry. Images, PDFs, Office files and media are compressed already:
    deflating them again costs seconds per kit and saves almost nothing. The rest (SVG, HTML, text)
    is deflated once and copied into every kit that holds it."""
    if item.path.rsplit(".", 1)[-1].lower() in PACKED_FORMATS:
        if item.file is not None:  # left where it is until the kit is written
            return Entry.of_file(item.path, item.file, item.size)
        return Entry.of(item.path, item.data, deflate=False)
    return _DEFLATED.entry(item)


class _Deflated:
    """Deflated entries by their bytes' SHA-256: the latest kept, up to `limit` bytes in all."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0

    def entry(self, item: Artifact) -> Entry:
        key = item.sha256
        found = self.kept.get(key)
        if found is not None:
            self.kept.move_to_end(key)
            return found.named(item.path)
        found = self.kept[key] = Entry.of(item.path, item.data, deflate=True)
        self.size += len(found.stored)
        while self.size > self.limit and len(self.kept) > 1:
            self.size -= len(self.kept.popitem(last=False)[1].stored)
        return found


_DEFLATED = _Deflated(64 * 1024 * 1024)
"""A campaign's SVGs, HTML and text deflate to a few MB; every audience's kit holds most of them."""


def _readme(
    campaign: m.Campaign,
    title: str,
    audience: m.Audience | None,
    unit: m.Unit | None,
    items: Iterable[Artifact],
) -> str:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    lines = [
        title.upper(),
        "",
        f"Chiến dịch: {campaign.title}",
        f"Đơn vị phát hành: {campaign.issuer.name}",
        *([f"Đơn vị sử dụng: {unit.name}"] if unit else []),
        *([f"Dành cho: {audience.name}"] if audience else []),
        f"Thời gian: {campaign.period.start:%d/%m/%Y} – {campaign.period.end:%d/%m/%Y}",
        "",
        "TRONG BỘ NÀY",
        *(f"- {KIND_NAMES.get(kind, kind)}: {n} tệp" for kind, n in sorted(counts.items())),
        "",
        "CÁCH DÙNG",
        "- Được phép sao chép, in ấn và đăng tải để tuyên truyền; giữ nguyên khối «Khi cần giúp đỡ».",
        "- Không đăng ảnh, tên, trường lớp của trẻ khi chưa có đồng ý bằng văn bản của cha mẹ",
        "  và của trẻ từ đủ 7 tuổi (Luật Trẻ em 2016, Điều 6 khoản 11).",
        "- Danh sách tệp và mã kiểm tra (SHA-256) nằm trong manifest.json.",
        f"- Bản trực tuyến: {portal_link(campaign, None, unit)}",
        "",
        "KHI CẦN GIÚP ĐỠ",
        *(
            f"- {h.number}: {h.name}" + (f" ({h.description})" if h.description else "")
            for h in help_context(campaign)["hotlines"]
        ),
    ]
    return "\r\n".join(lines) + "\r\n"  # CRLF: opens cleanly in Windows Notepad
