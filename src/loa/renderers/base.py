"""What every renderer is: a planner of jobs and a pure function from a job to artifacts."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, ClassVar

from loa import __version__
from loa import model as m
from loa.errors import BuildError

ENTRY_POINT_GROUP = "loa.renderers"


@dataclass(frozen=True)
class Artifact:
    """One output file in memory, with what the manifest says about it."""

    path: str
    """Path relative to the output folder, with forward slashes."""
    data: bytes
    kind: str
    format: str
    media_type: str
    title: str = ""
    topic: str | None = None
    audience: str | None = None
    width: int | None = None
    height: int | None = None
    alt: str | None = None
    input_hash: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        """Length in bytes."""
        return len(self.data)

    @property
    def file(self) -> Path | None:
        """A file that already holds the bytes (the writer links it instead of writing), if any."""
        return None

    @property
    def file_name(self) -> str | None:
        """The name of `file`, if any, as a string (cheaper than the Path, for hundreds of thousands)."""
        return None

    def with_input_hash(self, key: str) -> Artifact:
        """Return this artifact marked with the input hash of the job that made it."""
        return dataclasses.replace(self, input_hash=key)


class StoredArtifact(Artifact):
    """An artifact whose bytes wait in a file, read only when asked for.

    A build keeps what it renders and reuses on disk, not in memory: co-branded packs for thousands
    of units are gigabytes. Its digest and size are known without reading it.
    """

    _file: str
    _sha256: str
    _size: int

    def __init__(self, artifact: Artifact | dict[str, Any], file: Path | str, sha256: str, size: int) -> None:
        fields = artifact if isinstance(artifact, dict) else vars(artifact)
        for name in Artifact.__dataclass_fields__:
            if name != "data":
                object.__setattr__(self, name, fields.get(name, _DEFAULTS.get(name)))
        object.__setattr__(self, "_file", os.fspath(file))
        object.__setattr__(self, "_sha256", sha256)
        object.__setattr__(self, "_size", size)

    @property
    def data(self) -> bytes:
        with open(self._file, "rb") as handle:
            data = handle.read()
        if len(data) != self._size:
            raise OSError(f"{self._file}: {len(data)} bytes where {self._size} were written")
        return data

    @property
    def sha256(self) -> str:
        return self._sha256

    @property
    def size(self) -> int:
        return self._size

    @property
    def file(self) -> Path | None:
        return Path(self._file)

    @property
    def file_name(self) -> str | None:
        return self._file

    def with_input_hash(self, key: str) -> Artifact:
        return StoredArtifact({**vars(self), "input_hash": key}, self._file, self._sha256, self._size)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as a plain artifact with its bytes (to another process, which may not see the file)."""
        values = {name: getattr(self, name) for name in Artifact.__dataclass_fields__}
        return (_plain_artifact, (values,))

    def by_reference(self) -> SharedArtifact:
        """Return this artifact to pickle without its bytes, for a process on the same machine."""
        return SharedArtifact(self, self._file, self._sha256, self._size)


class SharedArtifact(StoredArtifact):
    """A stored artifact that pickles as its file's name, not its bytes: a local build's worker
    processes write what they render into the build's staging folder and hand back only this (the
    name as a string: a co-branded build hands back hundreds of thousands)."""

    def __reduce__(self) -> tuple[Any, ...]:
        values = {name: getattr(self, name) for name in Artifact.__dataclass_fields__ if name != "data"}
        return (StoredArtifact, (values, self._file, self._sha256, self._size))


def _plain_artifact(values: dict[str, Any]) -> Artifact:
    return Artifact(**values)


_DEFAULTS: dict[str, Any] = {
    name: f.default
    for name, f in Artifact.__dataclass_fields__.items()
    if f.default is not dataclasses.MISSING
}


@dataclass(frozen=True)
class Job:
    """One unit of rendering work: a renderer applied to a topic, audience and (co-branded) unit."""

    renderer: str
    topic: str | None = None
    audience: str | None = None
    unit: str | None = None
    """Code of the recipient unit a co-branded job is for."""
    options: tuple[tuple[str, str], ...] = field(default=())
    units: tuple[str, ...] = ()
    """Codes of the recipient units a batch job is for (renderers with cobrand_batch)."""

    @property
    def key(self) -> str:
        batch = f"{len(self.units)} đơn vị {self.units[0]}…{self.units[-1]}" if self.units else None
        return "/".join(p for p in (self.renderer, self.topic, self.audience, self.unit, batch) if p)


class Renderer(ABC):
    """Base class for one output format; subclasses register under the loa.renderers group."""

    name: ClassVar[str]
    """Id used on the command line: --formats article-html."""
    kind: ClassVar[str]
    """Product kind in the manifest: article, slides, poster, card, ..."""
    format: ClassVar[str]
    """File format: html, pptx, png, ..."""
    media_type: ClassVar[str]
    version: ClassVar[str] = "1"
    """Bump when output changes for the same input, so cached outputs are rebuilt."""
    cobrand: ClassVar[bool] = False
    """True when the renderer makes a variant per recipient unit (name, logo, contact, QR)."""
    cobrand_batch: ClassVar[bool] = False
    """True when render() takes a job for many units at once (Job.units) and returns every unit's
    artifacts, doing the shared work once; the build then plans one job per batch of units."""

    @abstractmethod
    def plan(self, campaign: m.Campaign) -> list[Job]:
        """Return the jobs this renderer has for a campaign."""

    @abstractmethod
    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        """Return the artifacts of one job; pure, no files written."""

    def plan_cobranded(self, campaign: m.Campaign) -> list[Job]:
        """Return the jobs repeated for every recipient unit (all of plan's, unless a renderer
        co-brands only some of its products)."""
        return self.plan(campaign)

    def unavailable_reason(self) -> str | None:
        """Return why this renderer cannot run on this machine (a missing program, named), or None."""
        return None

    def input_hash(self, job: Job, fingerprints: Fingerprints) -> str:
        """Return a hash of everything the job's output depends on."""
        parts = [self.name, self.version, job.key, repr(job.options), fingerprints.of(job)]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class Fingerprints:
    """Hashes of the parts of a campaign a job can depend on, each computed once per build."""

    def __init__(self, campaign: m.Campaign) -> None:
        self.campaign = campaign
        settings = campaign.model_dump(mode="json", exclude={"topics", "quizzes", "lessons", "units", "root"})
        self.settings = _digest([__version__, settings, _asset_digests(campaign.root)])
        self.content = _digest([campaign.model_dump(mode="json", include={"topics", "quizzes", "lessons"})])
        self._topics: dict[str, str] = {}
        self._units: dict[str, str] = {}

    def of(self, job: Job) -> str:
        """Return the fingerprint of what one job reads: settings, its topic or all content, its unit."""
        content = self.topic(job.topic) if job.topic else self.content
        unit = self.unit(job.unit) if job.unit else ""
        units = [self.unit(code) for code in job.units]
        return _digest([self.settings, content, unit, *units])

    def topic(self, topic_id: str) -> str:
        if topic_id not in self._topics:
            dump = self.campaign.topic(topic_id).model_dump(mode="json", exclude={"source_path"})
            self._topics[topic_id] = _digest([dump])
        return self._topics[topic_id]

    def unit(self, code: str) -> str:
        if code in self._units:
            return self._units[code]
        unit = self.campaign.unit(code)
        logo = (self.campaign.root / unit.logo).read_bytes() if unit.logo else b""
        self._units[code] = _digest([unit.model_dump(mode="json"), hashlib.sha256(logo).hexdigest()])
        return self._units[code]


def _digest(parts: list[Any]) -> str:
    encoded = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def _asset_digests(root: Path) -> dict[str, str]:
    folder = root / "assets"
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def renderer_names() -> list[str]:
    """Return the names of every registered renderer, sorted, without importing any of them."""
    return sorted(_entries())


def load_renderer(name: str) -> type[Renderer]:
    """Return the renderer class registered under `name`, importing only its module.

    Raises KeyError for a name nobody registered."""
    if name not in _loaded:
        entry = _entries()[name]
        cls = entry.load()
        if cls.name != name:
            raise BuildError(
                f"phần mở rộng {entry.value}: đăng ký với tên {name} nhưng lớp có name = {cls.name!r}"
                " — đặt hai tên giống nhau trong pyproject.toml (mục loa.renderers)"
            )
        _loaded[name] = cls
    return _loaded[name]


def available_renderers() -> dict[str, type[Renderer]]:
    """Return every registered renderer class by name (built-ins register like plug-ins)."""
    return {name: load_renderer(name) for name in renderer_names()}


_loaded: dict[str, type[Renderer]] = {}


def _entries() -> dict[str, EntryPoint]:
    return _entries_on(tuple(sys.path))


@functools.lru_cache(maxsize=8)
def _entries_on(path: tuple[str, ...]) -> dict[str, EntryPoint]:
    """Return the registered renderers' entry points, looked up once per import path: a plug-in put
    on the path later (tests do) is found, without reading every package's metadata per call."""
    return {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}
