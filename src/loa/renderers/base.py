"""What every renderer is: a planner of jobs and a pure function from a job to artifacts."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import ClassVar

from loa import model as m

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


@dataclass(frozen=True)
class Job:
    """One unit of rendering work: a renderer applied to a topic, audience and (co-branded) unit."""

    renderer: str
    topic: str | None = None
    audience: str | None = None
    unit: str | None = None
    """Code of the recipient unit a co-branded job is for."""
    options: tuple[tuple[str, str], ...] = field(default=())

    @property
    def key(self) -> str:
        return "/".join(p for p in (self.renderer, self.topic, self.audience, self.unit) if p)


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

    @abstractmethod
    def plan(self, campaign: m.Campaign) -> list[Job]:
        """Return the jobs this renderer has for a campaign."""

    @abstractmethod
    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        """Return the artifacts of one job; pure, no files written."""

    def input_hash(self, campaign: m.Campaign, job: Job) -> str:
        """Return a hash of everything the job's output depends on."""
        parts = {
            "renderer": [self.name, self.version],
            "job": [job.topic, job.audience, job.unit, list(job.options)],
            "campaign": campaign.model_dump(mode="json", exclude={"topics", "quizzes", "root"}),
            "topic": campaign.topic(job.topic).model_dump(mode="json", exclude={"source_path"})
            if job.topic
            else None,
        }
        encoded = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()


def available_renderers() -> dict[str, type[Renderer]]:
    """Return every registered renderer class by name (built-ins register like plug-ins)."""
    found: dict[str, type[Renderer]] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        cls = entry.load()
        found[cls.name] = cls
    return dict(sorted(found.items()))
