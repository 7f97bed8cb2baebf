"""loa.yaml in the working folder, LOA_* environment overrides, and no secrets in files."""

from __future__ import annotations

from pathlib import Path

import pytest

from loa.config import Settings, load_settings
from loa.errors import ConfigError
from loa_support import ROOTS, LoaCommand


def write_config(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "loa.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A working folder whose loa.yaml names tests/roots/minimal and an output folder."""
    return write_config(
        tmp_path / "du-an", f"campaign: {ROOTS / 'minimal'}\nout: tu-cau-hinh\nformats: [article-html]\n"
    )


def test_loa_yaml_sets_the_campaign_and_output_folder(loa: LoaCommand, project: Path) -> None:
    run = loa("build", cwd=project)
    assert run.returncode == 0, run
    assert (project / "tu-cau-hinh" / "manifest.json").is_file()
    assert not (project / "tu-cau-hinh" / "index.html").exists(), "formats came from loa.yaml too"
    assert not (project / "_site").exists()


def test_loa_out_overrides_the_output_folder_of_loa_yaml(loa: LoaCommand, project: Path) -> None:
    run = loa("build", cwd=project, env={"LOA_OUT": "tu-bien-moi-truong"})
    assert run.returncode == 0, run
    assert (project / "tu-bien-moi-truong" / "manifest.json").is_file()
    assert not (project / "tu-cau-hinh").exists()


def test_command_line_option_overrides_loa_yaml_and_the_environment(loa: LoaCommand, project: Path) -> None:
    run = loa("build", "--out", "tu-dong-lenh", cwd=project, env={"LOA_OUT": "tu-bien-moi-truong"})
    assert run.returncode == 0, run
    assert (project / "tu-dong-lenh" / "manifest.json").is_file()
    assert not (project / "tu-bien-moi-truong").exists()


def test_environment_lists_formats_separated_by_commas(project: Path) -> None:
    settings = load_settings(project, environ={"LOA_FORMATS": "article-html,portal", "LOA_STRICT": "1"})
    assert settings.formats == ("article-html", "portal")
    assert settings.strict is True
    assert settings.campaign == ROOTS / "minimal"


def test_settings_are_the_defaults_without_loa_yaml(tmp_path: Path) -> None:
    assert load_settings(tmp_path, environ={}) == Settings()


def test_secret_in_loa_yaml_is_refused_with_a_pointer_to_environment_variables(
    loa: LoaCommand, tmp_path: Path
) -> None:
    project = write_config(tmp_path / "du-an", "out: _site\nfacebook_token: EAAB-bi-mat-123\n")
    run = loa("check", ROOTS / "minimal", cwd=project)
    assert run.returncode == 1, run
    assert "loa.yaml" in run.stderr and "facebook_token" in run.stderr
    assert "LOA_FACEBOOK_TOKEN" in run.stderr and "biến môi trường" in run.stderr
    assert "EAAB-bi-mat-123" not in run.output, "the secret is not echoed"
    assert "Traceback" not in run.output


def test_unknown_setting_in_loa_yaml_is_refused(tmp_path: Path) -> None:
    project = write_config(tmp_path / "du-an", "ouput: _site\n")
    with pytest.raises(ConfigError, match=r"loa\.yaml.*ouput"):
        load_settings(project, environ={})


def test_broken_loa_yaml_is_refused_without_a_traceback(loa: LoaCommand, tmp_path: Path) -> None:
    project = write_config(tmp_path / "du-an", "out: [_site\n")
    run = loa("check", ROOTS / "minimal", cwd=project)
    assert run.returncode == 1, run
    assert "loa.yaml" in run.stderr
    assert "Traceback" not in run.output


def test_every_setting_is_documented() -> None:
    undocumented = [name for name, info in Settings.model_fields.items() if not info.description]
    assert undocumented == []
