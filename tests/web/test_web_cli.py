"""`loa web <command>` runs Django's management commands; the core never loads Django."""

from __future__ import annotations

import subprocess
import sys


def test_loa_web_forwards_a_management_command(loa, tmp_path) -> None:
    run = loa("web", "check", env={"LOA_DATA_DIR": str(tmp_path / "data")})
    assert run.returncode == 0, run
    assert "System check identified no issues" in run.output


def test_loa_web_passes_the_exit_code_of_a_failing_command(loa, tmp_path) -> None:
    run = loa("web", "khong-co-lenh-nay", env={"LOA_DATA_DIR": str(tmp_path / "data")})
    assert run.returncode == 1 and "Unknown command" in run.output


def test_the_core_commands_do_not_load_django() -> None:
    code = "import sys, loa.cli, loa.build, loa.site; print('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_without_django_loa_web_says_how_to_install_it(tmp_path) -> None:
    code = (
        "import importlib.util, sys\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda name, *a: None if name == 'django' else real(name, *a)\n"
        "sys.argv = ['loa', 'web', 'check']\n"
        "from loa.cli import main\nmain()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert "pip install 'loa[web]'" in done.stderr


def test_production_settings_pass_the_deploy_check(loa, tmp_path) -> None:
    env = {
        "LOA_DATA_DIR": str(tmp_path / "data"),
        "LOA_HTTPS": "1",
        "LOA_SECRET_KEY": "k" * 20 + "-x9Q2v7Lm3Zp8Rt6Wy4Bn1Hc5Df0Gs-" + "u" * 20,
        "DATABASE_URL": "postgres://loa@127.0.0.1:5432/loa",
        "LOA_ALLOWED_HOSTS": "loa.example.vn",
    }
    run = loa("web", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert run.returncode == 0, run


def test_the_embedded_default_warns_what_to_set_for_production(loa, tmp_path) -> None:
    run = loa("web", "check", "--deploy", env={"LOA_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": ""})
    assert "loa.W001" in run.output and "loa.W002" in run.output


def test_the_models_and_migrations_agree(db) -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())  # exits 1 on a missing one
