"""A loudspeaker bulletin per topic for the commune radio (đài truyền thanh cơ sở): script and MP3.

Written for the ear: short sentences, a standard opening and closing naming the issuer, the
hotline said twice, a chime before and after; mono, loudness-normalised, one to three minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job, Renderer
from loa.renderers.context import help_context
from loa.renderers.visuals.content import first_sentence
from loa.speech import Speech, SpeechEngine, make_engine, normalize_for_speech, speech_choice
from loa.speech.audio import Timeline, trim
from loa.speech.ffmpeg import BITEXACT, ffmpeg_unavailable_reason, loudness_filter, run_ffmpeg
from loa.speech.script import short_sentences

SPEED = 150
"""Words a minute: slower than the video, for loudspeakers on poles and noisy streets."""
SENTENCE_PAUSE, SECTION_PAUSE = 0.45, 0.9
SHORTEST, LONGEST = 62.0, 175.0
"""Seconds: a bulletin lasts one to three minutes (with a little margin)."""
CHIME = ((784.0, 0.0), (659.3, 0.38))
"""The two notes (Hz, start second) of the chime that opens and closes a bulletin."""


@dataclass(frozen=True)
class Section:
    """A part of the bulletin: its sentences, and whether it can be left out of a long bulletin."""

    lines: tuple[str, ...]
    drop: int = 0


class BulletinRenderer(Renderer):
    """A spoken bulletin per topic for commune loudspeakers and local radio, with its script."""

    name: ClassVar[str] = "bulletin"
    kind: ClassVar[str] = "audio"
    format: ClassVar[str] = "mp3"
    media_type: ClassVar[str] = "audio/mpeg"

    def unavailable_reason(self) -> str | None:
        """Return why bulletins cannot be made here (ffmpeg or the speech engine missing), or None."""
        engine, voice = speech_choice()
        return ffmpeg_unavailable_reason() or make_engine(engine, voice).unavailable_reason()

    def plan(self, campaign: m.Campaign) -> list[Job]:
        engine, voice = speech_choice(campaign=(campaign.speech.engine, campaign.speech.voice))
        return [Job(self.name, t.id, options=(("speech", f"{engine}:{voice}"),)) for t in campaign.topics]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        assert job.topic
        topic = campaign.topic(job.topic)
        name, voice = dict(job.options)["speech"].split(":", 1)
        engine = make_engine(name, voice, speed=SPEED)
        sections = fit(bulletin_script(campaign, topic), engine, campaign)
        timeline = voice_bulletin(sections, engine, campaign)
        title = f"Bản tin truyền thanh: {topic.title}"
        with TemporaryDirectory(prefix="loa-bulletin-") as folder:
            mp3 = encode_mp3(Path(folder), timeline.speech(), title, campaign)
        text = script_text(campaign, topic, sections, timeline.seconds)
        path = f"ban-tin/{topic.id}"
        return [
            Artifact(
                f"{path}.mp3", mp3, self.kind, self.format, self.media_type, title=title, topic=topic.id
            ),
            Artifact(
                f"{path}.txt", text.encode(), "script", "txt", "text/plain; charset=utf-8", title, topic.id
            ),
        ]


def bulletin_script(campaign: m.Campaign, topic: m.Topic) -> list[Section]:
    """Return the sections: opening, summary, messages, risks, signs, advice, help said twice, closing."""
    issuer = campaign.issuer
    by = issuer.name + (f", {issuer.parent}" if issuer.parent else "")
    parents = next((a for a in topic.audiences if campaign.audience(a).kind == "parents"), None)
    advice = topic.actions[parents].do[:3] if parents and parents in topic.actions else ()
    hotline, repeat = help_lines(campaign)
    return [
        Section(
            (
                "Kính thưa bà con!",
                f"Sau đây là bản tin tuyên truyền: {campaign.title}.",
                f"Bản tin do {by} phát hành.",
            )
        ),
        Section((f"Chủ đề hôm nay: {topic.title}.", *short_sentences(topic.summary))),
        Section(("Xin bà con ghi nhớ.", *_sentences(topic.key_messages))),
        Section(("Trên mạng, trẻ em có thể gặp những nguy cơ sau.", *_sentences(topic.risks[:3])), drop=2),
        Section(
            ("Cha mẹ hãy để ý khi con có những dấu hiệu sau.", *_sentences(topic.warning_signs[:3])), drop=3
        ),
        Section(("Cha mẹ nên làm gì?", *_sentences(advice)), drop=1) if advice else Section((), drop=1),
        Section(hotline),
        Section(repeat),
        Section((f"Bản tin vừa rồi do {by} phát hành.", "Cảm ơn bà con đã lắng nghe!")),
    ]


def help_lines(campaign: m.Campaign) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the help section and its repetition: the first hotline (111) is said twice."""
    hotlines: list[m.Hotline] = help_context(campaign)["hotlines"]
    if not hotlines:
        return (), ()
    main, *others = hotlines
    note = first_sentence(main.description)
    first = [f"Khi trẻ bị xâm hại hoặc gặp nguy hiểm trên mạng, hãy gọi ngay số {main.number}."]
    first.append(f"Đó là {main.name}." + (f" {note[:1].upper()}{note[1:]}." if note else ""))
    first += [f"{h.name}: số {h.number}." for h in others[:1]]
    return tuple(first), (f"Xin nhắc lại: khi cần giúp đỡ, hãy gọi số {main.number}.",)


def _sentences(items: tuple[str, ...]) -> tuple[str, ...]:
    """Return items as short spoken sentences: each ends with a full stop, semicolons cut them."""
    out = []
    for item in items:
        text = item.strip()
        out += short_sentences(text if text.endswith((".", "!", "?", "…")) else text + ".", limit=50)
    return tuple(out)


def voice_bulletin(sections: list[Section], engine: SpeechEngine, campaign: m.Campaign) -> Timeline:
    """Speak the sections between two chimes, with pauses after sentences and sections."""
    spoken = [[_speak(engine, line, campaign) for line in s.lines] for s in sections if s.lines]
    rate = spoken[0][0].rate
    timeline = Timeline(rate, 25)
    timeline.say(chime(rate), "")
    timeline.pause(SECTION_PAUSE)
    for section in spoken:
        for speech in section:
            timeline.say(speech, "")
            timeline.pause(SENTENCE_PAUSE)
        timeline.pause(SECTION_PAUSE - SENTENCE_PAUSE)
    timeline.say(chime(rate), "")
    timeline.pause(0.5)
    return timeline


def fit(sections: list[Section], engine: SpeechEngine, campaign: m.Campaign) -> list[Section]:
    """Return the sections, leaving optional ones out while too long, repeating messages while too short."""
    kept = list(sections)
    for level in sorted({s.drop for s in sections if s.drop}, reverse=True):
        if length(kept, engine, campaign) <= LONGEST:
            break
        kept = [s for s in kept if s.drop != level]
    if length(kept, engine, campaign) < SHORTEST:
        messages = next(s for s in kept if s.lines[:1] == ("Xin bà con ghi nhớ.",))
        reminder = Section(("Xin nhắc lại những điều cần nhớ.", *messages.lines[1:]))
        kept.insert(len(kept) - 2, reminder)
    return kept


def length(sections: list[Section], engine: SpeechEngine, campaign: m.Campaign) -> float:
    """Return how long the sections take to say, with their pauses and chimes, in seconds."""
    said = sum(_speak(engine, line, campaign).duration + SENTENCE_PAUSE for s in sections for line in s.lines)
    return said + len(sections) * (SECTION_PAUSE - SENTENCE_PAUSE) + 2 * (1.6 + SECTION_PAUSE)


_SPOKEN: dict[tuple[str, str, str], Speech] = {}


def _speak(engine: SpeechEngine, line: str, campaign: m.Campaign) -> Speech:
    """Return a line spoken (each line once per process: fitting measures lines more than once)."""
    key = (engine.identity, str(getattr(engine, "speed", "")), line)
    if key not in _SPOKEN:
        text = normalize_for_speech(line, phone_numbers=[h.number for h in campaign.hotlines])
        _SPOKEN[key] = trim(engine.synthesize(text))
    return _SPOKEN[key]


def chime(rate: int) -> Speech:
    """Return the two-note chime (sine tones with a soft decay), 1.6 seconds long."""
    import array

    samples = array.array("h", bytes(2 * round(1.6 * rate)))
    for frequency, start in CHIME:
        first = round(start * rate)
        for i in range(len(samples) - first):
            t = i / rate
            value = 0.45 * math.sin(2 * math.pi * frequency * t) * math.exp(-3.2 * t) * min(1.0, t * 200)
            samples[first + i] = max(-32767, min(32767, samples[first + i] + round(value * 32767)))
    return Speech(samples.tobytes(), rate)


def encode_mp3(folder: Path, speech: Speech, title: str, campaign: m.Campaign) -> bytes:
    """Return the bulletin as a mono MP3 at about −16 LUFS, with title, issuer and campaign tags."""
    (folder / "bulletin.wav").write_bytes(speech.to_wav())
    audio = ["-i", "bulletin.wav"]
    graph = "[0:a]aformat=sample_fmts=fltp:channel_layouts=mono[mix]"
    level = loudness_filter(audio, graph, cwd=folder)
    tags = {"title": title, "artist": campaign.issuer.name, "album": campaign.title}
    args = [
        *audio, "-filter_complex", f"{graph};[mix]{level},aresample=44100[a]", "-map", "[a]",
        "-c:a", "libmp3lame", "-b:a", "64k", "-ac", "1", *BITEXACT,
        *(arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")),
        "-id3v2_version", "3", "-write_id3v1", "0", "bulletin.mp3",
    ]  # fmt: skip
    run_ffmpeg(args, cwd=folder, what="bản tin MP3")
    return (folder / "bulletin.mp3").read_bytes()


def script_text(campaign: m.Campaign, topic: m.Topic, sections: list[Section], seconds: float) -> str:
    """Return the script an announcer can read live: a header, then the sections as paragraphs."""
    minutes, rest = divmod(round(seconds), 60)
    header = [
        f"BẢN TIN TRUYỀN THANH — {campaign.title.upper()}",
        f"Chủ đề: {topic.title}",
        f"Đơn vị phát hành: {campaign.issuer.name}"
        + (f", {campaign.issuer.parent}" if campaign.issuer.parent else ""),
        f"Thời lượng bản ghi: {minutes} phút {rest:02d} giây. Phát trước và sau bản tin: tiếng chuông.",
        "",
        "[Tiếng chuông]",
    ]
    body = [" ".join(s.lines) for s in sections if s.lines]
    return "\n".join([*header, "", "\n\n".join(body), "", "[Tiếng chuông]", ""])
