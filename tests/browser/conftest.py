"""Browser fixtures: build the small portal campaign once, serve it, and open Chromium pages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from portal_harness import AXE_SCRIPT, DESKTOP, chromium_path, launch_chromium, serve

from loa.build import build

ROOT = Path(__file__).parent / "roots" / "portal"
# Articles in two formats are enough to fill the download pages; the heavy renderers (PDF, images,
# slides, video) have their own tests and would only slow the browser tests down.
FORMATS = ["article-html", "article-docx", "portal"]


def unavailable(reason: str) -> NoReturn:
    """Skip for a missing tool, or fail when LOA_REQUIRE_SERVICES=1 says every tool must be there."""
    if os.environ.get("LOA_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (LOA_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def portal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test campaign built into a fresh folder, portal and search index included."""
    out = tmp_path_factory.mktemp("portal") / "site"
    build(ROOT, out=out, formats=FORMATS)
    return out


@pytest.fixture(scope="session")
def base_url(portal_site: Path) -> Iterator[str]:
    """Base URL of the built portal, served from a thread on a free loopback port."""
    with serve(portal_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium per test module (never Playwright's downloaded browsers).

    Module scope, not session: Playwright's sync API allows one running instance per thread, and
    other test modules (slides, web) start their own.
    """
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium is not installed (apt-get install chromium, or set LOA_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, executable)
        yield chromium
        chromium.close()


@pytest.fixture
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    """Window size for `page`: desktop unless a test parametrizes it indirectly (MOBILE)."""
    return getattr(request, "param", DESKTOP)


@pytest.fixture
def page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """A fresh page in its own context, failing the test on any uncaught script error."""
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"lỗi JavaScript trên trang: {errors}"


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core from npm (`npm install` at the repository root)."""
    if not AXE_SCRIPT.is_file():
        unavailable(f"axe-core is not installed ({AXE_SCRIPT} missing): run `npm install`")
    return AXE_SCRIPT
