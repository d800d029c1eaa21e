"""Entity extraction: gazetteer matching on the matching form, glosses, roles, and linking to stable ids."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import ahocorasick
import polars as pl

from contracts.arrow import polars_schema
from contracts.datasets import Mention
from tasks.clean import MatchingForm, Sentence, matching_form
from tasks.english import prose_name
from tasks.grammar import FunctionWords

ID_PREFIX = {"PERSON": "person", "ORGANIZATION": "org", "COUNTRY": "country", "LOCATION": "location", "COMMODITY": "commodity"}
# When two entities share a surface, the more specific kind wins.
TYPE_PRIORITY = {"PERSON": 0, "ORGANIZATION": 1, "LOCATION": 2, "COUNTRY": 3, "COMMODITY": 4}
ARGUMENT_TYPES = frozenset({"PERSON", "ORGANIZATION", "COUNTRY"})
GLOSS_MAX_CHARS = 80
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_GLOSS = re.compile(r"\s?\(([^()\n]{1,%d})\)" % GLOSS_MAX_CHARS)


@dataclass(frozen=True)
class GazetteerEntity:
    """An entity the reference data knows, with its canonical English identity."""

    entity_id: str
    entity_type: str
    name_en: str
    name_hi: str | None
    aliases: tuple[str, ...]
    iso3: str | None
    country_iso3: str | None
    wikidata_qid: str | None
    role_en: str | None = None


@dataclass(frozen=True)
class Surface:
    """One written form of an entity."""

    entity_id: str
    kind: str             # "name" or "adjective"
    exact_case: bool      # acronyms such as "US" must match case-sensitively ("us" is a pronoun)
    text: str


@dataclass(frozen=True)
class Role:
    """A title written before a person's name."""

    title_hi: str
    title_en: str


@dataclass
class Gazetteer:
    """Entities and titles, each compiled into one Aho-Corasick automaton over the matching form."""

    entities: dict[str, GazetteerEntity]
    variants: tuple[tuple[str, str], ...]
    automaton: ahocorasick.Automaton        # folded surface -> (length, candidate Surfaces)
    title_automaton: ahocorasick.Automaton  # folded title -> (length, (Role,))

    def fold(self, text: str) -> str:
        """The matching form of a short string."""
        return matching_form(text, self.variants).text


@dataclass(frozen=True)
class MentionRecord:
    """A mention found in an article (offsets into the cleaned text)."""

    entity_id: str
    entity_type: str
    surface: str
    start: int
    end: int
    sentence_index: int
    surface_kind: str
    in_quote: bool
    method: str
    confidence: float
    role_hi: str | None = None
    role_en: str | None = None


def entity_id_for(entity_type: str, key: str) -> str:
    """Stable id from the canonical identity: '<type>:<slug>'."""
    slug = re.sub(r"[^a-z0-9.]+", "-", key.lower()).strip("-")
    return f"{ID_PREFIX[entity_type]}:{slug}"


def _compile(keyed: Mapping[str, Sequence[object]]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for folded, values in keyed.items():
        automaton.add_word(folded, (len(folded), tuple(values)))
    if len(automaton):
        automaton.make_automaton()
    return automaton


def build_gazetteer(
    entities: Iterable[GazetteerEntity],
    surfaces: Iterable[Surface],
    roles: Iterable[Role],
    variants: Sequence[tuple[str, str]],
) -> Gazetteer:
    """Compile surfaces and titles into automata keyed by their matching form."""
    by_id = {entity.entity_id: entity for entity in entities}
    variants = tuple(variants)
    keyed: dict[str, list[Surface]] = {}
    for surface in surfaces:
        if surface.entity_id not in by_id:
            raise ValueError(f"surface {surface.text!r} names unknown entity {surface.entity_id}")
        folded = matching_form(surface.text, variants).text.strip()
        if folded:
            keyed.setdefault(folded, []).append(surface)
    for candidates in keyed.values():
        candidates.sort(key=lambda s: (TYPE_PRIORITY[by_id[s.entity_id].entity_type], s.kind != "name", s.entity_id))
    titles: dict[str, list[Role]] = {}
    for role in roles:
        titles.setdefault(matching_form(role.title_hi, variants).text.strip(), []).append(role)
    return Gazetteer(by_id, variants, _compile(keyed), _compile(titles))


def is_word_char(char: str) -> bool:
    """Letters, combining marks (Devanagari vowel signs) and digits belong to words."""
    return unicodedata.category(char)[0] in "LMN"


def _at_word_boundary(text: str, start: int, end: int) -> bool:
    before_ok = start == 0 or not is_word_char(text[start - 1])
    after_ok = end >= len(text) or not is_word_char(text[end])
    return before_ok and after_ok


def _sentence_of(sentences: Sequence[Sentence], starts: Sequence[int], offset: int) -> Sentence:
    position = max(bisect.bisect_right(starts, offset) - 1, 0)
    return sentences[position]


def _longest_spans(text: str, form: MatchingForm, automaton: ahocorasick.Automaton, accept) -> list[tuple[int, int, object]]:
    """Non-overlapping automaton matches at word boundaries in source offsets, longest first, then leftmost."""
    candidates = []
    if len(automaton):
        for folded_end, (length, values) in automaton.iter(form.text):
            start, end = form.to_source[folded_end - length + 1], form.to_source[folded_end + 1]
            if not _at_word_boundary(text, start, end):
                continue
            value = next((v for v in values if accept(v, text[start:end])), None)
            if value is not None:
                candidates.append((start, end, value))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, object]] = []
    for start, end, value in candidates:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, value))
    return sorted(taken, key=lambda c: c[0])


def _case_ok(surface: Surface, found: str) -> bool:
    return not surface.exact_case or found == surface.text


def find_gazetteer_spans(text: str, gazetteer: Gazetteer, form: MatchingForm | None = None) -> list[tuple[int, int, Surface]]:
    """Entity surfaces in the text, longest first, at word boundaries (acronyms case-sensitive)."""
    form = form or matching_form(text, gazetteer.variants)
    return _longest_spans(text, form, gazetteer.automaton, _case_ok)


def find_title_spans(text: str, gazetteer: Gazetteer, form: MatchingForm) -> list[tuple[int, int, Role]]:
    """Titles such as 'विदेश मंत्री' in the text."""
    return _longest_spans(text, form, gazetteer.title_automaton, lambda role, found: True)


def _gloss_spans(text: str, spans: list[tuple[int, int, Surface]]) -> list[tuple[int, int, Surface]]:
    """Parenthesised Latin text right after a mention that names nothing else glosses that mention: 'पाकिस्तान (Pakistan)'."""
    glosses = []
    for index, (start, end, surface) in enumerate(spans):
        match = _GLOSS.match(text, end)
        if not match or not _LATIN_LETTER.search(match.group(1)):
            continue
        inner_start, inner_end = match.span(1)
        next_start = spans[index + 1][0] if index + 1 < len(spans) else len(text)
        if next_start < match.end():
            continue  # the parenthesis names an entity of its own, e.g. 'वॉशिंगटन (US)'
        inner = text[inner_start:inner_end].strip()
        offset = text.index(inner, inner_start)
        glosses.append((offset, offset + len(inner), Surface(surface.entity_id, "gloss", False, inner)))
    return glosses


def _adjacent_before(text: str, start: int, spans_by_end: Mapping[int, tuple[int, object]], connectors: Sequence[str] = ("",)) -> tuple[int, object] | None:
    """The span that ends right before `start`, separated only by spaces and one of the connectors."""
    head = text[:start].rstrip()
    for connector in connectors:
        if head.endswith(connector):
            found = spans_by_end.get(len(head[: len(head) - len(connector)].rstrip()) if connector else len(head))
            if found is not None:
                return found
    return None


def _role_before(
    text: str, start: int, gazetteer: Gazetteer, words: FunctionWords, titles_by_end, entities_by_end
) -> tuple[str | None, str | None, str | None, bool]:
    """The titles right before a person's name (in English), the country written before them, and 'former'."""
    chain: list[Role] = []
    cursor = start
    while (found := _adjacent_before(text, cursor, titles_by_end)) is not None:
        cursor, role = found
        chain.insert(0, role)
    if not chain:
        return None, None, None, False
    country_iso3 = None
    # 'अमेरिकी विदेश मंत्री' (adjective) or 'ताजिकिस्तान के राष्ट्रपति' (genitive)
    owner = _adjacent_before(text, cursor, entities_by_end, ("", *words["genitive"]))
    if owner is not None:
        owner_start, surface = owner
        entity = gazetteer.entities[surface.entity_id]
        if entity.entity_type == "COUNTRY":
            country_iso3, cursor = entity.iso3, owner_start
    head = text[:cursor].rstrip()
    former = next((w for w in words["former"] if head.endswith(w) and (len(head) == len(w) or not is_word_char(head[-len(w) - 1]))), None)
    if former:
        cursor = len(head) - len(former)
    return text[cursor:start].strip(), ", ".join(role.title_en for role in chain), country_iso3, former is not None


def compose_role_en(titles_en: str, country_name: str | None, former: bool = False) -> str:
    """'President' + 'Kazakhstan' -> 'President of Kazakhstan'; further titles follow after a comma."""
    first, _, rest = titles_en.partition(", ")
    role = f"{first} of {country_name}" if country_name else first
    role = f"former {role}" if former else role
    return f"{role}, {rest}" if rest else role


def extract_mentions(
    text: str, sentences: Sequence[Sentence], gazetteer: Gazetteer, words: FunctionWords, form: MatchingForm | None = None
) -> list[MentionRecord]:
    """Every entity mention in a cleaned text, with sentence index, quote flag and, for people, the role."""
    form = form or matching_form(text, gazetteer.variants)
    spans = find_gazetteer_spans(text, gazetteer, form)
    glosses = _gloss_spans(text, spans)
    entities_by_end = {end: (start, surface) for start, end, surface in spans}
    titles_by_end = {end: (start, role) for start, end, role in find_title_spans(text, gazetteer, form)}
    starts = [sentence.start for sentence in sentences]
    records = []
    for start, end, surface in sorted(spans + glosses, key=lambda c: c[0]):
        entity = gazetteer.entities[surface.entity_id]
        sentence = _sentence_of(sentences, starts, start)
        role_hi = role_en = None
        if entity.entity_type == "PERSON" and surface.kind != "gloss":
            role_hi, titles_en, country_iso3, former = _role_before(text, start, gazetteer, words, titles_by_end, entities_by_end)
            if titles_en:
                country = gazetteer.entities.get(entity_id_for("COUNTRY", country_iso3 or entity.country_iso3 or ""))
                country_name = prose_name(country.name_en, "COUNTRY") if country else None
                role_en = compose_role_en(titles_en, country_name, former)
        is_gloss = surface.kind == "gloss"
        records.append(
            MentionRecord(
                entity_id=entity.entity_id,
                entity_type=entity.entity_type,
                surface=text[start:end],
                start=start,
                end=end,
                sentence_index=sentence.index,
                surface_kind=surface.kind,
                in_quote=sentence.in_quote,
                method="gloss" if is_gloss else "gazetteer",
                confidence=0.8 if is_gloss else (0.9 if surface.kind == "adjective" else 0.95),
                role_hi=role_hi,
                role_en=role_en,
            )
        )
    return records


def mentions_frame(article_ids: Sequence[str], records: Sequence[Sequence[MentionRecord]]) -> pl.DataFrame:
    """One frame of mentions for a batch: article_id plus the mention columns (role_method derived)."""
    rows = [
        {"article_id": article_id, **record.__dict__}
        for article_id, article_records in zip(article_ids, records, strict=True)
        for record in article_records
    ]
    schema = polars_schema(Mention)
    frame_schema = {"article_id": pl.Utf8, **{name: schema[name] for name in MentionRecord.__dataclass_fields__}}
    frame = pl.DataFrame(rows, schema=frame_schema)
    return frame.with_columns(role_method=pl.when(pl.col("role_en").is_not_null()).then(pl.lit("template")))
