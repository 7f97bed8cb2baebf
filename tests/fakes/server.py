"""A small threaded HTTP server that fakes a platform API and injects faults into writes.

Faults, drawn per write request: `timeout` (the post is recorded, then the answer comes after the
client has given up), `5xx` (nothing recorded), `429` (nothing recorded, Retry-After in seconds,
fractions allowed). While a Retry-After runs, every request is refused again and counted in
`violations` (after a short grace for requests already on the wire).
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

GRACE = 0.25  # a request already on its way when the 429 went out (slow under CPU load)
"""Seconds after a 429 during which requests already on their way are not counted as violations
(client and fake share one interpreter in the tests, so a request can wait for the GIL)."""
MARKER = re.compile(r"#loa-[0-9a-f]{8}")


@dataclass
class Faults:
    """Probabilities of each fault on a write, and their timings."""

    timeout: float = 0.0
    server_error: float = 0.0
    rate_limited: float = 0.0
    retry_after: float = 0.1
    hang: float = 0.5
    seed: int = 7

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def draw(self) -> str | None:
        """Return the fault for one write: 'timeout', '5xx', '429' or None."""
        roll = self._random.random()
        for name, chance in (
            ("timeout", self.timeout),
            ("5xx", self.server_error),
            ("429", self.rate_limited),
        ):
            if roll < chance:
                return name
            roll -= chance
        return None


@dataclass
class Request:
    """One request as the fake saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, str]
    json: Any
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Answer:
    """What the fake answers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # many clients connect at once
    daemon_threads = True


class FakeServer:
    """Base of the fakes: subclasses implement `route(request) -> Answer` and name their writes."""

    def __init__(self, faults: Faults | None = None) -> None:
        self.faults = faults or Faults()
        self.lock = threading.RLock()
        self.counts = {"timeout": 0, "5xx": 0, "429": 0}
        self.violations = 0
        self.early_retries = 0
        self._refused: dict[str, float] = {}  # marker → when it may be sent again
        self.requests = 0
        self._blocked: tuple[float, float] = (0.0, 0.0)  # (issued, until)
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def is_write(self, request: Request) -> bool:
        """Return True for requests that create something (faults apply to them)."""
        return request.method == "POST"

    def route(self, request: Request) -> Answer:
        raise NotImplementedError

    def serve(self, request: Request) -> tuple[Answer, float]:
        """Return the answer and how long to wait before sending it."""
        now = time.monotonic()
        marker = MARKER.search(json.dumps([request.form, request.json]))
        with self.lock:
            self.requests += 1
            if marker and now < self._refused.pop(marker.group(), 0.0):
                self.early_retries += 1  # this very post came back before its Retry-After
            issued, until = self._blocked
            if now < until:
                if now > issued + GRACE:
                    self.violations += 1
                if marker:
                    self._refused[marker.group()] = until
                return self._too_many(until - now), 0.0
            fault = self.faults.draw() if self.is_write(request) else None
            if fault:
                self.counts[fault] += 1
            if fault == "429":
                self._blocked = (now, now + self.faults.retry_after)
                if marker:
                    self._refused[marker.group()] = now + self.faults.retry_after
                return self._too_many(self.faults.retry_after), 0.0
        if fault == "5xx":
            return Answer(503, {"error": {"message": "Service temporarily unavailable", "code": 2}}), 0.0
        answer = self.route(request)
        return answer, (self.faults.hang if fault == "timeout" else 0.0)

    def _too_many(self, seconds: float) -> Answer:
        return Answer(
            429, {"error": {"message": "Too many calls", "code": 4}}, {"Retry-After": f"{seconds:.3f}"}
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16  # one write per answer: no Nagle/delayed-ACK stall
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                answer, delay = fake.serve(self._request())
                if delay:
                    time.sleep(delay)
                data = json.dumps(answer.body).encode()
                try:
                    self.send_response(answer.status)
                    for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    self.wfile.flush()
                except OSError:
                    pass  # the client gave up (timeout after accept)

            def _request(self) -> Request:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                kind = self.headers.get("Content-Type", "")
                form: dict[str, str] = {}
                files: dict[str, bytes] = {}
                payload: Any = None
                if kind.startswith("application/json") and body:
                    payload = json.loads(body)
                elif kind.startswith("application/x-www-form-urlencoded"):
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                elif kind.startswith("multipart/form-data"):
                    form, files = _multipart(kind, body)
                headers = {k.lower(): v for k, v in self.headers.items()}
                return Request(self.command, parts.path, query, headers, form, payload, files)

        return Handler


def _multipart(kind: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        f"Content-Type: {kind}\r\n\r\n".encode() + body
    )
    form: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if part.get_filename():
            files[name] = data
        else:
            form[name] = data.decode()
    return form, files
