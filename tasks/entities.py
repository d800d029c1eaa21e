"""Entity extraction: gazetteer matching on the matching form, glosses, roles, cues for names nobody listed,
coreference within the article, and linking to stable ids."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter, itemgetter

import ahocorasick
import polars as pl

from contracts.arrow import polars_schema
from contracts.datasets import Mention
from tasks.clean import MatchingForm, Sentence, folded_text, matching_form, word_folder
from tasks.coref import PersonName, link_short_names, name_parts
from tasks.cues import CueCandidate, CueLexicon, boilerplate_sentences, find_cue_candidates, harvest_glosses, is_name_word, tokenize
from tasks.english import prose_name
from tasks.grammar import FunctionWords
from tasks.names import GLOSS_SIMILARITY, closest_name, english_name

ID_PREFIX = {"PERSON": "person", "ORGANIZATION": "org", "COUNTRY": "country", "LOCATION": "location", "COMMODITY": "commodity"}
# When two entities share a surface, the more specific kind wins.
TYPE_PRIORITY = {"PERSON": 0, "ORGANIZATION": 1, "LOCATION": 2, "COUNTRY": 3, "COMMODITY": 4}
ARGUMENT_TYPES = frozenset({"PERSON", "ORGANIZATION", "COUNTRY"})
GLOSS_MAX_CHARS = 80
LISTED_CACHE_SIZE = 100_000
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
    """Entities and titles, compiled into Aho-Corasick automata over the matching form."""

    entities: dict[str, GazetteerEntity]
    variants: tuple[tuple[str, str], ...]
    automaton: ahocorasick.Automaton  # folded surface -> (length, candidate Surfaces): the surfaces alone, to list or look up
    # Surfaces and titles together, so an article is scanned once for both: folded -> (length, Surfaces, Roles)
    scanner: ahocorasick.Automaton
    # English names and Latin aliases by type, for linking a romanised name to a listed entity: type -> (names, ids)
    names_by_type: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    listed_cache: dict[tuple[str, str], str | None] = field(default_factory=dict, compare=False, repr=False)

    def fold(self, text: str) -> str:
        """The matching form of a short string."""
        return folded_text(text, self.variants)

    def listed_entity_id(self, entity_type: str, name_en: str) -> str | None:
        """Id of the listed entity of that type whose English name is closest to `name_en`, if close enough (cached:
        news repeats its names, and each look-up compares with every listed name)."""
        key = (entity_type, name_en)
        if key not in self.listed_cache:
            if len(self.listed_cache) > LISTED_CACHE_SIZE:
                self.listed_cache.clear()
            names, ids = self.names_by_type.get(entity_type, ((), ()))
            index = closest_name(name_en, names) if names else None
            self.listed_cache[key] = None if index is None else ids[index]
        return self.listed_cache[key]


# Not frozen, and slotted: a batch builds tens of thousands, a frozen dataclass's __init__ is four times slower and a
# slotted one builds no attribute dict.
@dataclass(slots=True)
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
    # Working fields for entities the gazetteer does not know (None for listed ones); not columns of the contract.
    entity_name_en: str | None = None
    entity_name_method: str | None = None
    entity_country_iso3: str | None = None


def entity_id_for(entity_type: str, key: str) -> str:
    """Stable id from the canonical identity: '<type>:<slug>'."""
    slug = re.sub(r"[^a-z0-9.]+", "-", key.lower()).strip("-")
    return f"{ID_PREFIX[entity_type]}:{slug}"


@lru_cache(maxsize=65536)
def discovered_entity_id(entity_type: str, name_en: str) -> str | None:
    """Stable ascii id of an entity nobody listed, from its English name ('person:nawaz-sharif'); None without letters."""
    decomposed = unicodedata.normalize("NFKD", name_en.replace("'", ""))
    entity_id = entity_id_for(entity_type, "".join(c for c in decomposed if not unicodedata.combining(c)))
    return entity_id if re.fullmatch(r"[a-z]+:[a-z0-9][a-z0-9.-]*", entity_id) else None


def _compile(*keyed: Mapping[str, Sequence[object]]) -> ahocorasick.Automaton:
    """An automaton over the keys of every mapping: key -> (length, its values in the first mapping, in the second...)."""
    automaton = ahocorasick.Automaton()
    for folded in dict.fromkeys(key for table in keyed for key in table):
        automaton.add_word(folded, (len(folded), *(tuple(table.get(folded, ())) for table in keyed)))
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
    fold = word_folder(variants)
    keyed: dict[str, list[Surface]] = {}
    for surface in surfaces:
        if surface.entity_id not in by_id:
            raise ValueError(f"surface {surface.text!r} names unknown entity {surface.entity_id}")
        folded = fold(surface.text).strip()
        if folded:
            keyed.setdefault(folded, []).append(surface)
    for candidates in keyed.values():
        candidates.sort(key=lambda s: (TYPE_PRIORITY[by_id[s.entity_id].entity_type], s.kind != "name", s.entity_id))
    titles: dict[str, list[Role]] = {}
    for role in roles:
        titles.setdefault(fold(role.title_hi).strip(), []).append(role)
    named: dict[str, list[tuple[str, str]]] = {}
    for entity in by_id.values():
        for name in dict.fromkeys((entity.name_en, *(a for a in entity.aliases if a.isascii() and len(a) > 3))):
            named.setdefault(entity.entity_type, []).append((name, entity.entity_id))
    # A name two entities share ('Supreme Court') identifies neither.
    owners: dict[tuple[str, str], set[str]] = {}
    for entity_type, pairs in named.items():
        for name, entity_id in pairs:
            owners.setdefault((entity_type, name.casefold()), set()).add(entity_id)
    named = {t: [(n, i) for n, i in pairs if len(owners[(t, n.casefold())]) == 1] for t, pairs in named.items()}
    names_by_type = {t: (tuple(n for n, _ in pairs), tuple(i for _, i in pairs)) for t, pairs in named.items()}
    return Gazetteer(by_id, variants, _compile(keyed), _compile(keyed, titles), names_by_type)


@lru_cache(maxsize=None)
def is_word_char(char: str) -> bool:
    """Letters, combining marks (Devanagari vowel signs) and digits belong to words."""
    return unicodedata.category(char)[0] in "LMN"


def _sentence_of(sentences: Sequence[Sentence], starts: Sequence[int], offset: int) -> Sentence:
    position = bisect.bisect_right(starts, offset) - 1
    return sentences[position if position > 0 else 0]


def _sentences_at(sentences: Sequence[Sentence], offsets: Iterable[int]) -> list[Sentence]:
    """The sentence of each offset (offsets in text order): one walk over the sentences, not a search per offset."""
    found, position, last = [], 0, len(sentences) - 1
    for offset in offsets:
        while position < last and sentences[position + 1].start <= offset:
            position += 1
        found.append(sentences[position])
    return found


def _scan(text: str, form: MatchingForm, scanner: ahocorasick.Automaton) -> tuple[list[tuple[int, int, Surface]], list[tuple[int, int, Role]]]:
    """Entity surfaces and titles at word boundaries in source offsets, each kind without overlaps (longest first, then
    leftmost), from one pass of the automaton over the matching form.

    A surface marked exact_case (an acronym: "US", not the pronoun "us") matches only as written.
    """
    if not len(scanner):
        return [], []
    to_source, length_of_text, word_char = form.to_source, len(text), is_word_char
    surfaces_found, titles_found = [], []
    for folded_end, (length, surfaces, roles) in scanner.iter(form.text):
        start, end = to_source[folded_end - length + 1], to_source[folded_end + 1]
        if (start and word_char(text[start - 1])) or (end < length_of_text and word_char(text[end])):
            continue
        if surfaces:
            surface = surfaces[0]
            if surface.exact_case:
                found = text[start:end]
                surface = next((s for s in surfaces if not s.exact_case or found == s.text), None)
            if surface is not None:
                surfaces_found.append((start, end, surface))
        if roles:
            titles_found.append((start, end, roles[0]))
    return _without_overlaps(surfaces_found), _without_overlaps(titles_found)


def _without_overlaps(candidates: list[tuple[int, int, object]]) -> list[tuple[int, int, object]]:
    """Candidates as the automaton reports them (by end), or when any overlaps another, the longest ones in text order."""
    previous_end, overlapping, empty = 0, False, False
    for start, end, _ in candidates:
        if start >= end:
            overlapping = empty = True
        elif start < previous_end:
            overlapping = True
        previous_end = end
    return _longest_first(candidates, empty) if overlapping else candidates


def _longest_first(candidates: list[tuple[int, int, object]], empty: bool = False) -> list[tuple[int, int, object]]:
    """The longest candidates that overlap no longer (or equally long, further left) one, in text order."""
    by_start = sorted(candidates, key=itemgetter(0))  # stable: ties keep the automaton's order
    if empty:
        # Empty spans (a folded match inside one expanded character) overlap oddly: rank them all together.
        return _longest_in_group(by_start)
    # Only spans that overlap need ranking, and only against the spans they overlap: split the text-ordered spans
    # into groups that overlap nothing outside them (most are alone) and rank within each group.
    taken: list[tuple[int, int, object]] = []
    group = [by_start[0]]
    group_end = by_start[0][1]
    for candidate in by_start[1:]:
        if candidate[0] < group_end:
            group.append(candidate)
            group_end = max(group_end, candidate[1])
            continue
        taken += group if len(group) == 1 else _kept_of_group(group)
        group, group_end = [candidate], candidate[1]
    taken += group if len(group) == 1 else _kept_of_group(group)
    return taken


def _kept_of_group(group: list[tuple[int, int, object]]) -> list[tuple[int, int, object]]:
    """What _longest_in_group keeps of two or more non-empty spans, each starting before the spans before it end."""
    if len(group) == 2:
        # The usual group, a name inside a longer one ('सूडान' in 'दक्षिण सूडान'): they overlap, so only the longer
        # stays, or the left one if as long.
        left, right = group
        return [left if left[1] - left[0] >= right[1] - right[0] else right]
    return _longest_in_group(group)


def _longest_in_group(by_start: list[tuple[int, int, object]]) -> list[tuple[int, int, object]]:
    """Greedy choice over start-ordered candidates: longest first, then leftmost, skipping any that overlaps one taken."""
    taken: list[tuple[int, int, object]] = []
    for start, end, value in sorted(by_start, key=_span_shortness):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, value))
    return sorted(taken, key=itemgetter(0))


def _span_shortness(candidate: tuple[int, int, object]) -> int:
    return candidate[0] - candidate[1]


def find_spans(text: str, gazetteer: Gazetteer, form: MatchingForm | None = None) -> tuple[list[tuple[int, int, Surface]], list[tuple[int, int, Role]]]:
    """Entity surfaces and titles ('विदेश मंत्री') in the text, longest first, at word boundaries (acronyms case-sensitive)."""
    return _scan(text, form or matching_form(text, gazetteer.variants), gazetteer.scanner)


def find_gazetteer_spans(text: str, gazetteer: Gazetteer, form: MatchingForm | None = None) -> list[tuple[int, int, Surface]]:
    """Entity surfaces in the text, longest first, at word boundaries (acronyms case-sensitive)."""
    return find_spans(text, gazetteer, form)[0]


def find_title_spans(text: str, gazetteer: Gazetteer, form: MatchingForm) -> list[tuple[int, int, Role]]:
    """Titles such as 'विदेश मंत्री' in the text."""
    return find_spans(text, gazetteer, form)[1]


def _gloss_spans(text: str, spans: list[tuple[int, int, Surface]]) -> list[tuple[int, int, Surface]]:
    """Parenthesised Latin text right after a mention that names nothing else glosses that mention: 'पाकिस्तान (Pakistan)'."""
    glosses: list[tuple[int, int, Surface]] = []
    if "(" not in text:
        return glosses
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


def _end_before_spaces(text: str, position: int) -> int:
    """len(text[:position].rstrip()), without copying the text."""
    while position and text[position - 1].isspace():
        position -= 1
    return position


def _adjacent_before(text: str, start: int, spans_by_end: Mapping[int, tuple[int, object]], connectors: Sequence[str] = ("",)) -> tuple[int, object] | None:
    """The span that ends right before `start`, separated only by spaces and one of the connectors."""
    head_end = _end_before_spaces(text, start)
    for connector in connectors:
        if text.endswith(connector, 0, head_end):
            found = spans_by_end.get(_end_before_spaces(text, head_end - len(connector)) if connector else head_end)
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
    head_end = _end_before_spaces(text, cursor)
    former = next((w for w in words["former"] if text.endswith(w, 0, head_end) and (head_end == len(w) or not is_word_char(text[head_end - len(w) - 1]))), None)
    if former:
        cursor = head_end - len(former)
    return text[cursor:start].strip(), ", ".join(role.title_en for role in chain), country_iso3, former is not None


def compose_role_en(titles_en: str, country_name: str | None, former: bool = False) -> str:
    """'President' + 'Kazakhstan' -> 'President of Kazakhstan'; further titles follow after a comma."""
    first, _, rest = titles_en.partition(", ")
    role = f"{first} of {country_name}" if country_name else first
    role = f"former {role}" if former else role
    return f"{role}, {rest}" if rest else role


def extract_mentions(
    text: str,
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
    words: FunctionWords,
    form: MatchingForm | None = None,
    cues: CueLexicon | None = None,
) -> list[MentionRecord]:
    """Every entity mention in a cleaned text, with sentence index, quote flag and, for people, the role.

    With `cues`, names the gazetteer does not know are found from the words around them, and a later part of a
    person's full name links to that person.
    """
    form = form or matching_form(text, gazetteer.variants)
    spans, title_spans = find_spans(text, gazetteer, form)
    glosses = _gloss_spans(text, spans)
    entities_by_end = {end: (start, surface) for start, end, surface in spans}
    titles_by_end = {end: (start, role) for start, end, role in title_spans}

    def role_of(start: int, entity_country: str | None) -> tuple[str | None, str | None, str | None]:
        role_hi, titles_en, country_iso3, former = _role_before(text, start, gazetteer, words, titles_by_end, entities_by_end)
        if not titles_en:
            return None, None, None
        country = gazetteer.entities.get(entity_id_for("COUNTRY", country_iso3 or entity_country or ""))
        country_name = prose_name(country.name_en, "COUNTRY") if country else None
        return role_hi, compose_role_en(titles_en, country_name, former), country_iso3

    records = []
    in_order = sorted(spans + glosses, key=itemgetter(0)) if glosses else spans
    entities = gazetteer.entities
    for (start, end, surface), sentence in zip(in_order, _sentences_at(sentences, map(itemgetter(0), in_order))):
        entity = entities[surface.entity_id]
        role_hi = role_en = None
        if surface.kind == "gloss":
            method, confidence = "gloss", 0.8
        else:
            method, confidence = "gazetteer", 0.9 if surface.kind == "adjective" else 0.95
            if entity.entity_type == "PERSON":
                role_hi, role_en, _ = role_of(start, entity.country_iso3)
        # Positional, in the order of the fields: calling a class with keywords builds a dict per call.
        records.append(MentionRecord(
            entity.entity_id, entity.entity_type, text[start:end], start, end, sentence.index, surface.kind, sentence.in_quote,
            method, confidence, role_hi, role_en,
        ))
    if cues is not None:
        records += _discovered_mentions(text, sentences, spans, title_spans, gazetteer, cues, records, role_of, words)
        boilerplate = boilerplate_sentences(text, form.text, form.to_source, sentences, cues)
        if boilerplate:
            records = [r for r in records if r.sentence_index not in boilerplate]
    return sorted(records, key=attrgetter("start", "end"))


def _discovered_mentions(
    text: str,
    sentences: Sequence[Sentence],
    spans: Sequence[tuple[int, int, Surface]],
    title_spans: Sequence[tuple[int, int, Role]],
    gazetteer: Gazetteer,
    cues: CueLexicon,
    listed: Sequence[MentionRecord],
    role_of,
    words: FunctionWords,
) -> list[MentionRecord]:
    """Mentions of names nobody listed (cues, Latin spans, glosses) and later short forms of people's names."""
    starts = [sentence.start for sentence in sentences]
    tokens = tokenize(text, sentences, cues)
    glosses = harvest_glosses(text)
    candidates = find_cue_candidates(text, tokens, spans, title_spans, glosses, gazetteer, cues, words)
    gloss_texts = tuple(g.text for g in glosses)

    # People named in full: a single word elsewhere that is a part of one of these names is that person.
    people = [
        PersonName(m.entity_id, m.end, tuple(cues.fold_all(m.surface.split())))
        for m in listed if m.entity_type == "PERSON" and m.method == "gazetteer"
    ]
    resolved: list[tuple[CueCandidate, str, str | None, str | None]] = []
    for candidate in candidates:
        if candidate.entity_type == "PERSON" and len(candidate.folded) == 1:
            resolved.append((candidate, "", None, None))  # resolved below, once every full name is known
            continue
        entity_id, name_en, method = _identify(candidate, cues, gazetteer, gloss_texts)
        if entity_id is None:
            continue
        resolved.append((candidate, entity_id, name_en, method))
        if candidate.entity_type == "PERSON":
            people.append(PersonName(entity_id, candidate.end, candidate.folded))
    parts = name_parts(people, lambda word: word in cues.very_common or word in cues.initials)
    named = {r[1]: r for r in resolved if r[1]}

    records: list[MentionRecord] = []
    for candidate, entity_id, name_en, method in resolved:
        if not entity_id:
            found = parts.get(candidate.folded[0])
            if found is not None:
                entity_id = found[0]
                name_en, method = (named[entity_id][2], named[entity_id][3]) if entity_id in named else (None, None)
            else:
                entity_id, name_en, method = _identify(candidate, cues, gazetteer, gloss_texts)
                if entity_id is None:
                    continue
        sentence = _sentence_of(sentences, starts, candidate.start)
        role_hi = role_en = None
        country = candidate.country_iso3
        if candidate.entity_type == "PERSON":
            role_hi, role_en, role_country = role_of(candidate.start, None)
            country = country or role_country
        listed_entity = entity_id in gazetteer.entities
        common = dict(
            entity_id=entity_id, entity_type=candidate.entity_type, sentence_index=sentence.index, in_quote=sentence.in_quote,
            entity_name_en=None if listed_entity else name_en, entity_name_method=None if listed_entity else method,
            entity_country_iso3=None if listed_entity else country,
        )
        records.append(MentionRecord(
            surface=text[candidate.start:candidate.end], start=candidate.start, end=candidate.end, surface_kind="name",
            method="latin" if candidate.rule == "latin" else "cue", confidence=candidate.confidence,
            role_hi=role_hi, role_en=role_en, **common,
        ))
        if candidate.gloss is not None:
            gloss = candidate.gloss
            records.append(MentionRecord(
                surface=gloss.text, start=gloss.start, end=gloss.end, surface_kind="gloss", method="gloss", confidence=0.8, **common,
            ))

    # Later short forms ('शरीफ़ ने कहा') of people named in full.
    if not parts:
        return records

    # Built at the first later word that is part of a full name (articles without one skip it); a plain list, since
    # a cache decorator made per article cost more than most articles' look-ups.
    taken: list[tuple[int, int]] = []
    taken_starts: list[int] = []

    def is_taken(start: int, end: int) -> bool:
        if not taken_starts:
            taken[:] = sorted(map(attrgetter("start", "end"), [*listed, *records]))
            taken_starts[:] = [s for s, _ in taken]
        position = bisect.bisect_right(taken_starts, start) - 1
        return any(s < end and start < e for s, e in taken[max(position - 1, 0):position + 2])

    def stands_alone(index: int) -> bool:
        before = index > 0 and tokens.joined[index] and is_name_word(tokens, index - 1, cues)
        after = index + 1 < len(tokens) and tokens.joined[index + 1] and is_name_word(tokens, index + 1, cues)
        return not before and not after

    links = link_short_names(tokens.starts, tokens.ends, tokens.folded, parts, is_taken, stands_alone)
    by_id = {m.entity_id: m for m in [*listed, *records] if m.entity_type == "PERSON"} if links else {}
    for start, end, entity_id in links:
        sentence = _sentence_of(sentences, starts, start)
        source = by_id[entity_id]
        records.append(MentionRecord(
            entity_id=entity_id, entity_type="PERSON", surface=text[start:end], start=start, end=end,
            sentence_index=sentence.index, surface_kind="name", in_quote=sentence.in_quote, method="coreference", confidence=0.7,
            entity_name_en=source.entity_name_en, entity_name_method=source.entity_name_method,
            entity_country_iso3=source.entity_country_iso3,
        ))
    return records


def _identify(candidate: CueCandidate, cues: CueLexicon, gazetteer: Gazetteer, gloss_texts: Sequence[str]) -> tuple[str | None, str | None, str | None]:
    """Entity id, English name and how the name was made: a gloss, a listed entity's name, or a transliteration."""
    if candidate.gloss is not None:
        name_en, method = candidate.gloss.text, "gloss"
    else:
        rendered = english_name(candidate.words, candidate.folded, cues.names, candidate.kind)[0] if candidate.words else ""
        name_en, method = " ".join(p for p in (candidate.prefix_en, rendered, candidate.suffix_en) if p), "transliteration"
        close = closest_name(name_en, gloss_texts, GLOSS_SIMILARITY) if gloss_texts else None
        if close is not None:
            name_en, method = gloss_texts[close], "gloss"
    listed = gazetteer.listed_entity_id(candidate.entity_type, name_en)
    if listed is not None:
        entity = gazetteer.entities[listed]
        return entity.entity_id, entity.name_en, "gazetteer"
    return discovered_entity_id(candidate.entity_type, name_en), name_en, method


def entity_lookup(gazetteer: Gazetteer, mentions: Iterable[MentionRecord]) -> Mapping[str, GazetteerEntity]:
    """Listed entities plus those an article's mentions discovered (named by their working fields)."""
    discovered = {}
    for m in mentions:
        if m.entity_id not in gazetteer.entities and m.entity_name_en and m.entity_id not in discovered:
            discovered[m.entity_id] = GazetteerEntity(
                m.entity_id, m.entity_type, m.entity_name_en, m.surface if m.surface_kind == "name" else None, (),
                None, m.entity_country_iso3, None,
            )
    return ChainMap(discovered, gazetteer.entities)


def mentions_frame(article_ids: Sequence[str], records: Sequence[Sequence[MentionRecord]]) -> pl.DataFrame:
    """One frame of mentions for a batch: article_id plus the mention columns (role_method derived)."""
    schema = polars_schema(Mention)
    # Working columns (entity_name_en...) are not in the contract: validation keeps only the contract's columns.
    frame_schema = {"article_id": pl.Utf8, **{name: schema.get(name, pl.Utf8) for name in MentionRecord.__dataclass_fields__}}
    flat = [record for article_records in records for record in article_records]
    # Column by column: faster than a dict per row.
    columns = {"article_id": [article_id for article_id, article_records in zip(article_ids, records, strict=True) for _ in article_records]}
    columns.update((name, list(map(attrgetter(name), flat))) for name in MentionRecord.__dataclass_fields__)
    frame = pl.DataFrame(columns, schema=frame_schema)
    return frame.with_columns(role_method=pl.when(pl.col("role_en").is_not_null()).then(pl.lit("template")))
