"""The shared store: each rendered job's artifacts in a folder named by its input hash.

A worker writes a job into a temporary folder, then renames it into place: the rename is atomic,
and a second worker that rendered the same job finds the place taken and drops its copy. So a job
has one entry however often it runs, and the build reads an entry only once it is complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import asdict
from pathlib import Path

from pydantic import TypeAdapter

from loa import model as m
from loa.renderers.base import Artifact

INDEX = "artifacts.json"
_UNITS = TypeAdapter(tuple[m.Unit, ...])


class Store:
    """A folder every machine of the cluster sees at the same path (local disk, NFS, ...)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / "jobs" / key[:2] / key

    def has(self, key: str) -> bool:
        """Return True when the job's artifacts are complete in the store."""
        return (self.path(key) / INDEX).is_file()

    def put(self, key: str, artifacts: list[Artifact]) -> bool:
        """Store a job's artifacts atomically; return False when another copy was already there."""
        temporary = self._temporary()
        index = []
        for number, artifact in enumerate(artifacts):
            (temporary / f"{number:05d}").write_bytes(artifact.data)
            index.append({k: v for k, v in asdict(artifact).items() if k != "data"})
        (temporary / INDEX).write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            temporary.rename(target)
        except OSError:  # the place is taken: the same job, rendered elsewhere, is already stored
            shutil.rmtree(temporary, ignore_errors=True)
            return False
        return True

    def load(self, key: str) -> list[Artifact]:
        """Return a stored job's artifacts."""
        folder = self.path(key)
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        return [
            Artifact(**entry, data=(folder / f"{number:05d}").read_bytes())
            for number, entry in enumerate(index)
        ]

    def entries(self) -> list[str]:
        """Return the keys of every stored job."""
        jobs = self.root / "jobs"
        return sorted(p.name for p in jobs.glob("*/*") if (p / INDEX).is_file()) if jobs.is_dir() else []

    def put_units(self, units: tuple[m.Unit, ...]) -> str:
        """Store a campaign's recipient units for the workers; return their key."""
        data = _UNITS.dump_json(units)
        key = hashlib.sha256(data).hexdigest()
        target = self.root / "units" / f"{key}.json"
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{key}.{uuid.uuid4().hex}")
            temporary.write_bytes(data)
            os.replace(temporary, target)
        return key

    def units(self, key: str) -> tuple[m.Unit, ...]:
        """Return recipient units stored by put_units."""
        return _UNITS.validate_json((self.root / "units" / f"{key}.json").read_bytes())

    def _temporary(self) -> Path:
        folder = self.root / "tmp" / uuid.uuid4().hex
        folder.mkdir(parents=True)
        return folder
