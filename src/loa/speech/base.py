"""What every speech engine is: text in, mono 16-bit PCM out, with a reason when it cannot run."""

from __future__ import annotations

import io
import wave
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from loa.errors import BuildError


class SpeechError(BuildError):
    """A speech engine could not speak a text (missing program, bad voice, service error)."""


@dataclass(frozen=True)
class Speech:
    """Spoken audio in memory: mono, signed 16-bit little-endian samples."""

    pcm: bytes
    rate: int

    @property
    def samples(self) -> int:
        return len(self.pcm) // 2

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.samples / self.rate

    def to_wav(self) -> bytes:
        """Return the audio as a WAV file."""
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.rate)
            wav.writeframes(self.pcm)
        return out.getvalue()

    @classmethod
    def from_wav(cls, data: bytes) -> Speech:
        """Read a 16-bit WAV file (mono, or stereo mixed down to mono)."""
        try:
            with wave.open(io.BytesIO(data), "rb") as wav:
                channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
                frames = wav.readframes(wav.getnframes())
        except (wave.Error, EOFError) as exc:
            raise SpeechError(f"âm thanh không phải tệp WAV đọc được ({exc})") from None
        if width != 2 or channels not in (1, 2):
            raise SpeechError(f"cần WAV 16 bit, một hoặc hai kênh (nhận {width * 8} bit, {channels} kênh)")
        return cls(frames if channels == 1 else _downmix(frames), rate)

    @classmethod
    def silence(cls, seconds: float, rate: int) -> Speech:
        """Return silence of the given length."""
        return cls(bytes(2 * round(seconds * rate)), rate)


def _downmix(frames: bytes) -> bytes:
    """Return stereo 16-bit frames averaged to mono."""
    import array

    samples = array.array("h", frames)
    mono = array.array("h", ((samples[i] + samples[i + 1]) // 2 for i in range(0, len(samples) - 1, 2)))
    return mono.tobytes()


class SpeechEngine(ABC):
    """One text-to-speech engine with one voice."""

    name: ClassVar[str]
    """Id used in LOA_SPEECH_ENGINE: espeak-ng, piper, cloud."""
    default_voice: ClassVar[str] = ""

    def __init__(self, voice: str | None = None) -> None:
        self.voice = voice or self.default_voice

    @abstractmethod
    def synthesize(self, text: str) -> Speech:
        """Return the text spoken (the text is already normalised for speech)."""

    def unavailable_reason(self) -> str | None:
        """Return why this engine cannot run here (in Vietnamese, naming the fix), or None."""
        return None

    @property
    def identity(self) -> str:
        """Return engine and voice, for cache keys and manifests."""
        return f"{self.name}:{self.voice}"
