"""Co-branded social cards: a batch of units' cards made from one drawing per topic (card_stamps),
written by pngpatch from pieces compressed once. They must be the cards a unit would get laid out
alone — same size, same marks in the same places, a QR code that reads back the unit's link."""

from __future__ import annotations

import io
import random
import struct
import zlib
from functools import cache
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from loa import model as m
from loa.build import plan_jobs
from loa.errors import BuildError
from loa.renderers import pngpatch
from loa.renderers.base import Artifact, Job
from loa.renderers.pngpatch import Box, OffPalette, Patch, PatchedPng, _adler_parts, palette_of
from loa.renderers.visuals import card_stamps
from loa.renderers.visuals.card_stamps import split_address
from loa.renderers.visuals.cards import CardRenderer
from test_visuals import TOPIC, TOPIC_URL, campaign, decode_qr, dhash, with_units

SIZES = {"facebook-doc": (1080, 1350), "zalo-bia": (1280, 720)}
STAMPED = ("thcs-le-loi", "25747", "25750")
"""The batch's units whose cards are stamped (the fourth's name is too long: laid out alone)."""


@cache
def batch() -> tuple[Artifact, ...]:
    source = with_units(campaign())
    return tuple(
        CardRenderer().render(source, Job("cards", TOPIC, units=tuple(u.code for u in source.units)))
    )


def card(code: str, slug: str) -> Artifact:
    return next(a for a in batch() if a.path == f"don-vi/{code}/the/{TOPIC}/chung-{slug}.png")


@cache
def laid_out_alone(code: str, slug: str) -> Artifact:
    artifacts = CardRenderer().render(with_units(campaign()), Job("cards", TOPIC, unit=code))
    return next(a for a in artifacts if a.path.endswith(f"chung-{slug}.png"))


def picture(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.convert("RGB")


# --- pngpatch --------------------------------------------------------------------------------


def test_adler32_adds_up_from_each_pieces_share() -> None:
    rng = random.Random(7)
    for sizes in ((0, 5), (1, 1), (100, 70_000, 9), (65_521, 3), (5_000, 0, 65_522, 1)):
        pieces = [rng.randbytes(size) for size in sizes]
        whole = b"".join(pieces)
        sum_a = sum_b = 0
        for number, piece in enumerate(pieces):
            part_a, part_b = _adler_parts(piece, sum(sizes[number + 1 :]))
            sum_a += part_a
            sum_b += part_b
        assert ((len(whole) + sum_b) % 65521) << 16 | (1 + sum_a) % 65521 == zlib.adler32(whole)


def sample_base() -> Image.Image:
    rng = random.Random(3)
    base = Image.new("RGB", (300, 200), "#fdfcf7")
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x, y = rng.randrange(300), rng.randrange(200)
        draw.rectangle(
            (x, y, x + rng.randrange(40), y + rng.randrange(30)),
            fill=tuple(rng.randrange(256) for _ in "rgb"),
        )
    return base


BOXES = (Box(0, 0, 120, 30), Box(150, 40, 300, 90), Box(10, 120, 60, 200), Box(100, 170, 290, 200))
"""At every edge: the first row, the last column, the last row."""


def test_a_patched_png_holds_exactly_the_base_with_the_patches_laid_in() -> None:
    base = sample_base()
    rng = random.Random(11)
    patches = {
        box: Image.frombytes("RGB", (box.right - box.left, box.bottom - box.top),
                             rng.randbytes((box.right - box.left) * (box.bottom - box.top) * 3))
        for box in BOXES[:3]
    }  # fmt: skip
    data = PatchedPng(base, BOXES).png(patches)
    expected = base.copy()
    for box, patch in patches.items():
        expected.paste(patch, (box.left, box.top))
    got = picture(data)
    assert got.size == base.size
    assert ImageChops.difference(got, expected).getbbox() is None
    with Image.open(io.BytesIO(data)) as image:
        image.verify()  # chunk CRCs
    assert zlib.decompress(idat(data)) == filtered_rows(expected)  # ends as it should, checksum right


def idat(png: bytes) -> bytes:
    """Return a PNG's image data: its IDAT chunks' contents, joined."""
    found, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        if png[at + 4 : at + 8] == b"IDAT":
            found.append(png[at + 8 : at + 8 + length])
        at += length + 12
    return b"".join(found)


def filtered_rows(image: Image.Image) -> bytes:
    """Return an RGB picture's rows as PNG's Up filter writes them, each led by its filter byte."""
    data, stride = image.tobytes(), image.width * 3
    rows, above = [], bytes(stride)
    for top in range(0, len(data), stride):
        row = data[top : top + stride]
        rows.append(b"\x02" + bytes((a - b) & 0xFF for a, b in zip(row, above, strict=True)))
        above = row
    return b"".join(rows)


def test_a_keyed_patch_is_drawn_once_per_box_and_written_as_the_same_pixels() -> None:
    patched, box = PatchedPng(sample_base(), BOXES), BOXES[1]
    drawn = []

    def draw() -> Image.Image:
        drawn.append(box)
        return Image.new("RGB", (box.right - box.left, box.bottom - box.top), "#c0392b")

    first = patched.png({box: Patch(("test", "red"), draw)})
    assert patched.png({box: Patch(("test", "red"), draw)}) == first
    assert drawn == [box]
    assert first == patched.png({box: draw()})  # kept rows write what a plain patch writes
    expected = sample_base()
    expected.paste(draw(), (box.left, box.top))
    assert zlib.decompress(idat(first)) == filtered_rows(expected)


def test_a_patched_png_without_patches_is_the_base_and_is_byte_identical_each_time() -> None:
    patched = PatchedPng(sample_base(), BOXES)
    first = patched.png({})
    assert ImageChops.difference(picture(first), sample_base()).getbbox() is None
    assert PatchedPng(sample_base(), BOXES).png({}) == first


def test_a_drawing_is_written_indexed_and_a_patch_keeps_the_bases_colours_where_it_keeps_its_pixels() -> None:
    base = sample_base()
    box = BOXES[1]
    ImageDraw.Draw(base).rectangle((box.left, box.top, box.right - 1, box.bottom - 1), fill="#fdfcf7")
    # The palette comes from the picture with a sample text where the patches' texts go.
    sample = base.copy()
    ImageDraw.Draw(sample).text((box.left + 5, box.top + 5), "Ủy ban xã", fill="#1b2430")
    patched = PatchedPng(base, BOXES, palette=palette_of(sample))
    assert patched.indexed
    patch = patched.pixels(box)
    ImageDraw.Draw(patch).text((5, 5), "Đơn vị", fill="#1b2430")  # anti-aliased over the base
    data = patched.png({box: patch})
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "P"
        got = image.convert("RGB")
    plain = picture(patched.png({}))
    assert ImageChops.difference(plain, base).getextrema() <= ((0, 12),) * 3  # within a shade
    # Outside the box, and in the box where the patch left the base, the very colours of the base.
    area = (box.left, box.top, box.right, box.bottom)
    outside = plain.copy()
    outside.paste(got.crop(area), area[:2])
    assert ImageChops.difference(got, outside).getbbox() is None
    inked = ImageChops.difference(patch, base.crop(area)).convert("L").point(lambda v: 255 if v else 0)
    assert inked.getbbox() is not None
    kept = Image.composite(plain.crop(area), got.crop(area), inked)  # the base where inked, else the copy
    assert ImageChops.difference(kept, plain.crop(area)).getbbox() is None
    assert zlib.decompress(idat(data))[: base.width + 1] == b"\x00" + image_row(data, 0)  # unfiltered


def image_row(png: bytes, row: int) -> bytes:
    with Image.open(io.BytesIO(png)) as image:
        return image.tobytes()[row * image.width : (row + 1) * image.width]


def test_a_photograph_stays_rgb_and_a_patch_off_the_palette_is_refused() -> None:
    rng = random.Random(5)
    noise = Image.frombytes("RGB", (120, 80), rng.randbytes(120 * 80 * 3))
    assert not PatchedPng(noise, [Box(0, 0, 10, 10)], palette=palette_of(noise)).indexed
    base = sample_base()
    patched = PatchedPng(base, BOXES, palette=palette_of(base))
    box = BOXES[0]
    with pytest.raises(OffPalette):
        patched.png({box: Image.frombytes("RGB", (120, 30), rng.randbytes(120 * 30 * 3))})
    assert patched.png({box: Image.new("RGB", (120, 30), "black")})  # black and white are always held


def test_pngpatch_refuses_overlapping_boxes_and_patches_of_the_wrong_size() -> None:
    with pytest.raises(BuildError, match="overlap"):
        PatchedPng(sample_base(), [Box(0, 0, 50, 50), Box(40, 50, 60, 60)])  # a box owns the row below it
    with pytest.raises(BuildError, match="outside"):
        PatchedPng(sample_base(), [Box(250, 0, 320, 10)])
    with pytest.raises(BuildError, match="a patch of"):
        PatchedPng(sample_base(), BOXES).png({BOXES[0]: Image.new("RGB", (10, 10))})


def test_an_address_is_drawn_as_its_topics_part_and_its_units_code() -> None:
    assert split_address("loa.example.gov.vn/chu-de/ban-be/?dv=27007") == (
        "loa.example.gov.vn/chu-de/ban-be/?dv=",
        "27007",
    )
    assert split_address("loa.example.gov.vn/chu-de/ban-be/") == ("loa.example.gov.vn/chu-de/ban-be/", "")
    assert split_address("a/?dv=") == ("a/?dv=", "")


# --- planning --------------------------------------------------------------------------------


def test_cards_are_cobranded_per_topic_not_per_childrens_band() -> None:
    source = with_units(campaign())
    jobs = plan_jobs(CardRenderer(), source)
    batches = [j for j in jobs if j.units]
    assert {j.topic for j in batches} == {t.id for t in source.topics}
    assert all(j.audience is None for j in batches), "a unit's pack takes the general card"
    assert len(batches) == len(source.topics)


# --- the cards ---------------------------------------------------------------------------------


def test_a_batch_gives_every_unit_a_feed_card_and_a_zalo_cover_at_their_sizes() -> None:
    codes = [u.code for u in with_units(campaign()).units]
    assert [a.path for a in batch()] == [
        f"don-vi/{code}/the/{TOPIC}/chung-{slug}.png" for code in codes for slug in sorted(SIZES)
    ]
    for artifact in batch():
        slug = artifact.path.rsplit("chung-", 1)[1].removesuffix(".png")
        assert picture(artifact.data).size == SIZES[slug] == (artifact.width, artifact.height)
        assert artifact.media_type == "image/png" and artifact.kind == "card"


def test_a_batch_sharing_units_with_the_last_one_gets_its_cards_when_measured_widths_are_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The addresses' measured widths are dropped when there are too many: never those of units the
    batch still needs."""
    monkeypatch.setattr(card_stamps, "WIDTH_CACHE_SIZE", 0)
    source = with_units(campaign())
    CardRenderer().render(source, Job("cards", TOPIC, units=("25750",)))
    cards = CardRenderer().render(source, Job("cards", TOPIC, units=("25750", "thcs-le-loi")))
    assert {a.path.split("/")[1] for a in cards} == {"25750", "thcs-le-loi"}  # both with a contact line


@cache
def same_length_batch() -> tuple[Artifact, ...]:
    """Cards for two communes whose codes have the same length: the base keeps room for exactly
    their address, so their cards must match the ones laid out alone pixel for pixel."""
    source = with_units(campaign())
    source = source.model_copy(
        update={"units": tuple(u for u in source.units if u.code in ("25747", "25750"))}
    )
    return tuple(CardRenderer().render(source, Job("cards", TOPIC, units=("25747", "25750"))))


def differing(one: Image.Image, other: Image.Image) -> tuple[int, int, int, int] | None:
    """Return the box of pixels that differ visibly (not by anti-aliasing) between two pictures."""
    return ImageChops.difference(one, other).convert("L").point(lambda v: 255 if v > 48 else 0).getbbox()


@pytest.mark.parametrize("code", ["25747", "25750"])
@pytest.mark.parametrize("slug", sorted(SIZES))
def test_a_stamped_card_is_the_card_laid_out_alone_but_for_its_qr_code(code: str, slug: str) -> None:
    path = f"don-vi/{code}/the/{TOPIC}/chung-{slug}.png"
    stamped = picture(next(a for a in same_length_batch() if a.path == path).data)
    box = differing(stamped, picture(laid_out_alone(code, slug).data))
    if slug == "zalo-bia":  # no QR code on a cover: the same picture
        assert box is None
        return
    # Only the QR code may differ (drawn in whole-pixel modules instead of scaled): one square region.
    assert box is not None
    left, top, right, bottom = box
    assert right - left < 200 and bottom - top < 200, box
    assert left > stamped.width * 0.6 and top > stamped.height * 0.7, "the code's place, bottom right"


@pytest.mark.parametrize("code", STAMPED)
@pytest.mark.parametrize("slug", sorted(SIZES))
def test_a_stamped_card_names_its_unit_where_the_card_laid_out_alone_does(code: str, slug: str) -> None:
    stamped, alone = picture(card(code, slug).data), picture(laid_out_alone(code, slug).data)
    header = (0, 0, stamped.width, stamped.height // 6)
    assert differing(stamped.crop(header), alone.crop(header)) is None, "the unit's name under the issuer's"
    # The base keeps room for the campaign's longest address (a long unit code): the help strip may
    # sit a pixel lower than on a card laid out for one short address, and the palette's shades may
    # tip a bit or two of the hash where neighbouring cells are equal; nothing more.
    assert bin(dhash(card(code, slug).data) ^ dhash(laid_out_alone(code, slug).data)).count("1") <= 4


@pytest.mark.parametrize("code", STAMPED)
def test_a_stamped_cards_qr_code_reads_back_the_units_link(code: str, tmp_path: Path) -> None:
    assert decode_qr(card(code, "facebook-doc").data, tmp_path) == [f"{TOPIC_URL}?dv={code}"]


def test_a_stamped_cards_alt_text_names_the_units_link() -> None:
    assert card("25747", "facebook-doc").alt.endswith(f"Mã QR dẫn tới {TOPIC_URL}?dv=25747.")
    assert card("25747", "facebook-doc").alt == laid_out_alone("25747", "facebook-doc").alt


def test_a_unit_whose_name_is_too_long_for_its_place_is_laid_out_alone() -> None:
    for slug in SIZES:
        assert card("thpt-tran-dai-nghia", slug).data == laid_out_alone("thpt-tran-dai-nghia", slug).data


def test_a_unit_with_its_own_logo_is_laid_out_alone_beside_the_issuers() -> None:
    source = with_units(campaign())
    logo = next((source.root / "assets").rglob("logo.*"))
    unit = m.Unit(code="logo-unit", name="Trường TH Kim Đồng", logo=logo.relative_to(source.root).as_posix())
    source = source.model_copy(update={"units": (*source.units, unit)})
    made = CardRenderer().render(source, Job("cards", TOPIC, units=("25747", "logo-unit")))
    alone = CardRenderer().render(source, Job("cards", TOPIC, unit="logo-unit"))
    assert {a.path: a.data for a in made if "/logo-unit/" in a.path} == {a.path: a.data for a in alone}


def test_stamped_cards_are_byte_identical_across_runs() -> None:
    source = with_units(campaign())
    again = CardRenderer().render(source, Job("cards", TOPIC, units=tuple(u.code for u in source.units)))
    assert [a.data for a in again] == [a.data for a in batch()]


def test_a_facebook_card_of_a_unit_stays_small_enough_to_post() -> None:
    # Facebook takes PNGs under 1 MB without recompressing them hard; Zalo refuses covers over 1 MB.
    for artifact in batch():
        assert len(artifact.data) < 1_000_000, artifact.path
    shared = next(
        a
        for a in CardRenderer().render(campaign(), Job("cards", TOPIC))
        if a.path.endswith("chung-facebook-doc.png")
    )
    # An indexed PNG (a palette of 256 colours): well under half of the shared RGB card.
    assert len(card("25747", "facebook-doc").data) < 0.6 * len(shared.data)
    with Image.open(io.BytesIO(card("25747", "facebook-doc").data)) as image:
        assert image.mode == "P"


def test_a_unit_whose_marks_the_palette_cannot_hold_is_laid_out_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pngpatch, "PALETTE_TOLERANCE", -1)  # no colour is close enough: no palette
    monkeypatch.setattr(card_stamps, "card_base", card_stamps.card_base.__wrapped__)  # not the cached ones
    source = with_units(campaign())
    made = CardRenderer().render(source, Job("cards", TOPIC, units=("25747",)))
    alone = CardRenderer().render(source, Job("cards", TOPIC, unit="25747"))
    assert [a.data for a in made] != [a.data for a in alone]  # the base stays RGB: stamped, not alone
    monkeypatch.setattr(pngpatch, "PALETTE_TOLERANCE", 12)

    def off_palette(*_args: object) -> bytes:
        raise OffPalette("test")

    monkeypatch.setattr(PatchedPng, "png", off_palette)
    made = CardRenderer().render(source, Job("cards", TOPIC, units=("25747",)))
    assert [a.data for a in made] == [a.data for a in alone]


def test_stacked_accents_and_descenders_of_a_units_name_are_drawn_whole() -> None:
    # Capitals with two marks (Ấ, Ễ, Ỡ) reach far above the line; g, y, p below it. The box a mark is
    # drawn in must hold them: the card matches the one laid out alone, pixel for pixel.
    units = (
        m.Unit(code="12345", name="ẤP ỄNH ỠNG Quý Phú", contact="Liên hệ: Ỷ Ỹ Gấp, 0276 3822 111"),
        m.Unit(code="12346", name="UBND xã Phước Vinh", contact="Liên hệ: 0276 3822 222"),
    )
    source = campaign().model_copy(update={"units": units})
    made = CardRenderer().render(source, Job("cards", TOPIC, units=("12345", "12346")))
    alone = CardRenderer().render(source, Job("cards", TOPIC, unit="12345"))
    for one in alone:
        stamped = picture(next(a for a in made if a.path == one.path).data)
        box = differing(stamped, picture(one.data))
        if one.path.endswith("zalo-bia.png"):
            assert box is None
        else:  # the QR code only
            assert box is not None and box[0] > stamped.width * 0.6 and box[1] > stamped.height * 0.7, box
