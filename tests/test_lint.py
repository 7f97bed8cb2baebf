"""Content lint: each tests/roots/lint-<problem>/ is the minimal campaign with one problem, warned
about by code; `loa check` passes with the warning, `loa check --strict` refuses it. (The command
runs in-process here, through its entry point; test_bad_input.py runs the installed script.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from loa.build import check
from loa_support import ROOTS, LoaCommand, edit, line_of, tree_digest

TODAY = dt.date(2026, 7, 1)
TOPIC = "topics/giu-kin-thong-tin.md"


def warning_codes(root: Path, today: dt.date = TODAY) -> list[str]:
    """Return the codes of the warnings `loa check` gives a root on a given day."""
    _campaign, warnings = check(root, today=today)
    return sorted(w.code for w in warnings if w.severity == "warning")


def body_line(path: Path) -> int:
    """Return the line where a topic's body starts, after the front matter's closing '---'."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index("---", 1) + 2


def assert_warned_only_about(
    loa: LoaCommand, root_name: str, code: str, at: tuple[str, str | int, str]
) -> None:
    """A root gets exactly one warning, with its code; check passes, check --strict does not.

    `at` is (file, the line or a text on it, field): where the message says the problem is.
    """
    root = ROOTS / root_name
    assert warning_codes(root) == [code]
    file, line, field = at
    located = f"{file}:{line if isinstance(line, int) else line_of(root / file, line)}: {field}:"
    relaxed = loa("check", root)
    assert relaxed.returncode == 0, relaxed
    assert located in relaxed.output, relaxed
    strict = loa("check", "--strict", root)
    assert strict.returncode == 1, strict
    assert located in strict.stderr, strict
    assert "Traceback" not in strict.output


def test_minimal_campaign_has_no_warnings() -> None:
    assert warning_codes(ROOTS / "minimal") == []
    assert warning_codes(ROOTS / "full") == []


def test_campaign_without_hotline_111_is_warned(loa_in_process: LoaCommand) -> None:
    assert_warned_only_about(
        loa_in_process, "lint-no-111", "help-block", ("campaign.yaml", "hotlines:", "hotlines")
    )


def test_topic_that_never_says_where_to_find_help_is_warned(loa_in_process: LoaCommand) -> None:
    assert_warned_only_about(
        loa_in_process,
        "lint-no-help-mention",
        "help-block",
        (TOPIC, body_line(ROOTS / "lint-no-help-mention" / TOPIC), "body"),
    )


def test_asset_without_alt_text_is_warned(loa_in_process: LoaCommand) -> None:
    assert_warned_only_about(
        loa_in_process,
        "lint-asset-without-alt",
        "alt-text",
        ("campaign.yaml", "path: assets/logo.svg", "assets.0.alt"),
    )


def test_cover_image_without_alt_text_is_warned(copy_root: Callable[[str], Path]) -> None:
    root = copy_root("lint-asset-without-alt")
    edit(
        root / "campaign.yaml", "- path: assets/logo.svg\n", "- path: assets/logo.svg\n    alt: Biểu trưng\n"
    )
    edit(
        root / TOPIC,
        "audiences: [cha-me]\n",
        "audiences: [cha-me]\nimage:\n  path: assets/logo.svg\n",
    )
    _campaign, warnings = check(root, today=TODAY)
    assert [(w.code, w.field) for w in warnings] == [("alt-text", "image.alt")]


def test_legal_reference_cited_after_it_lapsed_is_warned(loa_in_process: LoaCommand) -> None:
    assert_warned_only_about(loa_in_process, "lint-lapsed-law", "lapsed-law", (TOPIC, "legal:", "legal"))


def test_legal_reference_is_warned_only_from_the_day_it_lapses() -> None:
    root = ROOTS / "lint-lapsed-law"
    assert warning_codes(root, today=dt.date(2024, 12, 24)) == []
    assert warning_codes(root, today=dt.date(2024, 12, 25)) == ["lapsed-law"]
    _campaign, warnings = check(root, today=dt.date(2025, 1, 1))
    assert "25/12/2024" in warnings[0].message
    assert "nghi-dinh-147-2024" in warnings[0].fix, "the fix names the text that replaced it"


def test_legal_reference_cited_before_it_takes_effect_is_warned() -> None:
    assert warning_codes(ROOTS / "lint-lapsed-law", today=dt.date(2013, 8, 31)) == ["lapsed-law"]


def test_key_message_over_120_characters_is_warned(loa_in_process: LoaCommand) -> None:
    assert_warned_only_about(
        loa_in_process, "lint-long-key-message", "message-length", (TOPIC, "  - Tên trường", "key_messages")
    )


def test_long_sentences_for_children_aged_6_to_10_are_warned(loa_in_process: LoaCommand) -> None:
    assert_warned_only_about(
        loa_in_process, "lint-long-sentences", "reading-level", (TOPIC, "Trước khi đăng", "actions.tre-6-10")
    )


def test_scare_word_is_warned(loa_in_process: LoaCommand) -> None:
    assert_warned_only_about(loa_in_process, "lint-scare-word", "scare", (TOPIC, "kinh hoàng", "body"))


def test_strict_build_refuses_a_warning_and_keeps_the_previous_output(
    loa_in_process: LoaCommand, previous_output: Path
) -> None:
    before = tree_digest(previous_output)
    run = loa_in_process("build", ROOTS / "lint-scare-word", "--out", previous_output, "--strict")
    assert run.returncode == 1, run
    assert "kinh hoàng" in run.stderr
    assert tree_digest(previous_output) == before
