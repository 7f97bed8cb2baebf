"""Content lint: help block, alt text, lapsed laws, message length, reading level, scare words."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from loa import model as m
from loa.errors import Diagnostic, Location
from loa.readers.markdown import block_text
from loa.readers.sections import body_for

KEY_MESSAGE_MAX = 120
SCARE_WORDS = (
    "kinh hoàng",
    "ám ảnh",
    "khủng khiếp",
    "chết chóc",
    "rùng rợn",
    "thảm khốc",
    "ghê rợn",
    "đáng sợ",
    "hãi hùng",
    "tột cùng nguy hiểm",
)
# Words per sentence a reader of this age can follow (Vietnamese words are space-separated
# syllables); the average and the longest sentence are both checked.
READING_LIMITS = ((10, 16, 26), (15, 22, 34), (18, 28, 45))
_SENTENCE = re.compile(r"(?<=[.!?…])[\"”’»)]*\s+|\n+")


def lint(campaign: m.Campaign, *, today: dt.date) -> list[Diagnostic]:
    """Return content warnings for a campaign as it would be built on a given day."""
    return [
        *_campaign_rules(campaign),
        *(d for q in campaign.quizzes for d in _quiz_rules(campaign, q)),
        *(d for t in campaign.topics for d in _topic_rules(campaign, t, today)),
    ]


def _campaign_rules(campaign: m.Campaign) -> Iterator[Diagnostic]:
    config = campaign.root / "campaign.yaml"
    if not any(h.number.replace(" ", "") == "111" for h in campaign.hotlines):
        yield _warn(
            Location(config, _line(config, "hotlines:")),
            "hotlines",
            "thiếu Tổng đài 111 trong khối trợ giúp",
            'thêm hotline number: "111" (Tổng đài điện thoại quốc gia bảo vệ trẻ em)',
            "help-block",
        )
    for i, asset in enumerate(campaign.assets):
        if not asset.alt.strip():
            yield _warn(
                Location(config, _line(config, asset.path)),
                f"assets.{i}.alt",
                f"ảnh '{asset.path}' chưa có mô tả thay thế (alt)",
                "viết một câu mô tả ảnh cho người không nhìn thấy",
                "alt-text",
            )


def _topic_rules(campaign: m.Campaign, topic: m.Topic, today: dt.date) -> Iterator[Diagnostic]:
    path = topic.source_path
    text = "\n".join([block_text(topic.body), *_action_texts(topic)])
    numbers = [h.number for h in campaign.hotlines] or ["111"]
    if not any(n in text for n in numbers):
        yield _warn(
            Location(path, topic.body_line),
            "body",
            "chủ đề chưa nói cần tìm ai giúp đỡ (không nhắc đường dây nóng nào)",
            "thêm một đoạn 'Khi cần giúp đỡ' nhắc Tổng đài 111",
            "help-block",
        )
    if topic.image and not topic.image.alt.strip():
        yield _warn(
            Location(path, _line(path, "image:")),
            "image.alt",
            "ảnh bìa chưa có mô tả thay thế (alt)",
            "thêm image.alt",
            "alt-text",
        )
    for ref_id in topic.legal:
        ref = campaign.legal_reference(ref_id)
        if not ref.in_force(today):
            successor = f"; thay bằng '{ref.replaced_by}'" if ref.replaced_by else ""
            yield _warn(
                Location(path, _line(path, ref_id)),
                "legal",
                f"{ref.title} {ref.number} không còn hiệu lực từ {ref.expires:%d/%m/%Y}"
                if ref.expires
                else f"{ref.title} {ref.number} chưa có hiệu lực",
                f"dẫn văn bản đang có hiệu lực{successor}",
                "lapsed-law",
            )
    for message in topic.key_messages:
        if len(message) > KEY_MESSAGE_MAX:
            yield _warn(
                Location(path, _line(path, message[:30])),
                "key_messages",
                f"thông điệp dài {len(message)} ký tự (tối đa {KEY_MESSAGE_MAX})",
                "rút gọn thành một câu ngắn, dễ nhớ",
                "message-length",
            )
    all_text = "\n".join([text, *topic.key_messages, topic.title, topic.summary]).lower()
    for word in SCARE_WORDS:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", all_text):
            yield _warn(
                Location(path, _line(path, word)),
                "body",
                f"từ ngữ gây sợ hãi: '{word}'",
                "nói điều trẻ có thể làm, đừng dọa; xem docs/content-guide.md",
                "scare",
            )
    yield from _reading_level(campaign, topic)


def _quiz_rules(campaign: m.Campaign, quiz: m.Quiz) -> Iterator[Diagnostic]:
    audience = campaign.audience(quiz.audience)
    if audience.kind != "children" or audience.age_max is None:
        return
    longest_limit = _limits(audience.age_max)[1]
    for question in quiz.questions:
        for sentence in _sentences([question.question, *question.choices, question.explanation]):
            if len(sentence.split()) > longest_limit:
                yield _warn(
                    Location(quiz.source_path, _line(quiz.source_path, sentence[:30])),
                    f"questions.{question.id}",
                    f"câu quá dài cho {audience.name} ({len(sentence.split())} từ)",
                    f"chia thành câu dưới {longest_limit} từ",
                    "reading-level",
                )


def _limits(age_max: int) -> tuple[int, int]:
    return next((a, b) for age, a, b in READING_LIMITS if age_max <= age)


def _reading_level(campaign: m.Campaign, topic: m.Topic) -> Iterator[Diagnostic]:
    for audience_id in topic.audiences:
        audience = campaign.audience(audience_id)
        if audience.kind != "children" or audience.age_max is None:
            continue
        average_limit, longest_limit = next((a, b) for age, a, b in READING_LIMITS if audience.age_max <= age)
        actions = topic.actions.get(audience_id, m.AudienceActions())
        texts = [*topic.key_messages, *actions.do, *actions.dont, *actions.say]
        if audience.age_max == _youngest_age(campaign, topic):
            # the body must suit its youngest readers, less the sections children's products leave out
            texts += block_text(body_for(topic, audience)).splitlines()
        sentences = _sentences(texts)
        if not sentences:
            continue
        lengths = [len(s.split()) for s in sentences]
        longest = max(sentences, key=lambda s: len(s.split()))
        path = topic.source_path
        if sum(lengths) / len(lengths) > average_limit or max(lengths) > longest_limit:
            yield _warn(
                Location(path, _line(path, longest[:30])),
                f"actions.{audience_id}",
                f'câu quá dài cho {audience.name} ({len(longest.split())} từ: "{longest[:60]}…")',
                f"chia thành câu ngắn, trung bình dưới {average_limit} từ",
                "reading-level",
            )


def _youngest_age(campaign: m.Campaign, topic: m.Topic) -> int | None:
    ages = [campaign.audience(a).age_max for a in topic.audiences if campaign.audience(a).kind == "children"]
    return min((a for a in ages if a is not None), default=None)


def _sentences(texts: list[str]) -> list[str]:
    return [s.strip() for t in texts for s in _SENTENCE.split(t) if s.strip()]


def _action_texts(topic: m.Topic) -> Iterator[str]:
    for actions in topic.actions.values():
        yield from (*actions.do, *actions.dont, *actions.say)


def _warn(location: Location, field: str, message: str, fix: str, code: str) -> Diagnostic:
    return Diagnostic(location, field, message, fix, severity="warning", code=code)


@cache
def _lines_of(path: Path) -> tuple[str, ...]:
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig"))
    return tuple(text.splitlines())


def _line(path: Path, needle: str) -> int | None:
    """Return the first line of a source file containing some text, for locating warnings."""
    needle = needle.lower()
    return next((i for i, line in enumerate(_lines_of(path), 1) if needle in line.lower()), None)
