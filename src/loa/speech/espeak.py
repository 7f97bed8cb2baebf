"""eSpeak NG: the Vietnamese voice that always works offline (Northern, Central and Southern)."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import ClassVar

from loa.speech.base import Speech, SpeechEngine, SpeechError

VOICES = {"vi": "Bắc", "vi-vn-x-central": "Trung", "vi-vn-x-south": "Nam"}
"""Vietnamese voices shipped with espeak-ng, and the region each one speaks like."""
AMPLITUDE = 100
"""Louder than 100 clips the peaks (measured); loudness is normalised afterwards anyway."""


class EspeakEngine(SpeechEngine):
    """A formant synthesiser: robotic but clear, fast (hundreds of times real time), deterministic."""

    name: ClassVar[str] = "espeak-ng"
    default_voice: ClassVar[str] = "vi"

    def __init__(self, voice: str | None = None, *, speed: int = 165) -> None:
        super().__init__(voice)
        self.speed = speed

    def program(self) -> str | None:
        """Return the espeak-ng program to run (LOA_ESPEAK overrides the one on PATH)."""
        return shutil.which(os.environ.get("LOA_ESPEAK") or "espeak-ng")

    def unavailable_reason(self) -> str | None:
        if self.program() is None:
            return "không tìm thấy espeak-ng để đọc lời thuyết minh — cài bằng: apt-get install espeak-ng"
        if self.voice not in VOICES:
            return f"giọng espeak-ng không có: {self.voice} — chọn một trong {', '.join(VOICES)}"
        return None

    def synthesize(self, text: str) -> Speech:
        reason = self.unavailable_reason()
        if reason:
            raise SpeechError(reason)
        command = [str(self.program()), "-v", self.voice, "-a", str(AMPLITUDE), "-s", str(self.speed)]
        command += ["-b", "1", "--stdin", "--stdout"]
        done = subprocess.run(command, input=text.encode(), capture_output=True, check=False)
        if done.returncode != 0 or not done.stdout:
            raise SpeechError(f"espeak-ng không đọc được: {done.stderr.decode(errors='replace').strip()}")
        return Speech.from_wav(done.stdout)
