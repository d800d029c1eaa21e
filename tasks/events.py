"""Event extraction: PLOVER triggers from data, arguments read off Hindi postpositions, dates and amounts.

Hindi is verb-final, so an event's arguments stand before its trigger in the same clause, each followed by
the postposition that gives its role: 'X ने' (agent), 'X द्वारा' (passive agent), 'X को' (recipient),
'X के साथ' (partner), 'X और Y के बीच' (all participants), 'X में' (place). Pronoun agents ('उन्होंने')
resolve to the latest named agent before them.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import re._constants as sre_constants  # the parsed form of a trigger pattern, to find the literals it starts with
import re._parser as sre_parser
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import ahocorasick

from contracts.datasets import EARLIEST_PLAUSIBLE_DATE, QUAD_CLASS
from tasks.amounts import AmountMention, amount_in_usd
from tasks.clean import MatchingForm, Sentence
from tasks.dates import DateMention
from tasks.entities import ARGUMENT_TYPES, Gazetteer, GazetteerEntity, MentionRecord, entity_id_for, entity_lookup, is_word_char
from tasks.grammar import FunctionWords

# The unnamed agent of a passive or a pronoun is looked for within this many sentences back.
PRONOUN_LOOKBACK_SENTENCES = 3
# Letters and marks of words; the danda (U+0964, U+0965) and the abbreviation sign end words.
_DEVANAGARI_OR_WORD = r"[\w\u0900-\u0963\u0966-\u096F\u0971-\u097F]"


@dataclass(frozen=True)
class TriggerRule:
    """One row of data/reference/event_triggers.csv, compiled."""

    event_type: str
    event_mode: str | None
    contexts: tuple[str, ...]
    future_type: str | None
    requires: re.Pattern[str] | None
    agent_role: str
    implicit_actor: str | None
    negation_in_pattern: bool
    template_en: str
    template_future_en: str | None
    confidence: float
    object_marker: str | None = None   # 'genitive': a name in the genitive before the trigger is its object


@dataclass(frozen=True)
class EventLexicon:
    """Trigger rules in one combined pattern over the matching form, and the function words as written."""

    rules: tuple[TriggerRule, ...]
    triggers: re.Pattern[str]            # group r<N> matched -> rules[N]
    postpositions: tuple[tuple[str, str], ...]  # (word, role), longest first
    coordinators: tuple[str, ...]
    clause_boundaries: re.Pattern[str]  # matches that start inside a word are set aside by _whole_word_spans
    pronoun_agents: re.Pattern[str]
    pronoun_words: tuple[str, ...]
    negations: frozenset[str]
    past_perfect: frozenset[str]
    future_suffixes: tuple[str, ...]
    representatives: tuple[str, ...] = ()   # titles through which a body acts ('X के प्रवक्ता ने')
    rule_patterns: tuple[re.Pattern[str], ...] = ()   # rules[N]'s own pattern, with the same word boundaries
    trigger_starts: ahocorasick.Automaton | None = None  # see _trigger_automaton
    postposition_roles: Mapping[str, str] = field(default_factory=dict)
    # The word lists above by first character, in their order: a gap is compared only with the words it can start with.
    postpositions_by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    agent_words_by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    coordinators_by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    representatives_by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class EventRecord:
    """An event found in an article (offsets into the cleaned text)."""

    event_id: str
    sentence_index: int
    event_type: str
    event_mode: str | None
    quad_class: int
    contexts: list[str]
    actor_ids: list[str]
    recipient_ids: list[str]
    location_id: str | None
    event_date: object
    date_precision: str | None
    negated: bool
    commodity_ids: list[str]
    amount: float | None
    amount_currency: str | None
    amount_usd: float | None
    trigger: str
    trigger_start: int
    trigger_end: int
    sentence: str
    confidence: float
    object_ids: list[str]   # forums and organisations the event is about (used by the English description)
    template_en: str        # the rule's English template, rendered by tasks.translate


def _whole_words(alternatives: Iterable[str]) -> str:
    body = "|".join(sorted(alternatives, key=len, reverse=True))
    return rf"(?<!{_DEVANAGARI_OR_WORD})(?:{body})(?!{_DEVANAGARI_OR_WORD})"


def _words_that_end_words(alternatives: Iterable[str]) -> str:
    """Like _whole_words without the check before the word (see _whole_word_spans)."""
    body = "|".join(sorted(alternatives, key=len, reverse=True))
    return rf"(?:{body})(?!{_DEVANAGARI_OR_WORD})"


def _literal_prefixes(items: list) -> set[str] | None:
    """Literal strings one of which starts every match of a parsed pattern; None when a match may start with anything."""
    prefix = ""
    for op, av in items:
        if op is sre_constants.LITERAL:
            prefix += chr(av)
            continue
        tails = None
        if op is sre_constants.BRANCH:
            branches = [_literal_prefixes(branch) for branch in av[1]]
            tails = None if None in branches else set().union(*branches)
        elif op is sre_constants.SUBPATTERN and not av[1] and not av[2]:  # a group that changes no flags
            tails = _literal_prefixes(av[3].data)
        if tails is not None:
            return {prefix + tail for tail in tails}
        break
    return {prefix} if prefix else None


def _trigger_automaton(patterns: Sequence[str]) -> ahocorasick.Automaton | None:
    """Each literal a rule's matches start with -> (its length, the rules it starts); None when a rule may start anyhow."""
    rules_by_prefix: dict[str, list[int]] = {}
    for index, pattern in enumerate(patterns):
        parsed = sre_parser.parse(pattern)
        prefixes = None if parsed.state.flags & re.IGNORECASE else _literal_prefixes(parsed.data)
        if not prefixes:
            return None
        for prefix in prefixes:
            rules_by_prefix.setdefault(prefix, []).append(index)
    if not rules_by_prefix:
        return None
    automaton = ahocorasick.Automaton()
    for prefix, indices in rules_by_prefix.items():
        automaton.add_word(prefix, (len(prefix), tuple(indices)))
    automaton.make_automaton()
    return automaton


def _by_first_character(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Words grouped by their first character, keeping their order."""
    grouped: dict[str, list[str]] = {}
    for word in words:
        grouped.setdefault(word[:1], []).append(word)
    return {first: tuple(group) for first, group in grouped.items()}


def build_event_lexicon(rows: Iterable[dict[str, str]], words: FunctionWords, fold: Callable[[str], str]) -> EventLexicon:
    """Compile trigger rows and function words; patterns are folded like the text they run on."""
    # Hindi negates right before the verb ('समझौता नहीं किया'): any space in a pattern may hold a negation.
    negation = "|".join(re.escape(fold(w)) for w in sorted(words["negation"], key=len, reverse=True))
    negation_gap = rf"(?:\s+(?:{negation})(?=\s))?\s+"
    rules, patterns = [], []
    for row in rows:
        patterns.append(fold(row["pattern"]).replace(" ", negation_gap))
        rules.append(TriggerRule(
            event_type=row["event_type"],
            event_mode=row["event_mode"] or None,
            contexts=tuple(c for c in row["contexts"].split("|") if c),
            future_type=row["future_type"] or None,
            requires=re.compile(fold(row["requires"])) if row["requires"] else None,
            agent_role=row["agent_role"] or "actor",
            implicit_actor=row["implicit_actor"] or None,
            negation_in_pattern=row["negation_in_pattern"].strip().lower() == "true",
            template_en=row["template_en"],
            template_future_en=row.get("template_future_en") or None,
            confidence=float(row["confidence"]),
            object_marker=(row.get("object_marker") or "").strip() or None,
        ))
    # One word boundary around the whole alternation: checked once per position, not once per rule.
    alternatives = "|".join(f"(?P<r{index}>{pattern})" for index, pattern in enumerate(patterns))
    triggers = rf"(?<!{_DEVANAGARI_OR_WORD})(?:{alternatives})(?!{_DEVANAGARI_OR_WORD})"
    # Grammar words are matched on the text as written: folding vowel length would merge की (of) and कि (that).
    return EventLexicon(
        rules=tuple(rules),
        triggers=re.compile(triggers),
        postpositions=tuple(words.postpositions.items()),
        coordinators=words["coordinator"],
        clause_boundaries=re.compile(_words_that_end_words(re.escape(w) for w in words["clause_boundary"])),
        pronoun_agents=re.compile(_whole_words(re.escape(w) for w in words["pronoun_agent"])),
        pronoun_words=words["pronoun_agent"],
        negations=frozenset(words["negation"]),
        past_perfect=frozenset(words["past_perfect"]),
        future_suffixes=words["future_suffix"],
        representatives=words["representative"],
        rule_patterns=tuple(re.compile(rf"(?<!{_DEVANAGARI_OR_WORD})(?:{pattern})(?!{_DEVANAGARI_OR_WORD})") for pattern in patterns),
        trigger_starts=_trigger_automaton(patterns),
        postposition_roles=words.postpositions,
        postpositions_by_first=_by_first_character(words.postpositions),
        agent_words_by_first=_by_first_character(word for word, role in words.postpositions.items() if role == "agent"),
        coordinators_by_first=_by_first_character(words["coordinator"]),
        representatives_by_first=_by_first_character(words["representative"]),
    )


@dataclass(slots=True)
class _Argument:
    """A mention that may be an event's argument, with the mention's fields the rules read most."""

    mention: MentionRecord
    marker: str
    start: int
    end: int
    entity_id: str
    entity_type: str


_AGENT = frozenset({"agent"})
# The markers whose participants an event reads, by the part they play; three markers name recipients.
_PARTS_BY_MARKER = {"agent": "agent", "between": "between", "nominative": "nominative",
                    "patient": "recipient", "partner": "recipient", "target": "recipient"}
_NO_IDS: dict[str, None] = {}


def _ids(args: Iterable[_Argument], markers: frozenset[str]) -> list[str]:
    """Entity ids of the arguments with one of the markers, first mention order, each once."""
    return list(dict.fromkeys([a.entity_id for a in args if a.marker in markers]))


def _ids_by_part(participants: Iterable[_Argument]) -> dict[str, dict[str, None]]:
    """Entity ids of the participants by the part their marker gives them, first mention order, each once."""
    # One pass instead of one per part: a trigger reads up to four parts of the same few arguments.
    by_part: dict[str, dict[str, None]] = {}
    for arg in participants:
        part = _PARTS_BY_MARKER.get(arg.marker)
        if part is not None:
            ids = by_part.get(part)
            if ids is None:
                ids = by_part[part] = {}
            ids[arg.entity_id] = None
    return by_part


def _word_at(text: str, words_by_first: Mapping[str, tuple[str, ...]]) -> str | None:
    """The first listed word the text starts with as a whole word, else None."""
    for word in words_by_first.get(text[:1], ()):
        # A word ending in a letter must not run on into the text's next letter.
        if text.startswith(word) and (len(text) == len(word) or not is_word_char(text[len(word)]) or not is_word_char(word[-1])):
            return word
    return None


def _skip_parenthetical(gap: str) -> str:
    gap = gap.lstrip()
    if gap.startswith("("):
        close = gap.find(")")
        if close != -1:
            gap = gap[close + 1:].lstrip()
    return gap


def _represented_agent(rest: str, lexicon: EventLexicon) -> bool:
    """'प्रवक्ता ने ...': a bare representative's title, then the agent postposition."""
    title = _word_at(rest, lexicon.representatives_by_first)
    return title is not None and _word_at(rest[len(title):].lstrip(), lexicon.agent_words_by_first) is not None


def _marker_of(gap: str, mention: MentionRecord, lexicon: EventLexicon) -> str:
    """The role a postposition after a mention gives it; 'coord' when a list continues, 'modifier' for adjectives."""
    gap = gap.lstrip()
    if gap.startswith("("):
        gap = _skip_parenthetical(gap)
    for attempt in range(2):  # allow one noun between name and postposition: 'पाकिस्तान सरकार ने'
        word = _word_at(gap, lexicon.postpositions_by_first)
        if word is not None:
            role = lexicon.postposition_roles[word]
            if role == "genitive" and attempt == 1:
                return "nominative"  # 'मिशेल ओबामा जन्मदिन की मुबारकबाद': the genitive is the next noun's
            if role == "genitive" and _represented_agent(gap[len(word):].lstrip(), lexicon):
                return "agent"  # 'सिनोपेक के प्रवक्ता ने': a body acts through its spokesperson or head
            return role
        if attempt == 0:
            if _word_at(gap, lexicon.coordinators_by_first) is not None:
                return "coord"
            if mention.surface_kind == "adjective":
                return "modifier"
            first, _, gap = gap.partition(" ")
            if not first:
                break
    return "nominative"


def _arguments(text: str, sentence: Sentence, mentions: Sequence[MentionRecord], lexicon: EventLexicon) -> list[_Argument]:
    """Mentions of a sentence with the role marker that follows each; list members take the marker of the last."""
    # Most sentences hold no '(': then only a mention that opens the sentence can stand right after one.
    bracketed = text.find("(", sentence.start, sentence.end) != -1
    args = [_Argument(m, "nominative", m.start, m.end, m.entity_id, m.entity_type)
            for m in mentions if m.method != "gloss" and m.entity_type != "COMMODITY"
            and not ((bracketed or m.start == sentence.start) and _in_parentheses(text, m))]
    for index, arg in enumerate(args):
        gap_end = args[index + 1].start if index + 1 < len(args) else sentence.end
        arg.marker = _marker_of(text[arg.end:gap_end], arg.mention, lexicon)
    following = "nominative"
    for arg in reversed(args):
        if arg.marker == "coord":
            arg.marker = following
        elif arg.marker != "modifier":
            following = arg.marker
    return args


def _in_parentheses(text: str, mention: MentionRecord) -> bool:
    before = mention.start - 1
    while before >= 0 and text[before].isspace():
        before -= 1
    return before >= 0 and text[before] == "(" and _CLOSING_PARENTHESIS.match(text, mention.end) is not None


_CLOSING_PARENTHESIS = re.compile(r"\s*\)")
_TOKEN = re.compile(rf"{_DEVANAGARI_OR_WORD}+")
_WORD_CHARACTER = re.compile(_DEVANAGARI_OR_WORD)


@dataclass
class _ArticleContext:
    text: str
    form: MatchingForm
    published: object
    sentences: Sequence[Sentence]
    mentions_by_sentence: dict[int, list[MentionRecord]]
    dates: Sequence[DateMention]
    amounts: Sequence[AmountMention]
    mentions: Sequence[MentionRecord]
    lexicon: EventLexicon
    gazetteer: Gazetteer
    unquoted_dates: list[DateMention]         # dates outside quoted sentences, in text order
    commodities: dict[int, list[str]]         # sentence index -> commodity ids mentioned in it, first mention order
    # Dates and amounts come in text order without overlaps (as find_dates and find_amounts give them): looked up by bisection.
    date_starts: list[int] = field(default_factory=list)
    unquoted_date_ends: list[int] = field(default_factory=list)
    amount_starts: list[int] = field(default_factory=list)
    # Filled on first use: most sentences hold no trigger, so their arguments and boundaries are never needed.
    args_by_sentence: dict[int, list[_Argument]] = field(default_factory=dict)
    boundaries_by_sentence: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # Listed entities and those the article's cues discovered; only places and CONSULT modes need them.
    entities: Mapping[str, GazetteerEntity] | None = None


def _entities(ctx: _ArticleContext) -> Mapping[str, GazetteerEntity]:
    """The entities of the article, looked up once."""
    if ctx.entities is None:
        ctx.entities = entity_lookup(ctx.gazetteer, ctx.mentions)
    return ctx.entities


def _sentence_arguments(ctx: _ArticleContext, sentence: Sentence) -> list[_Argument]:
    """The arguments of a sentence, worked out once."""
    args = ctx.args_by_sentence.get(sentence.index)
    if args is None:
        args = _arguments(ctx.text, sentence, ctx.mentions_by_sentence.get(sentence.index, []), ctx.lexicon)
        ctx.args_by_sentence[sentence.index] = args
    return args


def _folded_span(form: MatchingForm, start: int, end: int) -> tuple[int, int]:
    return bisect.bisect_left(form.to_source, start), bisect.bisect_left(form.to_source, end)


def _whole_word_spans(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the pattern's matches in text[start:end] that do not start inside a word: what finditer of the
    pattern with _whole_words' lookbehind in front would give.

    The pattern checks the word's end itself. Its start is checked here: a pattern that begins with a lookbehind
    cannot use the regex engine's quick scan for first characters, and runs twice as slowly over Hindi text.
    """
    spans = []
    match = pattern.search(text, start, end)
    while match is not None:
        m_start = match.start()
        if m_start and _WORD_CHARACTER.match(text, m_start - 1):
            match = pattern.search(text, m_start + 1, end)  # inside a word: a whole word may still start further on
        else:
            spans.append(match.span())
            match = pattern.search(text, match.end(), end)
    return spans


def _clause(ctx: _ArticleContext, sentence: Sentence, trigger_start: int, trigger_end: int) -> tuple[int, int]:
    """The clause around a trigger: between the nearest clause boundaries ('जबकि', 'कि', 'के बाद'...) in its sentence."""
    start, end = sentence.start, sentence.end
    boundaries = ctx.boundaries_by_sentence.get(sentence.index)
    if boundaries is None:
        boundaries = _whole_word_spans(ctx.lexicon.clause_boundaries, ctx.text, sentence.start, sentence.end)
        ctx.boundaries_by_sentence[sentence.index] = boundaries
    for b_start, b_end in boundaries:
        if b_end <= trigger_start:
            start = b_end
        elif b_start >= trigger_end:
            end = min(end, b_start)
            break
    return start, end


def _resolve_pronoun(ctx: _ArticleContext, position: int, sentence_index: int) -> list[str]:
    """The latest agent named before a pronoun: a person if there is one."""
    # A mention lies in its sentence, so agents named before the pronoun are in this sentence or the ones before it.
    earlier = [
        arg.mention
        for s in ctx.sentences if sentence_index - PRONOUN_LOOKBACK_SENTENCES <= s.index <= sentence_index
        for arg in _sentence_arguments(ctx, s)
        if arg.marker == "agent" and arg.entity_type in ARGUMENT_TYPES and arg.start < position
    ]
    people = [m for m in earlier if m.entity_type == "PERSON"]
    chosen = (people or earlier)[-1:] if earlier else []
    return [m.entity_id for m in chosen]


def _event_date(ctx: _ArticleContext, sentence: Sentence, trigger_start: int, past_perfect: bool):
    """A date in the sentence; else the latest date stated before it; else the article's month (or year for past perfect).

    A date before the contract's earliest plausible date (a historical year such as 1964) is left unknown rather
    than written: the event row must stay valid.
    """
    value, precision = _stated_event_date(ctx, sentence, trigger_start, past_perfect)
    if value is not None and value < EARLIEST_PLAUSIBLE_DATE:
        return None, None
    return value, precision


def _stated_event_date(ctx: _ArticleContext, sentence: Sentence, trigger_start: int, past_perfect: bool):
    first, last = bisect.bisect_left(ctx.date_starts, sentence.start), bisect.bisect_left(ctx.date_starts, sentence.end)
    if first < last:
        nearest = min(ctx.dates[first:last], key=lambda d: abs(d.start - trigger_start))
        return nearest.value, nearest.precision
    earlier = ctx.unquoted_dates[:bisect.bisect_right(ctx.unquoted_date_ends, sentence.start)]
    for date in reversed(earlier):
        if past_perfect and ctx.published is not None and date.value > ctx.published:
            continue
        return date.value, date.precision
    if ctx.published is None:
        return None, None
    if past_perfect:
        return ctx.published.replace(month=1, day=1), "year"
    return ctx.published.replace(day=1), "month"


def _participants(ctx: _ArticleContext, sentence: Sentence, rule: TriggerRule, region: list[_Argument], c_start: int,
                  t_start: int) -> tuple[list[str], list[str], str | None, list[str]]:
    """Actors, recipients, place and objects of a trigger, read off the markers of the arguments before it in its clause."""
    participants = [a for a in region if a.entity_type in ARGUMENT_TYPES]
    by_part = _ids_by_part(participants)
    agents = list(by_part.get("agent", _NO_IDS))
    if not agents:
        # Most clauses hold none of the pronouns: looking for them as plain strings first is much faster.
        maybe = any(ctx.text.find(word, c_start, t_start) != -1 for word in ctx.lexicon.pronoun_words)
        pronoun = ctx.lexicon.pronoun_agents.search(ctx.text, c_start, t_start) if maybe else None
        if pronoun:
            agents = _resolve_pronoun(ctx, pronoun.start(), sentence.index)
    actors = agents + [i for i in by_part.get("between", _NO_IDS) if i not in agents] or list(by_part.get("nominative", _NO_IDS))
    if not actors and c_start > sentence.start:
        # A complement clause ('X ने कहा कि ...') inherits the agent of the clause before it.
        actors = _ids([a for a in _sentence_arguments(ctx, sentence) if a.end <= c_start and a.entity_type in ARGUMENT_TYPES], _AGENT)
    recipients = [i for i in by_part.get("recipient", _NO_IDS) if i not in actors]
    if rule.object_marker:
        # 'X ने Y की निंदा की': the object stands in the genitive after the agent, right before the trigger noun.
        after_agent = max((a.end for a in region if a.marker == "agent"), default=c_start)
        objects_marked = [a for a in participants if a.marker == rule.object_marker and a.start >= after_agent]
        recipients += [i for i in dict.fromkeys(a.entity_id for a in objects_marked) if i not in actors and i not in recipients]
    located = [a for a in region if a.marker == "location"]
    location_id = _place_id(located, ("LOCATION", "COUNTRY")) if located else None
    if location_id is None:
        location_id = _place_id(_sentence_arguments(ctx, sentence), ("LOCATION",))
    objects = list(dict.fromkeys([a.entity_id for a in located if a.entity_type == "ORGANIZATION"]))
    actors = [i for i in actors if i != location_id]
    if not actors and rule.implicit_actor == "location_country" and location_id:
        # The state of the place, if the article names it: an event's participants are always entities of its article.
        place = _entities(ctx)[location_id]
        country = entity_id_for("COUNTRY", place.iso3 or place.country_iso3 or "")
        named = any(m.entity_id == country for m in ctx.mentions)
        actors = [country] if named and country not in recipients else []
    if rule.agent_role == "recipient":
        hosts = actors
        guests = [a.entity_id for a in participants if a.marker not in ("location", "modifier") and a.entity_id not in hosts]
        actors, recipients = list(dict.fromkeys(guests)), hosts
    return actors, recipients, location_id, objects


def _place_id(args: Iterable[_Argument], types: tuple[str, ...]) -> str | None:
    """The first place among the arguments marked as a location: a LOCATION if there is one, else one of the other types."""
    fallback = None
    for arg in args:
        if arg.marker == "location" and arg.entity_type in types:
            if arg.entity_type == "LOCATION":
                return arg.entity_id
            if fallback is None:
                fallback = arg.entity_id
    return fallback


def _last_word(text: str, start: int, end: int) -> list[str]:
    """The last word of text[start:end], as a list of at most one."""
    # A clause runs long before its trigger: the few characters before the end hold the last word, unless they hold part of one word.
    near = max(start, end - 24)
    words = _TOKEN.findall(text, near, end)
    if len(words) < 2 and near > start:
        words = _TOKEN.findall(text, start, end)
    return words[-1:]


def _event_from_trigger(ctx: _ArticleContext, sentence: Sentence, rule: TriggerRule, t_start: int, t_end: int, article_id: str) -> EventRecord | None:
    lexicon = ctx.lexicon
    c_start, c_end = _clause(ctx, sentence, t_start, t_end)
    if rule.requires:
        fc_start, fc_end = _folded_span(ctx.form, c_start, c_end)
        if not rule.requires.search(ctx.form.text, fc_start, fc_end):
            return None
    region = [a for a in _sentence_arguments(ctx, sentence) if c_start <= a.start and a.end <= t_start]
    actors, recipients, location_id, objects = _participants(ctx, sentence, rule, region, c_start, t_start)
    if not actors and not recipients:
        return None

    after = _TOKEN.findall(ctx.text, t_end, c_end)[:4]
    trigger_tokens = _TOKEN.findall(ctx.text, t_start, t_end)
    before = _last_word(ctx.text, c_start, t_start)
    negated = not rule.negation_in_pattern and not lexicon.negations.isdisjoint(trigger_tokens + after[:2] + before)
    future = any(t.endswith(lexicon.future_suffixes) for t in trigger_tokens + after[:2])
    past_perfect = not lexicon.past_perfect.isdisjoint(after)
    event_type = rule.future_type if future and rule.future_type else rule.event_type

    event_date, precision = _event_date(ctx, sentence, t_start, past_perfect)
    commodity_ids = list(ctx.commodities.get(sentence.index, ()))
    first_amount = bisect.bisect_left(ctx.amount_starts, c_start)
    amount = ctx.amounts[first_amount] if first_amount < len(ctx.amounts) and ctx.amount_starts[first_amount] < c_end else None
    mode = rule.event_mode
    if event_type == "CONSULT" and mode is None and location_id:
        entities = _entities(ctx)
        place = entities[location_id]
        place_country = place.iso3 or place.country_iso3
        countries = {entities[i].iso3 or entities[i].country_iso3 for i in actors + recipients}
        if place_country and place_country not in countries:
            mode = "third-party"
    contexts = list(dict.fromkeys(rule.contexts + (("natural_resource",) if commodity_ids else ())))

    digest = hashlib.sha256(f"{article_id}|{event_type}|{t_start}".encode()).hexdigest()[:16]
    return EventRecord(
        event_id=f"evt_{digest}",
        sentence_index=sentence.index,
        event_type=event_type,
        event_mode=mode,
        quad_class=QUAD_CLASS[event_type],
        contexts=contexts,
        actor_ids=actors,
        recipient_ids=recipients,
        location_id=location_id,
        event_date=event_date,
        date_precision=precision,
        negated=negated,
        commodity_ids=commodity_ids,
        amount=amount.value if amount else None,
        amount_currency=amount.currency if amount else None,
        amount_usd=amount_in_usd(amount) if amount else None,
        trigger=ctx.text[t_start:t_end],
        trigger_start=t_start,
        trigger_end=t_end,
        sentence=ctx.text[sentence.start:sentence.end],
        confidence=rule.confidence,
        object_ids=objects,
        template_en=(rule.template_future_en if future and rule.template_future_en else rule.template_en),
    )


def _trigger_matches(text: str, lexicon: EventLexicon) -> Iterator[tuple[int, int, int]]:
    """(rule index, start, end) of each match of the combined trigger pattern, as its finditer gives them.

    At a position the combined pattern takes the first rule that matches there, and a rule can only match where one
    of its leading literals occurs: so only those positions are tried, with only those rules, in rule order.
    """
    if lexicon.trigger_starts is None:
        for match in lexicon.triggers.finditer(text):
            yield int(match.lastgroup[1:]), match.start(), match.end()
        return
    # (position, rule) in order: at each position the rules are tried in rule order until one matches.
    candidates = [(end - length + 1, index) for end, (length, rules) in lexicon.trigger_starts.iter(text) for index in rules]
    candidates.sort()
    covered = 0
    for position, index in candidates:
        if position < covered:
            continue
        match = lexicon.rule_patterns[index].match(text, position)
        if match is not None:  # never empty: every match starts with a literal
            covered = match.end()
            yield index, position, covered


def _is_restatement(event_type: str, people: set[str], kept: Mapping[str, list[set[str]]]) -> bool:
    """News restates events (headline, body, question headings): same type and a subset of someone's participants.

    kept holds the participants of the events kept so far, by event type.
    """
    return any(people <= participants for participants in kept.get(event_type, ()))


def extract_events(
    article_id: str,
    text: str,
    form: MatchingForm,
    sentences: Sequence[Sentence],
    mentions: Sequence[MentionRecord],
    dates: Sequence[DateMention],
    amounts: Sequence[AmountMention],
    published,
    gazetteer: Gazetteer,
    lexicon: EventLexicon,
) -> list[EventRecord]:
    """Every event stated in an article's own sentences (embedded posts are quotes, not reports)."""
    by_sentence: dict[int, list[MentionRecord]] = {}
    commodities: dict[int, dict[str, None]] = {}
    for mention in mentions:
        by_sentence.setdefault(mention.sentence_index, []).append(mention)
        if mention.entity_type == "COMMODITY":
            commodities.setdefault(mention.sentence_index, {})[mention.entity_id] = None
    starts = [s.start for s in sentences]
    quoted = {s.index for s in sentences if s.in_quote}
    unquoted_dates = [d for d in dates if (bisect.bisect_right(starts, d.start) - 1) not in quoted]
    ctx = _ArticleContext(text, form, published, sentences, by_sentence, dates, amounts, mentions, lexicon, gazetteer, unquoted_dates,
                          {index: list(ids) for index, ids in commodities.items()},
                          [d.start for d in dates], [d.end for d in unquoted_dates], [a.start for a in amounts])
    events: list[EventRecord] = []
    kept: dict[str, list[set[str]]] = {}
    for rule_index, folded_start, folded_end in _trigger_matches(form.text, lexicon):
        rule = lexicon.rules[rule_index]
        t_start, t_end = form.to_source[folded_start], form.to_source[folded_end]
        sentence = sentences[max(bisect.bisect_right(starts, t_start) - 1, 0)]
        if sentence.in_quote:
            continue
        event = _event_from_trigger(ctx, sentence, rule, t_start, t_end, article_id)
        if event is None:
            continue
        people = set(event.actor_ids).union(event.recipient_ids)
        if not _is_restatement(event.event_type, people, kept):
            events.append(event)
            kept.setdefault(event.event_type, []).append(people)
    return events
