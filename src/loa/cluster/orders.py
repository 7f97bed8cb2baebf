"""What travels through the broker: small JSON orders naming a job, never the campaign itself.

A render order carries the job, its input hash and where the campaign is; the worker reads the
campaign there and checks that its own reading gives the same input hash before it renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loa.cluster.store import Store
from loa.renderers.base import Job


@dataclass(frozen=True)
class RenderOrder:
    """Render one job of a campaign into the store under its input hash."""

    job: Job
    key: str
    """The job's input hash: the name of its entry in the store."""
    root: str
    """Absolute path of the campaign folder, as the workers see it."""
    units: str | None
    """Key of the recipient units in the store (co-branded builds), or None."""
    store_root: str

    def store(self) -> Store:
        return Store(Path(self.store_root))

    def to_json(self) -> dict[str, Any]:
        job = self.job
        return {
            "job": {
                "renderer": job.renderer,
                "topic": job.topic,
                "audience": job.audience,
                "unit": job.unit,
                "options": [list(pair) for pair in job.options],
                "units": list(job.units),
            },
            "key": self.key,
            "root": self.root,
            "units": self.units,
            "store": self.store_root,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RenderOrder:
        job = data["job"]
        return cls(
            job=Job(
                renderer=job["renderer"],
                topic=job["topic"],
                audience=job["audience"],
                unit=job["unit"],
                options=tuple((str(k), str(v)) for k, v in job["options"]),
                units=tuple(job["units"]),
            ),
            key=data["key"],
            root=data["root"],
            units=data["units"],
            store_root=data["store"],
        )


@dataclass(frozen=True)
class PublishOrder:
    """Publish the due posts of a build (the worker's own environment holds the tokens)."""

    key: str
    """One per `loa publish` run: copies of the same order share it."""
    site: str
    channels: tuple[str, ...]
    schedule: str | None = None
    calendar: str | None = None
    provinces: tuple[str, ...] | None = None
    """With a Zalo broadcast: the 2025 province codes it targets (empty: all); None: no broadcast."""

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "site": self.site,
            "channels": list(self.channels),
            "schedule": self.schedule,
            "calendar": self.calendar,
            "provinces": None if self.provinces is None else list(self.provinces),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublishOrder:
        return cls(
            key=data["key"],
            site=data["site"],
            channels=tuple(data["channels"]),
            schedule=data.get("schedule"),
            calendar=data.get("calendar"),
            provinces=None if data.get("provinces") is None else tuple(data["provinces"]),
        )
