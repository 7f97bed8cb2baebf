"""Piper: a neural voice from a local .onnx file the operator supplies (none is bundled offline)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import ClassVar

from loa.speech.base import Speech, SpeechEngine, SpeechError


class PiperEngine(SpeechEngine):
    """Runs the piper program with a voice model path: LOA_SPEECH_VOICE=/path/vi_VN-....onnx."""

    name: ClassVar[str] = "piper"

    def program(self) -> list[str] | None:
        """Return the command that runs piper: LOA_PIPER, `piper` on PATH, or the piper-tts module."""
        if override := os.environ.get("LOA_PIPER"):
            return [override]
        if found := shutil.which("piper"):
            return [found]
        if importlib.util.find_spec("piper") is not None:
            return [sys.executable, "-m", "piper"]
        return None

    def unavailable_reason(self) -> str | None:
        if not self.voice:
            return "Piper cần đường dẫn tệp giọng .onnx — đặt LOA_SPEECH_VOICE=/đường/dẫn/giọng.onnx"
        if not Path(self.voice).is_file():
            return f"không thấy tệp giọng Piper {self.voice} — kiểm tra LOA_SPEECH_VOICE"
        if self.program() is None:
            return "không tìm thấy Piper — cài bằng: pip install piper-tts (hoặc đặt LOA_PIPER)"
        return None

    def synthesize(self, text: str) -> Speech:
        reason = self.unavailable_reason()
        if reason:
            raise SpeechError(reason)
        with tempfile.TemporaryDirectory(prefix="loa-piper-") as folder:
            out = Path(folder) / "speech.wav"
            command = [*(self.program() or []), "--model", self.voice, "--output_file", str(out)]
            done = subprocess.run(command, input=text.encode(), capture_output=True, check=False)
            if done.returncode != 0 or not out.is_file():
                raise SpeechError(
                    f"Piper không đọc được: {done.stderr.decode(errors='replace').strip()[-300:]}"
                )
            return Speech.from_wav(out.read_bytes())
