"""Thailand's divisions: what the migration loads, what forms look up, how the data is refreshed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import cast

import pytest
from pythainlp.corpus import provinces as pythainlp_provinces

from onegate.registries import divisions
from onegate.registries.divisions.__main__ import main as divisions_command
from onegate.registries.divisions.index import division_index, divisions_from_rows, read_rows
from onegate.registries.divisions.loading import divisions_load, divisions_unload
from onegate.registries.divisions.names import Level, name_key
from onegate.registries.divisions.refresh import RefreshError, build, package_files, refresh
from onegate.registries.models import District, Province, SubDistrict

MODELS = (Province, District, SubDistrict)


@pytest.mark.django_db
def test_the_migration_loads_every_province_district_and_sub_district():
    assert Province.objects.count() == 77
    assert District.objects.count() == 928
    assert SubDistrict.objects.count() == 7436
    assert divisions.data_source()["counts"] == {
        "provinces": 77,
        "districts": 928,
        "sub_districts": 7436,
    }


@pytest.mark.django_db
def test_known_codes_have_their_names_parents_and_postcodes():
    palace = SubDistrict.objects.select_related("district__province").get(code="100101")
    assert (palace.name_en, palace.name_th, palace.postcode) == (
        "Phra Borom Maha Ratchawang",
        "พระบรมมหาราชวัง",
        "10200",
    )
    assert (palace.district.code, palace.district.name_en) == ("1001", "Phra Nakhon")
    # Bangkok's districts are stored bare: the formatter adds เขต.
    assert palace.district.name_th == "พระนคร"
    assert (palace.district.province.code, palace.district.province.name_en) == ("10", "Bangkok")
    si_phum = SubDistrict.objects.get(code="500101")
    assert (si_phum.name_en, si_phum.postcode, si_phum.district_id) == ("Si Phum", "50200", "5001")
    assert District.objects.get(code="5001").name_th == "เมืองเชียงใหม่"
    assert Province.objects.get(code="38").name_en == "Bueng Kan"  # the newest province (2011)


@pytest.mark.django_db
def test_the_tables_and_the_in_memory_index_hold_the_same_divisions():
    in_tables = {
        (s.code, s.name_th, s.name_en, s.postcode, s.district_id) for s in SubDistrict.objects.all()
    }
    in_index = {
        (d.code, d.name_th, d.name_en, d.postcodes[0], d.parent_code)
        for district in division_index().children.values()
        for d in district
        if d.level == Level.SUB_DISTRICT
    }
    assert in_tables == in_index


def test_a_sub_district_in_two_postal_zones_is_found_by_either_postcode():
    pathum_wan = divisions.sub_district("100703")
    assert pathum_wan is not None
    assert pathum_wan.postcodes == ("10330", "10500")
    assert pathum_wan in divisions.sub_districts_by_postcode("10500")
    assert pathum_wan in divisions.sub_districts_by_postcode("10330")


def test_form_lookups_list_children_and_nothing_for_unknown_codes():
    assert len(divisions.provinces()) == 77
    assert len(divisions.districts_of("10")) == 50
    palace_district = [d.code for d in divisions.sub_districts_of("1001")]
    assert palace_district[0] == "100101"
    assert len(palace_district) == 12
    assert {d.code for d in divisions.sub_districts_by_postcode("10200")} >= {"100101", "100112"}
    assert divisions.districts_of("99") == []
    assert divisions.sub_districts_of("100101") == []  # a sub-district code is not a district
    assert divisions.sub_districts_by_postcode("00000") == []
    assert divisions.province("1001") is None


def test_choices_follow_thai_dictionary_order_in_thai_and_the_alphabet_in_english():
    thai = [name for _code, name in divisions.choices(divisions.provinces(), "th")]
    assert thai[0] == "กระบี่"
    # Dictionary order files เชียงใหม่ under ช; code-point order would put it after ฮ.
    assert thai.index("ชุมพร") < thai.index("เชียงใหม่") < thai.index("ตรัง")
    english = [name for _code, name in divisions.choices(divisions.provinces(), "en")]
    assert english[:3] == ["Amnat Charoen", "Ang Thong", "Bangkok"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("กทม", "10"),
        ("กรุงเทพฯ", "10"),
        ("Bangkok", "10"),
        ("จ.เชียงใหม่", "50"),
        ("จังหวัดเชียงใหม่", "50"),
        (" chiang mai ", "50"),
        ("Chiangmai Province", "50"),
        ("Phangnga", "82"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_a_province_is_found_by_the_names_people_type(typed, code):
    found = divisions.find_province(typed)
    assert (found.code if found else None) == code


@pytest.mark.parametrize(
    ("province", "typed", "code"),
    [
        ("50", "อ.เมือง", "5001"),
        ("50", "อำเภอเมืองเชียงใหม่", "5001"),
        ("50", "Muang Chiang Mai", "5001"),
        ("50", "mueang", "5001"),
        ("10", "เขตพระนคร", "1001"),
        ("10", "Khet Phra Nakhon", "1001"),
        ("10", "Mueang Chiang Mai", None),  # a real district, in another province
    ],
)
def test_a_district_is_found_by_name_within_its_province(province, typed, code):
    found = divisions.find_district(province, typed)
    assert (found.code if found else None) == code


@pytest.mark.parametrize(
    ("district", "typed", "code"),
    [
        ("1001", "แขวงพระบรมมหาราชวัง", "100101"),
        ("1001", "Phra Borom Maha Ratchawang", "100101"),
        ("5001", "ต.ศรีภูมิ", "500101"),
        ("4501", "ปอภาร", "450109"),  # the name is stored as "ปอภาร (ปอพาน)"
        ("5002", "ศรีภูมิ", None),
    ],
)
def test_a_sub_district_is_found_by_name_within_its_district(district, typed, code):
    found = divisions.find_sub_district(district, typed)
    assert (found.code if found else None) == code


def test_province_names_agree_with_pythainlp():
    # An independent list: the same 77 provinces, in both scripts, up to spaces and hyphens.
    theirs = {
        p["name_th"]: name_key(p["name_en"], Level.PROVINCE)
        for p in cast(list[dict[str, str]], pythainlp_provinces(details=True))
    }
    ours = {p.name_th: name_key(p.name_en, Level.PROVINCE) for p in divisions.provinces()}
    assert ours == theirs


# Refreshing from a downloaded package --------------------------------------------------------

GEOTHAI_ROWS = {
    "provinces": [["10", "กรุงเทพมหานคร", "Bangkok"], ["50", "เชียงใหม่", "Chiang Mai"]],
    "districts": [
        ["1001", "เขตพระนคร", "Phra Nakhon"],
        ["5001", "เมืองเชียงใหม่", "Mueang Chiang Mai"],
    ],
    "subdistricts": [
        ["100101", "พระบรมมหาราชวัง", "Phra Borom Maha Ratchawang", "10200"],
        ["500101", "ศรีภูมิ", "Si Phum", "50200 50300"],
    ],
}


def _geothai_files(rows: dict[str, list[list[str]]]) -> dict[str, str]:
    files = {
        f"geothai/_data/{name}.json": json.dumps(data, ensure_ascii=False)
        for name, data in rows.items()
    }
    files["geothai/_schema.py"] = 'DATA_VERSION: str = "2026.10.23"\n'
    files["geothai-9.9.9.dist-info/METADATA"] = (
        "Metadata-Version: 2.4\nName: geothai\nVersion: 9.9.9\n"
    )
    return files


def test_a_refresh_from_a_wheel_writes_a_file_the_index_reads(tmp_path: Path):
    wheel = tmp_path / "geothai-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in _geothai_files(GEOTHAI_ROWS).items():
            archive.writestr(name, text)
    target = tmp_path / "divisions.json"

    source = refresh(wheel, target)

    assert (source["package"], source["version"], source["data_version"]) == (
        "geothai",
        "9.9.9",
        "2026.10.23",
    )
    rows = divisions_from_rows(read_rows(target))
    assert [d.code for d in rows] == ["10", "50", "1001", "5001", "100101", "500101"]
    assert rows[2].name_th == "พระนคร"  # เขต removed for Bangkok only
    assert rows[3].name_th == "เมืองเชียงใหม่"
    assert rows[5].postcodes == ("50200", "50300")
    # One row a line, so a refresh reviews as a diff.
    assert '\n["100101", "พระบรมมหาราชวัง", "Phra Borom Maha Ratchawang", ["10200"]]' in (
        target.read_text(encoding="utf-8")
    )


def test_a_refresh_reads_an_unpacked_package_too(tmp_path: Path):
    for name, text in _geothai_files(GEOTHAI_ROWS).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert build(package_files(tmp_path))["source"]["counts"]["sub_districts"] == 2


@pytest.mark.parametrize(
    ("level", "row", "problem"),
    [
        ("districts", ["6001", "เมืองนครสวรรค์", "Mueang Nakhon Sawan"], "parent 60"),
        ("subdistricts", ["500102", "หายยา", "Hai Ya", "5010"], "five-digit"),
        ("subdistricts", ["500101", "ศรีภูมิ", "Si Phum", "50200"], "appears twice"),
        ("subdistricts", ["500103", "พระสิงห์", "", "50200"], "name is missing"),
    ],
)
def test_a_refresh_refuses_data_that_does_not_hold_together(level, row, problem):
    rows = {name: list(data) for name, data in GEOTHAI_ROWS.items()}
    rows[level].append(row)
    with pytest.raises(RefreshError, match=problem):
        build(_geothai_files(rows))


def test_the_refresh_command_reports_what_it_wrote_and_fails_cleanly(tmp_path: Path, capsys):
    package = tmp_path / "package"
    for name, text in _geothai_files(GEOTHAI_ROWS).items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    target = tmp_path / "out.json"

    assert divisions_command(["refresh", str(package), "--output", str(target)]) == 0
    assert "geothai 9.9.9 (data 2026.10.23), 2 provinces, 2 districts" in capsys.readouterr().out
    assert divisions_command(["refresh", str(tmp_path / "missing.whl")]) == 1
    assert "refresh failed" in capsys.readouterr().err


# Loading into the database -------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_again_changes_nothing_and_a_refreshed_file_updates_names(tmp_path: Path):
    assert divisions_load(*MODELS) == {"provinces": 0, "districts": 0, "sub_districts": 0}

    data = read_rows()
    data["sub_districts"][0][2] = "Phra Borom Maha Ratchawang (renamed)"
    changed = tmp_path / "divisions.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    assert divisions_load(*MODELS, path=changed)["sub_districts"] == 1
    assert SubDistrict.objects.get(code="100101").name_en.endswith("(renamed)")


@pytest.mark.django_db
def test_unloading_and_loading_restores_every_division():
    divisions_unload(*MODELS)
    assert not Province.objects.exists()
    assert not SubDistrict.objects.exists()

    written = divisions_load(*MODELS)

    assert written == {"provinces": 77, "districts": 928, "sub_districts": 7436}
    assert SubDistrict.objects.get(code="100101").district.province_id == "10"
