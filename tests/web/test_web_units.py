"""Units: the official divisions, the subtree paths, history, groups and CSV import."""

from __future__ import annotations

from datetime import date

import pytest
from factories import create_group, create_unit

from loa.web.units.divisions import load_divisions, official_divisions
from loa.web.units.flows import import_units_csv, merge_units, rename_unit
from loa.web.units.models import OrgUnit, UnitChange, UnitKind

pytestmark = pytest.mark.django_db


def test_the_package_lists_34_provinces_and_3321_communes() -> None:
    provinces = official_divisions()
    communes = [c for p in provinces for c in p.communes]
    assert len(provinces) == 34
    assert len(communes) == 3321
    assert sum(c.kind == UnitKind.SPECIAL_ZONE for c in communes) == 13
    tay_ninh = next(p for p in provinces if p.code == "80")
    assert tay_ninh.name == "Tỉnh Tây Ninh" and len(tay_ninh.communes) == 96


def test_loading_tay_ninh_creates_its_96_communes_under_it_and_is_idempotent() -> None:
    created, _ = load_divisions(communes_of={"80"})
    assert created == 34 + 96
    tay_ninh = OrgUnit.objects.get(code="80")
    assert OrgUnit.objects.filter(path__startswith=tay_ninh.path).count() == 97
    assert not OrgUnit.objects.filter(name="Tỉnh Long An").exists()  # merged into Tây Ninh in 2025
    assert OrgUnit.objects.filter(parent=tay_ninh, name="Phường Long An").exists()
    again, updated = load_divisions(communes_of={"80"})
    assert (again, updated) == (0, 130)
    assert UnitChange.objects.filter(kind=UnitChange.Kind.CREATED, on=date(2025, 7, 1)).count() == 130


def test_a_unit_path_follows_its_parents_and_moves_with_them(tree) -> None:
    assert tree.school_long_an.path == f"{tree.tay_ninh.path}{tree.long_an.pk}/{tree.school_long_an.pk}/"
    assert tree.school_long_an.depth == 3
    tree.long_an.parent = tree.ha_noi
    tree.long_an.save()
    tree.school_long_an.refresh_from_db()
    assert tree.school_long_an.path.startswith(tree.ha_noi.path)


def test_renaming_keeps_the_old_name_in_history(tree) -> None:
    rename_unit(
        tree.school_long_an, "Trường THCS Long An mới", on=date(2026, 1, 1), basis="Quyết định số 1/QĐ-UBND"
    )
    change = tree.school_long_an.history.get(kind=UnitChange.Kind.RENAMED)
    assert (change.old_name, change.new_name) == ("Trường THCS Long An", "Trường THCS Long An mới")


def test_merging_moves_children_and_ends_the_merged_unit_the_day_before(tree) -> None:
    merge_units([tree.tan_an], into=tree.long_an, on=date(2025, 7, 1), basis="Nghị quyết của UBTVQH")
    tree.tan_an.refresh_from_db()
    tree.school_tan_an.refresh_from_db()
    assert not tree.tan_an.active and tree.tan_an.valid_to == date(2025, 6, 30)
    assert tree.school_tan_an.parent == tree.long_an
    assert tree.tan_an.history.get(kind=UnitChange.Kind.MERGED).successor == tree.long_an


def test_a_group_takes_units_of_its_kinds_and_levels_under_its_root_only(tree) -> None:
    secondary = create_group("Trường THCS", within=tree.tay_ninh, kinds=[UnitKind.SCHOOL], levels=["thcs"])
    assert set(secondary.resolve()) == {tree.school_long_an, tree.school_tan_an}
    police = create_group("Công an", within=tree.tay_ninh, kinds=[UnitKind.POLICE])
    police.members.add(tree.education)
    assert set(police.resolve()) == {tree.police_long_an, tree.education}


def test_csv_import_creates_units_with_parents_named_in_earlier_rows(tree) -> None:
    text = (
        "code,name,kind,parent_code,school_level,email\n"
        "80-X,Trường Tiểu học Mới,school,27700,tieu-hoc,\n"
        "80-Y,Điểm trường Mới,school,80-X,tieu-hoc,\n"
    )
    result = import_units_csv(text)
    assert result.errors == [] and result.created == 2
    assert OrgUnit.objects.get(code="80-Y").parent.code == "80-X"


def test_csv_import_with_one_bad_row_writes_nothing_and_names_the_line(tree) -> None:
    text = "code,name,kind,parent_code\n80-A,Trường A,school,27700\n80-B,,castle,NOPE\n"
    result = import_units_csv(text)
    assert not OrgUnit.objects.filter(code="80-A").exists()
    assert any(e.startswith("dòng 3: name") for e in result.errors)
    assert any("dòng 3: kind: 'castle'" in e for e in result.errors)
    assert any("dòng 3: parent_code" in e for e in result.errors)


def test_csv_import_for_a_scoped_user_refuses_parents_outside_the_scope(tree) -> None:
    text = "code,name,kind,parent_code\n70-A,Trường A,school,70\n"
    result = import_units_csv(text, under=tree.tay_ninh)
    assert result.errors == ["dòng 2: parent_code: '70' nằm ngoài phạm vi của bạn"]


def test_load_units_command_reports_what_it_loaded(capsys) -> None:
    from django.core.management import call_command

    call_command("load_units", "--province", "80")
    assert "130 mới" in capsys.readouterr().out


def test_unit_is_created_with_a_path_even_without_a_parent() -> None:
    unit = create_unit("99", "Tỉnh Thử", UnitKind.PROVINCE)
    assert unit.path == f"/{unit.pk}/" and unit.depth == 1


def test_communes_whose_short_code_equals_a_provinces_stay_apart() -> None:
    """Phường Ba Đình (Hà Nội) has statistics code 4, as Tỉnh Cao Bằng does: five digits keep them apart."""
    load_divisions(communes_of={"1", "4"})
    cao_bang = OrgUnit.objects.get(code="4")
    assert cao_bang.kind == UnitKind.PROVINCE and cao_bang.name == "Tỉnh Cao Bằng" and cao_bang.parent is None
    ba_dinh = OrgUnit.objects.get(code="00004")
    assert ba_dinh.name == "Phường Ba Đình" and ba_dinh.parent.code == "1"
    assert OrgUnit.objects.filter(parent=cao_bang).count() == len(
        next(p for p in official_divisions() if p.code == "4").communes
    )


def test_communes_loaded_with_short_codes_take_the_five_digit_code(db) -> None:
    load_divisions(communes_of=set())
    ha_noi = OrgUnit.objects.get(code="1")
    first = next(p for p in official_divisions() if p.code == "1").communes[0]
    short = str(int(first.code))
    assert short != first.code  # "70" for Phường Hoàn Kiếm, "00070" now
    old = OrgUnit.objects.create(code=short, name=first.name, kind=first.kind, parent=ha_noi)
    load_divisions(communes_of={"1"})
    old.refresh_from_db()
    assert old.code == first.code and OrgUnit.objects.filter(name=first.name, parent=ha_noi).count() == 1
