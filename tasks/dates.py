"""Finding dates in Hindi and English news text and resolving them against the article's date."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import lru_cache

import ahocorasick

# A character that continues a word. Python's \w misses Devanagari vowel signs, virama, nukta
# and anusvara (categories Mn/Mc), so "नवंबरी" would end a word after "नवंबर" without them.
LETTER = (
    r"(?:[^\W\d_]|[\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
    r"\u0300-\u036f\u200c\u200d])"
)
WORD_START = rf"(?<!{LETTER})"
WORD_END = rf"(?!{LETTER})"
# Same-line whitespace: a date never runs across a paragraph break.
SPACE = r"[^\S\n]"
# A number is not a piece of a longer one ("12025", "3.2025", "1,2025").
NUMBER_START = rf"(?<!\w)(?<!{LETTER})(?<!\d[.,])"
NUMBER_END = r"(?!\d)(?![.,]\d)"
# The first digit of each run of digits. The lookbehind stands after the digit so that the pattern starts with a
# character class, which the regex engine skips to quickly: twice as fast as r"\d+" on Hindi text.
DIGIT_RUN_START = re.compile(r"\d(?<!\d\d)")

YEAR_MIN, YEAR_MAX = 1900, 2099  # bare four-digit numbers read as years
FULL_YEAR_MIN, FULL_YEAR_MAX = 1000, 2999  # years beside a day or month

@dataclass(frozen=True)
class MonthName:
    """A spelling of a month name and whether it counts as a date on its own."""

    name: str
    month: int
    language: str
    standalone: bool


@dataclass(frozen=True)
class RelativePhrase:
    """A phrase naming the previous, current or next year, month, week or day."""

    phrase: str
    unit: str  # "year" | "month" | "week" | "day"
    offset: int  # -1, 0 or +1


# eq=False: compared and hashed by identity, so the per-call pattern cache costs nothing to look up.
@dataclass(frozen=True, eq=False)
class DateLexicon:
    """Everything date finding needs from data/reference/, loaded by tasks.reference.load_date_lexicon."""

    months: tuple[MonthName, ...]
    relative_phrases: tuple[RelativePhrase, ...]
    # A four-digit number followed by a scale or currency word ("2025 करोड़"), or preceded by a
    # currency sign ("$2025"), is money, not a year.
    money_words_after: tuple[str, ...]
    money_words_before: tuple[str, ...]


@dataclass(frozen=True)
class DateMention:
    """A date stated in the text, resolved to the first day of the period it names."""

    start: int
    end: int
    value: datetime.date
    precision: str  # "day" | "month" | "year"
    relative: bool  # resolved against the reference date
    text: str


@dataclass(frozen=True)
class _DatePatterns:
    """Compiled regexes and lookups for one lexicon."""

    keywords: ahocorasick.Automaton | None
    scanner: re.Pattern[str]
    # The scanner's alternatives that start with a number, and those that start with a word: where only one kind can
    # start, trying only that kind finds the same match (the regex engine tries every alternative in turn).
    number_scanner: re.Pattern[str]
    word_scanner: re.Pattern[str]
    amount_after: re.Pattern[str]
    amount_before: re.Pattern[str]
    months: dict[str, MonthName]
    relative: dict[str, RelativePhrase]


def literal_alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first, any run of spaces matching any spacing."""
    unique = sorted(set(words), key=lambda word: (-len(word), word))
    return "|".join(r"[^\S\n]+".join(re.escape(part) for part in word.split()) for word in unique)


def keyword_automaton(words: Iterable[str]) -> ahocorasick.Automaton | None:
    """An Aho-Corasick automaton over the words' first tokens, in the letter cases English text uses."""
    automaton = ahocorasick.Automaton()
    for word in words:
        first = word.split()[0]
        for variant in {first, first.lower(), first.upper(), first.capitalize()}:
            automaton.add_word(variant, len(variant))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=4)
def _digit_run_starts(text: str) -> tuple[int, ...]:
    """Where each run of digits starts; cached because dates and then amounts are looked for in the same text."""
    return tuple(match.start() for match in DIGIT_RUN_START.finditer(text))


def candidate_starts(text: str, keywords: ahocorasick.Automaton | None) -> tuple[list[int], set[int]]:
    """Offsets where a mention may start (each run of digits and each keyword hit) in order, and those of the keywords."""
    words = set() if keywords is None else {end - length + 1 for end, length in keywords.iter(text)}
    return sorted(words.union(_digit_run_starts(text))), words


def _phrase_key(phrase: str) -> str:
    """The lookup key of a relative phrase: case-folded, single-spaced."""
    return " ".join(phrase.split()).casefold()


@lru_cache(maxsize=8)
def _date_patterns(lexicon: DateLexicon) -> _DatePatterns:
    """Compile the scanner for a lexicon once."""
    # r"(?!)" never matches: an empty list must not turn into a pattern that matches everywhere.
    months = literal_alternation([month.name for month in lexicon.months]) or r"(?!)"
    relative = literal_alternation([phrase.phrase for phrase in lexicon.relative_phrases]) or r"(?!)"
    after = literal_alternation(list(lexicon.money_words_after)) or r"(?!)"
    before = literal_alternation(list(lexicon.money_words_before)) or r"(?!)"
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    year = r"\d{4}"
    month = rf"{WORD_START}(?:{months}){WORD_END}"
    alternatives = [
        # 2025-11-07, 2025/11/07
        rf"{NUMBER_START}(?P<iso_y>{year})(?P<iso_sep>[-/.])(?P<iso_m>\d{{1,2}})(?P=iso_sep)"
        rf"(?P<iso_d>\d{{1,2}}){NUMBER_END}",
        # 07-11-2025, 07/11/2025, 7.11.2025: day first, the Indian convention
        rf"{NUMBER_START}(?P<dmy_d>\d{{1,2}})(?P<dmy_sep>[-/.])(?P<dmy_m>\d{{1,2}})(?P=dmy_sep)"
        rf"(?P<dmy_y>{year}){NUMBER_END}",
        # 7 नवंबर 2025, 4 फरवरी, 1 February 2026, 04-Feb-2026
        rf"{NUMBER_START}(?P<dm_d>{day}){SPACE}*[-/]?{SPACE}*(?P<dm_mon>{month})\.?"
        rf"(?:{SPACE}*[-/,]?{SPACE}*(?P<dm_y>{year}){NUMBER_END})?",
        # February 1, 2026, Feb 4, फरवरी 4
        rf"(?P<md_mon>{month})\.?{SPACE}+(?P<md_d>{day}){NUMBER_END}{WORD_END}"
        rf"(?:{SPACE}*,?{SPACE}*(?P<md_y>{year}){NUMBER_END})?",
        # नवंबर 2025, November, 2025
        rf"(?P<my_mon>{month})\.?{SPACE}*,?{SPACE}*(?P<my_y>{year}){NUMBER_END}",
        rf"(?P<mon>{month})",
        rf"{WORD_START}(?P<rel>(?i:{relative})){WORD_END}",
        rf"{NUMBER_START}(?P<year>{year}){NUMBER_END}(?![A-Za-z%])",
    ]
    number_led = [alternatives[i] for i in (0, 1, 2, 7)]
    word_led = [alternatives[i] for i in (3, 4, 5, 6)]
    amount_after = re.compile(rf"{SPACE}*(?:{after}){WORD_END}")
    amount_before = re.compile(rf"{WORD_START}(?:{before}){SPACE}*\Z")
    return _DatePatterns(
        keywords=keyword_automaton(
            [month.name for month in lexicon.months] + [phrase.phrase for phrase in lexicon.relative_phrases]
        ),
        scanner=re.compile("|".join(alternatives)),
        number_scanner=re.compile("|".join(number_led)),
        word_scanner=re.compile("|".join(word_led)),
        amount_after=amount_after,
        amount_before=amount_before,
        months={month.name: month for month in lexicon.months},
        relative={_phrase_key(phrase.phrase): phrase for phrase in lexicon.relative_phrases},
    )


def _digits(raw: str) -> int:
    """An integer from ASCII or Devanagari digits, ignoring an English ordinal suffix (1st, 4th)."""
    return int(raw.rstrip("stndrh"))


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    """The date, or None when the numbers do not make one."""
    try:
        return datetime.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _closest_day(month: int, day: int, reference: datetime.date) -> datetime.date | None:
    """The day-month in the year that puts it closest to the reference (ties go to the past)."""
    candidates = [
        candidate
        for year in (reference.year - 1, reference.year, reference.year + 1)
        if (candidate := _safe_date(year, month, day)) is not None
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda value: (abs((value - reference).days), value > reference))


def _closest_month(month: int, reference: datetime.date) -> datetime.date | None:
    """The first day of the month in the year that puts it closest to the reference."""
    here = reference.year * 12 + reference.month - 1
    best = min(
        (year * 12 + month - 1 for year in (reference.year - 1, reference.year, reference.year + 1)),
        key=lambda index: (abs(index - here), index > here),
    )
    return _safe_date(best // 12, best % 12 + 1, 1)


def resolve_relative(phrase: RelativePhrase, reference: datetime.date) -> tuple[datetime.date, str] | None:
    """The first day and precision of the period a relative phrase names, seen from the reference."""
    try:
        if phrase.unit == "year":
            return datetime.date(reference.year + phrase.offset, 1, 1), "year"
        if phrase.unit == "month":
            index = reference.year * 12 + reference.month - 1 + phrase.offset
            return datetime.date(index // 12, index % 12 + 1, 1), "month"
        if phrase.unit == "week":
            # A week is finer than any precision we publish but coarser than a day: say its month.
            day = reference + datetime.timedelta(days=7 * phrase.offset)
            return datetime.date(day.year, day.month, 1), "month"
        if phrase.unit == "day":
            return reference + datetime.timedelta(days=phrase.offset), "day"
    except (ValueError, OverflowError):
        return None
    return None


def _is_money_not_year(text: str, start: int, end: int, patterns: _DatePatterns) -> bool:
    """Whether a four-digit number is an amount: a scale or currency right after or before it."""
    if patterns.amount_after.match(text, end):
        return True
    return patterns.amount_before.search(text[max(0, start - 24) : start]) is not None


def _resolve_match(
    match: re.Match[str], text: str, reference: datetime.date | None, patterns: _DatePatterns
) -> tuple[int, int, datetime.date, str, bool] | None:
    """(start, end, value, precision, relative) for one scanner match, or None when it is no date."""
    groups = match.groupdict()  # the groups of the scanner that matched: of all, or of one kind of alternative
    start, end = match.span()
    if groups.get("iso_y") is not None or groups.get("dmy_y") is not None:
        prefix = "iso" if groups.get("iso_y") is not None else "dmy"
        year, month, day = (_digits(groups[f"{prefix}_{part}"]) for part in ("y", "m", "d"))
        value = _safe_date(year, month, day)
        return (start, end, value, "day", False) if value else None
    for prefix in ("dm", "md", "my"):
        name = groups.get(f"{prefix}_mon")
        if name is None:
            continue
        month = patterns.months[name].month
        raw_day, raw_year = groups.get(f"{prefix}_d"), groups.get(f"{prefix}_y")
        year = _digits(raw_year) if raw_year else None
        if year is not None and not FULL_YEAR_MIN <= year <= FULL_YEAR_MAX:
            return None
        if raw_day is None:
            value = _safe_date(year, month, 1) if year is not None else None
            return (start, end, value, "month", False) if value else None
        day = _digits(raw_day)
        if year is not None:
            value = _safe_date(year, month, day)
            return (start, end, value, "day", False) if value else None
        if reference is None:
            return None
        value = _closest_day(month, day, reference)
        return (start, end, value, "day", True) if value else None
    if groups.get("mon") is not None:
        entry = patterns.months[groups["mon"]]
        if not entry.standalone or reference is None:
            return None
        value = _closest_month(entry.month, reference)
        return (start, end, value, "month", True) if value else None
    if groups.get("rel") is not None:
        if reference is None:
            return None
        phrase = patterns.relative.get(_phrase_key(groups["rel"]))
        resolved = resolve_relative(phrase, reference) if phrase else None
        return (start, end, resolved[0], resolved[1], True) if resolved else None
    year = _digits(groups["year"])
    if not YEAR_MIN <= year <= YEAR_MAX or _is_money_not_year(text, start, end, patterns):
        return None
    return start, end, datetime.date(year, 1, 1), "year", False


def find_dates(text: str, reference: datetime.date | None, lexicon: DateLexicon) -> list[DateMention]:
    """Dates stated in the text, sorted by start, not overlapping; partial and relative ones need a reference."""
    patterns = _date_patterns(lexicon)
    mentions: list[DateMention] = []
    covered = 0
    # The scanner runs only where a digit or keyword starts: most of a Hindi article is neither.
    starts, words = candidate_starts(text, patterns.keywords)
    for position in starts:
        if position < covered:
            continue
        # Alternatives that start with a number need a digit here, those that start with a word need a keyword.
        if position not in words:
            scanner = patterns.number_scanner
        else:
            scanner = patterns.scanner if text[position].isdecimal() else patterns.word_scanner
        match = scanner.match(text, position)
        resolved = _resolve_match(match, text, reference, patterns) if match else None
        if resolved is None:
            continue
        start, end, value, precision, relative = resolved
        mentions.append(DateMention(start, end, value, precision, relative, text[start:end]))
        covered = end
    return mentions


def _parse_iso(raw: str) -> datetime.date | None:
    """The date part of an ISO 8601 date or date-time, as written (no time-zone shift)."""
    try:
        return datetime.datetime.fromisoformat(raw).date()
    except ValueError:
        return None


def _parse_rfc2822(raw: str) -> datetime.date | None:
    """The date part of an RFC 2822 date-time, as written (no time-zone shift)."""
    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_date_value(raw: str, lexicon: DateLexicon) -> datetime.date | None:
    """The day a metadata date string states (ISO 8601, RFC 2822, written-out or d-m-y), else None."""
    value = raw.strip()
    if not value:
        return None
    parsed = _parse_iso(value)
    if parsed is not None:
        return parsed
    for mention in find_dates(value, None, lexicon):
        if mention.precision == "day":
            return mention.value
    return _parse_rfc2822(value)


def latest_full_date(text: str, lexicon: DateLexicon) -> datetime.date | None:
    """The latest complete (day, month and year) date stated in the text, else None."""
    days = [mention.value for mention in find_dates(text, None, lexicon) if mention.precision == "day"]
    return max(days, default=None)
