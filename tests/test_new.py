"""`loa new`: the scaffold a non-programmer starts from is a campaign Loa accepts without warning."""

from __future__ import annotations

from pathlib import Path

from loa import __version__
from loa_support import LoaCommand, tree_digest


def test_new_campaign_passes_a_strict_check(loa: LoaCommand, tmp_path: Path) -> None:
    created = loa("new", tmp_path / "chien-dich-moi")
    assert created.returncode == 0, created
    assert "loa check" in created.stdout, "it says what to do next"
    checked = loa("check", "--strict", tmp_path / "chien-dich-moi")
    assert checked.returncode == 0, checked
    assert "0 cảnh báo" in checked.stdout


def test_new_refuses_a_folder_that_has_files(loa: LoaCommand, tmp_path: Path) -> None:
    folder = tmp_path / "tai-lieu"
    folder.mkdir()
    (folder / "ghi-chu.txt").write_text("của tôi", encoding="utf-8")
    before = tree_digest(folder)
    run = loa("new", folder)
    assert run.returncode == 1, run
    assert str(folder) in " ".join(run.stderr.split())
    assert "Traceback" not in run.output
    assert tree_digest(folder) == before


def test_version_is_printed(loa: LoaCommand) -> None:
    run = loa("--version")
    assert run.returncode == 0, run
    assert run.stdout.strip() == f"loa {__version__}"
