"""Channels prepare posts without side effects and refuse any that break a platform limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loa import platforms as p
from loa.channels import LimitError
from loa.channels.facebook import prepare_facebook
from loa.channels.limits import limits_table
from loa.channels.zalo import prepare_zalo_article, prepare_zalo_broadcast
from test_dependencies import MODULES, within

NOW = datetime(2026, 5, 20, 2, 0, tzinfo=UTC)


def sample_article(**changes: object) -> dict[str, object]:
    article: dict[str, object] = {
        "type": "normal",
        "title": "Giữ kín thông tin cá nhân",
        "author": "Sở VHTTDL",
        "description": "Tên trường và địa chỉ nhà của con là thông tin riêng.",
        "cover": {"cover_type": "photo", "photo_url": "https://example.gov.vn/the/a.png", "status": "show"},
        "body": [{"type": "text", "content": "Nội dung"}],
        "status": "show",
        "comment": "show",
    }
    return article | changes


def facebook(**changes: object) -> dict[str, object]:
    options: dict[str, object] = {
        "page_id": "1000",
        "topic": "giu-kin",
        "message": "Bài đăng",
        "product_sha256": "ab" * 32,
        "now": NOW,
        "link": "https://example.gov.vn/chu-de/giu-kin/",
    }
    return options | changes


def test_a_facebook_post_scheduled_less_than_ten_minutes_ahead_is_refused_naming_the_window() -> None:
    with pytest.raises(LimitError, match=r"scheduled_publish_time.*10 phút đến 30 ngày"):
        prepare_facebook(**facebook(scheduled_at=NOW + timedelta(minutes=9)))  # type: ignore[arg-type]


def test_a_facebook_post_scheduled_more_than_thirty_days_ahead_is_refused() -> None:
    with pytest.raises(LimitError, match="scheduled_publish_time"):
        prepare_facebook(**facebook(scheduled_at=NOW + timedelta(days=30, minutes=1)))  # type: ignore[arg-type]


def test_a_facebook_post_inside_the_schedule_window_is_prepared_as_scheduled() -> None:
    post = prepare_facebook(**facebook(scheduled_at=NOW + timedelta(days=3)))  # type: ignore[arg-type]
    assert post.kind == "link" and post.scheduled_at == NOW + timedelta(days=3)


def test_a_facebook_photo_over_four_megabytes_is_refused_naming_the_field() -> None:
    with pytest.raises(LimitError, match="Facebook photo: dài 4000001 byte"):
        prepare_facebook(**facebook(photo=b"x" * 4_000_001))  # type: ignore[arg-type]


def test_a_facebook_message_over_the_limit_is_refused() -> None:
    with pytest.raises(LimitError, match="Facebook message"):
        prepare_facebook(**facebook(message="a" * p.FACEBOOK_MESSAGE.maximum))  # type: ignore[arg-type]


def test_a_zalo_title_over_150_characters_is_refused_naming_the_field() -> None:
    with pytest.raises(LimitError, match="Zalo title: dài 151 ký tự, tối đa 150"):
        prepare_zalo_article(
            oa_id="oa", topic="t", article=sample_article(title="x" * 151), product_sha256="0", cover=b""
        )


def test_a_zalo_description_near_300_characters_leaves_room_for_the_marker() -> None:
    with pytest.raises(LimitError, match="Zalo description"):
        prepare_zalo_article(
            oa_id="oa",
            topic="t",
            article=sample_article(description="x" * 290),
            product_sha256="0",
            cover=b"",
        )


def test_a_zalo_article_without_a_cover_is_refused() -> None:
    with pytest.raises(LimitError, match="Zalo cover: bài viết bắt buộc có ảnh bìa"):
        prepare_zalo_article(
            oa_id="oa", topic="t", article=sample_article(cover={}), product_sha256="0", cover=None
        )


def test_a_zalo_cover_over_one_megabyte_is_refused() -> None:
    with pytest.raises(LimitError, match="Zalo cover: dài 1000001 byte"):
        prepare_zalo_article(
            oa_id="oa", topic="t", article=sample_article(), product_sha256="0", cover=b"x" * 1_000_001
        )


def test_a_zalo_broadcast_holds_at_most_five_articles() -> None:
    at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # 16:00 in Vietnam
    post = prepare_zalo_broadcast(oa_id="oa", article_ids=tuple("abcde"), at=at)
    assert post.articles == tuple("abcde")
    with pytest.raises(LimitError, match="Zalo broadcast articles: 6 bài, cần 1 đến 5"):
        prepare_zalo_broadcast(oa_id="oa", article_ids=tuple("abcdef"), at=at)


def test_a_zalo_broadcast_outside_six_to_twenty_vietnam_time_is_refused() -> None:
    late = datetime(2026, 6, 1, 14, 30, tzinfo=UTC)  # 21:30 in Vietnam
    with pytest.raises(LimitError, match="giờ gửi: 21:30 ngoài khung 06:00–20:00"):
        prepare_zalo_broadcast(oa_id="oa", article_ids=("a",), at=late)


def test_the_post_key_changes_with_channel_target_product_and_time_only() -> None:
    post = prepare_facebook(**facebook())  # type: ignore[arg-type]
    assert post.key == prepare_facebook(**facebook()).key  # type: ignore[arg-type]
    others = [
        replace(post, target="2000"),
        replace(post, product_sha256="cd" * 32),
        replace(post, scheduled_at=NOW + timedelta(days=1)),
        replace(post, channel="webhook"),
    ]
    assert len({post.key, *(o.key for o in others)}) == 5
    assert post.marker == f"#loa-{post.key[:8]}"


def test_every_rate_limit_code_lives_in_the_platforms_table() -> None:
    assert p.RATE_LIMIT_CODES["facebook"] == {4, 17, 32, 613, 80001}
    assert -32 in p.RATE_LIMIT_CODES["zalo"]


def test_the_limits_table_in_the_publishing_guide_matches_platforms_py() -> None:
    guide = (Path(__file__).parents[1] / "docs" / "publishing.md").read_text(encoding="utf-8")
    between = guide.split("<!-- limits:begin -->\n", 1)[1].split("\n<!-- limits:end -->", 1)[0]
    assert between == limits_table()


def test_only_the_channels_and_the_web_app_make_network_calls() -> None:
    network = ("httpx", "requests", "urllib.request", "http.client")
    offenders = {
        name: sorted(i for i in imports if within(i, *network))
        for name, imports in MODULES.items()
        if not within(
            name, "loa.channels", "loa.web", "loa.speech.cloud"
        )  # the cloud voice is a provider too
    }
    assert {name: found for name, found in offenders.items() if found} == {}
