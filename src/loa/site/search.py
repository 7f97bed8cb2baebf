"""Pagefind search over the built portal, with "d" matching "đ" through a folded copy of text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from loa.errors import BuildError

_FOLD = str.maketrans({"đ": "d", "Đ": "D"})


def fold_d(text: str) -> str:
    """Return text with đ/Đ written as d/D; Pagefind folds tone marks itself but not đ."""
    return text.translate(_FOLD)


def index_search(site: Path) -> None:
    """Build the Pagefind index inside a built site folder (site/pagefind/)."""
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--force-language",
        "vi",
        "--silent",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"không chạy được Pagefind để lập chỉ mục tìm kiếm: {exc}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["?"]
        raise BuildError(
            f"Pagefind lỗi khi lập chỉ mục tìm kiếm: {detail[0]} — cài lại: pip install 'pagefind[bin]'"
        )
