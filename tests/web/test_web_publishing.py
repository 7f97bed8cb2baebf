"""Publishing from the web app: accounts with sealed tokens, a plan with previews and limits, review by
one or two people, sending through the outbox to the fake Graph and Zalo servers, the log, and the
published link flowing into an activity report."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from factories import connect_zalo_oa, create_dispatch, create_user, sign_in

from fakes.graph import FakeGraph
from fakes.server import Faults
from fakes.zalo import FakeZalo
from loa.build import build
from loa.web.access.models import AuditEvent, Role
from loa.web.publishing import flows
from loa.web.publishing.models import ChannelAccount, Publication
from loa_support import ROOTS, SOURCE_DATE_EPOCH

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/full with its cards and social posts. Read only."""
    out = tmp_path_factory.mktemp("publishing") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        build(ROOTS / "full", out=out, formats=["cards", "social"])
    return out


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """Each test has its own outboxes and token key file."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    with FakeGraph() as fake:
        monkeypatch.setenv("LOA_FACEBOOK_GRAPH_URL", fake.base_url)
        monkeypatch.setenv("LOA_PUBLISH_TIMEOUT", "5")
        yield fake


@pytest.fixture
def zalo(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeZalo]:
    with FakeZalo() as fake:
        for name, value in {
            "LOA_ZALO_API_URL": fake.url,
            "LOA_ZALO_OAUTH_URL": fake.url,
            "LOA_ZALO_APP_ID": fake.app_id,
            "LOA_ZALO_APP_SECRET": fake.app_secret,
            "LOA_PUBLISH_TIMEOUT": "5",
        }.items():
            monkeypatch.setenv(name, value)
        yield fake


@pytest.fixture
def world(tree, built_site: Path):
    dispatch = create_dispatch(tree.issuer, units=[tree.school_long_an], pack=str(built_site))
    users = {
        "admin": create_user("admin_tn", role=Role.ADMIN, unit=tree.issuer, scope=tree.tay_ninh),
        "admin2": create_user("admin_tn_2", role=Role.ADMIN, unit=tree.issuer, scope=tree.tay_ninh),
        "admin_hn": create_user("admin_hn", role=Role.ADMIN, unit=tree.hanoi_issuer, scope=tree.ha_noi),
        "reporter": create_user("reporter_school", role=Role.REPORTER, unit=tree.school_long_an),
    }
    return {"tree": tree, "dispatch": dispatch, "users": users}


def connect_facebook(world, graph: FakeGraph, *, second_approval: bool = False) -> ChannelAccount:
    return flows.connect(
        unit=world["tree"].issuer,
        channel="facebook",
        name="Sở VHTTDL Tây Ninh",
        target_id=graph.page_id,
        tokens={"page_token": graph.token},
        second_approval=second_approval,
        by=world["users"]["admin"],
    )


def connect_zalo(world, zalo: FakeZalo, *, by: Any = None) -> ChannelAccount:
    tokens = (zalo.access_token, zalo.refresh_token)
    return connect_zalo_oa(world["tree"].issuer, tokens=tokens, second_approval=False, by=by)


def first_topic(world, account: ChannelAccount) -> str:
    return flows.plan(account, world["dispatch"])[0].topic


def test_an_administrator_connects_a_page_and_the_token_is_stored_encrypted_never_shown(
    client, world, graph
) -> None:
    sign_in(client, world["users"]["admin"])
    response = client.post(
        reverse("publishing:account-connect", args=["facebook"]),
        {"name": "Sở VHTTDL Tây Ninh", "target_id": graph.page_id, "page_token": graph.token},
    )
    assert response.status_code == 302
    account = ChannelAccount.objects.get()
    assert graph.token.encode() not in bytes(account.sealed_tokens)
    with connection.cursor() as cursor:  # the database row holds ciphertext only
        cursor.execute("SELECT sealed_tokens FROM publishing_channelaccount")
        assert graph.token.encode() not in bytes(cursor.fetchone()[0])
    for url in (reverse("publishing:index"), reverse("publishing:account-edit", args=[account.pk])):
        page = client.get(url).content.decode()
        assert graph.token not in page
    assert graph.token not in str(list(AuditEvent.objects.values()))


def test_editing_an_account_with_blank_tokens_keeps_the_stored_ones(client, world, graph) -> None:
    account = connect_facebook(world, graph)
    sign_in(client, world["users"]["admin"])
    client.post(
        reverse("publishing:account-edit", args=[account.pk]),
        {"name": "Trang mới", "target_id": graph.page_id, "page_token": "", "second_approval": "on"},
    )
    account.refresh_from_db()
    assert account.name == "Trang mới" and account.second_approval
    assert flows.unseal(account.sealed_tokens)["page_token"].reveal() == graph.token


def test_the_plan_previews_each_topic_as_a_facebook_post_with_its_card(client, world, graph) -> None:
    account = connect_facebook(world, graph)
    sign_in(client, world["users"]["admin"])
    page = client.get(reverse("publishing:plan", args=[account.pk]), {"cv": world["dispatch"].pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="fb-post"') == len(flows.plan(account, world["dispatch"]))
    assert "Đúng các giới hạn của nền tảng" in html
    card = flows.plan(account, world["dispatch"])[0].card
    assert reverse("staff:pack-file", args=[world["dispatch"].pk, card]) in html  # the card, from the build


def test_a_post_that_breaks_a_limit_is_shown_with_the_platform_limit_named(
    client, world, graph, built_site: Path, tmp_path: Path
) -> None:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    for text in site.glob("mang-xa-hoi/*/facebook.txt"):
        text.write_text("x" * 64_000, encoding="utf-8")
    dispatch = create_dispatch(world["tree"].issuer, pack=str(site), send=False)
    account = connect_facebook(world, graph)
    sign_in(client, world["users"]["admin"])
    html = client.get(reverse("publishing:plan", args=[account.pk]), {"cv": dispatch.pk}).content.decode()
    assert "Facebook message: dài 64" in html and "tối đa 63206" in html


def test_approving_publishes_through_the_outbox_and_the_log_links_the_post(client, world, graph) -> None:
    account = connect_facebook(world, graph)
    sign_in(client, world["users"]["admin"])
    topic = first_topic(world, account)
    response = client.post(
        reverse("publishing:plan", args=[account.pk]), {"cv": world["dispatch"].pk, "topic": topic}
    )
    publication = Publication.objects.get()
    assert response.url == reverse("publishing:post", args=[publication.pk])
    assert publication.state == "review" and not graph.posts
    client.post(reverse("publishing:post-approve", args=[publication.pk]))
    publication.refresh_from_db()
    assert publication.state == "sent" and len(graph.posts) == 1
    assert publication.link == f"https://www.facebook.com/{graph.posts[0].id}"
    actions = list(AuditEvent.objects.filter(object_type="publication").values_list("action", flat=True))
    assert sorted(actions) == ["publishing.post.approved", "publishing.post.created", "publishing.post.sent"]
    log = client.get(reverse("publishing:index")).content.decode()
    assert publication.link in log and "Đã đăng" in log
    client.post(reverse("publishing:post-send", args=[publication.pk]))  # a second click
    assert len(graph.posts) == 1


def test_a_timeout_after_facebook_accepted_the_post_is_reconciled_not_posted_twice(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeGraph(faults=Faults(timeout=1.0, hang=0.6)) as graph:
        monkeypatch.setenv("LOA_FACEBOOK_GRAPH_URL", graph.base_url)
        monkeypatch.setenv("LOA_PUBLISH_TIMEOUT", "0.3")
        account = connect_facebook(world, graph)
        publication = flows.create(
            account, world["dispatch"], topic=first_topic(world, account), when=None, photos=[], by=None
        )
        flows.approve(publication, by=world["users"]["admin"])
        publication.refresh_from_db()
        assert publication.state == "sent" and len(graph.posts) == 1
        assert publication.upstream_id == graph.posts[0].id


def test_a_second_approver_must_be_a_different_person(client, world, graph) -> None:
    account = connect_facebook(world, graph, second_approval=True)
    publication = flows.create(
        account, world["dispatch"], topic=first_topic(world, account), when=None, photos=[], by=None
    )
    admin, other = world["users"]["admin"], world["users"]["admin2"]
    flows.approve(publication, by=admin)
    publication.refresh_from_db()
    assert publication.state == "second" and not graph.posts
    with pytest.raises(flows.PublishingError, match="phải là một người khác"):
        flows.approve(publication, by=admin)
    flows.approve(publication, by=other)
    publication.refresh_from_db()
    assert publication.state == "sent" and publication.second_approved_by == other
    assert len(graph.posts) == 1


def test_a_scheduled_post_is_held_by_facebook_and_one_beyond_thirty_days_waits_in_the_outbox(
    world, graph
) -> None:
    account = connect_facebook(world, graph)
    topic = first_topic(world, account)
    now = timezone.now()
    soon, later = now + timedelta(days=3), now + timedelta(days=25)
    near = flows.create(account, world["dispatch"], topic=topic, when=soon, photos=[], by=None)
    flows.approve(near, by=world["users"]["admin"])
    near.refresh_from_db()
    assert near.state == "sent" and graph.posts[0].scheduled == int(soon.timestamp())
    far = flows.create(account, world["dispatch"], topic=topic, when=later, photos=[], by=None)
    Publication.objects.filter(pk=far.pk).update(state=Publication.State.PLANNED)
    far.refresh_from_db()
    flows.deliver(far, now=now - timedelta(days=20))  # approved 20 days ago: 45 days ahead then
    far.refresh_from_db()
    assert far.state == "planned" and len(graph.posts) == 1
    flows.deliver_due()  # today it is inside the window: Facebook holds it now
    far.refresh_from_db()
    assert far.state == "sent" and graph.posts[1].scheduled == int(later.timestamp())


def test_a_multi_photo_post_carries_the_card_and_the_chosen_images_of_the_build(world, graph) -> None:
    account = connect_facebook(world, graph)
    item = next(i for i in flows.plan(account, world["dispatch"]) if i.images)
    publication = flows.create(
        account, world["dispatch"], topic=item.topic, when=None, photos=[item.images[0]], by=None
    )
    flows.approve(publication, by=world["users"]["admin"])
    publication.refresh_from_db()
    assert publication.state == "sent"
    assert len(graph.posts[0].media) == 2 and not graph.posts[0].photo


def test_no_path_lets_a_file_outside_the_builds_manifest_into_a_post(world, graph) -> None:
    """G8: evidence photos (or any other file) cannot be attached: only the build's listed images."""
    account = connect_facebook(world, graph)
    topic = first_topic(world, account)
    for path in ("../media/evidence/2026/01/anh.jpg", "manifest.json", "/etc/passwd"):
        with pytest.raises(flows.PublishingError, match=r"không phải ảnh PNG/JPEG trong manifest\.json"):
            flows.create(account, world["dispatch"], topic=topic, when=None, photos=[path], by=None)


def test_a_zalo_article_is_created_verified_and_its_rotated_tokens_stay_encrypted(world, zalo) -> None:
    account = connect_zalo(world, zalo, by=world["users"]["admin"])
    zalo.expire_access()
    publication = flows.create(
        account, world["dispatch"], topic=first_topic(world, account), when=None, photos=[], by=None
    )
    flows.approve(publication, by=world["users"]["admin"])
    publication.refresh_from_db()
    assert publication.state == "sent" and publication.upstream_id == zalo.articles[0].id
    assert zalo.refreshes == 1
    second = flows.plan(account, world["dispatch"])[1].topic  # the stored pair is the refreshed one
    later = flows.create(account, world["dispatch"], topic=second, when=None, photos=[], by=None)
    assert flows.approve(later, by=world["users"]["admin"]).state == "sent"
    assert zalo.refreshes == 1 and zalo.reused == 0
    outbox = (flows.outbox_folder(account) / "outbox.sqlite3").read_bytes()
    assert zalo.access_token.encode() not in outbox and zalo.refresh_token.encode() not in outbox


def test_a_zalo_broadcast_of_published_articles_goes_to_the_old_provinces_of_the_units_province(
    client, world, zalo
) -> None:
    account = connect_zalo(world, zalo)
    article = flows.create(
        account, world["dispatch"], topic=first_topic(world, account), when=None, photos=[], by=None
    )
    article = flows.approve(article, by=world["users"]["admin"])
    sign_in(client, world["users"]["admin"])
    url = reverse("publishing:broadcast", args=[account.pk])
    assert client.get(url).context["form"].initial["provinces"] == "80"  # the issuer's province
    night = (timezone.localtime() + timedelta(days=1)).replace(hour=22, minute=0)
    refused = client.post(
        url, {"topics": [article.topic], "provinces": "80", "when": f"{night:%Y-%m-%dT%H:%M}"}
    )
    assert "ngoài khung 06:00–20:00" in refused.content.decode()
    morning = night.replace(hour=10)
    client.post(url, {"topics": [article.topic], "provinces": "80", "when": f"{morning:%Y-%m-%dT%H:%M}"})
    broadcast = Publication.objects.get(kind="broadcast")
    client.post(reverse("publishing:post-approve", args=[broadcast.pk]))
    broadcast.refresh_from_db()
    assert broadcast.state == "planned" and not zalo.broadcasts  # Loa holds it until 10:00
    flows.deliver_due(now=morning + timedelta(minutes=1))
    broadcast.refresh_from_db()
    assert broadcast.state == "sent" and zalo.broadcasts == [[article.upstream_id]]
    assert zalo.targets == [{"cities": "72,80"}]  # the old Tây Ninh and Long An


def test_a_refused_token_fails_the_post_with_a_message_that_does_not_show_the_token(
    world, graph, caplog
) -> None:
    account = connect_facebook(world, graph)
    graph.token = "EAAanother-token-the-page-expects-000"
    publication = flows.create(
        account, world["dispatch"], topic=first_topic(world, account), when=None, photos=[], by=None
    )
    with caplog.at_level(logging.DEBUG):
        flows.approve(publication, by=world["users"]["admin"])
    publication.refresh_from_db()
    assert publication.state == "failed" and "LOA_FACEBOOK_PAGE_TOKEN" in publication.last_error
    secret = flows.unseal(account.sealed_tokens)["page_token"].reveal()
    assert secret not in publication.last_error and secret not in caplog.text


def test_rotating_the_token_key_re_encrypts_every_stored_token(
    world, graph, zalo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """G20: N/N tokens readable with the new key alone after rotation."""
    old = Fernet.generate_key().decode()
    monkeypatch.setenv("LOA_TOKEN_KEY", old)
    connect_facebook(world, graph)
    account = connect_zalo(world, zalo)
    publication = flows.create(
        account, world["dispatch"], topic=first_topic(world, account), when=None, photos=[], by=None
    )
    flows.approve(publication, by=world["users"]["admin"])  # stores the Zalo tokens in its outbox
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("LOA_TOKEN_KEY", f"{new},{old}")
    done, total = flows.rotate_keys()
    assert (done, total) == (5, 5)  # 2 accounts + the Zalo outbox's access, refresh and seed
    monkeypatch.setenv("LOA_TOKEN_KEY", new)
    for account in ChannelAccount.objects.all():
        assert flows.unseal(account.sealed_tokens)


def test_a_published_post_fills_the_link_and_date_of_an_activity_report(client, world, graph) -> None:
    account = connect_facebook(world, graph)
    publication = flows.create(
        account, world["dispatch"], topic=first_topic(world, account), when=None, photos=[], by=None
    )
    flows.approve(publication, by=world["users"]["admin"])
    publication.refresh_from_db()
    delivery = create_dispatch(world["tree"].issuer, units=[world["tree"].education]).deliveries.get()
    sign_in(client, world["users"]["admin"])
    url = reverse("staff:report-create", args=[delivery.pk])
    picker = client.get(url).content.decode()
    assert f"?bai-dang={publication.pk}" in picker
    form = client.get(url, {"bai-dang": publication.pk}).context["form"]
    assert form.initial["links"] == publication.link
    assert form.initial["kind"] == "post"
    assert form.initial["held_on"] == timezone.localdate(publication.published_at)


def test_only_issuer_administrators_reach_the_publishing_pages(client, world, graph) -> None:
    sign_in(client, world["users"]["reporter"])
    assert client.get(reverse("publishing:index")).status_code == 403
    assert client.get(reverse("publishing:account-connect", args=["facebook"])).status_code == 403


def test_another_provinces_accounts_and_posts_answer_404(client, world, graph) -> None:
    account = connect_facebook(world, graph)
    publication = flows.create(
        account, world["dispatch"], topic=first_topic(world, account), when=None, photos=[], by=None
    )
    sign_in(client, world["users"]["admin_hn"])
    for method, url in (
        ("get", reverse("publishing:account-edit", args=[account.pk])),
        ("get", reverse("publishing:plan", args=[account.pk])),
        ("get", reverse("publishing:post", args=[publication.pk])),
        ("post", reverse("publishing:post-approve", args=[publication.pk])),
        ("post", reverse("publishing:post-send", args=[publication.pk])),
    ):
        assert getattr(client, method)(url).status_code == 404, url
    assert publication.account.name not in client.get(reverse("publishing:index")).content.decode()
    publication.refresh_from_db()
    assert publication.state == "review" and not graph.posts


def test_a_foreign_dispatch_cannot_be_planned_on_an_own_account(client, world, graph, built_site) -> None:
    account = connect_facebook(world, graph)
    foreign = create_dispatch(world["tree"].hanoi_issuer, pack=str(built_site), send=False)
    sign_in(client, world["users"]["admin"])
    assert client.get(reverse("publishing:plan", args=[account.pk]), {"cv": foreign.pk}).status_code == 404


def test_the_token_key_file_is_readable_by_its_owner_only(world) -> None:
    flows.token_keys()
    if not os.environ.get("LOA_TOKEN_KEY"):
        from django.conf import settings

        assert (Path(settings.DATA_DIR) / "token_key").stat().st_mode & 0o077 == 0


def _redis_or_skip(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("LOA_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis at {url} is unreachable: {exc} (LOA_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(f"Redis at {url} is unreachable: {exc}")


def test_with_celery_approving_queues_the_sending_for_the_workers(
    world, graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    url, queue = "redis://127.0.0.1:6379/14", f"loa-web-{os.getpid()}"
    _redis_or_skip(url)
    monkeypatch.setenv("LOA_EXECUTOR", "celery")
    monkeypatch.setenv("LOA_BROKER_URL", url)
    monkeypatch.setenv("LOA_QUEUE", queue)
    broker = redis.Redis.from_url(url)
    try:
        account = connect_facebook(world, graph)
        publication = flows.create(
            account, world["dispatch"], topic=first_topic(world, account), when=None, photos=[], by=None
        )
        flows.approve(publication, by=world["users"]["admin"])
        publication.refresh_from_db()
        assert publication.state == "planned" and not graph.posts, "the page did not wait on Facebook"
        assert broker.llen(queue) == 1, "one loa.web_publish_due task waits for a worker"
        [sent] = flows.deliver_due()  # what the task runs: loa web publish_due
        assert sent.state == "sent" and len(graph.posts) == 1
        assert flows.deliver_due() == [] and len(graph.posts) == 1, "the task delivered twice: no second post"
    finally:
        broker.delete(queue)


def test_with_celery_but_no_broker_approving_sends_in_the_request(
    world, graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOA_EXECUTOR", "celery")
    monkeypatch.setenv("LOA_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    account = connect_facebook(world, graph)
    publication = flows.create(
        account, world["dispatch"], topic=first_topic(world, account), when=None, photos=[], by=None
    )
    flows.approve(publication, by=world["users"]["admin"])
    publication.refresh_from_db()
    assert publication.state == "sent" and len(graph.posts) == 1
