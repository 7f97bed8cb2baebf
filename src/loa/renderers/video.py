"""Video clips per topic, 16:9 and 9:16: Typst stills, narration, Vietnamese subtitles burned in and soft.

Fast because nothing is filtered at full frame rate: each still is encoded once (held frames cost
x264 almost nothing), the 0.4 s crossfades are tiny clips of their own, and the H.264 pieces are
joined byte for byte, then muxed with the loudness-normalised audio and the soft subtitle track.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.context import help_context
from loa.renderers.typst import compile_typst
from loa.renderers.visuals.content import Variant, base_data, first_sentence, lower_first
from loa.speech import Speech, SpeechEngine, make_engine, normalize_for_speech, speech_choice
from loa.speech.audio import Cue, Timeline, trim
from loa.speech.ffmpeg import BITEXACT, ffmpeg_unavailable_reason, loudness_filter, run_ffmpeg
from loa.speech.script import balanced_lines, cues

FPS = 25
"""Frames per second: the PAL rate Vietnamese television uses; every timing is in whole frames."""
FADE = 8
"""Crossfade between scenes, in frames (0.32 s)."""
LEAD, GAP, TAIL, HOLD = 0.6, 0.35, 0.9, 0.3
"""Seconds: before a scene's first words, between lines, after its last words, subtitle kept after."""
SUBTITLE_WIDTH = {"landscape": 58, "portrait": 28}
"""Characters a burned-in subtitle line holds (Be Vietnam Pro Bold at 4.3–4.6 % of the short side)."""
SRT_WIDTH = 42
"""Characters per line in the SRT and VTT files (the usual limit for broadcast subtitles)."""
SHORTEST, LONGEST = 30.0, 75.0
"""A clip lasts between these many seconds."""
X264 = ("-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-crf", "20", "-bf", "0")
"""ultrafast: held stills cost x264 ~1 ms a frame (veryfast ~2.5 ms) for twice the bytes (~2 MB a minute)."""
X264_FIXED = ("-g", "250", "-threads", "1", "-pix_fmt", "yuv420p", "-colorspace", "bt709")
X264_COLOUR = ("-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv")
TO_YUV = "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p"
SRT_TYPE = "application/x-subrip"
MUSIC_SUFFIXES = (".mp3", ".ogg", ".oga", ".wav", ".m4a", ".flac", ".opus")
MUSIC_LEVEL = 0.25
"""Background music volume before ducking: well under the voice."""


@dataclass(frozen=True)
class VideoSize:
    """One clip format: pixel size and the slug in its file name."""

    slug: str
    width: int
    height: int
    label: str

    @property
    def page(self) -> tuple[float, float]:
        """Return the Typst page size in points (the short side is always 360 pt)."""
        scale = 360 / min(self.width, self.height)
        return self.width * scale, self.height * scale

    @property
    def ppi(self) -> float:
        return 72 * self.width / self.page[0]


SIZES = {
    s.slug: s
    for s in (
        VideoSize("ngang", 1280, 720, "16:9"),
        VideoSize("doc", 1080, 1920, "9:16"),
        VideoSize("ngang-1080", 1920, 1080, "16:9, 1080p"),
    )
}
DEFAULT_SIZES = ("ngang", "doc")
"""Made by default; LOA_VIDEO_SIZES=ngang,doc,ngang-1080 adds Full HD."""


@dataclass(frozen=True)
class Scene:
    """One scene: what its frame shows and the lines the narrator says over it."""

    kind: str
    lines: tuple[str, ...]
    show: dict[str, Any]
    drop: int = 0
    """Order in which scenes are left out when the clip runs long (higher first); 0 is always kept."""


@dataclass
class Voiced:
    """A scene with its narration timed: first and last frame, and its cues."""

    scene: Scene
    start: int = 0
    end: int = 0
    cues: list[Cue] = field(default_factory=list)


class VideoRenderer(Renderer):
    """A narrated clip per topic for conferences, schools and social media, with SRT/VTT and a thumbnail."""

    name: ClassVar[str] = "video"
    kind: ClassVar[str] = "video"
    format: ClassVar[str] = "mp4"
    media_type: ClassVar[str] = "video/mp4"

    def unavailable_reason(self) -> str | None:
        """Return why clips cannot be made here (ffmpeg or the speech engine missing), or None."""
        engine, voice = speech_choice()
        return ffmpeg_unavailable_reason() or make_engine(engine, voice).unavailable_reason()

    def plan(self, campaign: m.Campaign) -> list[Job]:
        engine, voice = speech_choice(campaign=(campaign.speech.engine, campaign.speech.voice))
        sizes = video_sizes(os.environ)
        return [
            Job(self.name, topic.id, options=(("size", size), ("speech", f"{engine}:{voice}")))
            for topic in campaign.topics
            for size in sizes
        ]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        assert job.topic
        options = dict(job.options)
        topic, size = campaign.topic(job.topic), SIZES[options["size"]]
        engine = make_engine(*options["speech"].split(":", 1))
        voiced, timeline = narrate(script(campaign, topic), engine, campaign)
        srt, vtt = subtitles(timeline.cues)
        with TemporaryDirectory(prefix="loa-video-") as folder:
            clip = make_clip(campaign, topic, size, voiced, timeline, srt, Path(folder))
        base = f"video/{topic.id}/{topic.id}-{size.slug}"
        title = f"{topic.title} — video {size.label}"
        return [
            self._artifact(f"{base}.mp4", clip.video, self.kind, "mp4", "video/mp4", title, topic, size),
            self._artifact(f"{base}.srt", srt.encode(), "subtitles", "srt", SRT_TYPE, title, topic),
            self._artifact(f"{base}.vtt", vtt.encode(), "subtitles", "vtt", "text/vtt", title, topic),
            self._artifact(
                f"{base}.png", clip.thumbnail, "thumbnail", "png", "image/png", title, topic, size,
                alt=f"Ảnh đại diện video «{topic.title}» của {campaign.issuer.name}: {campaign.title}.",
            ),
        ]  # fmt: skip

    def _artifact(
        self,
        path: str,
        data: bytes,
        kind: str,
        format: str,
        media_type: str,
        title: str,
        topic: m.Topic,
        size: VideoSize | None = None,
        alt: str | None = None,
    ) -> Artifact:
        return Artifact(
            path=path,
            data=data,
            kind=kind,
            format=format,
            media_type=media_type,
            title=title,
            topic=topic.id,
            width=size.width if size else None,
            height=size.height if size else None,
            alt=alt,
        )


def video_sizes(environ: Mapping[str, str]) -> tuple[str, ...]:
    """Return the clip sizes to make: LOA_VIDEO_SIZES (comma-separated slugs) or the defaults."""
    wanted = tuple(s.strip() for s in environ.get("LOA_VIDEO_SIZES", "").split(",") if s.strip())
    return tuple(s for s in wanted if s in SIZES) or DEFAULT_SIZES


# --- what is said and shown -----------------------------------------------------------------


def script(campaign: m.Campaign, topic: m.Topic) -> list[Scene]:
    """Return the scenes of a topic's clip: opening, key messages, do and don't, closing with 111."""
    total = len(topic.key_messages)
    opening = Scene("opening", (f"{campaign.title}.", f"{topic.title}."), {"title": topic.title})
    about = {"number": None, "text": topic.summary, "label": "Về chủ đề này"}
    summary = Scene("message", (topic.summary,), about, drop=1)
    messages = [
        Scene(
            "message", (text,), {"number": i, "text": on_screen(text), "label": f"Điều cần nhớ · {i}/{total}"}
        )
        for i, text in enumerate(topic.key_messages, start=1)
    ]
    return [opening, summary, *messages, *tips(campaign, topic), closing(campaign)]


def on_screen(text: str) -> str:
    """Return text for a frame: a dash that never starts a line (quotes are curly since reading)."""
    return text.replace(" – ", "\u00a0– ")


def tips(campaign: m.Campaign, topic: m.Topic) -> list[Scene]:
    """Return the do and don't scenes for the topic's first audience that has actions."""
    audience = next((campaign.audience(a) for a in topic.audiences if a in topic.actions), None)
    if audience is None:
        return []
    acts = topic.actions[audience.id]
    scenes = []
    for kind, label, items, drop in (
        ("do", "Nên làm", acts.do[:3], 2),
        ("dont", "Không nên", acts.dont[:2], 3),
    ):
        if items:
            show = {
                "label": label,
                "audience": f"Dành cho {lower_first(audience.name)}",
                "items": [on_screen(t) for t in items],
            }
            scenes.append(Scene(kind, (f"{label}:", *items), show, drop=drop))
    return scenes


def closing(campaign: m.Campaign) -> Scene:
    """Return the closing scene: who to call (111 first), the other lines, and who speaks."""
    hotlines: list[m.Hotline] = help_context(campaign)["hotlines"]
    lines = []
    if hotlines:
        main, *others = hotlines
        lines.append(f"Khi cần giúp đỡ, hãy gọi {main.number}, {main.name}.")
        if note := first_sentence(main.description):
            lines.append(note[:1].upper() + note[1:] + ".")
        lines += [f"{h.name}: gọi {h.number}." for h in others[:1]]
    issuer = campaign.issuer
    lines.append(f"Thông điệp của {issuer.name}" + (f", {issuer.parent}." if issuer.parent else "."))
    return Scene("closing", tuple(lines), {})


def narrate(scenes: list[Scene], engine: SpeechEngine, campaign: m.Campaign) -> tuple[list[Voiced], Timeline]:
    """Speak every scene, leave out optional ones until the clip fits, and time it all in frames."""
    phones = [h.number for h in campaign.hotlines]
    spoken = {
        line: trim(engine.synthesize(normalize_for_speech(line, phone_numbers=phones)))
        for scene in scenes
        for text in scene.lines
        for line in cues(text)
    }
    scenes = fit(scenes, spoken)
    rate = next(iter(spoken.values())).rate
    timeline, voiced = Timeline(rate, FPS), []
    extra = max(0.0, SHORTEST + 0.5 - estimate(scenes, spoken)) / len(scenes)
    for scene in scenes:
        voiced.append(place_scene(timeline, scene, spoken, extra))
    return voiced, timeline


def place_scene(timeline: Timeline, scene: Scene, spoken: dict[str, Speech], extra: float) -> Voiced:
    """Lay one scene's lines on the timeline and return it with its frames and cues."""
    voiced = Voiced(scene, start=timeline.frames)
    timeline.pause(LEAD)
    for text in scene.lines:
        for line in cues(text):
            voiced.cues.append(timeline.say(spoken[line], line))
            timeline.pause(GAP)
    timeline.pause(TAIL - GAP + extra)
    voiced.end = timeline.frames
    return voiced


def estimate(scenes: list[Scene], spoken: dict[str, Speech]) -> float:
    """Return about how long the scenes last, in seconds."""
    said = sum(spoken[line].duration + GAP for s in scenes for text in s.lines for line in cues(text))
    return said + len(scenes) * (LEAD + TAIL - GAP)


def fit(scenes: list[Scene], spoken: dict[str, Speech]) -> list[Scene]:
    """Return the scenes without the optional ones (most optional first) while the clip is too long."""
    kept = list(scenes)
    for level in sorted({s.drop for s in scenes if s.drop}, reverse=True):
        if estimate(kept, spoken) <= LONGEST - 2:  # margin for frame rounding
            break
        kept = [s for s in kept if s.drop != level]
    return kept


def subtitles(timed: list[Cue]) -> tuple[str, str]:
    """Return the cues as SRT and as WebVTT."""

    def stamp(seconds: float, sep: str) -> str:
        ms = round(seconds * 1000)
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"

    def lines(text: str) -> str:
        return "\n".join(balanced_lines(text, SRT_WIDTH)).replace("\u00a0", " ")

    srt = [
        f"{i}\n{stamp(c.start, ',')} --> {stamp(c.end, ',')}\n{lines(c.text)}\n"
        for i, c in enumerate(timed, 1)
    ]
    vtt = [f"{stamp(c.start, '.')} --> {stamp(c.end, '.')}\n{lines(c.text)}\n" for c in timed]
    return "\n".join(srt), "WEBVTT\n\n" + "\n".join(vtt)


# --- pictures and encoding --------------------------------------------------------------------


@dataclass(frozen=True)
class Clip:
    video: bytes
    thumbnail: bytes


@dataclass(frozen=True)
class Shot:
    """A still shown for a number of frames."""

    page: int
    frames: int


def frames_data(
    campaign: m.Campaign, topic: m.Topic, size: VideoSize, voiced: list[Voiced]
) -> dict[str, Any]:
    """Return the Typst data: brand, scenes, and one page per still (bare scene, then each subtitle)."""
    data = base_data(campaign, topic, Variant(None), None, qr=True)
    width, height = size.page
    width_chars = SUBTITLE_WIDTH["portrait" if height > width else "landscape"]
    pages: list[dict[str, Any]] = []
    for i, v in enumerate(voiced):
        pages.append({"scene": i, "subtitle": None})
        pages += [{"scene": i, "subtitle": balanced_lines(c.text, width_chars)} for c in v.cues]
    scenes = [{"kind": v.scene.kind, **v.scene.show} for v in voiced]
    return data | {"page": {"width": width, "height": height}, "scenes": scenes, "frames": pages}


def shots(voiced: list[Voiced]) -> list[list[Shot]]:
    """Return, per scene, the stills in order with their lengths: bare, each subtitle, bare."""
    runs, page = [], 0
    for v in voiced:
        bare, run, at = page, [], v.start
        for k, cue in enumerate(v.cues):
            start = round(cue.start * FPS)
            last = k + 1 == len(v.cues)
            until = min(round((cue.end + HOLD) * FPS), v.end) if last else round(v.cues[k + 1].start * FPS)
            run += [Shot(bare, start - at), Shot(bare + 1 + k, until - start)]
            at = until
        run.append(Shot(bare, v.end - at))
        runs.append([s for s in run if s.frames > 0])
        page += 1 + len(v.cues)
    return runs


def make_clip(
    campaign: m.Campaign,
    topic: m.Topic,
    size: VideoSize,
    voiced: list[Voiced],
    timeline: Timeline,
    srt: str,
    folder: Path,
) -> Clip:
    """Return the encoded MP4 and its thumbnail, working in a scratch folder."""
    pngs = compile_typst(
        "video_frame.typ", frames_data(campaign, topic, size, voiced), root=campaign.root, format="png",
        ppi=size.ppi, preludes=("brand.typ",),
    )  # fmt: skip
    for i, png in enumerate(pngs):
        (folder / f"p{i}.png").write_bytes(png)
    (folder / "voice.wav").write_bytes(timeline.speech().to_wav())
    (folder / "subs.srt").write_text(srt, encoding="utf-8")
    with ThreadPoolExecutor(max_workers=1) as pool:  # the sound is made while the pictures encode
        sound = pool.submit(master_audio, folder, music(campaign), timeline.seconds)
        (folder / "video.h264").write_bytes(encode_video(folder, shots(voiced)))
        sound.result()
    mux(folder, timeline.seconds, topic.title)
    return Clip((folder / "clip.mp4").read_bytes(), pngs[0])


@dataclass(frozen=True)
class Segment:
    """A piece of the H.264 stream encoded on its own: a scene's stills, or a crossfade."""

    inputs: tuple[str, ...]
    """ffmpeg input arguments, one `-i` per picture or list."""
    chain: str
    """Filter chain from the inputs ({0}, {1}: their stream numbers) to [{out}]."""
    frames: int


def encode_video(folder: Path, runs: list[list[Shot]]) -> bytes:
    """Return the H.264 stream: each scene's stills encoded once, crossfades between, joined as bytes."""
    parts = segments(folder, runs)
    workers = max(1, min(os.cpu_count() or 2, len(parts)))
    batches: list[list[int]] = [[] for _ in range(workers)]
    load = [0] * workers
    for index in sorted(range(len(parts)), key=lambda k: -parts[k].frames):  # biggest first, least loaded
        lightest = load.index(min(load))
        batches[lightest].append(index)
        load[lightest] += parts[index].frames + 100  # + a process's fixed cost, in frames
    commands = [batch_command(parts, sorted(batch)) for batch in batches if batch]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda args: run_ffmpeg(args, cwd=folder, what="đoạn video"), commands))
    return b"".join((folder / f"s{i}.h264").read_bytes() for i in range(len(parts)))


def segments(folder: Path, runs: list[list[Shot]]) -> list[Segment]:
    """Return the pieces in order: scene 0, fade, scene 1, ..., writing each scene's still list."""
    half, parts = FADE // 2, []
    for i, run in enumerate(runs):
        parts.append(stills(folder, i, trim_run(run, half if i > 0 else 0, half if i < len(runs) - 1 else 0)))
        if i < len(runs) - 1:
            parts.append(fade(run[-1].page, runs[i + 1][0].page))
    return parts


def trim_run(run: list[Shot], head: int, tail: int) -> list[Shot]:
    """Return a scene's stills with frames taken off its start and end (where the crossfades go)."""
    frames = [s.frames for s in run]
    frames[0] -= head
    frames[-1] -= tail
    return [Shot(s.page, f) for s, f in zip(run, frames, strict=True) if f > 0]


def stills(folder: Path, index: int, run: list[Shot]) -> Segment:
    """Return a scene's stills as one piece: each picture read once and held for its frames."""
    listing = ["ffconcat version 1.0"]
    for shot in run:
        listing += [f"file p{shot.page}.png", f"duration {shot.frames / FPS:.2f}"]
    listing.append(f"file p{run[-1].page}.png")
    (folder / f"scene{index}.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
    inputs = ("-f", "concat", "-safe", "0", "-i", f"scene{index}.txt")
    return Segment(inputs, f"[{{0}}:v]{TO_YUV},fps={FPS}[{{out}}]", sum(s.frames for s in run))


def fade(before: int, after: int) -> Segment:
    """Return the crossfade from one scene's bare still to the next one's."""
    hold = f"loop=loop={FADE - 1}:size=1,setpts=N/{FPS}/TB"  # each still decoded once, held in the graph
    chain = (
        f"[{{0}}:v]{TO_YUV},{hold}[{{out}}a];[{{1}}:v]{TO_YUV},{hold}[{{out}}b];"
        f"[{{out}}a][{{out}}b]xfade=transition=fade:duration={FADE / FPS:.2f}:offset=0[{{out}}]"
    )
    inputs = ("-framerate", str(FPS), "-i", f"p{before}.png", "-framerate", str(FPS), "-i", f"p{after}.png")
    return Segment(inputs, chain, FADE)


def batch_command(parts: list[Segment], indexes: list[int]) -> list[str]:
    """Return one ffmpeg run encoding several pieces, each to its own sN.h264 (one process, many outputs)."""
    inputs: list[str] = []
    chains: list[str] = []
    outputs: list[str] = []
    for index in indexes:
        part, first = parts[index], inputs.count("-i")
        streams = range(first, first + part.inputs.count("-i"))
        inputs += part.inputs
        chains.append(part.chain.format(*streams, out=f"v{index}"))
        outputs += ["-map", f"[v{index}]", "-frames:v", str(part.frames), *X264, *X264_FIXED, *X264_COLOUR]
        outputs += [*BITEXACT, "-f", "h264", f"s{index}.h264"]
    return [*inputs, "-filter_complex", ";".join(chains), *outputs]


def music(campaign: m.Campaign) -> Path | None:
    """Return the campaign's background music: the first declared asset that is an audio file."""
    found = next((a.path for a in campaign.assets if a.path.lower().endswith(MUSIC_SUFFIXES)), None)
    return campaign.root / found if found else None


def audio_graph(has_music: bool, seconds: float) -> str:
    """Return the filter graph making [mix]: the voice, with music ducking under it when there is music."""
    if not has_music:  # the voice alone is measured at its own rate, and resampled once at the end
        return "[0:a]aformat=sample_fmts=fltp:channel_layouts=mono[mix]"
    voice = "[0:a]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=mono"
    return (
        f"{voice},asplit=2[voice][key];"
        f"[1:a]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=mono,"
        f"atrim=0:{seconds:.3f},volume={MUSIC_LEVEL},afade=t=out:st={max(0.0, seconds - 2):.3f}:d=2[bed];"
        "[bed][key]sidechaincompress=threshold=0.02:ratio=12:attack=20:release=400[ducked];"
        "[voice][ducked]amix=inputs=2:duration=first:normalize=0[mix]"
    )


def master_audio(folder: Path, music_path: Path | None, seconds: float) -> None:
    """Write sound.m4a: the narration (and ducked music) at the target loudness, as AAC."""
    audio = ["-i", "voice.wav", *(["-stream_loop", "-1", "-i", str(music_path)] if music_path else [])]
    graph = audio_graph(music_path is not None, seconds)
    level = loudness_filter(audio, graph, cwd=folder)
    args = [
        *audio, "-filter_complex", f"{graph};[mix]{level},aresample=48000[a]", "-map", "[a]",
        "-c:a", "aac", "-aac_coder", "fast", "-b:a", "96k", *BITEXACT, "-t", f"{seconds:.3f}", "sound.m4a",
    ]  # fmt: skip
    run_ffmpeg(args, cwd=folder, what="tiếng thuyết minh")


def mux(folder: Path, seconds: float, title: str) -> None:
    """Write clip.mp4: the joined video, the sound and the subtitles as a soft track (vie), all copied."""
    args = [
        "-framerate", str(FPS), "-f", "h264", "-i", "video.h264", "-i", "sound.m4a", "-i", "subs.srt",
        "-map", "0:v", "-map", "1:a", "-map", "2:s", "-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text",
        "-metadata:s:a:0", "language=vie", "-metadata:s:s:0", "language=vie", "-disposition:s:0", "0",
        *BITEXACT, "-metadata", f"title={title}", "-movflags", "+faststart",
        "-t", f"{seconds:.3f}", "clip.mp4",
    ]  # fmt: skip
    run_ffmpeg(args, cwd=folder, what="ghép video, tiếng và phụ đề")
