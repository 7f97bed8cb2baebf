"""Video clips and loudspeaker bulletins: streams, sizes, frames, subtitle timing, loudness, determinism."""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from loa import model as m
from loa.readers import read_campaign
from loa.renderers.base import Artifact, Job
from loa.renderers.bulletin import BulletinRenderer
from loa.renderers.video import SIZES, VideoRenderer, audio_graph, music, script, video_sizes
from loa.speech.ffmpeg import ffmpeg_program, ffmpeg_unavailable_reason, measure_loudness

ROOT = Path(__file__).parent / "roots" / "video"
GOLDEN = Path(__file__).parent / "golden" / "video" / "frames.json"
TOPIC = "giu-kin-mat-khau"
FRAME_TIMES = (1.5, 12.0, -1.5)
"""Seconds at which frames are compared with the goldens (negative: from the end)."""
Rendered = tuple[dict[str, Artifact], Path]
"""A clip's artifacts by file suffix, and the MP4 written to disk for ffprobe."""
HASH_TOLERANCE = 8
"""Differing bits (of 64) allowed between a frame's hash and its golden (encoders differ a little)."""


def tools_or_skip() -> None:
    """Skip without ffmpeg, ffprobe or espeak-ng, unless CI requires them (LOA_REQUIRE_SERVICES=1)."""
    missing = [t for t in ("ffprobe", "espeak-ng") if not shutil.which(t)] + (
        ["ffmpeg"] if not ffmpeg_program() else []
    )
    if not missing:
        return
    message = f"{', '.join(missing)} not installed (apt-get install ffmpeg espeak-ng)"
    if os.environ.get("LOA_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def campaign() -> m.Campaign:
    return read_campaign(ROOT)[0]


def render(campaign: m.Campaign, size: str) -> dict[str, Artifact]:
    job = Job("video", TOPIC, options=(("size", size), ("speech", "espeak-ng:vi")))
    return {a.path.rsplit(".", 1)[1]: a for a in VideoRenderer().render(campaign, job)}


@pytest.fixture(scope="module")
def landscape(campaign: m.Campaign, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The 16:9 clip of the test topic, with its files on disk for ffprobe."""
    tools_or_skip()
    artifacts = render(campaign, "ngang")
    folder = tmp_path_factory.mktemp("video")
    for suffix, artifact in artifacts.items():
        (folder / f"clip.{suffix}").write_bytes(artifact.data)
    return artifacts, folder / "clip.mp4"


@pytest.fixture(scope="module")
def portrait(campaign: m.Campaign, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    tools_or_skip()
    artifacts = render(campaign, "doc")
    path = tmp_path_factory.mktemp("video") / "clip.mp4"
    path.write_bytes(artifacts["mp4"].data)
    return artifacts, path


@pytest.fixture(scope="module")
def bulletin(campaign: m.Campaign, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Artifact], Path]:
    tools_or_skip()
    artifacts = BulletinRenderer().render(
        campaign, Job("bulletin", TOPIC, options=(("speech", "espeak-ng:vi"),))
    )
    path = tmp_path_factory.mktemp("bulletin") / "bulletin.mp3"
    path.write_bytes(artifacts[0].data)
    return artifacts, path


def probe(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True, check=True, text=True,
    )  # fmt: skip
    info: dict[str, Any] = json.loads(done.stdout)
    return info


def ffmpeg_log(path: Path, audio_filter: str) -> str:
    command = [str(ffmpeg_program()), "-nostdin", "-hide_banner", "-nostats", "-i", str(path), "-vn", "-sn"]
    done = subprocess.run([*command, "-af", audio_filter, "-f", "null", "-"], capture_output=True, text=True)
    return done.stderr


def frame_at(path: Path, seconds: float) -> Image.Image:
    command = [str(ffmpeg_program()), "-v", "error", "-ss", f"{seconds:.2f}", "-i", str(path)]
    done = subprocess.run(
        [*command, "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"], capture_output=True
    )
    return Image.open(io.BytesIO(done.stdout))


def dhash(image: Image.Image) -> int:
    """Return a 64-bit difference hash: which of two neighbouring pixels is brighter, on a 9×8 thumbnail."""
    pixels = list(image.convert("L").resize((9, 8), Image.Resampling.LANCZOS).tobytes())
    bits = [pixels[row * 9 + col] > pixels[row * 9 + col + 1] for row in range(8) for col in range(8)]
    return sum(1 << i for i, bit in enumerate(bits) if bit)


def srt_cues(text: str) -> list[tuple[float, float]]:
    def seconds(stamp: str) -> float:
        h, m, s = stamp.replace(",", ".").split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    return [(seconds(a), seconds(b)) for a, b in re.findall(r"(\S+) --> (\S+)", text)]


# --- the clip -------------------------------------------------------------------------------


def test_clip_has_h264_video_aac_audio_and_a_vietnamese_subtitle_track(landscape: Rendered) -> None:
    info = probe(landscape[1])
    kinds = {s["codec_type"]: s for s in info["streams"]}
    assert kinds["video"]["codec_name"] == "h264" and kinds["video"]["pix_fmt"] == "yuv420p"
    assert (kinds["video"]["width"], kinds["video"]["height"]) == (1280, 720)
    assert kinds["video"]["r_frame_rate"] == "25/1"
    assert kinds["audio"]["codec_name"] == "aac" and kinds["audio"]["tags"]["language"] == "vie"
    assert kinds["subtitle"]["codec_name"] == "mov_text" and kinds["subtitle"]["tags"]["language"] == "vie"
    assert 30.0 <= float(info["format"]["duration"]) <= 75.0


def test_portrait_clip_is_1080_by_1920_with_the_same_subtitles(
    landscape: Rendered, portrait: Rendered
) -> None:
    video = next(s for s in probe(portrait[1])["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (1080, 1920)
    assert portrait[0]["srt"].data == landscape[0]["srt"].data
    assert (portrait[0]["png"].width, portrait[0]["png"].height) == (1080, 1920)


def test_clip_comes_with_srt_vtt_and_a_thumbnail(landscape: Rendered) -> None:
    artifacts = landscape[0]
    assert artifacts["vtt"].data.startswith(b"WEBVTT\n\n") and artifacts["srt"].data.startswith(
        b"1\n00:00:00,"
    )
    said = " ".join(artifacts["srt"].data.decode().split())
    assert "gọi 111, Tổng đài điện thoại quốc gia bảo vệ trẻ em" in said
    thumbnail = Image.open(io.BytesIO(artifacts["png"].data))
    assert thumbnail.size == (1280, 720) and artifacts["png"].kind == "thumbnail" and artifacts["png"].alt


def test_subtitles_start_and_end_within_200_ms_of_the_spoken_words(landscape: Rendered) -> None:
    log = ffmpeg_log(landscape[1], "silencedetect=noise=-40dB:d=0.2")
    onsets = [0.0, *map(float, re.findall(r"silence_end: ([\d.]+)", log))]
    ends = list(map(float, re.findall(r"silence_start: ([\d.]+)", log)))
    cues = srt_cues(landscape[0]["srt"].data.decode())
    assert len(cues) >= 8
    for start, end in cues:
        assert min(abs(start - t) for t in onsets) <= 0.2, f"no speech starts near {start}"
        assert min(abs(end - t) for t in ends) <= 0.2, f"no speech ends near {end}"


def test_audio_is_about_minus_16_lufs_neither_silent_nor_clipped(landscape: Rendered) -> None:
    volume = ffmpeg_log(landscape[1], "volumedetect")
    mean = float(re.search(r"mean_volume: (-?[\d.]+) dB", volume).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"max_volume: (-?[\d.]+) dB", volume).group(1))  # type: ignore[union-attr]
    loudness = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", ffmpeg_log(landscape[1], "ebur128"))[-1])
    assert mean > -35 and peak <= -0.5
    assert -17.5 <= loudness <= -14.5


def test_frames_at_fixed_times_match_their_golden_hashes(landscape: Rendered, portrait: Rendered) -> None:
    found: dict[str, dict[str, str]] = {}
    for name, (_, path) in (("ngang", landscape), ("doc", portrait)):
        duration = float(probe(path)["format"]["duration"])
        found[name] = {
            f"{t:.1f}": f"{dhash(frame_at(path, t if t >= 0 else duration + t)):016x}" for t in FRAME_TIMES
        }
    if os.environ.get("LOA_REGEN_GOLDEN") == "1" or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for name, hashes in found.items():
        for moment, value in hashes.items():
            golden = expected[name][moment]
            distance = bin(int(value, 16) ^ int(golden, 16)).count("1")
            assert distance <= HASH_TOLERANCE, f"{name} frame at {moment} s differs ({distance} bits)"


def test_same_input_gives_the_same_clip_bytes(campaign: m.Campaign, landscape: Rendered) -> None:
    again = render(campaign, "ngang")
    assert again["mp4"].data == landscape[0]["mp4"].data
    assert again["png"].data == landscape[0]["png"].data


# --- planning and options -------------------------------------------------------------------


def test_every_topic_gets_a_landscape_and_a_portrait_clip_by_default(campaign: m.Campaign) -> None:
    jobs = VideoRenderer().plan(campaign)
    assert [dict(j.options)["size"] for j in jobs] == ["ngang", "doc"]
    assert video_sizes({"LOA_VIDEO_SIZES": "ngang-1080, doc, nope"}) == ("ngang-1080", "doc")
    assert (SIZES["ngang-1080"].width, SIZES["ngang-1080"].ppi) == (1920, 216.0)


def test_scenes_open_with_the_title_and_close_with_hotline_111(campaign: m.Campaign) -> None:
    scenes = script(campaign, campaign.topic(TOPIC))
    assert scenes[0].kind == "opening" and scenes[-1].kind == "closing"
    assert [s.kind for s in scenes].count("message") == 3  # the summary and the two key messages
    assert "111" in scenes[-1].lines[0] and {"do", "dont"} <= {s.kind for s in scenes}


def test_music_ducks_under_the_voice_only_when_the_campaign_has_music(
    campaign: m.Campaign, tmp_path: Path
) -> None:
    tools_or_skip()
    assert music(campaign) is None
    assert "sidechaincompress" in audio_graph(True, 10.0) and "sidechaincompress" not in audio_graph(
        False, 10.0
    )
    for name, source in (("voice.wav", "sine=f=220:d=3"), ("music.wav", "sine=f=440:d=1")):
        subprocess.run(
            [str(ffmpeg_program()), "-v", "error", "-f", "lavfi", "-i", source, str(tmp_path / name)],
            check=True,
        )
    inputs = ["-i", "voice.wav", "-stream_loop", "-1", "-i", "music.wav"]
    assert -40 < measure_loudness(inputs, audio_graph(True, 3.0), cwd=tmp_path) < 0


def test_missing_ffmpeg_is_reported_with_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOA_FFMPEG", "/khong/co/ffmpeg")
    reason = ffmpeg_unavailable_reason()
    assert reason and "apt-get install ffmpeg" in reason
    assert VideoRenderer().unavailable_reason() == reason
    assert BulletinRenderer().unavailable_reason() == reason


# --- the bulletin -----------------------------------------------------------------------------


def test_bulletin_is_a_mono_mp3_of_one_to_three_minutes_at_about_minus_16_lufs(
    bulletin: tuple[list[Artifact], Path],
) -> None:
    info = probe(bulletin[1])
    audio = info["streams"][0]
    assert audio["codec_name"] == "mp3" and audio["channels"] == 1
    assert 60.0 <= float(info["format"]["duration"]) <= 180.0
    assert (
        -17.5 <= float(re.findall(r"I:\s+(-?[\d.]+) LUFS", ffmpeg_log(bulletin[1], "ebur128"))[-1]) <= -14.5
    )


def test_bulletin_script_names_the_issuer_and_says_the_hotline_twice(
    bulletin: tuple[list[Artifact], Path], campaign: m.Campaign
) -> None:
    mp3, script_file = bulletin[0]
    text = script_file.data.decode()
    assert script_file.kind == "script" and script_file.path == f"ban-tin/{TOPIC}.txt" and mp3.kind == "audio"
    assert text.count("số 111") >= 2 and "Xin nhắc lại" in text
    assert "Kính thưa bà con" in text and "Cảm ơn bà con đã lắng nghe" in text
    assert text.count(campaign.issuer.name) >= 3  # header, opening, closing
    spoken = text.split("[Tiếng chuông]")[1]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", spoken) if s.strip()]
    assert max(len(s.split()) for s in sentences) <= 25  # short sentences, for the ear


def test_same_input_gives_the_same_bulletin_bytes(
    bulletin: tuple[list[Artifact], Path], campaign: m.Campaign
) -> None:
    again = BulletinRenderer().render(campaign, Job("bulletin", TOPIC, options=(("speech", "espeak-ng:vi"),)))
    assert [a.data for a in again] == [a.data for a in bulletin[0]]


@pytest.mark.browser
def test_clip_plays_in_chromium_with_its_vietnamese_subtitles(landscape: Rendered) -> None:
    chromium = Path(os.environ.get("LOA_CHROMIUM", "/usr/bin/chromium"))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None  # type: ignore[assignment]
    if sync_playwright is None or not chromium.is_file():
        if os.environ.get("LOA_REQUIRE_SERVICES") == "1":
            pytest.fail("Chromium and Playwright are required (LOA_REQUIRE_SERVICES=1)")
        pytest.skip("needs Debian's Chromium and Playwright to play the clip")
    _, clip = landscape
    page_html = (
        '<video id="v" muted src="clip.mp4"><track kind="subtitles" srclang="vi" src="clip.vtt"></video>'
    )
    (clip.parent / "clip.html").write_text(page_html, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(clip.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/clip.html")
            page.wait_for_function("document.getElementById('v').readyState >= 1", timeout=20_000)
            assert page.evaluate("[v.videoWidth, v.videoHeight]") == [1280, 720]
            page.evaluate("v.textTracks[0].mode = 'hidden'; v.play()")
            page.wait_for_function("v.currentTime > 1", timeout=20_000)
            assert page.evaluate("v.error") is None
            page.wait_for_function("v.textTracks[0].cues && v.textTracks[0].cues.length > 3", timeout=20_000)
            assert "111" in page.evaluate("Array.from(v.textTracks[0].cues).map(c => c.text).join(' ')")
            browser.close()
    finally:
        server.shutdown()
