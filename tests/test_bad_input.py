"""Bad campaign sources, through the real `loa` command: one located message, exit 1, no traceback,
and the previous output folder exactly as it was."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from loa_support import LoaCommand, Run, edit, line_of, tree_digest

TOPIC = "topics/giu-kin-thong-tin.md"
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


@pytest.fixture
def campaign(copy_root: Callable[[str], Path]) -> Path:
    """A copy of tests/roots/minimal to break."""
    return copy_root("minimal")


def build_is_refused(
    loa: LoaCommand, campaign: Path, out: Path, *expected: str, args: tuple[str | Path, ...] = ()
) -> Run:
    """Build a broken campaign over a good previous output and check it was refused cleanly."""
    before = tree_digest(out)
    run = loa("build", campaign, "--out", out, *args)
    assert run.returncode == 1, run
    for text in expected:
        assert text in run.stderr, f"expected {text!r} in the message\n{run}"
    assert "Traceback" not in run.output, run
    assert tree_digest(out) == before, f"the previous output in {out} was changed\n{run}"
    return run


def cp1258(text: str) -> bytes:
    """Return Vietnamese text as Windows-1258 writes it: letters (ă, ơ...) plus a combining tone."""
    encoded = bytearray()
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        letter = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        encoded += (letter + tones).encode("cp1258")
    return bytes(encoded)


def test_broken_yaml_names_the_file_and_line(loa: LoaCommand, campaign: Path, previous_output: Path) -> None:
    config = edit(campaign / "campaign.yaml", "title: Chiến dịch tối thiểu", "title: Chiến dịch: tối thiểu")
    line = line_of(config, "title:")
    build_is_refused(loa, campaign, previous_output, f"campaign.yaml:{line}: YAML hỏng", "ngoặc kép")


def test_tab_indentation_names_the_file_and_line(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    config = edit(campaign / "campaign.yaml", "  name: Sở Văn hóa", "\tname: Sở Văn hóa")
    line = line_of(config, "\tname:")
    build_is_refused(loa, campaign, previous_output, f"campaign.yaml:{line}: YAML hỏng", "Tab")


def test_misspelt_field_suggests_the_right_name(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    config = edit(campaign / "campaign.yaml", "title:", "tittle:")
    line = line_of(config, "tittle:")
    build_is_refused(loa, campaign, previous_output, f"campaign.yaml:{line}: tittle:", "'title'")


def test_misspelt_field_inside_a_topics_actions_suggests_the_right_name(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    topic = edit(campaign / TOPIC, "    dont:", "    dont_do:")
    line = line_of(topic, "dont_do:")
    build_is_refused(
        loa, campaign, previous_output, f"giu-kin-thong-tin.md:{line}: actions.cha-me.dont_do:", "'dont'"
    )


def test_missing_required_field_is_named(loa: LoaCommand, campaign: Path, previous_output: Path) -> None:
    config = edit(campaign / "campaign.yaml", "  name: Sở Văn hóa, Thể thao và Du lịch", "  place: Tây Ninh")
    line = line_of(config, "issuer:")
    build_is_refused(
        loa, campaign, previous_output, f"campaign.yaml:{line}: issuer.name: thiếu trường bắt buộc"
    )


def test_missing_required_topic_field_is_named(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    topic = edit(campaign / TOPIC, "summary: Giúp cha mẹ biết thông tin nào của con là riêng tư.\n", "")
    line = line_of(topic, "id:")
    build_is_refused(
        loa, campaign, previous_output, f"giu-kin-thong-tin.md:{line}: summary: thiếu trường bắt buộc"
    )


def test_file_not_in_utf8_is_named_with_a_conversion_command(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    topic = campaign / TOPIC
    text = topic.read_text(encoding="utf-8")
    topic.write_bytes(cp1258(text))
    first_non_ascii = next(i for i, line in enumerate(text.splitlines(), 1) if not line.isascii())
    build_is_refused(
        loa,
        campaign,
        previous_output,
        f"giu-kin-thong-tin.md:{first_non_ascii}:",
        "UTF-8",
        "iconv -f CP1258 -t UTF-8 'giu-kin-thong-tin.md'",
    )


def test_duplicate_topic_ids_name_both_files(loa: LoaCommand, campaign: Path, previous_output: Path) -> None:
    original = (campaign / TOPIC).read_text(encoding="utf-8")
    copy = campaign / "topics" / "z-ban-sao.md"
    copy.write_text(original.replace("---\n", "---\n# Bản sao của một chủ đề khác.\n", 1), encoding="utf-8")
    line = line_of(copy, "id:")
    build_is_refused(
        loa,
        campaign,
        previous_output,
        f"z-ban-sao.md:{line}: id:",
        "'giu-kin-thong-tin'",
        "giu-kin-thong-tin.md",
    )


def test_cover_image_that_does_not_exist_is_named(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    topic = edit(
        campaign / TOPIC,
        "audiences: [cha-me]\n",
        "audiences: [cha-me]\nimage:\n  path: assets/khong-co.png\n  alt: Ảnh bìa của chủ đề\n",
    )
    line = line_of(topic, "path: assets/khong-co.png")
    build_is_refused(
        loa, campaign, previous_output, f"giu-kin-thong-tin.md:{line}: image.path:", "'assets/khong-co.png'"
    )


def test_declared_asset_that_does_not_exist_is_named(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    config = edit(
        campaign / "campaign.yaml",
        "portal:",
        "assets:\n  - path: assets/Logo.svg\n    alt: Biểu trưng của chiến dịch\nportal:",
    )
    line = line_of(config, "path: assets/Logo.svg")
    build_is_refused(
        loa, campaign, previous_output, f"campaign.yaml:{line}: assets.0.path:", "'assets/Logo.svg'"
    )


def test_image_in_a_topic_body_that_does_not_exist_is_named(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    topic = edit(
        campaign / TOPIC, "## Khi cần giúp đỡ", "![Sơ đồ](../assets/so-do.png)\n\n## Khi cần giúp đỡ"
    )
    line = line_of(topic, "![Sơ đồ]")
    build_is_refused(loa, campaign, previous_output, f"giu-kin-thong-tin.md:{line}: body:", "so-do.png")


def test_period_ending_before_it_starts_is_refused(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    config = edit(campaign / "campaign.yaml", "end: 2026-12-31", "end: 2026-01-31")
    line = line_of(config, "end:")
    build_is_refused(
        loa, campaign, previous_output, f"campaign.yaml:{line}: period.end:", "2026-01-31", "2026-06-01"
    )


def test_brand_colours_below_wcag_aa_contrast_are_refused(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    config = campaign / "campaign.yaml"
    config.write_text(config.read_text(encoding="utf-8") + 'brand:\n  text: "#A0A0A0"\n', encoding="utf-8")
    line = line_of(config, "text:")
    build_is_refused(loa, campaign, previous_output, f"campaign.yaml:{line}: brand.text:", "4.5:1")


def test_empty_topic_body_is_refused(loa: LoaCommand, campaign: Path, previous_output: Path) -> None:
    topic = campaign / TOPIC
    text = topic.read_text(encoding="utf-8")
    closing = text.index("\n---\n") + len("\n---\n")
    topic.write_text(text[:closing] + "\n   \n", encoding="utf-8")
    body_line = text[:closing].count("\n") + 1
    build_is_refused(loa, campaign, previous_output, f"giu-kin-thong-tin.md:{body_line}: body:")


def test_campaign_folder_that_does_not_exist_is_named(
    loa: LoaCommand, tmp_path: Path, previous_output: Path
) -> None:
    missing = tmp_path / "khong-co-chien-dich"
    build_is_refused(loa, missing, previous_output, f"{missing}:", "loa new")


def test_check_refuses_a_broken_campaign_like_build_does(loa: LoaCommand, campaign: Path) -> None:
    config = edit(campaign / "campaign.yaml", "title:", "tittle:")
    run = loa("check", campaign)
    assert run.returncode == 1, run
    assert f"campaign.yaml:{line_of(config, 'tittle:')}: tittle:" in run.stderr
    assert "Traceback" not in run.output


def test_every_error_is_reported_at_once(loa: LoaCommand, campaign: Path, previous_output: Path) -> None:
    edit(campaign / "campaign.yaml", "end: 2026-12-31", "end: 2026-01-31")
    edit(campaign / TOPIC, "summary:", "sumary:")
    run = build_is_refused(loa, campaign, previous_output, "period.end:", "sumary:", "'summary'")
    assert "Có 3 lỗi" in run.stderr  # the misspelt field is both unknown and, as summary, missing


def test_unknown_option_is_bad_usage_and_exits_2(
    loa: LoaCommand, tmp_path: Path, previous_output: Path
) -> None:
    before = tree_digest(previous_output)
    run = loa("build", tmp_path, "--out", previous_output, "--no-such-option")
    assert run.returncode == 2, run
    assert "--no-such-option" in run.output
    assert "Traceback" not in run.output
    assert tree_digest(previous_output) == before


def test_unknown_format_exits_1_with_the_list_of_formats(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    before = tree_digest(previous_output)
    run = loa("build", campaign, "--out", previous_output, "--formats", "article-html,pdf-a5")
    assert run.returncode == 1, run
    assert "pdf-a5" in run.stderr
    assert "article-html" in run.stderr and "portal" in run.stderr, "the message lists the formats"
    assert "Traceback" not in run.output
    assert tree_digest(previous_output) == before


def test_build_refuses_to_replace_a_folder_it_did_not_create(
    loa: LoaCommand, campaign: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "tai-lieu-cua-toi"
    mine.mkdir()
    (mine / "bao-cao.docx").write_bytes(b"not Loa's")
    before = tree_digest(mine)
    run = loa("build", campaign, "--out", mine, "--formats", "article-html")
    assert run.returncode == 1, run
    assert "--out" in run.stderr
    assert "Traceback" not in run.output
    assert tree_digest(mine) == before


# --- the recipient units' CSV (--units) ----------------------------------------------------------


def units_csv(campaign: Path, text: str | bytes) -> tuple[str, Path]:
    """Write a units CSV beside the campaign; return the build's arguments to read it."""
    path = campaign.parent / "don-vi.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return "--units", path


def test_a_units_code_given_twice_names_both_lines(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    args = units_csv(
        campaign, "code,name\n27001,UBND xã An Tịnh\n27002,UBND xã Phước Chỉ\n27001,UBND xã Trảng\n"
    )
    build_is_refused(
        loa, campaign, previous_output, "don-vi.csv:4: code: mã '27001' trùng với dòng 2", args=args
    )


def test_a_units_csv_without_a_name_column_says_which_columns_it_needs(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    args = units_csv(campaign, "code,don vi\n27001,UBND xã An Tịnh\n")
    build_is_refused(
        loa, campaign, previous_output, "don-vi.csv:1: name: thiếu cột bắt buộc", "name (tên)", args=args
    )


def test_a_misspelt_required_column_is_named_in_the_error(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    args = units_csv(campaign, "cdoe,name\n27001,UBND xã An Tịnh\n")
    build_is_refused(
        loa,
        campaign,
        previous_output,
        "don-vi.csv:1: code: thiếu cột bắt buộc",
        "có phải cột 'cdoe'?",
        args=args,
    )


def test_two_columns_for_one_field_are_refused(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    args = units_csv(campaign, "code,name,Tên đơn vị\n27001,UBND xã An Tịnh,Xã An Tịnh\n")
    build_is_refused(
        loa, campaign, previous_output, "don-vi.csv:1: name: các cột 'name', 'Tên đơn vị'", args=args
    )


def test_a_units_missing_logo_and_unknown_audience_are_named_on_their_lines(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    args = units_csv(
        campaign,
        "code,name,logo,audience\n"
        "27001,UBND xã An Tịnh,assets/khong-co.png,\n27002,Trường TH Kim Đồng,,hoc-sinh\n",
    )
    build_is_refused(
        loa, campaign, previous_output,
        "don-vi.csv:2: logo: không thấy tệp 'assets/khong-co.png'",
        "don-vi.csv:3: audience: không có đối tượng 'hoc-sinh'",
        args=args,
    )  # fmt: skip


def test_a_units_csv_not_in_utf8_is_named_with_a_conversion_command(
    loa: LoaCommand, campaign: Path, previous_output: Path
) -> None:
    args = units_csv(campaign, cp1258("code,name\n27001,UBND xã An Tịnh\n"))
    build_is_refused(loa, campaign, previous_output, "don-vi.csv:2:", "UTF-8", "iconv -f CP1258", args=args)


def test_an_excel_export_is_read_and_a_misspelt_column_is_named_not_lost(
    loa: LoaCommand, campaign: Path, tmp_path: Path
) -> None:
    """Excel in Vietnam writes semicolons and a BOM; people name columns in Vietnamese, with spaces
    or underscores, and add their own (STT). A column Loa does not read is named, with the one it
    may have meant: a misspelt contact column would otherwise leave every pack without its line."""
    args = units_csv(
        campaign,
        "\ufeffSTT;Mã đơn vị;Tên_đơn_vị;contcat\n1;27001;UBND xã An Tịnh;Liên hệ: 0276 3822 111\n",
    )
    run = loa("build", campaign, "--out", tmp_path / "out", "--formats", "posters", *args)
    assert run.returncode == 0, run
    assert (tmp_path / "out" / "don-vi" / "27001").is_dir()
    assert "don-vi.csv:1: contcat: cột này không được đọc — bỏ qua — có phải 'contact'?" in run.output, run
    assert "don-vi.csv:1: STT: cột này không được đọc" in run.output, run
    assert "Mã đơn vị" not in run.output and "Tên_đơn_vị" not in run.output, "both read"
