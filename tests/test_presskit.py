"""Press kits: a unit's ZIP holds its whole pack as built, with a Vietnamese README and a manifest."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from loa import presskit
from loa.build import build, with_units
from loa.readers import read_campaign
from loa.renderers.base import Artifact
from loa.zips import Entry
from loa_support import ROOTS, SOURCE_DATE_EPOCH, tree_digest

UNITS = "code,name,contact\n27001,UBND xã Một,Liên hệ: 0272 111 222\n27002,UBND phường Hai,\n"


def build_kits(folder: Path, *, workers: int) -> Path:
    """Build the visuals root's posters, cards and kits for two units into folder/out."""
    (folder / "units.csv").write_text(UNITS, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        build(
            ROOTS / "visuals",
            out=folder / "out",
            formats=["posters", "cards", "press-kit"],
            units=folder / "units.csv",
            workers=workers,
        )
    return folder / "out"


@pytest.fixture(scope="module")
def kit_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_kits(tmp_path_factory.mktemp("kits"), workers=1)


def test_a_units_kit_holds_every_file_of_its_pack_byte_for_byte(kit_build: Path) -> None:
    pack = sorted(p for p in (kit_build / "don-vi" / "27001").rglob("*") if p.is_file())
    assert pack, "the unit has posters and cards"
    with zipfile.ZipFile(kit_build / "don-vi" / "27001.zip") as archive:
        names = archive.namelist()
        assert names[:2] == ["DOC-TRUOC.txt", "manifest.json"]
        assert sorted(names[2:]) == [p.relative_to(kit_build).as_posix() for p in pack]
        for path in pack:
            assert archive.read(path.relative_to(kit_build).as_posix()) == path.read_bytes()
        listed = json.loads(archive.read("manifest.json"))["products"]
        assert {e["path"]: e["sha256"] for e in listed} == {
            p.relative_to(kit_build).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in pack
        }
        readme = archive.read("DOC-TRUOC.txt").decode("utf-8")
        assert all(info.date_time == presskit.ZIP_TIME for info in archive.infolist()), "fixed times"
    assert "Đơn vị sử dụng: UBND xã Một" in readme
    assert "?dv=27001" in readme, "the unit's own portal link"
    assert "111" in readme and "KHI CẦN GIÚP ĐỠ" in readme
    assert "27002" not in " ".join(names), "nothing of another unit"


def test_kits_are_made_one_at_a_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A province's thousands of unit kits (~7 MB each) must not all wait in memory at once."""
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    campaign = with_units(read_campaign(ROOTS / "visuals")[0], tmp_path / "units.csv")
    made: list[str] = []
    real = presskit._entries

    def counting(readme: str, title: str, items: list[Artifact]) -> list[Entry]:
        made.append(title)
        return real(readme, title, items)

    monkeypatch.setattr(presskit, "_entries", counting)
    kits = presskit.compose_press_kits(campaign, [])
    first = next(kits)
    assert made == [first.title], "only the first kit is zipped when the first is asked for"
    rest = list(kits)
    assert len(made) == 1 + len(rest) == len(campaign.audiences) + 2


def test_units_kits_zipped_on_worker_processes_are_the_same_bytes(
    kit_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(presskit, "KIT_POOL_THRESHOLD", 1)  # processes even for two units
    out = build_kits(tmp_path, workers=2)
    assert tree_digest(out) == tree_digest(kit_build)
    # Built again with nothing changed but one file damaged: the kits are reused or made again alike.
    (out / "don-vi" / "27002.zip").write_bytes(b"hong")
    assert build_kits(tmp_path, workers=2) == out
    assert tree_digest(out) == tree_digest(kit_build)


def test_a_picture_in_every_audiences_kit_is_deflated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A campaign's SVGs go into each audience's kit: compressing them again for each kit was most
    of the time a build spent zipping."""
    campaign = read_campaign(ROOTS / "visuals")[0]
    svg = Artifact(
        path="the/a/chung.svg", data=b"<svg/>" * 500, kind="card", format="svg", media_type="image/svg+xml"
    )
    deflated: list[str] = []
    real = presskit.Entry.of

    def counting(name: str, data: bytes, *, deflate: bool) -> presskit.Entry:
        if deflate and name.endswith(".svg"):
            deflated.append(name)
        return real(name, data, deflate=deflate)

    monkeypatch.setattr(presskit, "_DEFLATED", presskit._Deflated(1 << 20))
    monkeypatch.setattr(presskit.Entry, "of", counting)
    kits = list(presskit.compose_press_kits(campaign, [svg]))
    assert len(kits) == len(campaign.audiences) >= 2
    assert deflated == ["the/a/chung.svg"]
    for kit in kits:
        with zipfile.ZipFile(io.BytesIO(kit.data)) as archive:
            assert archive.read("the/a/chung.svg") == svg.data
