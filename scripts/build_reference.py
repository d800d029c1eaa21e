"""Build data/reference/countries.csv: every ISO 3166-1 entry with English and Hindi names and surfaces.

Sources: CLDR territory names via babel (`Locale('en')` for press-style short English names,
`Locale('hi')` for Hindi), pycountry for the alpha-2/alpha-3 codes and its Hindi gettext
translations of the ISO names, and the curated data/reference/country_extras.csv (press
spellings, adjectives, nicknames, sovereignty, Wikidata ids).

Run from the project root: `.venv/bin/python scripts/build_reference.py`. The output is sorted
and depends only on the installed babel/pycountry versions and country_extras.csv, so a re-run
with the same inputs writes the same bytes. The pipeline never calls babel or pycountry for
country names at run time.
"""

from __future__ import annotations

import csv
import gettext
import sys
import unicodedata
from importlib.metadata import version

import babel
import pycountry
from babel import Locale
from babel.core import get_cldr_version

from khanij import REFERENCE_DIR
from tasks.reference import read_reference_csv, split_list

EXTRAS = REFERENCE_DIR / "country_extras.csv"
OUTPUT = REFERENCE_DIR / "countries.csv"

COLUMNS = [
    "iso3", "iso2", "name_en", "name_hi", "surfaces_hi", "surfaces_latin", "adjectives_hi",
    "ambiguous_surfaces", "wikidata_qid", "sovereign", "source",
]
# Packaged names holding these are catalogue forms ("Korea, Republic of", "म्यांमार (बर्मा)",
# "कांगो - किंशासा") that never stand in running text, so they are not offered as surfaces.
NON_TEXT_MARKS = (",", "(", ")", "।", " - ", " – ")


def nfc(text: str) -> str:
    """Text in Unicode NFC, the form the cleaned article text is in."""
    return unicodedata.normalize("NFC", text).strip()


def nfc_list(value: str | None) -> list[str]:
    """A '|'-separated field as a list of NFC items, without empty items."""
    return [nfc(item) for item in split_list(value)]


def is_text_form(name: str) -> bool:
    """Whether a packaged name can stand as written in a sentence."""
    return bool(name) and not any(mark in name for mark in NON_TEXT_MARKS)


def press_english(name: str) -> str:
    """CLDR's short English name in press style ("Bosnia & Herzegovina" -> "Bosnia and Herzegovina")."""
    return name.replace(" & ", " and ")


def read_extras() -> dict[str, dict[str, str]]:
    """Curated rows of country_extras.csv by alpha-3 code; fails on unknown or repeated codes."""
    extras: dict[str, dict[str, str]] = {}
    for row in read_reference_csv(EXTRAS.name, REFERENCE_DIR):
        iso3 = row["iso3"].strip()
        if pycountry.countries.get(alpha_3=iso3) is None:
            raise ValueError(f"{EXTRAS.name}: {iso3!r} is not an ISO 3166-1 alpha-3 code")
        if iso3 in extras:
            raise ValueError(f"{EXTRAS.name}: {iso3} is listed twice")
        extras[iso3] = row
    return extras


def sorted_unique(items: list[str]) -> str:
    """Distinct items, sorted, joined with '|' (sorted so that the output is stable)."""
    return "|".join(sorted(set(items)))


def country_rows(extras: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """One row per ISO 3166-1 entry, packaged names merged with the curated extras."""
    english = Locale("en").territories
    hindi = Locale("hi").territories
    hindi_iso = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["hi"])
    rows = []
    for country in pycountry.countries:
        iso2, iso3 = country.alpha_2, country.alpha_3
        extra = extras.get(iso3, {})
        sources = []
        cldr_en, cldr_hi = english.get(iso2, ""), nfc(hindi.get(iso2, ""))
        if cldr_en or cldr_hi:
            sources.append("cldr")
        sources.append("pycountry")
        if extra:
            sources.append("curated")

        name_en = nfc(extra.get("name_en") or "") or press_english(cldr_en) or getattr(country, "common_name", country.name)
        name_hi = nfc(extra.get("name_hi") or "") or cldr_hi

        iso_names = [country.name, getattr(country, "common_name", ""), getattr(country, "official_name", "")]
        latin = [name_en, press_english(cldr_en), *iso_names, *nfc_list(extra.get("surfaces_latin"))]
        hindi_forms = [name_hi, cldr_hi, *nfc_list(extra.get("surfaces_hi"))]
        hindi_forms += [nfc(hindi_iso.gettext(name)) for name in iso_names if name and hindi_iso.gettext(name) != name]

        dropped = set(nfc_list(extra.get("drop_surfaces")))
        surfaces_latin = [nfc(s) for s in latin if is_text_form(s) and nfc(s) not in dropped]
        surfaces_hi = [s for s in hindi_forms if is_text_form(s) and s not in dropped]
        adjectives = nfc_list(extra.get("adjectives_hi"))
        unknown_drops = dropped - {nfc(s) for s in latin + hindi_forms}
        if unknown_drops:
            raise ValueError(f"{EXTRAS.name}: {iso3} drops {sorted(unknown_drops)}, which no source gives")
        ambiguous = nfc_list(extra.get("ambiguous_surfaces"))
        stray = set(ambiguous) - set(surfaces_hi + surfaces_latin + adjectives)
        if stray:
            raise ValueError(f"{EXTRAS.name}: {iso3} marks {sorted(stray)} ambiguous but does not list them as surfaces")

        sovereign = (extra.get("sovereign") or "true").strip().lower()
        if sovereign not in {"true", "false"}:
            raise ValueError(f"{EXTRAS.name}: {iso3} has sovereign={sovereign!r}; use true or false")
        rows.append({
            "iso3": iso3,
            "iso2": iso2,
            "name_en": name_en,
            "name_hi": name_hi,
            "surfaces_hi": sorted_unique(surfaces_hi),
            "surfaces_latin": sorted_unique(surfaces_latin),
            "adjectives_hi": sorted_unique(adjectives),
            "ambiguous_surfaces": sorted_unique(ambiguous),
            "wikidata_qid": (extra.get("wikidata_qid") or "").strip(),
            "sovereign": sovereign,
            "source": "|".join(sources),
        })
    return sorted(rows, key=lambda row: row["iso3"])


def main() -> int:
    """Write countries.csv and print how many entries it holds."""
    rows = country_rows(read_extras())
    with OUTPUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# Generated by scripts/build_reference.py; do not edit by hand (edit country_extras.csv and re-run).\n")
        handle.write(
            f"# Sources: CLDR {get_cldr_version()} via babel {babel.__version__} (en/hi territory names), "
            f"pycountry {version('pycountry')} (ISO 3166-1 codes, iso-codes hi translations), country_extras.csv (curated).\n"
        )
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    sovereign = sum(row["sovereign"] == "true" for row in rows)
    print(f"wrote {len(rows)} ISO 3166-1 entries ({sovereign} sovereign) to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
