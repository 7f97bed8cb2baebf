"""The one place that writes build output: all of it, atomically, or none of it."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from loa.errors import BuildError
from loa.renderers.base import Artifact

Finisher = Callable[[Path], None]


def write_output(
    out: Path,
    artifacts: Iterable[Artifact],
    manifest: dict[str, Any],
    *,
    finish: Finisher | None = None,
) -> None:
    """Write artifacts and manifest.json into a staging folder, then swap it in for `out`.

    A failure anywhere leaves the previous output exactly as it was.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for artifact in artifacts:
            target = staging / artifact.path
            if staging not in target.resolve().parents:
                raise BuildError(f"{artifact.path}: đường dẫn ra ngoài thư mục kết quả")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(artifact.data)
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if finish:
            finish(staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def check_output_folder(out: Path) -> None:
    """Refuse, before any work, to replace a folder that holds files Loa did not write."""
    if out.is_file():
        raise BuildError(f"{out}: đây là một tệp, không phải thư mục — chọn thư mục khác cho --out")
    if out.is_dir() and not (out / "manifest.json").exists() and any(out.iterdir()):
        raise BuildError(f"{out}: thư mục đã có dữ liệu không phải do Loa tạo — chọn thư mục khác cho --out")


def _swap(staging: Path, out: Path) -> None:
    check_output_folder(out)
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
