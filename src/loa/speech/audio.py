"""Narration laid on a timeline of whole video frames: speech, pauses, and the cues they make."""

from __future__ import annotations

import array
from dataclasses import dataclass

from loa.speech.base import Speech, SpeechError

SILENCE_LEVEL = 300
"""Samples quieter than this (of 32767) count as silence when trimming an utterance's ends."""
EDGE = 0.03
"""Seconds of the quiet edge kept before and after an utterance, so consonants are not cut."""


@dataclass(frozen=True)
class Cue:
    """One spoken line and when it is heard, in seconds from the start."""

    start: float
    end: float
    text: str


def trim(speech: Speech) -> Speech:
    """Return speech without the silence engines put before and after it."""
    samples = array.array("h", speech.pcm)
    first = next((i for i, s in enumerate(samples) if abs(s) > SILENCE_LEVEL), None)
    if first is None:
        return speech
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > SILENCE_LEVEL)
    edge = round(EDGE * speech.rate)
    start, end = max(0, first - edge), min(len(samples), last + edge + 1)
    return Speech(samples[start:end].tobytes(), speech.rate)


class Timeline:
    """Mono narration built left to right; every utterance starts on a video frame boundary."""

    def __init__(self, rate: int, fps: int) -> None:
        self.rate, self.fps = rate, fps
        self.cues: list[Cue] = []
        self._pcm = bytearray()

    @property
    def frames(self) -> int:
        """Return the length so far in whole frames (the track always ends on a frame boundary)."""
        return self._frame_at(len(self._pcm) // 2)

    @property
    def seconds(self) -> float:
        return self.frames / self.fps

    def pause(self, seconds: float) -> None:
        """Append silence, rounded to whole frames."""
        self._extend_to(self.frames + max(0, round(seconds * self.fps)))

    def pause_until(self, frame: int) -> None:
        """Append silence up to a frame, if the track is shorter."""
        self._extend_to(max(frame, self.frames))

    def say(self, speech: Speech, text: str) -> Cue:
        """Append an utterance at the current frame and return its cue."""
        if speech.rate != self.rate:
            raise SpeechError(f"lời đọc có tần số lấy mẫu {speech.rate} Hz, cần {self.rate} Hz")
        start = len(self._pcm) // 2
        self._pcm += speech.pcm
        cue = Cue(start / self.rate, (start + speech.samples) / self.rate, text)
        self._extend_to(self._frame_at(len(self._pcm) // 2))
        self.cues.append(cue)
        return cue

    def speech(self) -> Speech:
        """Return the narration so far."""
        return Speech(bytes(self._pcm), self.rate)

    def _sample(self, frame: int) -> int:
        return frame * self.rate // self.fps

    def _frame_at(self, sample: int) -> int:
        """Return the first frame boundary at or after a sample."""
        return -(-sample * self.fps // self.rate)

    def _extend_to(self, frame: int) -> None:
        missing = self._sample(frame) - len(self._pcm) // 2
        if missing > 0:
            self._pcm += bytes(2 * missing)
