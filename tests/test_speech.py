"""Speech: Vietnamese normalisation for the ear, the engines behind one interface, narration timing."""

from __future__ import annotations

import array
import base64
import json
import os
import shutil
import stat
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from loa.speech import CloudEngine, EspeakEngine, PiperEngine, Speech, SpeechError, make_engine, speech_choice
from loa.speech.audio import Timeline, trim
from loa.speech.normalize import normalize_for_speech
from loa.speech.numbers import cardinal, date, decimal
from loa.speech.script import balanced_lines, cues, short_sentences


def espeak_or_skip() -> None:
    """Skip without espeak-ng, unless CI requires it (LOA_REQUIRE_SERVICES=1)."""
    if shutil.which("espeak-ng"):
        return
    if os.environ.get("LOA_REQUIRE_SERVICES") == "1":
        pytest.fail("espeak-ng is required (LOA_REQUIRE_SERVICES=1): apt-get install espeak-ng")
    pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


def tone(seconds: float, rate: int = 22050, level: int = 8000, lead: float = 0.0) -> Speech:
    """Return silence then a square-ish tone: enough to stand in for speech."""
    samples = array.array("h", bytes(2 * round(lead * rate)))
    samples.extend(level if (i // 20) % 2 else -level for i in range(round(seconds * rate)))
    return Speech(samples.tobytes(), rate)


# --- normalisation table ---------------------------------------------------------------------

CASES = [
    ("Gọi 111 ngay.", "Gọi một một một ngay."),
    ("Gọi 113 hoặc 112.", "Gọi một một ba hoặc một một hai."),
    (
        "Tổng đài 111 hoạt động 24/7.",
        "Tổng đài một một một hoạt động hai mươi bốn giờ mỗi ngày, bảy ngày mỗi tuần.",
    ),
    ("Số 0272 3822 111", "Số không hai bảy hai, ba tám hai hai, một một một"),
    ("Gọi 1800 1567", "Gọi một tám không không, một năm sáu bảy"),
    ("Trẻ dưới 16 tuổi", "Trẻ dưới mười sáu tuổi"),
    ("Có 21 em và 105 thầy cô", "Có hai mươi mốt em và một trăm lẻ năm thầy cô"),
    ("năm 2016", "năm hai nghìn không trăm mười sáu"),
    ("1.000.000 đồng", "một triệu đồng"),
    ("Lần thứ 1 và thứ 4", "Lần thứ nhất và thứ tư"),
    ("Ngày 15/9/2025 bắt đầu.", "ngày mười lăm tháng chín năm hai nghìn không trăm hai mươi lăm bắt đầu."),
    ("Tháng hành động 1–30/6 hằng năm", "Tháng hành động từ ngày một đến ngày ba mươi tháng sáu hằng năm"),
    ("Từ 01/01/2026", "Từ ngày một tháng một năm hai nghìn không trăm hai mươi sáu"),
    ("Lúc 8h30 và 14:05", "Lúc tám giờ ba mươi phút và mười bốn giờ năm phút"),
    ("Chỉ 30% trẻ biết, 2,5% còn lại", "Chỉ ba mươi phần trăm trẻ biết, hai phẩy năm phần trăm còn lại"),
    ("Trẻ em 11–15 tuổi", "Trẻ em mười một đến mười lăm tuổi"),
    ("UBND xã và trường THCS, THPT", "Ủy ban nhân dân xã và trường trung học cơ sở, trung học phổ thông"),
    ("CSGT và TP.HCM", "cảnh sát giao thông và Thành phố Hồ Chí Minh"),
    ("Nghị định 56/2017/NĐ-CP", "Nghị định năm mươi sáu năm hai nghìn không trăm mười bảy"),
    ("Mã OTP và mã QR", "Mã ô tê pê và mã kiu a"),
    ("Dùng Facebook và Zalo", "Dùng phây búc và da lô"),
    ("Xem loa.example.gov.vn nhé", "Xem loa chấm example chấm gốp chấm vê en nhé"),
    ("Vào https://www.tongdai111.vn/", "Vào tongdai một một một chấm vê en"),
    ("Thư: lienhe@svhttdl.gov.vn.", "Thư: lienhe a còng ét vê hát tê tê dê eo chấm gốp chấm vê en."),
    ("Nhớ: DỪNG – LƯU – CHẶN – KỂ", "Nhớ: dừng, lưu, chặn, kể"),
    ("Em an toàn 😀👍 nhé ❤️", "Em an toàn nhé"),
    ("Bố/mẹ & thầy cô", "Bố hoặc mẹ và thầy cô"),
]


@pytest.mark.parametrize(("written", "said"), CASES, ids=[c[0] for c in CASES])
def test_normalisation_reads_vietnamese_text_the_way_a_person_says_it(written: str, said: str) -> None:
    assert normalize_for_speech(written) == said


def test_campaign_hotlines_are_read_digit_by_digit_like_111() -> None:
    assert normalize_for_speech("Gọi 1900 ngay", phone_numbers=["1900"]) == "Gọi một chín không không ngay"
    assert normalize_for_speech("Có 1900 em") == "Có một nghìn chín trăm em"


def test_normalised_text_has_no_digits_left() -> None:
    text = "Ngày 1/6, 2.500 em gọi 111; 3 em gọi 113 lúc 20h, 15% qua Zalo."
    assert not any(c.isdigit() for c in normalize_for_speech(text))


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (1005, "một nghìn không trăm lẻ năm"),
        (2025, "hai nghìn không trăm hai mươi lăm"),
        (1000500, "một triệu không nghìn năm trăm"),
        (3000000000, "ba tỷ"),
    ],
)
def test_numbers_are_said_in_full_with_the_zero_hundreds(number: int, words: str) -> None:
    assert cardinal(number) == words


def test_decimals_and_dates_are_said_the_vietnamese_way() -> None:
    assert decimal("3", "5") == "ba phẩy năm"
    assert date(1, 4, None) == "ngày một tháng tư"


# --- text for ear and screen ------------------------------------------------------------------


def test_subtitle_cues_are_short_enough_for_two_lines() -> None:
    text = (
        "Khi cần giúp đỡ, hãy gọi 111, Tổng đài điện thoại quốc gia bảo vệ trẻ em, miễn phí, "
        "hai mươi bốn giờ mỗi ngày và tất cả các ngày trong tuần. Gọi ngay."
    )
    found = cues(text)
    assert all(len(c) <= 84 for c in found)
    assert " ".join(found) == text


def test_balanced_lines_are_even_and_never_start_with_a_dash() -> None:
    lines = balanced_lines("Nhớ bốn bước: Dừng – Lưu – Chặn – Kể.", 28)
    assert len(lines) == 2 and not any(line.startswith("–") for line in lines)
    assert balanced_lines("Ngắn thôi.", 28) == ["Ngắn thôi."]


def test_long_sentences_are_cut_at_semicolons_for_the_ear() -> None:
    said = short_sentences("Trẻ buồn bã sau khi lên mạng; giấu màn hình khi người lớn đến gần.", limit=30)
    assert said == ["Trẻ buồn bã sau khi lên mạng.", "Giấu màn hình khi người lớn đến gần."]


# --- timing -------------------------------------------------------------------------------------


def test_trim_removes_the_silence_around_an_utterance() -> None:
    padded = Speech(tone(1.0, lead=0.5).pcm + bytes(2 * 11025), 22050)
    assert abs(trim(padded).duration - 1.06) < 0.02


def test_timeline_starts_every_utterance_on_a_video_frame() -> None:
    timeline = Timeline(22050, 25)
    timeline.pause(0.61)
    first = timeline.say(tone(0.93), "một")
    timeline.pause(0.35)
    second = timeline.say(tone(0.5), "hai")
    for cue in (first, second):
        assert round(cue.start * 25, 6) == int(cue.start * 25 + 1e-9)
    assert timeline.speech().samples == timeline.frames * 882
    assert second.start - first.end >= 0.35


def test_timeline_refuses_speech_at_another_sample_rate() -> None:
    with pytest.raises(SpeechError, match="Hz"):
        Timeline(22050, 25).say(tone(0.1, rate=16000), "x")


# --- engines --------------------------------------------------------------------------------


def test_espeak_speaks_vietnamese_in_each_regional_voice_without_clipping() -> None:
    espeak_or_skip()
    for voice in ("vi", "vi-vn-x-central", "vi-vn-x-south"):
        speech = EspeakEngine(voice).synthesize(normalize_for_speech("Gọi 111 khi cần giúp đỡ."))
        samples = array.array("h", speech.pcm)
        assert speech.rate == 22050 and 1.0 < speech.duration < 6.0
        assert max(abs(s) for s in samples) < 32767
        assert sum(abs(s) for s in samples) / len(samples) > 300  # not silent


def test_espeak_gives_the_same_samples_for_the_same_text() -> None:
    espeak_or_skip()
    engine = EspeakEngine()
    assert engine.synthesize("Xin chào các em.") == engine.synthesize("Xin chào các em.")


def test_an_unknown_espeak_voice_names_the_voices_there_are() -> None:
    reason = EspeakEngine("vi-hue").unavailable_reason()
    assert reason and "vi-vn-x-south" in reason


def test_missing_espeak_says_which_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOA_ESPEAK", "/khong/co/espeak-ng")
    reason = EspeakEngine().unavailable_reason()
    assert reason and "apt-get install espeak-ng" in reason
    with pytest.raises(SpeechError, match="espeak-ng"):
        EspeakEngine().synthesize("xin chào")


def test_engine_and_voice_come_from_the_environment_with_espeak_vi_by_default() -> None:
    assert speech_choice({}) == ("espeak-ng", "vi")
    assert speech_choice({"LOA_SPEECH_ENGINE": "espeak", "LOA_SPEECH_VOICE": "vi-vn-x-south"}) == (
        "espeak-ng",
        "vi-vn-x-south",
    )
    with pytest.raises(SpeechError, match="LOA_SPEECH_ENGINE"):
        speech_choice({"LOA_SPEECH_ENGINE": "say"})
    assert isinstance(make_engine("piper", "/x.onnx"), PiperEngine)


FAKE_PIPER = """#!{python}
import sys, wave
args = sys.argv[1:]
model, out = args[args.index("--model") + 1], args[args.index("--output_file") + 1]
text = sys.stdin.read()
assert model.endswith(".onnx") and text
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
    w.writeframes(b"\\x00\\x10" * 2205 * len(text.split()))
"""


def test_piper_runs_the_program_with_the_local_voice_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = tmp_path / "piper"
    program.write_text(FAKE_PIPER.format(python=sys.executable))
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    voice = tmp_path / "vi_VN-test-medium.onnx"
    voice.write_bytes(b"onnx")
    monkeypatch.setenv("LOA_PIPER", str(program))
    speech = PiperEngine(str(voice)).synthesize("một hai ba")
    assert speech.rate == 22050 and abs(speech.duration - 0.3) < 0.01


def test_piper_without_a_voice_file_says_how_to_give_one(tmp_path: Path) -> None:
    assert "LOA_SPEECH_VOICE" in str(PiperEngine().unavailable_reason())
    assert "không thấy tệp giọng" in str(PiperEngine(str(tmp_path / "none.onnx")).unavailable_reason())


class FakeTts(BaseHTTPRequestHandler):
    """A local stand-in for a cloud TTS service, following the documented contract."""

    requests: list[dict[str, object]] = []  # noqa: RUF012 - shared on purpose: the test reads it

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeTts.requests.append({"auth": self.headers["Authorization"], **body})
        if self.headers["Authorization"] != "Bearer khoa-thu":
            self._reply(401, "application/json", b'{"error": "bad key"}')
        elif body["voice"] == "json":
            audio = base64.b64encode(tone(0.2).to_wav()).decode()
            self._reply(200, "application/json", json.dumps({"audio": audio}).encode())
        else:
            self._reply(200, "audio/wav", tone(0.5).to_wav())

    def _reply(self, code: int, kind: str, data: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def fake_tts() -> Iterator[str]:
    """Return the address of a fake TTS server on loopback (never the real network)."""
    server = HTTPServer(("127.0.0.1", 0), FakeTts)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTts.requests = []
    yield f"http://127.0.0.1:{server.server_port}/v1/tts"
    server.shutdown()
    server.server_close()


def test_cloud_engine_posts_the_text_with_the_key_and_reads_wav(fake_tts: str) -> None:
    speech = CloudEngine("vi-nu-mien-bac", url=fake_tts, key="khoa-thu").synthesize("Xin chào")
    assert abs(speech.duration - 0.5) < 0.01
    sent = FakeTts.requests[0]
    assert sent == {"auth": "Bearer khoa-thu", "text": "Xin chào", "voice": "vi-nu-mien-bac",
                    "language": "vi-VN", "format": "wav"}  # fmt: skip


def test_cloud_engine_reads_base64_audio_inside_json(fake_tts: str) -> None:
    assert abs(CloudEngine("json", url=fake_tts, key="khoa-thu").synthesize("a").duration - 0.2) < 0.01


def test_cloud_engine_reports_a_refused_key_in_vietnamese(fake_tts: str) -> None:
    with pytest.raises(SpeechError, match="trả lỗi 401"):
        CloudEngine(url=fake_tts, key="sai").synthesize("a")


def test_cloud_engine_takes_url_and_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOA_TTS_URL", raising=False)
    monkeypatch.delenv("LOA_TTS_KEY", raising=False)
    assert "LOA_TTS_URL" in str(CloudEngine().unavailable_reason())
    monkeypatch.setenv("LOA_TTS_URL", "http://127.0.0.1:9/tts")
    assert "LOA_TTS_KEY" in str(CloudEngine().unavailable_reason())
    monkeypatch.setenv("LOA_TTS_KEY", "k")
    assert CloudEngine().unavailable_reason() is None


def test_the_campaign_chooses_the_voice_and_the_environment_overrides_it() -> None:
    chosen = ("espeak-ng", "vi-vn-x-central")
    assert speech_choice({}, campaign=chosen) == ("espeak-ng", "vi-vn-x-central")
    assert speech_choice({"LOA_SPEECH_VOICE": "vi-vn-x-south"}, campaign=chosen) == (
        "espeak-ng",
        "vi-vn-x-south",
    )
    # Another engine from the environment does not inherit a voice meant for the campaign's engine.
    assert speech_choice({"LOA_SPEECH_ENGINE": "cloud"}, campaign=chosen)[1] != "vi-vn-x-central"
