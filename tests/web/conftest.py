"""pytest-django for the web app: SQLite by default, PostgreSQL when LOA_TEST_DATABASE_URL is set.

With LOA_REQUIRE_SERVICES=1 a missing Django or an unreachable PostgreSQL fails the run instead of
skipping it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

import pytest

REQUIRED = os.environ.get("LOA_REQUIRE_SERVICES") == "1"

try:
    import django  # noqa: F401
except ImportError:
    if REQUIRED:
        raise
    collect_ignore_glob = ["test_*.py"]  # the web extra is not installed: pip install -e '.[web]'
else:
    os.environ["DJANGO_SETTINGS_MODULE"] = "loa.web.settings"
    os.environ["LOA_DATA_DIR"] = tempfile.mkdtemp(prefix="loa-web-tests-")
    os.environ.pop("LOA_SECRET_KEY", None)
    os.environ.pop("LOA_ADMIN_2FA", None)
    if os.environ.get("LOA_TEST_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["LOA_TEST_DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_URL", None)


def pytest_configure(config: pytest.Config) -> None:
    """Set Django up now that its settings module is known (pytest-django's early hook ran before)."""
    try:
        from django.conf import settings
        from pytest_django.plugin import _setup_django
    except ImportError:
        return
    settings.INSTALLED_APPS  # noqa: B018 - loads the settings, so pytest-django sees them configured
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # A file, not shared-cache memory: parallel writers then queue for the lock as in production.
        test_file = os.path.join(os.environ["LOA_DATA_DIR"], "test.sqlite3")
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = test_file
    _setup_django(config)


def _postgres_problem(url: str) -> str | None:
    import psycopg

    try:
        psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at LOA_TEST_DATABASE_URL is unreachable: {str(exc).strip()}"
    return None


@pytest.fixture(scope="session", autouse=True)
def _database_reachable() -> None:
    url = os.environ.get("LOA_TEST_DATABASE_URL")
    problem = _postgres_problem(url) if url else None
    if problem and REQUIRED:
        pytest.fail(f"{problem} (LOA_REQUIRE_SERVICES=1)", pytrace=False)
    if problem:
        pytest.skip(problem)


@pytest.fixture
def tree(db: Any) -> Any:
    """Two provinces with communes, departments, police and schools (see factories.create_tree)."""
    from factories import create_tree

    return create_tree()


@pytest.fixture
def login(client: Any) -> Callable[..., Any]:
    """Sign a user in on the test client, past the second factor when their role needs one."""
    from factories import sign_in

    def do(user: Any) -> Any:
        sign_in(client, user)
        return client

    return do
