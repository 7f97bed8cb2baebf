"""A cloud text-to-speech service behind one small HTTP contract, configured by URL and key.

Request: `POST <LOA_TTS_URL>` with `Authorization: Bearer <LOA_TTS_KEY>` and the JSON body
`{"text": ..., "voice": ..., "language": "vi-VN", "format": "wav"}`.
Response: the WAV bytes (`audio/wav`), or JSON `{"audio": "<base64 WAV>"}` (`audioContent` also
accepted). A provider with another API gets a small proxy or a subclass overriding `request()`.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import urllib.error
import urllib.request
from typing import ClassVar

from loa.speech.base import Speech, SpeechEngine, SpeechError

TIMEOUT = 60.0
"""Seconds to wait for one utterance."""


class CloudEngine(SpeechEngine):
    """Speech from an HTTP service; the key comes from the environment only, never from files."""

    name: ClassVar[str] = "cloud"
    default_voice: ClassVar[str] = "vi-VN"

    def __init__(self, voice: str | None = None, *, url: str | None = None, key: str | None = None) -> None:
        super().__init__(voice)
        self.url = url or os.environ.get("LOA_TTS_URL", "")
        self.key = key or os.environ.get("LOA_TTS_KEY", "")

    def unavailable_reason(self) -> str | None:
        if not self.url.startswith(("http://", "https://")):
            return "dịch vụ đọc trên mạng cần địa chỉ — đặt LOA_TTS_URL=https://..."
        if not self.key:
            return "dịch vụ đọc trên mạng cần khóa — đặt biến môi trường LOA_TTS_KEY"
        return None

    def request(self, text: str) -> urllib.request.Request:
        """Return the HTTP request for one utterance."""
        body = {"text": text, "voice": self.voice, "language": "vi-VN", "format": "wav"}
        headers = {
            "Authorization": f"Bearer {self.key}",
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "audio/wav, application/json",
        }
        return urllib.request.Request(self.url, json.dumps(body).encode(), headers, method="POST")

    def synthesize(self, text: str) -> Speech:
        reason = self.unavailable_reason()
        if reason:
            raise SpeechError(reason)
        try:
            with urllib.request.urlopen(self.request(text), timeout=TIMEOUT) as response:
                kind, data = response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode(errors="replace")
            raise SpeechError(f"dịch vụ đọc trả lỗi {exc.code} ({detail})") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SpeechError(f"không kết nối được dịch vụ đọc {self.url} ({exc})") from None
        return Speech.from_wav(_audio_bytes(kind, data))


def _audio_bytes(kind: str, data: bytes) -> bytes:
    """Return the WAV bytes of a response: the body itself, or base64 inside JSON."""
    if kind != "application/json":
        return data
    try:
        payload = json.loads(data)
        encoded = payload.get("audio") or payload.get("audioContent")
        return base64.b64decode(encoded, validate=True)
    except (ValueError, AttributeError, TypeError, binascii.Error):
        raise SpeechError("dịch vụ đọc trả JSON không có trường audio (WAV base64)") from None
