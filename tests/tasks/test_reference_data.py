"""Reference gazetteers in data/reference/: they parse, use real codes, never give one surface to two entities, and know the samples' entities."""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pycountry
import pytest
from babel import Locale

from khanij import PROJECT_ROOT
from tasks.clean import matching_form
from tasks.reference import load_spelling_variants, read_reference_csv, split_list

GOLD_DIR = PROJECT_ROOT / "tests" / "fixtures" / "gold"
COLUMNS = {
    "countries.csv": ["iso3", "iso2", "name_en", "name_hi", "surfaces_hi", "surfaces_latin", "adjectives_hi",
                      "ambiguous_surfaces", "wikidata_qid", "sovereign", "source"],
    "country_extras.csv": ["iso3", "name_en", "name_hi", "surfaces_hi", "surfaces_latin", "adjectives_hi",
                           "ambiguous_surfaces", "drop_surfaces", "sovereign", "wikidata_qid", "note"],
    "people.csv": ["key", "name_en", "aliases_en", "surfaces_hi", "surfaces_latin", "country_iso3", "role_en",
                   "ambiguous_surfaces", "wikidata_qid", "source"],
    "organizations.csv": ["key", "name_en", "aliases_en", "surfaces_hi", "surfaces_latin", "country_iso3", "kind",
                          "ambiguous_surfaces", "wikidata_qid", "source"],
    "locations.csv": ["key", "name_en", "aliases_en", "surfaces_hi", "surfaces_latin", "country_iso3", "kind",
                      "ambiguous_surfaces", "wikidata_qid", "source"],
    "commodities.csv": ["key", "name_en", "aliases_en", "surfaces_hi", "surfaces_latin", "usgs_critical_2025", "group",
                        "ambiguous_surfaces", "source"],
    "roles.csv": ["title_hi", "title_en", "kind", "source"],
}
KEYED_FILES = ("people.csv", "organizations.csv", "locations.csv", "commodities.csv")
FILE_FOR_TYPE = {"PERSON": "people.csv", "ORGANIZATION": "organizations.csv", "LOCATION": "locations.csv",
                 "COMMODITY": "commodities.csv", "COUNTRY": "countries.csv"}
KINDS = {
    "organizations.csv": {"intl_org", "government_body", "company", "party", "media", "conference", "armed_group", "military"},
    "locations.csv": {"capital", "city", "region", "province", "building", "geographic"},
}
COMMODITY_GROUPS = {"critical_mineral", "precious_metal", "base_metal", "energy", "fertilizer", "other"}
# The final USGS 2025 List of Critical Minerals (Federal Register, November 2025): the 50 minerals
# of the 2022 list plus the ten it added (boron, copper, lead, metallurgical coal, phosphate,
# potash, rhenium, silicon, silver, uranium).
USGS_CRITICAL_2025 = {
    "aluminum", "antimony", "arsenic", "barite", "beryllium", "bismuth", "boron", "cerium", "cesium", "chromium",
    "cobalt", "copper", "dysprosium", "erbium", "europium", "fluorspar", "gadolinium", "gallium", "germanium",
    "graphite", "hafnium", "holmium", "indium", "iridium", "lanthanum", "lead", "lithium", "lutetium", "magnesium",
    "manganese", "metallurgical coal", "neodymium", "nickel", "niobium", "palladium", "phosphate", "platinum",
    "potash", "praseodymium", "rhenium", "rhodium", "rubidium", "ruthenium", "samarium", "scandium", "silicon",
    "silver", "tantalum", "tellurium", "terbium", "thulium", "tin", "titanium", "tungsten", "uranium", "vanadium",
    "ytterbium", "yttrium", "zinc", "zirconium",
}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
QID = re.compile(r"Q[1-9][0-9]*")
ALPHA3 = {country.alpha_3 for country in pycountry.countries}


def rows(name: str) -> list[dict[str, str]]:
    """Rows of one reference file."""
    return read_reference_csv(name)


def surfaces(row: dict[str, str]) -> list[str]:
    """Every written form the gazetteer matches for a row (the loader also matches name_en and name_hi)."""
    columns = ("surfaces_hi", "surfaces_latin", "adjectives_hi")
    found = [item for column in columns for item in split_list(row.get(column))]
    return found + [name for name in (row.get("name_en"), row.get("name_hi")) if name]


def identity(name: str, row: dict[str, str]) -> str:
    """The entity a row stands for, as the pipeline keys it."""
    return f"{name}:{row['iso3'] if name == 'countries.csv' else row['key']}"


def gold_entities() -> list[dict]:
    """Non-optional entities of every gold annotation file."""
    entities = []
    for path in sorted(GOLD_DIR.glob("*.gold.json")):
        for entity in json.loads(path.read_text(encoding="utf-8"))["entities"]:
            if not entity.get("optional"):
                entities.append({**entity, "doc": path.name})
    return entities


def load_build_script():
    """scripts/build_reference.py as a module (scripts/ is not a package)."""
    path = PROJECT_ROOT / "scripts" / "build_reference.py"
    spec = importlib.util.spec_from_file_location("build_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_every_file_parses_with_its_columns_and_no_ragged_rows(name):
    table = rows(name)
    assert table, f"{name} is empty"
    assert list(table[0]) == COLUMNS[name]
    for row in table:
        assert None not in row and None not in row.values(), f"{name}: ragged row {row}"
        for value in row.values():
            assert value == unicodedata.normalize("NFC", value), f"{name}: {value!r} is not NFC"
            items = split_list(value)
            assert len(items) == len(set(items)), f"{name}: {value!r} repeats an item"


def test_countries_cover_every_iso_entry_once_with_real_codes():
    table = rows("countries.csv")
    assert sorted(row["iso3"] for row in table) == sorted(ALPHA3)
    for row in table:
        assert pycountry.countries.get(alpha_3=row["iso3"]).alpha_2 == row["iso2"]
        assert row["name_en"] and row["name_hi"], row["iso3"]
    assert all(row["iso3"] in ALPHA3 for row in rows("country_extras.csv"))


def test_country_names_are_the_press_forms():
    by_iso3 = {row["iso3"]: row for row in rows("countries.csv")}
    expected = {"USA": "United States", "KOR": "South Korea", "RUS": "Russia", "IRN": "Iran",
                "COD": "Democratic Republic of the Congo", "MMR": "Myanmar", "BIH": "Bosnia and Herzegovina"}
    assert {iso3: by_iso3[iso3]["name_en"] for iso3 in expected} == expected
    assert by_iso3["USA"]["name_hi"] == "अमेरिका"


def test_dependent_territories_are_not_sovereign():
    by_iso3 = {row["iso3"]: row["sovereign"] for row in rows("countries.csv")}
    assert {by_iso3[code] for code in ("HKG", "PRI", "GRL", "MAC", "ATA")} == {"false"}
    assert {by_iso3[code] for code in ("USA", "IND", "KAZ", "PSE", "TWN", "VAT")} == {"true"}
    # 193 UN members, plus the Holy See and Palestine (observer states) and Taiwan.
    assert sum(flag == "true" for flag in by_iso3.values()) == 196


@pytest.mark.parametrize("name", ["people.csv", "organizations.csv", "locations.csv"])
def test_country_iso3_is_empty_or_a_real_code(name):
    bad = [row["key"] for row in rows(name) if row["country_iso3"] and row["country_iso3"] not in ALPHA3]
    assert bad == []


@pytest.mark.parametrize("name", KEYED_FILES)
def test_keys_are_unique_slugs(name):
    keys = [row["key"] for row in rows(name)]
    assert [key for key in keys if not SLUG.fullmatch(key)] == []
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("name", [*KEYED_FILES, "countries.csv"])
def test_wikidata_ids_are_well_formed_and_unique(name):
    qids = [row["wikidata_qid"] for row in rows(name) if row.get("wikidata_qid")]
    assert [qid for qid in qids if not QID.fullmatch(qid)] == []
    assert len(qids) == len(set(qids))


@pytest.mark.parametrize("name", [*KEYED_FILES, "countries.csv"])
def test_surfaces_are_whole_trimmed_phrases(name):
    for row in rows(name):
        for surface in surfaces(row):
            assert surface == surface.strip() and "  " not in surface, (name, surface)
            assert unicodedata.category(surface[0])[0] in "LMN", (name, surface)
            assert unicodedata.category(surface[-1])[0] in "LMN" or surface[-1] in ".+", (name, surface)


@pytest.mark.parametrize("name", [*KEYED_FILES, "countries.csv"])
def test_ambiguous_surfaces_are_surfaces_of_their_row(name):
    for row in rows(name):
        stray = set(split_list(row["ambiguous_surfaces"])) - set(surfaces(row))
        assert not stray, (name, row.get("key") or row["iso3"], stray)


def test_common_words_that_the_samples_need_are_flagged_ambiguous():
    china = next(row for row in rows("countries.csv") if row["iso3"] == "CHN")
    gold = next(row for row in rows("commodities.csv") if row["key"] == "gold")
    assert {"चीनी", "ड्रैगन"} <= set(split_list(china["ambiguous_surfaces"]))
    assert "सोना" in split_list(gold["ambiguous_surfaces"])


def test_no_matching_form_names_two_entities_across_the_gazetteers():
    variants = load_spelling_variants()
    owners: dict[str, set[str]] = defaultdict(set)
    for name in ("countries.csv", *KEYED_FILES):
        for row in rows(name):
            for surface in surfaces(row):
                owners[matching_form(surface, variants).text].add(identity(name, row))
    shared = {form: sorted(ids) for form, ids in owners.items() if len(ids) > 1}
    assert shared == {}


@pytest.mark.parametrize("entity", gold_entities(), ids=lambda e: f"{e['type']}:{e['name']}")
def test_every_gold_entity_is_findable_with_its_sample_spellings(entity):
    name = FILE_FOR_TYPE[entity["type"]]
    if entity["type"] == "COUNTRY":
        matches = [row for row in rows(name) if row["iso3"] == entity["iso3"]]
    else:
        matches = [row for row in rows(name) if row["name_en"] == entity["name"]]
    assert len(matches) == 1, f"{entity['doc']}: no single {name} entry named {entity['name']!r}"
    row = matches[0]
    missing = [s for s in entity["surface"] if unicodedata.normalize("NFC", s) not in surfaces(row)]
    assert missing == [], f"{entity['doc']}: {entity['name']} lacks surfaces {missing}"
    if entity["type"] == "COUNTRY":
        assert row["sovereign"] == "true"
        return
    if entity.get("country"):
        assert row["country_iso3"] == entity["country"]
    assert set(entity.get("alt", [])) <= set(split_list(row["aliases_en"]))


def test_people_have_press_names_roles_and_enough_coverage():
    people = {row["key"]: row for row in rows("people.csv")}
    assert len(people) >= 120
    assert all(row["role_en"] and row["name_en"] for row in people.values())
    assert people["kassym-jomart-tokayev"]["role_en"] == "President of Kazakhstan"
    assert "S. Jaishankar" in split_list(people["s-jaishankar"]["surfaces_latin"])


def test_organisation_and_location_kinds_are_known():
    for name, kinds in KINDS.items():
        assert {row["kind"] for row in rows(name)} <= kinds, name
    conference = next(row for row in rows("organizations.csv") if row["key"] == "global-critical-minerals-conference")
    assert conference["kind"] == "conference"


def test_commodities_hold_every_usgs_2025_critical_mineral_flagged_true():
    table = {row["name_en"]: row for row in rows("commodities.csv")}
    assert USGS_CRITICAL_2025 <= set(table)
    flagged = {name for name, row in table.items() if row["usgs_critical_2025"] == "true"}
    # The list names each rare earth on its own; the group entry is flagged because all its listed members are.
    assert flagged == USGS_CRITICAL_2025 | {"rare earth elements"}
    assert {row["usgs_critical_2025"] for row in table.values()} == {"true", "false"}
    assert {row["group"] for row in table.values()} <= COMMODITY_GROUPS
    assert all(name == name.lower() for name in table)


def test_locations_citing_cldr_list_its_hindi_exemplar_city():
    zones = Locale("hi").time_zones
    cited = [row for row in rows("locations.csv") if "exemplarCity:" in row["source"]]
    assert cited
    for row in cited:
        zone = row["source"].split("exemplarCity:")[1].split("|")[0]
        assert zones[zone]["city"] in split_list(row["surfaces_hi"]), (row["key"], zone)


def test_roles_map_each_title_to_one_english_title():
    variants = load_spelling_variants()
    titles: dict[str, set[str]] = defaultdict(set)
    for row in rows("roles.csv"):
        assert row["title_en"] and split_list(row["title_hi"])
        for title in split_list(row["title_hi"]):
            titles[matching_form(title, variants).text].add(row["title_en"])
    assert {form: en for form, en in titles.items() if len(en) > 1} == {}
    english = {title: en for row in rows("roles.csv") for title in split_list(row["title_hi"]) for en in [row["title_en"]]}
    assert english["प्रधान मंत्री"] == english["प्रधानमंत्री"] == "Prime Minister"
    assert (english["सेना प्रमुख"], english["फील्ड मार्शल"]) == ("Army Chief", "Field Marshal")


def test_countries_csv_is_what_the_build_script_makes_now():
    build = load_build_script()
    assert build.country_rows(build.read_extras()) == rows("countries.csv")
