"""`loa publish`: a dry-run plan by default, --yes publishes to the (fake) platforms, clear errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from fakes.graph import FakeGraph
from fakes.zalo import FakeZalo
from loa.build import build
from loa.channels import LimitError
from loa.channels.zalo import VIETNAM
from loa.publish import run
from loa_support import ROOTS, SOURCE_DATE_EPOCH, LoaCommand

KEY = Fernet.generate_key().decode()


@pytest.fixture(scope="session")
def built_social(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/full built with its cards and social posts only. Read only."""
    out = tmp_path_factory.mktemp("built") / "social"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        build(ROOTS / "full", out=out, formats=["cards", "social"])
    return out


@pytest.fixture
def fakes() -> Iterator[tuple[FakeGraph, FakeZalo]]:
    with FakeGraph() as graph, FakeZalo() as zalo:
        yield graph, zalo


def platform_env(graph: FakeGraph, zalo: FakeZalo, data: Path) -> dict[str, str]:
    return {
        "LOA_DATA_DIR": str(data),
        "LOA_SECRET_KEY": KEY,
        "LOA_FACEBOOK_PAGE_ID": graph.page_id,
        "LOA_FACEBOOK_PAGE_TOKEN": graph.token,
        "LOA_FACEBOOK_GRAPH_URL": graph.base_url,
        "LOA_ZALO_APP_ID": zalo.app_id,
        "LOA_ZALO_APP_SECRET": zalo.app_secret,
        "LOA_ZALO_ACCESS_TOKEN": zalo.access_token,
        "LOA_ZALO_REFRESH_TOKEN": zalo.refresh_token,
        "LOA_ZALO_API_URL": zalo.url,
        "LOA_ZALO_OAUTH_URL": zalo.url,
        "LOA_PUBLISH_TIMEOUT": "5",
    }


def test_publish_without_yes_lists_the_plan_and_sends_nothing(
    loa_in_process: LoaCommand, built_social: Path, fakes: tuple[FakeGraph, FakeZalo], tmp_path: Path
) -> None:
    graph, zalo = fakes
    env = platform_env(graph, zalo, tmp_path / "var")
    run = loa_in_process("publish", built_social, "--channels", "facebook,zalo", env=env)
    assert run.returncode == 0, run
    assert "Chạy thử: 4 bài, chưa gửi gì" in run.stdout
    assert run.stdout.count("facebook") == 2 and run.stdout.count("article") == 2
    assert (graph.posts, zalo.articles) == ([], []) and not (tmp_path / "var").exists()
    for secret in (graph.token, zalo.access_token, zalo.refresh_token, zalo.app_secret, KEY):
        assert secret not in run.stdout + run.stderr


def test_publish_yes_posts_each_topic_once_to_facebook_and_zalo_even_when_run_twice(
    loa_in_process: LoaCommand, built_social: Path, fakes: tuple[FakeGraph, FakeZalo], tmp_path: Path
) -> None:
    graph, zalo = fakes
    env = platform_env(graph, zalo, tmp_path / "var")
    first = loa_in_process("publish", built_social, "--yes", env=env)
    second = loa_in_process("publish", built_social, "--yes", env=env)
    assert first.returncode == 0 and second.returncode == 0, (first, second)
    assert "4 đã đăng, 0 chờ đến giờ" in second.stdout
    assert len(graph.posts) == 2 and len(zalo.articles) == 2
    assert all(p.photo and p.photo.startswith(b"\x89PNG") for p in graph.posts)  # the topic's card
    assert all("#loa-" in a.description for a in zalo.articles)
    assert graph.token not in first.stdout + first.stderr + second.stdout


def test_a_schedule_sends_facebook_posts_scheduled_and_holds_zalo_until_the_time(
    loa_in_process: LoaCommand, built_social: Path, fakes: tuple[FakeGraph, FakeZalo], tmp_path: Path
) -> None:
    graph, zalo = fakes
    calendar = tmp_path / "lich.yaml"
    calendar.write_text(
        "- at: 2099-01-01T09:00+07:00\n  topic: thong-tin-ca-nhan\n  channels: [zalo]\n", encoding="utf-8"
    )
    env = platform_env(graph, zalo, tmp_path / "var")
    held = loa_in_process("publish", built_social, "--calendar", calendar, "--yes", env=env)
    assert held.returncode == 0, held
    assert "0 đã đăng, 1 chờ đến giờ" in held.stdout and zalo.articles == []
    assert "01/01/2099 09:00" in held.stdout


def test_a_schedule_outside_the_facebook_window_is_refused_naming_the_limit(
    loa_in_process: LoaCommand, built_social: Path, tmp_path: Path
) -> None:
    run = loa_in_process(
        "publish",
        built_social,
        "--channels",
        "facebook",
        "--schedule",
        "2020-01-01T09:00+07:00",
        env={"LOA_DATA_DIR": str(tmp_path / "var")},
    )
    assert run.returncode == 1
    assert "Facebook scheduled_publish_time" in run.stderr and "10 phút đến 30 ngày" in run.stderr


def test_a_missing_page_token_stops_with_the_variable_to_set(
    loa_in_process: LoaCommand, built_social: Path, tmp_path: Path
) -> None:
    env = {"LOA_DATA_DIR": str(tmp_path / "var"), "LOA_FACEBOOK_PAGE_ID": "1000"}
    env |= {name: "" for name in os.environ if name == "LOA_FACEBOOK_PAGE_TOKEN"}
    run = loa_in_process("publish", built_social, "--channels", "facebook", "--yes", env=env)
    assert run.returncode == 1
    assert "thiếu LOA_FACEBOOK_PAGE_TOKEN" in run.stderr and "Traceback" not in run.stderr


def test_an_unknown_channel_is_named_with_the_ones_there_are(
    loa_in_process: LoaCommand, built_social: Path
) -> None:
    run = loa_in_process("publish", built_social, "--channels", "tiktok")
    assert (
        run.returncode == 1 and "kênh 'tiktok' không có — chọn trong: facebook, zalo, webhook" in run.stderr
    )


def test_a_folder_that_was_not_built_says_how_to_build_it(loa_in_process: LoaCommand, tmp_path: Path) -> None:
    run = loa_in_process("publish", tmp_path)
    assert run.returncode == 1 and "không có manifest.json — chạy trước: loa build" in run.stderr


def test_running_a_schedule_again_after_its_time_keeps_sent_posts_and_refuses_unsent_ones(
    built_social: Path, fakes: tuple[FakeGraph, FakeZalo], tmp_path: Path
) -> None:
    graph, zalo = fakes
    env = platform_env(graph, zalo, tmp_path / "var")
    now = datetime.now(VIETNAM).replace(microsecond=0)
    at = (now + timedelta(days=1)).isoformat()
    first = run(built_social, channels=["facebook"], send=True, schedule=at, environ=env, now=now)
    later = now + timedelta(days=2)
    again = run(built_social, channels=["facebook"], send=True, schedule=at, environ=env, now=later)
    assert [r.state for r in first] == [r.state for r in again] == ["sent", "sent"] and len(graph.posts) == 2
    with pytest.raises(LimitError, match="scheduled_publish_time"):
        run(
            built_social,
            channels=["facebook"],
            send=False,
            schedule=at,
            environ=env | {"LOA_DATA_DIR": str(tmp_path / "other")},
            now=later,
        )
