"""Text written in NFD (decomposed diacritics, as macOS and some PDF tools copy it) is read as NFC
and never reaches the output decomposed."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from loa.build import build
from loa.readers import read_campaign
from loa_support import ROOTS, quick_formats
from regenerate_golden import model_projection

NFD_FILES = ("campaign.yaml", "topics/giu-kin-thong-tin.md")


@pytest.fixture
def nfd_campaign(copy_root: Callable[[str], Path]) -> Path:
    """tests/roots/minimal with campaign.yaml and the topic saved in NFD."""
    root = copy_root("minimal")
    for name in NFD_FILES:
        path = root / name
        nfd = unicodedata.normalize("NFD", path.read_text(encoding="utf-8"))
        path.write_text(nfd, encoding="utf-8")
        assert not unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8"))
    return root


def test_topic_written_in_nfd_is_read_as_nfc(nfd_campaign: Path) -> None:
    campaign, warnings = read_campaign(nfd_campaign)
    assert warnings == []
    assert campaign.topics[0].title == "Giữ kín thông tin cá nhân"
    assert unicodedata.is_normalized("NFC", campaign.topics[0].title)


def test_campaign_read_from_nfd_equals_the_one_read_from_nfc(nfd_campaign: Path) -> None:
    assert model_projection(nfd_campaign) == model_projection(ROOTS / "minimal")


def test_output_html_contains_nfc_text_only(nfd_campaign: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    build(nfd_campaign, out=out, formats=quick_formats())
    texts = [
        p
        for p in out.rglob("*")
        if p.suffix in (".html", ".xml", ".json", ".txt") and "pagefind" not in p.parts
    ]
    assert any(p.suffix == ".html" for p in texts)
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), f"{path.relative_to(out)} has NFD text"
    article = (out / "bai-viet" / "giu-kin-thong-tin" / "cha-me.html").read_text(encoding="utf-8")
    assert "Giữ kín thông tin cá nhân" in article
