"""Serve a built portal on loopback and drive Debian's Chromium: shared by the browser tests and
the README screenshot script."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from loa.site.serve import portal_server

REPO = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    """Return Debian's Chromium (or $LOA_CHROMIUM), or None when it is not installed."""
    wanted = os.environ.get("LOA_CHROMIUM", "/usr/bin/chromium")
    return wanted if Path(wanted).is_file() else shutil.which("chromium")


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve a built site on a free loopback port in a thread; yield its base URL."""
    server = portal_server(site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, name="portal-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def launch_chromium(playwright: Any, executable: str) -> Any:
    """Launch Debian's Chromium headless through Playwright, with no background network."""
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)


def wait_for_fonts(page: Any) -> None:
    """Wait until web fonts have loaded, so screenshots and font checks see Be Vietnam Pro."""
    page.evaluate("document.fonts.ready.then(() => true)")
