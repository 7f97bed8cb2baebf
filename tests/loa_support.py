"""Helpers shared by the tests: where the roots are, the real `loa` command, source edits, output
digests and golden files. (Fixtures are in conftest.py; import helpers from here, since every
conftest.py under tests/ is a module named `conftest`.)"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from loa.build import STAGES
from loa.config import Settings
from loa.renderers.base import available_renderers

TESTS = Path(__file__).parent
ROOTS = TESTS / "roots"
GOLDEN = TESTS / "golden"
REPO = TESTS.parent
SOURCE_DATE_EPOCH = "1780000000"
"""Fixed build time, so two builds of the same source are byte-identical."""
SETTINGS_VARIABLES = frozenset(f"LOA_{name.upper()}" for name in Settings.model_fields)
"""LOA_* variables that change settings; removed around each test so the runner's do not leak."""
SLOW_FORMATS = frozenset({"video", "bulletin"})  # encoded media have their own tests
"""Formats the builds here leave out: encoding an MP4 takes tens of seconds; its own tests cover it."""


def quick_formats() -> list[str]:
    """Return every format Loa builds but the slow ones, with the social, press-kit and portal stages."""
    return [name for name in available_renderers() if name not in SLOW_FORMATS] + list(STAGES)


def loa_executable() -> Path:
    """Return the `loa` console script installed beside the running Python (the venv's)."""
    beside = Path(sys.executable).parent / "loa"
    if beside.is_file():
        return beside
    found = shutil.which("loa")
    if found is None:
        pytest.fail("the `loa` command is not installed: pip install -e '.[test]'", pytrace=False)
    return Path(found)


@dataclass(frozen=True)
class Run:
    """What one `loa` command did."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return f"$ loa {' '.join(self.args)}  → exit {self.returncode}\n{self.output}"


def run_loa(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run the installed `loa` command as a user would, without LOA_* settings of the runner."""
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environ |= {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "COLUMNS": "200", "NO_COLOR": "1"}
    environ |= env or {}
    command = [str(loa_executable()), *map(str, args)]
    done = subprocess.run(
        command, cwd=cwd, env=environ, capture_output=True, text=True, timeout=120, check=False
    )
    return Run(tuple(map(str, args)), done.returncode, done.stdout, done.stderr)


LoaCommand = Callable[..., Run]


def edit(path: Path, old: str, new: str) -> Path:
    """Replace text that occurs exactly once in a source file, keeping it UTF-8."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: expected '{old}' exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """Return the 1-based number of the first line of a file containing some text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def tree_digest(folder: Path) -> str:
    """Return one hash of every file's path and bytes under a folder (empty folders included).

    The build's own record of file times (.loa-build.json) is left out: it is bookkeeping, not output.
    """
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.name == ".loa-build.json":
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def assert_golden(name: str, text: str) -> None:
    """Compare text with tests/golden/<name>; LOA_REGEN_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("LOA_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"tests/golden/{name}",
                "now",
                n=2,
            )
        )
        pytest.fail(
            f"tests/golden/{name} differs from the output now. If the change is intended, "
            f"run `make golden` (or .venv/bin/python tests/regenerate_golden.py) and "
            f"review the diff.\n{diff}",
            pytrace=False,
        )
