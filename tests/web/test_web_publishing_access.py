"""Who reaches the publishing pages: issuer administrators past TOTP, in their own subtree only.
Other roles get 403, anonymous users the sign-in page, foreign accounts and posts 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from factories import create_dispatch, create_user, sign_in

from loa.web.access.models import Role
from loa.web.publishing.models import ChannelAccount, Publication
from loa.web.publishing.tokens import seal

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    accounts, posts = {}, {}
    for key, issuer in (("tn", tree.issuer), ("hn", tree.hanoi_issuer)):
        account = ChannelAccount.objects.create(
            unit=issuer,
            channel="facebook",
            name=f"Trang {key}",
            target_id=f"100{len(accounts)}",
            sealed_tokens=seal({"page_token": f"EAA-{key}-token-000000"}),
        )
        dispatch = create_dispatch(issuer, send=False)
        accounts[key] = account
        posts[key] = Publication.objects.create(account=account, dispatch=dispatch, topic="t", title="Bài")
    users = {
        "admin_tn": create_user("admin_tn", role=Role.ADMIN, unit=tree.issuer, scope=tree.tay_ninh),
        "admin_hn": create_user("admin_hn", role=Role.ADMIN, unit=tree.hanoi_issuer, scope=tree.ha_noi),
        "leader_long_an": create_user("leader_long_an", role=Role.LEADER, unit=tree.long_an),
        "reporter_school": create_user("reporter_school", role=Role.REPORTER, unit=tree.school_long_an),
    }
    return {"accounts": accounts, "posts": posts, "users": users}


def endpoints(account: ChannelAccount, post: Publication) -> list[tuple[str, str]]:
    return [
        ("get", reverse("publishing:account-edit", args=[account.pk])),
        ("post", reverse("publishing:account-edit", args=[account.pk])),
        ("get", reverse("publishing:plan", args=[account.pk])),
        ("get", reverse("publishing:broadcast", args=[account.pk])),
        ("post", reverse("publishing:broadcast", args=[account.pk])),
        ("get", reverse("publishing:post", args=[post.pk])),
        ("post", reverse("publishing:post-approve", args=[post.pk])),
        ("post", reverse("publishing:post-send", args=[post.pk])),
    ]


@pytest.mark.parametrize(("username", "foreign"), [("admin_tn", "hn"), ("admin_hn", "tn")])
def test_every_publishing_endpoint_answers_404_for_another_subtrees_account_or_post(
    client, world, username, foreign
) -> None:
    sign_in(client, world["users"][username])
    account, post = world["accounts"][foreign], world["posts"][foreign]
    refused = [(url, getattr(client, verb)(url).status_code) for verb, url in endpoints(account, post)]
    assert [(url, code) for url, code in refused if code != 404] == []
    post.refresh_from_db()
    assert post.state == "review" and post.approved_by is None
    assert account.name not in client.get(reverse("publishing:index")).content.decode()


@pytest.mark.parametrize("username", ["leader_long_an", "reporter_school"])
def test_other_roles_are_refused_every_publishing_page(client, world, username) -> None:
    sign_in(client, world["users"][username])
    urls = [
        ("get", reverse("publishing:index")),
        ("get", reverse("publishing:account-connect", args=["zalo"])),
    ]
    codes = {url: getattr(client, verb)(url).status_code for verb, url in urls}
    assert set(codes.values()) == {403}
    own = endpoints(world["accounts"]["tn"], world["posts"]["tn"])  # in a leader's view only by scope
    assert {getattr(client, verb)(url).status_code for verb, url in own} <= {403, 404}
    assert "Đăng bài" not in client.get(reverse("staff:home"), follow=True).content.decode()


def test_anonymous_users_are_sent_to_sign_in(client, world) -> None:
    response = client.get(reverse("publishing:index"))
    assert response.status_code == 302 and reverse("staff:login") in response.url


def test_an_administrator_without_the_second_factor_is_sent_to_totp_first(client, world) -> None:
    client.force_login(world["users"]["admin_tn"])
    response = client.get(reverse("publishing:index"))
    assert response.status_code == 302 and "/xac-thuc/" in response.url


def test_the_publishing_pages_carry_the_strict_content_security_policy(client, world) -> None:
    sign_in(client, world["users"]["admin_tn"])
    response = client.get(reverse("publishing:index"))
    assert "script-src 'none'" in response["Content-Security-Policy"]
    assert "Trang tn" in response.content.decode()
