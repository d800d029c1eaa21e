"""Loading reference data (gazetteers, lexicons) from data/reference/: the one module that reads them."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from khanij import REFERENCE_DIR


def read_reference_csv(name: str, reference_dir: Path = REFERENCE_DIR) -> list[dict[str, str]]:
    """Rows of a reference CSV file as dicts; lines starting with '#' are comments."""
    path = reference_dir / name
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return [dict(row) for row in csv.DictReader(lines)]


def split_list(value: str | None) -> list[str]:
    """A '|'-separated reference field as a list, without empty items."""
    return [item.strip() for item in (value or "").split("|") if item.strip()]


@lru_cache(maxsize=None)
def load_spelling_variants(reference_dir: Path = REFERENCE_DIR) -> tuple[tuple[str, str], ...]:
    """(variant, canonical) pairs that the matching form folds, longest variant first."""
    rows = read_reference_csv("spelling_variants.csv", reference_dir)
    pairs = {(row["variant"], row["canonical"]) for row in rows}
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair)))


GAZETTEER_FILES = {
    "PERSON": "people.csv",
    "ORGANIZATION": "organizations.csv",
    "LOCATION": "locations.csv",
    "COMMODITY": "commodities.csv",
}


def _is_acronym(surface: str) -> bool:
    """All-capital Latin forms such as 'US' must match case-sensitively."""
    letters = [c for c in surface if c.isalpha()]
    return bool(letters) and all(c.isascii() and c.isupper() for c in letters)


def _surfaces(entity_id: str, row: dict[str, str], columns: tuple[str, ...], kind: str = "name"):
    from tasks.entities import Surface

    # English forms that are also common English words ('lead', 'tin', 'Apple') would fire on every
    # quoted English post; Hindi ambiguous forms (सोना, चीनी) stay, as news usage needs them.
    ambiguous_latin = {s for s in split_list(row.get("ambiguous_surfaces")) if s.isascii()}
    for column in columns:
        for text in split_list(row.get(column)):
            if text not in ambiguous_latin:
                yield Surface(entity_id, kind, _is_acronym(text), text)


@lru_cache(maxsize=None)
def load_gazetteer(reference_dir: Path = REFERENCE_DIR):
    """The compiled gazetteer of countries, people, organisations, places and commodities, with titles."""
    from tasks.entities import GazetteerEntity, Role, build_gazetteer, entity_id_for

    entities, surfaces = [], []
    for row in read_reference_csv("countries.csv", reference_dir):
        sovereign = row.get("sovereign", "true").strip().lower() != "false"
        entity_type = "COUNTRY" if sovereign else "LOCATION"
        key = row["iso3"] if sovereign else row["name_en"]
        entity_id = entity_id_for(entity_type, key)
        aliases = tuple(dict.fromkeys(split_list(row.get("surfaces_latin")) + split_list(row.get("surfaces_hi"))))
        entities.append(GazetteerEntity(
            entity_id, entity_type, row["name_en"], row.get("name_hi") or None, aliases,
            row["iso3"] if sovereign else None, row["iso3"], row.get("wikidata_qid") or None,
        ))
        surfaces += _surfaces(entity_id, {"name_hi": row.get("name_hi", ""), **row}, ("name_hi", "surfaces_hi", "surfaces_latin"))
        surfaces += _surfaces(entity_id, row, ("adjectives_hi",), kind="adjective")
    for entity_type, name in GAZETTEER_FILES.items():
        for row in read_reference_csv(name, reference_dir):
            entity_id = entity_id_for(entity_type, row["key"])
            aliases = tuple(dict.fromkeys(split_list(row.get("aliases_en")) + split_list(row.get("surfaces_latin")) + split_list(row.get("surfaces_hi"))))
            names_hi = split_list(row.get("surfaces_hi"))
            entities.append(GazetteerEntity(
                entity_id, entity_type, row["name_en"], names_hi[0] if names_hi else None, aliases,
                None, row.get("country_iso3") or None, row.get("wikidata_qid") or None, row.get("role_en") or None,
            ))
            surfaces += _surfaces(entity_id, {"name_en": row["name_en"], **row}, ("surfaces_hi", "surfaces_latin", "name_en"))
    roles = [
        Role(title, row["title_en"])
        for row in read_reference_csv("roles.csv", reference_dir)
        for title in split_list(row["title_hi"])
    ]
    return build_gazetteer(entities, surfaces, roles, load_spelling_variants(reference_dir))


@lru_cache(maxsize=None)
def load_function_words(reference_dir: Path = REFERENCE_DIR):
    """Hindi function words grouped by what they do."""
    from tasks.grammar import build_function_words

    return build_function_words(read_reference_csv("function_words.csv", reference_dir))


@lru_cache(maxsize=None)
def load_date_lexicon(reference_dir: Path = REFERENCE_DIR):
    """Month names, relative-date phrases and the money words that tell an amount from a year."""
    from unicodedata import normalize

    from tasks.dates import DateLexicon, MonthName, RelativePhrase

    def word(value: str) -> str:
        # Cleaned article text is NFC; a hand-typed precomposed nukta letter would never match it.
        return normalize("NFC", value.strip())

    months = tuple(
        MonthName(word(row["name"]), int(row["month"]), row["language"].strip(), row["standalone"].strip() == "yes")
        for row in read_reference_csv("months.csv", reference_dir)
    )
    relative = tuple(
        RelativePhrase(word(row["phrase"]), row["unit"].strip(), int(row["offset"]))
        for row in read_reference_csv("relative_dates.csv", reference_dir)
    )
    currencies = read_reference_csv("currencies.csv", reference_dir)
    scales = [word(row["word"]) for row in read_reference_csv("number_scales.csv", reference_dir)]
    after = [word(row["word"]) for row in currencies if row["position"].strip() in ("after", "both")]
    before = [word(row["word"]) for row in currencies if row["position"].strip() in ("before", "both")]
    return DateLexicon(months, relative, tuple(scales + after), tuple(before))


@lru_cache(maxsize=None)
def load_amount_lexicon(reference_dir: Path = REFERENCE_DIR):
    """Number scales, currency words and number words for finding money amounts."""
    from decimal import Decimal
    from unicodedata import normalize

    from tasks.amounts import AmountLexicon, Currency

    def word(value: str) -> str:
        # Cleaned article text is NFC; a hand-typed precomposed nukta letter would never match it.
        return normalize("NFC", value.strip())

    scale_rows = read_reference_csv("number_scales.csv", reference_dir)
    currencies = tuple(
        Currency(
            word(row["word"]),
            row["iso4217"].strip(),
            row["position"].strip() in ("before", "both"),
            row["position"].strip() in ("after", "both"),
        )
        for row in read_reference_csv("currencies.csv", reference_dir)
    )
    return AmountLexicon(
        scales=tuple((word(row["word"]), Decimal(row["multiplier"])) for row in scale_rows),
        ambiguous_scales=frozenset(word(row["word"]) for row in scale_rows if (row.get("ambiguous") or "").strip() == "yes"),
        currencies=currencies,
        number_words=tuple(
            (word(row["word"]), Decimal(row["value"]))
            for row in read_reference_csv("number_words.csv", reference_dir)
        ),
    )


@lru_cache(maxsize=None)
def load_abbreviations(reference_dir: Path = REFERENCE_DIR) -> frozenset[str]:
    """Tokens whose trailing '.' does not end a sentence (initials, titles), without the dot."""
    rows = read_reference_csv("abbreviations.csv", reference_dir)
    return frozenset(row["token"].strip() for row in rows if row["token"].strip())


@lru_cache(maxsize=None)
def load_event_lexicon(reference_dir: Path = REFERENCE_DIR):
    """Event trigger rules and function words, folded like the text they are matched on."""
    from tasks.events import build_event_lexicon

    gazetteer = load_gazetteer(reference_dir)
    rows = read_reference_csv("event_triggers.csv", reference_dir)
    return build_event_lexicon(rows, load_function_words(reference_dir), gazetteer.fold)


@lru_cache(maxsize=None)
def load_language_markers(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Marker word -> language (hi, mr, ne)."""
    return {row["word"]: row["language"] for row in read_reference_csv("language_markers.csv", reference_dir)}


@lru_cache(maxsize=None)
def load_cue_lexicon(reference_dir: Path = REFERENCE_DIR):
    """Cue words, personal names, loanwords, frequent words and ministries' portfolios for names nobody listed."""
    from tasks.cues import build_cue_lexicon
    from tasks.names import build_name_lexicon

    gazetteer = load_gazetteer(reference_dir)
    person_rows = [
        (hindi, row["english"], row["kind"])
        for row in read_reference_csv("person_names.csv", reference_dir)
        for hindi in split_list(row["hindi"])
    ]
    particle_rows = [(h, row["english"]) for row in read_reference_csv("name_particles.csv", reference_dir) for h in split_list(row["hindi"])]
    loan_rows = [(h, row["english"]) for row in read_reference_csv("english_loanwords.csv", reference_dir) for h in split_list(row["hindi"])]
    cue_rows = read_reference_csv("cues.csv", reference_dir)
    # Hindi words with a fixed English form inside names (राष्ट्रीय -> National) render like loanwords.
    loan_rows += [(h, row["english"]) for row in cue_rows if row["kind"] == "org_modifier" for h in split_list(row["word"])]
    demonyms = {row["iso3"]: row["demonym_en"] for row in read_reference_csv("demonyms.csv", reference_dir)}
    # Single-word names of listed places, countries and organisations, and country adjectives, inside new names.
    place_rows = []
    for row in read_reference_csv("countries.csv", reference_dir):
        for hindi in split_list(row.get("name_hi")) + split_list(row.get("surfaces_hi")):
            if " " not in hindi:
                place_rows.append((hindi, row["name_en"]))
        for hindi in split_list(row.get("adjectives_hi")):
            place_rows.append((hindi, demonyms.get(row["iso3"], row["name_en"])))
    for name in ("locations.csv", "organizations.csv"):
        for row in read_reference_csv(name, reference_dir):
            # Inside a longer name an organisation goes by its acronym where it has one ('BJP Parliamentary Board').
            latin = split_list(row.get("surfaces_latin"))
            english = latin[0] if latin and latin[0].isupper() else row["name_en"]
            place_rows += [(hindi, english) for hindi in split_list(row.get("surfaces_hi")) if " " not in hindi]
    names = build_name_lexicon([(h, e) for h, e, _ in person_rows], particle_rows, loan_rows, place_rows, gazetteer.fold)
    portfolios = []
    for row in read_reference_csv("roles.csv", reference_dir):
        if row["kind"] == "minister" and row["title_en"].endswith(" Minister") and not row["title_en"].startswith(("Union", "Deputy")):
            portfolios += [(title[: -len(" मंत्री")], row["title_en"][: -len(" Minister")]) for title in split_list(row["title_hi"]) if title.endswith(" मंत्री")]
    function_words = [row["word"] for row in read_reference_csv("function_words.csv", reference_dir)]
    common = [row["word"] for row in read_reference_csv("common_words.csv", reference_dir)]
    boilerplate = [row["phrase"] for row in read_reference_csv("boilerplate.csv", reference_dir)]
    return build_cue_lexicon(
        cue_rows, person_rows, [h for h, _ in particle_rows], [h for h, _ in loan_rows],
        common, function_words, portfolios, names, demonyms, gazetteer.variants, boilerplate,
    )


SYNTH_DIR = REFERENCE_DIR.parent / "synth"


@lru_cache(maxsize=None)
def load_synth_material(reference_dir: Path = REFERENCE_DIR, synth_dir: Path = SYNTH_DIR):
    """Sentence templates (data/synth/) and the gazetteer names, months and money words that fill them."""
    from tasks.synth import SynthMaterial

    templates: dict[str, list[str]] = {}
    publishers = []
    for row in read_reference_csv("sentences.csv", synth_dir):
        if row["kind"] == "publisher":
            name, site = split_list(row["template"])
            publishers.append((name, site))
        else:
            templates.setdefault(row["kind"], []).append(row["template"])
    countries = tuple(
        (row["name_hi"], row["name_en"]) for row in read_reference_csv("countries.csv", reference_dir)
        if row.get("sovereign", "true").strip().lower() != "false" and row.get("name_hi")
    )

    def first_hindi(name: str) -> list[tuple[str, str]]:
        rows = read_reference_csv(name, reference_dir)
        return [(split_list(row["surfaces_hi"])[0], row["name_en"]) for row in rows if split_list(row.get("surfaces_hi"))]

    months = read_reference_csv("months.csv", reference_dir)
    # Written-out Hindi month names only: abbreviations (with ॰) are rare in running text.
    months_hi = tuple(tuple(r["name"] for r in months if r["language"] == "hi" and int(r["month"]) == m and "॰" not in r["name"]) for m in range(1, 13))
    months_en = tuple(next(r["name"] for r in months if r["language"] == "en" and int(r["month"]) == m) for m in range(1, 13))
    scales = tuple(r["word"] for r in read_reference_csv("number_scales.csv", reference_dir)
                   if not r["word"].isascii() and r.get("ambiguous") != "yes" and float(r["multiplier"]) >= 1e5)
    currencies = tuple(r["word"] for r in read_reference_csv("currencies.csv", reference_dir)
                       if r["position"] == "after" and not r["word"].isascii())
    return SynthMaterial(
        templates={kind: tuple(items) for kind, items in templates.items()},
        publishers=tuple(publishers),
        countries=countries,
        people=tuple(first_hindi("people.csv")),
        roles=tuple(split_list(r["title_hi"])[0] for r in read_reference_csv("roles.csv", reference_dir)
                    if r["kind"] in ("head_of_state", "head_of_government", "minister", "diplomat", "official")),
        organizations=tuple(h for h, _ in first_hindi("organizations.csv")),
        places=tuple(h for h, _ in first_hindi("locations.csv")),
        commodities=tuple(h for h, _ in first_hindi("commodities.csv")),
        months_hi=months_hi,
        months_en=months_en,
        scales=scales,
        currencies=currencies,
    )


@lru_cache(maxsize=None)
def load_press_names(reference_dir: Path = REFERENCE_DIR):
    """Press spellings of personal-name words (press_names.csv, then person_names.csv's English words) with their origin."""
    from tasks.names import build_press_names

    rows = [(row["english"], row["origin"]) for row in read_reference_csv("press_names.csv", reference_dir)]
    for row in read_reference_csv("person_names.csv", reference_dir):
        if row.get("kind") in ("given", "surname"):
            rows += [(word, "") for word in row["english"].split()]
    return build_press_names(rows)
