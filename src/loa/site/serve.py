"""Serve a built portal over HTTP on this machine (`loa serve`, `loa up`, the browser tests): its files
with UTF-8 content types, its own 404 page for unknown paths, no request log."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class PortalServer(ThreadingHTTPServer):
    # A browser opens many connections at once; the default backlog of 5 can refuse some under load.
    request_queue_size = 64
    daemon_threads = True


class PortalHandler(SimpleHTTPRequestHandler):
    """Serve the site's files without logging, and its 404 page for unknown paths."""

    extensions_map = {  # noqa: RUF012 - overrides the base class's table
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".json": "application/json",
        ".pf_meta": "application/octet-stream",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer unknown paths with the portal's own 404 page, as a web server would."""
        page = Path(str(self.directory)) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def portal_server(root: Path, host: str, port: int) -> PortalServer:
    """Return a server for the site at `root`, bound to host and port (0: a free one), not yet serving."""
    return PortalServer((host, port), functools.partial(PortalHandler, directory=str(root)))
