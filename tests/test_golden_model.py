"""What Loa reads from a campaign folder, compared with tests/golden/<root>.model.json."""

from __future__ import annotations

import pytest

from loa_support import GOLDEN, ROOTS, assert_golden
from regenerate_golden import GOLDEN_ROOTS, golden_text, model_golden_name, model_projection


@pytest.mark.parametrize("root_name", GOLDEN_ROOTS)
def test_model_read_from_root_matches_its_golden_file(root_name: str) -> None:
    text = golden_text(model_projection(ROOTS / root_name))
    assert_golden(model_golden_name(root_name), text)


def test_every_model_golden_file_belongs_to_a_golden_root() -> None:
    expected = {model_golden_name(name) for name in GOLDEN_ROOTS}
    assert {p.name for p in GOLDEN.glob("*.model.json")} == expected


def test_golden_model_keeps_no_machine_specific_path() -> None:
    for name in GOLDEN_ROOTS:
        text = (GOLDEN / model_golden_name(name)).read_text(encoding="utf-8")
        assert str(ROOTS) not in text and "/tmp/" not in text
        assert '"root": "."' in text


def test_topics_are_read_in_portal_order() -> None:
    topics = model_projection(ROOTS / "full")["topics"]
    assert [t["id"] for t in topics] == ["noi-tim-giup-do", "thong-tin-ca-nhan"]
