"""Fixtures: the real `loa` command, copies of the roots, and builds to compare with."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from loa.build import build
from loa.cli import main
from loa_support import (
    ROOTS,
    SETTINGS_VARIABLES,
    SOURCE_DATE_EPOCH,
    TESTS,
    LoaCommand,
    Run,
    quick_formats,
    run_loa,
)

if importlib.util.find_spec("celery") is None and os.environ.get("LOA_REQUIRE_SERVICES") != "1":
    # The cluster extra is not installed (pip install -e '.[cluster]'): its tests cannot even import.
    collect_ignore_glob = ["test_cluster*.py"]


@pytest.fixture
def loa(tmp_path: Path) -> LoaCommand:
    """The real `loa` command, run in a scratch working folder (so no loa.yaml is picked up)."""
    workdir = tmp_path / "cwd"
    workdir.mkdir(exist_ok=True)

    def command(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
        return run_loa(*args, cwd=cwd or workdir, env=env)

    return command


@pytest.fixture
def loa_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> LoaCommand:
    """`loa` run in this process through its entry point, loa.cli:main: the same code, no start-up cost."""
    workdir = tmp_path / "cwd"
    workdir.mkdir(exist_ok=True)

    def command(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
        capsys.readouterr()
        with monkeypatch.context() as patch:
            patch.chdir(cwd or workdir)
            patch.setattr(sys, "argv", ["loa", *map(str, args)])
            for name, value in {"COLUMNS": "200", **(env or {})}.items():
                patch.setenv(name, value)
            try:
                main()
                code = 0
            except SystemExit as exited:
                code = exited.code if isinstance(exited.code, int) else int(exited.code is not None)
        captured = capsys.readouterr()
        return Run(tuple(map(str, args)), code, captured.out, captured.err)

    return command


@pytest.fixture(autouse=True)
def _fixed_build_time(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process builds get the same fixed time as the command, and no LOA_* settings."""
    if TESTS / "browser" in request.node.path.parents:
        return  # the browser tests have their own set-up
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def copy_root(tmp_path: Path) -> Callable[[str], Path]:
    """Copy tests/roots/<name> into the test's folder, to be changed there."""

    def copy(name: str, as_name: str = "chien-dich") -> Path:
        target = tmp_path / as_name
        shutil.copytree(ROOTS / name, target)
        return target

    return copy


@pytest.fixture(scope="session")
def built_minimal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/minimal built once (articles and portal); copy it before changing anything."""
    out = tmp_path_factory.mktemp("built") / "minimal"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        build(ROOTS / "minimal", out=out, formats=["article-html", "portal"])
    return out


@pytest.fixture
def previous_output(built_minimal: Path, tmp_path: Path) -> Path:
    """A good previous build of tests/roots/minimal in the test's folder, for a build to keep."""
    out = tmp_path / "_site"
    shutil.copytree(built_minimal, out)
    return out


@pytest.fixture(scope="session")
def built_full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/full built once by the real command, every quick format and the portal. Read only."""
    out = tmp_path_factory.mktemp("built") / "full"
    run = run_loa(
        "build", ROOTS / "full", "--out", out, "--formats", ",".join(quick_formats()), cwd=out.parent
    )
    assert run.returncode == 0, run
    return out
