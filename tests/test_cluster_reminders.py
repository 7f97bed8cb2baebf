"""The reminders task workers run each morning: `loa web send_reminders` in its own process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("django", reason="the web extra is not installed: pip install -e '.[web]'")

from loa.cluster.tasks import reminders


def test_the_reminders_task_sends_the_days_reminders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "loa.web.settings")
    migrate = [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, check=True, capture_output=True)
    summary = reminders()
    assert summary.startswith("Đã gửi: 0 nhắc sắp đến hạn"), summary  # no dispatch yet: nothing to send


def test_a_failing_reminders_run_fails_the_task_with_the_commands_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'loa.sqlite3'}")
    with pytest.raises(RuntimeError, match="send_reminders exited"):
        reminders()
