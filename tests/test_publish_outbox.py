"""The outbox state machine: planned → sending → sent | failed | unknown, and never a second post."""

from __future__ import annotations

from pathlib import Path

import pytest

from loa.channels import Post, Receipt, RejectedError, RetryableError, UnknownOutcomeError
from loa.channels.stub import StubChannel
from loa.outbox import Outbox
from loa.publish import Policy, deliver

QUICK = Policy(max_attempts=5, base_delay=0.001, max_delay=0.01)


def create_post(topic: str = "giu-kin", **changes: object) -> Post:
    fields = {
        "channel": "stub",
        "target": "page",
        "topic": topic,
        "kind": "link",
        "product_sha256": "ab" * 32,
    }
    return Post(**(fields | changes), fields={"message": "Bài đăng"})  # type: ignore[arg-type]


class ScriptedChannel(StubChannel):
    """A stub that fails as scripted before accepting: each entry is raised on one publish call."""

    def __init__(
        self, *script: Exception, accept_before_failing: bool = False, findable: bool = True
    ) -> None:
        super().__init__("stub")
        self.script = list(script)
        self.calls = 0
        self.accept_before_failing = accept_before_failing
        self.findable = findable

    def can_find(self, post: Post) -> bool:
        return self.findable

    def publish(self, post: Post) -> Receipt:
        self.calls += 1
        if self.script:
            if self.accept_before_failing:
                super().publish(post)
            raise self.script.pop(0)
        return super().publish(post)


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    return Outbox(tmp_path / "var")


def test_a_planned_post_can_be_claimed_only_once(outbox: Outbox) -> None:
    post = create_post()
    assert outbox.plan(post).state == "planned"
    assert outbox.claim(post.key) is True
    assert outbox.claim(post.key) is False
    assert outbox.get(post.key).state == "sending"  # type: ignore[union-attr]


def test_a_sent_post_is_never_sent_again(outbox: Outbox) -> None:
    channel, post = ScriptedChannel(), create_post()
    assert deliver(post, channel, outbox, policy=QUICK).state == "sent"
    assert deliver(post, channel, outbox, policy=QUICK).state == "sent"
    assert channel.calls == 1


def test_a_timeout_after_accept_is_reconciled_instead_of_posted_twice(outbox: Outbox) -> None:
    channel = ScriptedChannel(UnknownOutcomeError("timeout"), accept_before_failing=True)
    record = deliver(create_post(), channel, outbox, policy=QUICK)
    assert (record.state, record.attempts, channel.calls) == ("sent", 1, 1)


def test_an_unknown_post_not_found_upstream_is_sent_again(outbox: Outbox) -> None:
    channel = ScriptedChannel(UnknownOutcomeError("HTTP 503"))
    record = deliver(create_post(), channel, outbox, policy=QUICK)
    assert (record.state, record.attempts, len(channel.posts)) == ("sent", 2, 1)


def test_an_unknown_post_that_cannot_be_searched_waits_for_a_person(outbox: Outbox) -> None:
    channel = ScriptedChannel(UnknownOutcomeError("timeout"), accept_before_failing=True, findable=False)
    post = create_post(kind="broadcast")
    assert deliver(post, channel, outbox, policy=QUICK).state == "unknown"
    assert deliver(post, channel, outbox, policy=QUICK).state == "unknown"
    assert channel.calls == 1


def test_a_retryable_failure_is_retried_until_it_is_sent(outbox: Outbox) -> None:
    channel = ScriptedChannel(RetryableError("refused"), RetryableError("refused"))
    record = deliver(create_post(), channel, outbox, policy=QUICK)
    assert (record.state, record.attempts) == ("sent", 3)


def test_a_rejected_post_is_failed_with_its_reason_and_not_retried(outbox: Outbox) -> None:
    channel = ScriptedChannel(RejectedError("mã 100: sai tham số"))
    record = deliver(create_post(), channel, outbox, policy=QUICK)
    assert (record.state, record.attempts, record.last_error) == ("failed", 1, "mã 100: sai tham số")


def test_a_post_stuck_in_sending_after_a_crash_becomes_unknown_and_is_reconciled(outbox: Outbox) -> None:
    channel, post = ScriptedChannel(), create_post()
    outbox.plan(post)
    outbox.claim(post.key)
    channel.publish(post)  # the process died after the platform accepted, before recording it
    assert outbox.recover_stale(lease_seconds=-1) == 1
    assert deliver(post, channel, outbox, policy=QUICK).state == "sent"
    assert channel.calls == 1


def test_two_outboxes_on_one_folder_share_the_states(tmp_path: Path) -> None:
    first, second, post = Outbox(tmp_path), Outbox(tmp_path), create_post()
    first.plan(post)
    assert second.claim(post.key) and not first.claim(post.key)
