"""ffmpeg for audio and video products: which program, running it, and loudness to about −16 LUFS."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from loa.errors import BuildError

TARGET_LUFS = -16.0
"""Integrated loudness of every audio product (the usual target for online video and podcasts)."""
PEAK_LIMIT = 0.84
"""Sample peak ceiling after normalising (−1.5 dBFS): nothing clips."""
BITEXACT = ("-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1")
"""Output options that keep the same input giving the same bytes (no encoder version, no dates)."""


def ffmpeg_program() -> str | None:
    """Return the ffmpeg to run: LOA_FFMPEG, else the system's, else the imageio-ffmpeg wheel's."""
    if override := os.environ.get("LOA_FFMPEG"):
        return override if Path(override).is_file() else shutil.which(override)
    if found := shutil.which("ffmpeg"):
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        return None


def ffmpeg_unavailable_reason() -> str | None:
    """Return why ffmpeg cannot be used here (in Vietnamese, naming the fix), or None."""
    if ffmpeg_program() is None:
        return (
            "không tìm thấy ffmpeg để làm video và âm thanh — cài bằng: apt-get install ffmpeg "
            "(hoặc pip install imageio-ffmpeg, hoặc đặt LOA_FFMPEG)"
        )
    return None


def run_ffmpeg(args: list[str], *, cwd: Path, what: str, loglevel: str = "error") -> str:
    """Run ffmpeg with arguments in a folder; return its log; raise BuildError naming `what` on failure."""
    program = ffmpeg_program()
    if program is None:
        raise BuildError(str(ffmpeg_unavailable_reason()))
    command = [program, "-nostdin", "-hide_banner", "-nostats", "-loglevel", loglevel, "-y", *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    log = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        tail = " ".join(log.strip().splitlines()[-3:])
        raise BuildError(f"ffmpeg không làm được {what}: {tail}")
    return log


def measure_loudness(inputs: list[str], graph: str, *, cwd: Path, out: str = "mix") -> float:
    """Return the integrated loudness (LUFS) of the audio a filter graph makes at its [out] pad."""
    args = [
        *inputs,
        "-filter_complex",
        f"{graph};[{out}]ebur128=framelog=verbose[measured]",
        "-map",
        "[measured]",
    ]
    log = run_ffmpeg([*args, "-f", "null", "-"], cwd=cwd, what="đo độ to âm thanh", loglevel="info")
    found = re.findall(r"I:\s+(-?[\d.]+) LUFS", log)
    if not found:
        raise BuildError("ffmpeg không báo được độ to âm thanh (ebur128)")
    return float(found[-1])


COMPRESSOR = "acompressor=threshold=0.125:ratio=3:attack=3:release=60"
"""Gentle compression first: synthetic speech has sharp peaks that would make the limiter work hard."""


def normalise_filter(gain: float) -> str:
    """Return the filter chain: compression, a gain in dB, then peaks limited below the ceiling."""
    return (
        f"{COMPRESSOR},volume={gain:.2f}dB,alimiter=limit={PEAK_LIMIT}:attack=5:release=80:level=0:latency=1"
    )


def loudness_filter(inputs: list[str], graph: str, *, cwd: Path) -> str:
    """Return the filter that brings the [mix] of a graph to the target loudness (about −16 LUFS).

    Measured twice: once compressed, once after gain and limiter, because limiting the peaks
    takes back part of the gain, which the second measurement restores.
    """
    measured = measure_loudness(inputs, f"{graph};[mix]{COMPRESSOR}[compressed]", cwd=cwd, out="compressed")
    if measured < -70:
        return "anull"  # silence: nothing to bring up
    gain = TARGET_LUFS - measured
    limited = measure_loudness(
        inputs, f"{graph};[mix]{normalise_filter(gain)}[limited]", cwd=cwd, out="limited"
    )
    return normalise_filter(gain + TARGET_LUFS - limited)
