"""Regenerate tests/golden/ from tests/roots/: the campaign model each golden root is read into.

One command, from the repository root:

    .venv/bin/python tests/regenerate_golden.py

(`make golden` runs it, then reruns the suite with LOA_REGEN_GOLDEN=1 so any golden a test
compares through `assert_golden` is rewritten too.) Then review `git diff tests/golden` like
code: every changed line is a change in what Loa reads from a campaign folder.

A golden file is `read_campaign(root)` dumped as JSON (indent 2, sorted keys, Vietnamese left
readable), with file paths made relative to the root so it is the same on every machine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from loa.readers import read_campaign

TESTS = Path(__file__).parent
ROOTS = TESTS / "roots"
GOLDEN = TESTS / "golden"
GOLDEN_ROOTS = ("minimal", "full")
"""Roots whose model is kept as tests/golden/<root>.model.json."""
PATH_FIELDS = ("root", "source_path")


def model_projection(root: Path) -> dict[str, Any]:
    """Return the campaign read from a root as JSON data, with paths relative to the root."""
    campaign, _warnings = read_campaign(root)
    data: dict[str, Any] = _relative_paths(campaign.model_dump(mode="json"), root)
    return data


def golden_text(data: Any) -> str:
    """Return data as a golden file's text: readable, stable, one trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def model_golden_name(root_name: str) -> str:
    """Return the golden file name of a root's model."""
    return f"{root_name}.model.json"


def _relative_paths(data: Any, root: Path) -> Any:
    if isinstance(data, dict):
        return {
            k: Path(v).relative_to(root).as_posix()
            if k in PATH_FIELDS and isinstance(v, str)
            else _relative_paths(v, root)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_relative_paths(v, root) for v in data]
    return data


def main() -> int:
    """Write every model golden file and say which ones changed."""
    GOLDEN.mkdir(exist_ok=True)
    for name in GOLDEN_ROOTS:
        path = GOLDEN / model_golden_name(name)
        text = golden_text(model_projection(ROOTS / name))
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        path.write_text(text, encoding="utf-8")
        state = "unchanged" if old == text else "written" if old is None else "CHANGED"
        print(f"{state:9} tests/golden/{path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
