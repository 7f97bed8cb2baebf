"""Multi-photo Facebook posts, calendars beyond Facebook's 30 days, Zalo broadcasts targeted by 2025
province with follower quotas, and key rotation reporting N/N."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

import test_publish_cli
from fakes.graph import FakeGraph
from fakes.zalo import FakeZalo
from loa.channels import LimitError, PublishError
from loa.channels.facebook import prepare_facebook
from loa.channels.provinces import MERGED, old_provinces, zalo_cities
from loa.channels.zalo import VIETNAM, quota_problem, zalo_target
from loa.outbox import Outbox
from loa.publish import Broadcast, rotate_key, run
from loa_support import LoaCommand
from test_publish_cli import KEY, platform_env

built_social = test_publish_cli.built_social  # the same session build and fakes as the CLI tests
fakes = test_publish_cli.fakes

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=VIETNAM)


def card_paths(site: Path, topic: str) -> list[str]:
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    return [p["path"] for p in manifest["products"] if p.get("topic") == topic and p.get("format") == "png"]


def first_topic(site: Path) -> str:
    return str(json.loads((site / "manifest.json").read_text(encoding="utf-8"))["topics"][0]["id"])


def test_a_multi_photo_post_uploads_the_photos_unpublished_then_attaches_them_to_one_post(
    built_social: Path, fakes: tuple[FakeGraph, FakeZalo], tmp_path: Path
) -> None:
    graph, zalo = fakes
    topic = first_topic(built_social)
    extra = card_paths(built_social, topic)[-1]
    calendar = tmp_path / "lich.yaml"
    at = datetime.now(VIETNAM) + timedelta(days=2)
    calendar.write_text(yaml.safe_dump([{"at": at.isoformat(), "topic": topic, "photos": [extra]}]))
    env = platform_env(graph, zalo, tmp_path / "data")
    rows = run(built_social, channels=["facebook"], send=True, calendar=calendar, environ=env)
    assert [r.kind for r in rows] == ["album"] and rows[0].state == "sent"
    assert len(graph.posts) == 1 and len(graph.posts[0].media) == 2
    assert graph.posts[0].scheduled == int(at.timestamp())


def test_a_photo_not_listed_in_the_build_cannot_be_attached(built_social: Path, tmp_path: Path) -> None:
    calendar = tmp_path / "lich.yaml"
    entry = {"at": "2026-06-02T09:00+07:00", "topic": first_topic(built_social), "photos": ["../secret.jpg"]}
    calendar.write_text(yaml.safe_dump([entry]))
    with pytest.raises(PublishError, match="không phải ảnh PNG/JPEG trong manifest"):
        run(built_social, channels=["facebook"], send=False, calendar=calendar, environ={}, now=NOW)


def test_a_manifest_entry_pointing_outside_the_build_is_not_read(built_social: Path, tmp_path: Path) -> None:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(built_social, site)
    (tmp_path / "evidence.png").write_bytes(b"a child's photo")
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    topic = first_topic(site)
    manifest["products"].append({"path": "../evidence.png", "format": "png", "topic": topic, "kind": "card"})
    (site / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    calendar = tmp_path / "lich.yaml"
    entry = {"at": "2026-06-02T09:00+07:00", "topic": topic, "photos": ["../evidence.png"]}
    calendar.write_text(yaml.safe_dump([entry]))
    with pytest.raises(PublishError, match="không phải ảnh PNG/JPEG trong manifest"):
        run(site, channels=["facebook"], send=False, calendar=calendar, environ={}, now=NOW)


def test_more_than_ten_photos_in_one_post_are_refused_naming_the_limit() -> None:
    with pytest.raises(LimitError, match="attached_media: 11 ảnh, tối đa 10"):
        prepare_facebook(
            page_id="1",
            topic="t",
            message="m",
            product_sha256="x",
            now=None,
            photo=b"png",
            photos=[(f"{n}.png", b"png") for n in range(10)],
        )


def test_a_calendar_entry_beyond_thirty_days_waits_planned_and_is_scheduled_once_inside_the_window(
    built_social: Path, fakes: tuple[FakeGraph, FakeZalo], tmp_path: Path
) -> None:
    graph, zalo = fakes
    at = datetime.now(VIETNAM) + timedelta(days=25)
    calendar = tmp_path / "lich.yaml"
    calendar.write_text(yaml.safe_dump([{"at": at.isoformat(), "topic": first_topic(built_social)}]))
    env = platform_env(graph, zalo, tmp_path / "data")
    earlier = datetime.now(VIETNAM) - timedelta(days=20)  # the run 20 days ago: 45 days ahead then
    [row] = run(built_social, channels=["facebook"], send=True, calendar=calendar, environ=env, now=earlier)
    assert row.state == "planned" and not graph.posts
    [row] = run(built_social, channels=["facebook"], send=True, calendar=calendar, environ=env)
    assert row.state == "sent" and graph.posts[0].scheduled == int(at.timestamp())
    [row] = run(built_social, channels=["facebook"], send=True, calendar=calendar, environ=env)
    assert row.state == "sent" and len(graph.posts) == 1


def test_every_2025_province_maps_to_old_provinces_and_together_they_are_the_63() -> None:
    from vietnam_provinces import Province

    olds = [code for _name, parts in MERGED.values() for code, _ in parts]
    assert len(MERGED) == 34 and len(olds) == 63 == len(set(olds))
    names = {f"{p.code.value:02d}": p.name for p in Province.iter_all()}
    assert {code: name.removeprefix("Tỉnh ") for code, (name, _) in MERGED.items()} == names


def test_a_tay_ninh_broadcast_targets_the_old_tay_ninh_and_long_an() -> None:
    assert [name for _c, name in old_provinces("80")] == ["Tây Ninh", "Long An"]
    assert zalo_cities(["80"]) == "72,80"
    assert zalo_cities(["80"], {"72": "51", "80": "38"}) == "51,38"
    assert zalo_target(provinces=["80", "79"], gender="0") == {"cities": "72,80,79,74,77", "gender": "0"}
    with pytest.raises(PublishError, match="không phải mã tỉnh"):
        zalo_cities(["72"])  # an old code, not a 2025 province


def test_follower_quotas_allow_one_broadcast_a_day_and_the_packages_monthly_number() -> None:
    day = datetime(2026, 6, 10, 9, 0, tzinfo=VIETNAM)
    assert quota_problem([], day, per_month=1) is None
    assert "1 tin một ngày" in (quota_problem([day.replace(hour=7)], day, per_month=4) or "")
    assert "tối đa 1 tin một tháng" in (quota_problem([day - timedelta(days=3)], day, per_month=1) or "")
    assert quota_problem([day - timedelta(days=3)], day, per_month=4) is None
    assert quota_problem([day - timedelta(days=31)], day, per_month=1) is None


def test_a_broadcast_sends_the_sent_articles_to_the_old_provinces_once_within_quota(
    built_social: Path, fakes: tuple[FakeGraph, FakeZalo], tmp_path: Path
) -> None:
    graph, zalo = fakes
    env = platform_env(graph, zalo, tmp_path / "data") | {"LOA_ZALO_BROADCAST_QUOTA": "4"}
    morning = datetime.now(VIETNAM).replace(hour=10, minute=0)
    tay_ninh = Broadcast(provinces=("80",))
    rows = run(built_social, channels=["zalo"], send=True, environ=env, broadcast=tay_ninh, now=morning)
    assert (rows[-1].kind, rows[-1].state) == ("broadcast", "sent")
    assert sorted(zalo.broadcasts[0]) == sorted(a.id for a in zalo.articles)
    run(built_social, channels=["zalo"], send=True, environ=env, broadcast=tay_ninh, now=morning)  # a rerun
    assert len(zalo.broadcasts) == 1
    with pytest.raises(LimitError, match="tối đa 1 tin một ngày"):
        run(built_social, channels=["zalo"], send=True, environ=env, broadcast=Broadcast(), now=morning)
    tomorrow = Broadcast(at=morning + timedelta(days=1), provinces=("79",))
    [*_, held] = run(built_social, channels=["zalo"], send=True, environ=env, broadcast=tomorrow, now=morning)
    assert held.state == "planned" and len(zalo.broadcasts) == 1  # Loa holds it until its time
    later = morning + timedelta(days=1, minutes=5)
    [*_, sent] = run(built_social, channels=["zalo"], send=True, environ=env, broadcast=tomorrow, now=later)
    assert sent.state == "sent" and len(zalo.broadcasts) == 2


def test_a_broadcast_outside_the_sending_hours_is_refused_naming_them(
    built_social: Path, fakes: tuple[FakeGraph, FakeZalo], tmp_path: Path
) -> None:
    graph, zalo = fakes
    env = platform_env(graph, zalo, tmp_path / "data")
    night = datetime.now(VIETNAM).replace(hour=22, minute=0)
    with pytest.raises(LimitError, match="giờ gửi: 22:00 ngoài khung 06:00–20:00"):
        run(built_social, channels=["zalo"], send=True, environ=env, broadcast=Broadcast(), now=night)
    assert not zalo.broadcasts


def test_rotate_key_re_encrypts_every_stored_token_and_reports_n_of_n(
    loa_in_process: LoaCommand,
    built_social: Path,
    fakes: tuple[FakeGraph, FakeZalo],
    tmp_path: Path,
) -> None:
    graph, zalo = fakes
    env = platform_env(graph, zalo, tmp_path / "data")
    run(built_social, channels=["zalo"], send=True, environ=env)
    new = Fernet.generate_key().decode()
    with pytest.raises(PublishError, match="không giải mã được"):
        rotate_key(env | {"LOA_SECRET_KEY": new})  # the old key is missing: nothing changes
    result = loa_in_process("rotate-key", env=env | {"LOA_SECRET_KEY": f"{new},{KEY}"})
    assert result.returncode == 0 and "3/3" in result.stdout
    assert rotate_key(env | {"LOA_SECRET_KEY": new}) == (3, 3)  # the new key alone reads them all
    assert zalo.access_token.encode() not in Outbox(tmp_path / "data").path.read_bytes()
