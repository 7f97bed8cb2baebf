"""Benchmark: Loa's video clips against the straightforward ffmpeg pipeline, and the campaign's video build.

Run: .venv/bin/python benchmarks/video.py [--skip-campaign]
Needs: ffmpeg and espeak-ng (apt-get install ffmpeg espeak-ng).

The straightforward pipeline is the one a first attempt would write (stack-notes §5): every scene
picture looped at full frame rate, one crossfade graph over all of them, subtitles burned in by
libass over every frame, x264 veryfast. Loa encodes each still once, makes the crossfades as tiny
clips of their own and joins the H.264 pieces without re-encoding. Both start from the same
pictures and narration; Loa's time also includes speaking and drawing them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results import machine, write_section

from loa.fonts import font_dir
from loa.readers import read_campaign
from loa.renderers import video as v
from loa.renderers.base import Job
from loa.renderers.typst import compile_typst
from loa.speech import make_engine
from loa.speech.ffmpeg import ffmpeg_program

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "campaigns" / "bao-ve-tre-em"
LOA = Path(sys.executable).parent / "loa"


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    """User + system seconds of this process and its children."""


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action) -> tuple[Timing, object]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = action()
    return Timing(time.perf_counter() - wall, cpu_seconds() - cpu), result


def clip_near_a_minute(campaign) -> tuple[str, float]:  # type: ignore[no-untyped-def]
    """Return the topic whose clip is closest to 60 seconds, and its length."""
    engine = make_engine("espeak-ng", "vi")
    lengths = {t.id: v.narrate(v.script(campaign, t), engine, campaign)[1].seconds for t in campaign.topics}
    best = min(lengths, key=lambda t: abs(lengths[t] - 60))
    return best, lengths[best]


def loa_clip(campaign, topic: str, size: str) -> Timing:  # type: ignore[no-untyped-def]
    job = Job("video", topic, options=(("size", size), ("speech", "espeak-ng:vi")))
    timing, _ = timed(lambda: v.VideoRenderer().render(campaign, job))
    return timing


def straightforward_clip(campaign, topic_id: str, folder: Path) -> Timing:  # type: ignore[no-untyped-def]
    """Time the first-attempt pipeline on the same pictures and narration (720p)."""
    topic, size = campaign.topic(topic_id), v.SIZES["ngang"]
    voiced, timeline = v.narrate(v.script(campaign, topic), make_engine("espeak-ng", "vi"), campaign)
    data = v.frames_data(campaign, topic, size, voiced)
    pngs = compile_typst(
        "video_frame.typ", data, root=campaign.root, format="png", ppi=size.ppi, preludes=("brand.typ",)
    )
    bare, page = [], 0
    for scene in voiced:
        bare.append(page)
        page += 1 + len(scene.cues)
    for i in bare:
        (folder / f"p{i}.png").write_bytes(pngs[i])
    (folder / "voice.wav").write_bytes(timeline.speech().to_wav())
    (folder / "subs.srt").write_text(v.subtitles(timeline.cues)[0], encoding="utf-8")
    fade = 0.5
    durations = [(s.end - s.start) / v.FPS for s in voiced]
    inputs: list[str] = []
    for k, (i, seconds) in enumerate(zip(bare, durations, strict=True)):
        length = seconds + (fade if k < len(bare) - 1 else 0)
        inputs += ["-loop", "1", "-framerate", "25", "-t", f"{length:.2f}", "-i", f"p{i}.png"]
    chain, offset, last = [], 0.0, "0:v"
    for k in range(1, len(bare)):
        offset += durations[k - 1]
        chain.append(f"[{last}][{k}:v]xfade=transition=fade:duration={fade}:offset={offset:.2f}[x{k}]")
        last = f"x{k}"
    style = "FontName=Be Vietnam Pro,Bold=1,FontSize=22,BorderStyle=3,Outline=1,Shadow=0,MarginV=24"
    chain.append(f"[{last}]subtitles=subs.srt:fontsdir={font_dir()}:force_style='{style}',format=yuv420p[v]")
    args = [
        str(ffmpeg_program()), "-nostdin", "-v", "error", "-y", *inputs, "-i", "voice.wav",
        "-filter_complex", ";".join(chain), "-map", "[v]", "-map", f"{len(bare)}:a",
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-crf", "23", "-c:a", "aac",
        "-movflags", "+faststart", "-shortest", "straightforward.mp4",
    ]  # fmt: skip
    timing, _ = timed(lambda: subprocess.run(args, cwd=folder, check=True))
    return timing


def campaign_build(work: Path) -> tuple[Timing, Timing, str]:
    """Time `loa build --formats video` from scratch, then again with nothing changed (on a frozen copy)."""
    source = work / "campaign"
    shutil.copytree(CAMPAIGN, source)
    command = [str(LOA), "build", str(source), "--out", str(work / "site"), "--formats", "video"]
    cold, _ = timed(lambda: subprocess.run(command, capture_output=True, text=True, check=True))
    warm, done = timed(lambda: subprocess.run(command, capture_output=True, text=True, check=True))
    summary = " ".join(done.stdout.split())  # type: ignore[attr-defined]
    return cold, warm, summary.split(" → ")[0]


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-campaign", action="store_true", help="skip the whole campaign's video build")
    args = parser.parse_args()
    campaign = read_campaign(CAMPAIGN)[0]
    topic, seconds = clip_near_a_minute(campaign)
    work = Path(tempfile.mkdtemp(prefix="loa-video-bench-"))
    before = load_average()
    baseline = straightforward_clip(campaign, topic, work)
    ours = {size: loa_clip(campaign, topic, size) for size in ("ngang", "doc", "ngang-1080")}
    rows = [
        "| pipeline | size | wall s | CPU s | × real time (wall) | × real time (CPU ÷ 2 cores) |",
        "|---|---|---:|---:|---:|---:|",
        row(
            "straightforward: one crossfade graph at full rate, libass, veryfast",
            "1280×720",
            baseline,
            seconds,
        ),
    ]
    labels = {"ngang": "1280×720", "doc": "1080×1920", "ngang-1080": "1920×1080"}
    rows += [
        row("Loa (speech, Typst frames, encode, loudness, mux)", labels[s], t, seconds)
        for s, t in ours.items()
    ]
    lines = [
        "## Video",
        "",
        f"`.venv/bin/python benchmarks/video.py` — {machine()}, one run; topic `{topic}` "
        f"({seconds:.1f} s clip); load average before the run {before} (other work on the machine "
        "inflates wall times, so CPU seconds are given too).",
        "",
        *rows,
        "",
        f"Loa's 720p clip is **{baseline.wall / ours['ngang'].wall:.1f}×** faster than the straightforward "
        f"pipeline by the clock and uses **{baseline.cpu / ours['ngang'].cpu:.1f}×** less CPU.",
    ]
    if not args.skip_campaign:
        cold, warm, summary = campaign_build(work)
        topics = len(campaign.topics)
        lines += [
            "",
            f"Whole campaign, `loa build campaigns/bao-ve-tre-em --formats video` "
            f"({topics} topics × 2 clips, with SRT, VTT and thumbnails): "
            f"**{cold.wall:.1f} s** from scratch ({cold.cpu:.1f} CPU s); "
            f"**{warm.wall:.1f} s** when nothing changed (every clip reused by its input hash: `{summary}`).",
        ]
    write_section("video", "\n".join(lines))
    print("\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)


def row(name: str, size: str, timing: Timing, seconds: float) -> str:
    return (
        f"| {name} | {size} | {timing.wall:.2f} | {timing.cpu:.2f} | {seconds / timing.wall:.1f}× "
        f"| {seconds / (timing.cpu / 2):.1f}× |"
    )


if __name__ == "__main__":
    main()
