"""The one place that writes build output: all of it, atomically, or none of it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, TextIO

from loa.errors import BuildError
from loa.renderers.base import Artifact, StoredArtifact

Finisher = Callable[[Path], None]
Writer = Callable[[BinaryIO], tuple[str, int]]
"""Writes a product's bytes to an open file; returns their SHA-256 (hex) and size."""
STATE_FILE = ".loa-build.json"
"""Written last into the output: the build key and the size and time of every file, so that a build
whose inputs did not change can check the output is intact by looking at it, not by reading it."""


@dataclass(frozen=True)
class OutputState:
    """What the next build needs to know to leave an unchanged output alone."""

    build_key: str
    products: int
    rendered: int
    """Products made by renderers (the rest were composed from them)."""


def write_output(
    out: Path,
    artifacts: Iterable[Artifact],
    manifest: dict[str, Any],
    *,
    staging: Path | None = None,
    state: OutputState | None = None,
    finish: Finisher | None = None,
) -> None:
    """Write artifacts and manifest.json into a staging folder, then swap it in for `out`.

    `staging` is the build's own (`Staging`), where products already kept there stay put; without
    it a new one is made beside `out`. A failure anywhere leaves the previous output exactly as it
    was, and no staging folder behind.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = staging or Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    root = os.fspath(staging)
    made: set[str] = set()  # a co-branded build writes a few files per folder: make each folder once
    try:
        for artifact in artifacts:
            if not _inside(artifact.path):
                raise BuildError(f"{artifact.path}: đường dẫn ra ngoài thư mục kết quả")
            # Paths as strings: a co-branded build places hundreds of thousands of files.
            target = os.path.normpath(os.path.join(root, artifact.path))
            if artifact.file_name == target:
                continue  # kept at its place by `keep_in`
            parent = os.path.dirname(target)
            if parent not in made:
                _make_folder(parent)
                made.add(parent)
            _place(artifact, target)
        with (staging / "manifest.json").open("w", encoding="utf-8") as handle:
            dump_manifest(manifest, handle)
        if finish:
            finish(staging)
        if state:
            _write_state(staging, state)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def dump_manifest(manifest: dict[str, Any], handle: TextIO) -> None:
    """Write the manifest as indented JSON, each product on a line of its own.

    Streamed, product by product: a co-branded build's manifest lists hundreds of thousands. Each
    line goes through json's C encoder; `json.dump` with an indent encodes in Python, twice as slow
    (2 s of a 3,321-unit build, while both cores wait)."""
    one_line = json.JSONEncoder(ensure_ascii=False).encode
    handle.write("{")
    for n, (key, value) in enumerate(manifest.items()):
        handle.write(f"{',' if n else ''}\n  {one_line(key)}: ")
        if key == "products" and value:
            handle.write("[\n    ")
            handle.writelines(_separated(map(one_line, value), ",\n    "))
            handle.write("\n  ]")
        else:
            handle.write(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    handle.write("\n}\n")


def _separated(items: Iterable[str], separator: str) -> Iterable[str]:
    for n, item in enumerate(items):
        yield f"{separator}{item}" if n else item


class Staging:
    """The folder a build writes its output into, beside the output, swapped in for it at the end
    (`write_output`); removed if the build fails.

    A build holds its products as files, not bytes: co-branded packs for thousands of units are
    gigabytes. Each product is written once, at its place in this folder, as soon as it is made
    (by the worker process that made it): creating a file is the costly part of writing one on
    most file systems, so none is written twice, renamed or linked.
    """

    def __init__(self, out: Path) -> None:
        out = out.resolve()
        out.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))

    def keep(self, artifact: Artifact) -> Artifact:
        """Return the artifact with its bytes written to its place in this folder."""
        return artifact if artifact.file_name is not None else keep_in(self.folder, artifact)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *_exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)  # once swapped in, nothing is left here


def _inside(path: str) -> bool:
    """Return whether a product's path stays inside the output folder: relative, without `..` (the
    staging folder is new, so no link inside it can lead out)."""
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and ".." not in parts


def keep_in(folder: Path, artifact: Artifact) -> StoredArtifact:
    """Write an artifact's bytes at its path in a staging folder and return it as a stored artifact.
    Several processes may keep products in one folder at once."""
    data = artifact.data

    def write(handle: BinaryIO) -> tuple[str, int]:
        handle.write(data)
        return hashlib.sha256(data).hexdigest(), len(data)

    return keep_written_in(folder, artifact, write)


def keep_written_in(folder: Path, artifact: Artifact, write: Writer) -> StoredArtifact:
    """Write a product at its path in a staging folder with `write`, which writes the bytes to the
    open file and returns their SHA-256 (hex) and size; return it as a stored artifact (whatever
    `artifact.data` holds is not written). A file `write` leaves unfinished is removed."""
    if not _inside(artifact.path):
        raise BuildError(f"{artifact.path}: đường dẫn ra ngoài thư mục kết quả")
    target = os.path.normpath(os.path.join(os.fspath(folder), artifact.path))
    try:
        handle = _open_new(target)
    except FileNotFoundError:
        _make_folder(os.path.dirname(target))
        handle = _open_new(target)
    try:
        with handle:
            sha256, size = write(handle)
    except BaseException:
        os.unlink(target)
        raise
    return StoredArtifact(artifact, Path(target), sha256, size)


def _write_new(target: str, data: bytes) -> None:
    """Write a file that no other name shares (see `_open_new`)."""
    with _open_new(target) as handle:
        handle.write(data)


def _open_new(target: str) -> BinaryIO:
    """Open a new file for writing that no other name shares: a file already there (a hard link to
    the previous output, say) is replaced, never written through."""
    try:
        return open(target, "xb")
    except FileExistsError:
        os.unlink(target)
        return open(target, "xb")


def _make_folder(path: str) -> None:
    """Make a folder and its missing parents: one system call when only the folder is missing (not
    os.makedirs' look at each parent first). Other processes may be making the same folders."""
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    except FileNotFoundError:
        _make_folder(os.path.dirname(path))
        _make_folder(path)


def _place(artifact: Artifact, target: str) -> None:
    """Write one artifact: a hard link to the file that holds it, else its bytes."""
    source = artifact.file
    if source is not None:
        try:
            os.link(source, target)
            return
        except FileExistsError:
            if os.path.samefile(source, target):
                return  # already there
            os.unlink(target)  # two products at one path: the last one stays, as with bytes
            return _place(artifact, target)
        except OSError:
            pass  # another file system, or links not allowed: copy the bytes
    _write_new(target, artifact.data)


def check_output_folder(out: Path) -> None:
    """Refuse, before any work, to replace a folder that holds files Loa did not write."""
    if out.is_file():
        raise BuildError(f"{out}: đây là một tệp, không phải thư mục — chọn thư mục khác cho --out")
    if out.is_dir() and not (out / "manifest.json").exists() and any(out.iterdir()):
        raise BuildError(f"{out}: thư mục đã có dữ liệu không phải do Loa tạo — chọn thư mục khác cho --out")


def recorded_files(out: Path) -> dict[str, tuple[int, int]]:
    """Return the size and modification time the last build recorded for each file it wrote."""
    try:
        files = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))["files"]
        return {str(path): (int(size), int(mtime)) for path, (size, mtime) in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def unchanged_output(out: Path, build_key: str) -> OutputState | None:
    """Return the state of an output built from the same inputs and untouched since, else None."""
    try:
        data = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
        if data["build_key"] != build_key:
            return None
        for path, (size, mtime_ns) in data["files"].items():
            info = os.stat(out / path)
            if info.st_size != size or info.st_mtime_ns != mtime_ns:
                return None
        return OutputState(build_key, int(data["products"]), int(data["rendered"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_state(folder: Path, state: OutputState) -> None:
    """Record every file's size and modification time; renaming the folder keeps both."""
    files: dict[str, list[int]] = {}
    folders = [("", str(folder))]
    while folders:
        relative, absolute = folders.pop()
        with os.scandir(absolute) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                name = f"{relative}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{name}/", entry.path))
                else:
                    info = entry.stat(follow_symlinks=False)
                    files[name] = [info.st_size, info.st_mtime_ns]
    record = {"build_key": state.build_key, "products": state.products, "rendered": state.rendered}
    (folder / STATE_FILE).write_text(json.dumps({**record, "files": files}), encoding="utf-8")


def _swap(staging: Path, out: Path) -> None:
    check_output_folder(out)
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
