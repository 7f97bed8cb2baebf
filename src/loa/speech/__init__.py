"""Speech for narration and loudspeaker bulletins: engines behind one interface, text normalisation."""

from __future__ import annotations

import os
from collections.abc import Mapping

from loa.speech.base import Speech, SpeechEngine, SpeechError
from loa.speech.cloud import CloudEngine
from loa.speech.espeak import EspeakEngine
from loa.speech.normalize import normalize_for_speech
from loa.speech.piper import PiperEngine

ENGINES: dict[str, type[SpeechEngine]] = {
    EspeakEngine.name: EspeakEngine,
    PiperEngine.name: PiperEngine,
    CloudEngine.name: CloudEngine,
}
"""Engines by the name LOA_SPEECH_ENGINE takes."""
DEFAULT_ENGINE = EspeakEngine.name

__all__ = [
    "ENGINES",
    "CloudEngine",
    "EspeakEngine",
    "PiperEngine",
    "Speech",
    "SpeechEngine",
    "SpeechError",
    "make_engine",
    "normalize_for_speech",
    "speech_choice",
]


def speech_choice(
    environ: Mapping[str, str] | None = None, *, campaign: tuple[str, str | None] | None = None
) -> tuple[str, str]:
    """Return (engine, voice): LOA_SPEECH_ENGINE/VOICE, else the campaign's choice, else espeak-ng "vi"."""
    env = os.environ if environ is None else environ
    chosen_engine, chosen_voice = campaign or (DEFAULT_ENGINE, None)
    name = env.get("LOA_SPEECH_ENGINE", "").strip() or chosen_engine
    if name == "espeak":
        name = EspeakEngine.name
    if name not in ENGINES:
        raise SpeechError(
            f"LOA_SPEECH_ENGINE={name}: không có bộ đọc này — chọn một trong {', '.join(ENGINES)}"
        )
    voice = env.get("LOA_SPEECH_VOICE", "").strip() or (chosen_voice if name == chosen_engine else None)
    return name, voice or ENGINES[name].default_voice


def make_engine(name: str, voice: str | None = None, *, speed: int | None = None) -> SpeechEngine:
    """Return an engine by name with a voice (and a speaking speed where the engine has one)."""
    if name == EspeakEngine.name and speed:
        return EspeakEngine(voice, speed=speed)
    return ENGINES[name](voice)
