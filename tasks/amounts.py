"""Finding money amounts ("50 करोड़ डॉलर", "$500 million") in Hindi and English news text."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import ahocorasick

from tasks.dates import LETTER, SPACE, WORD_END, WORD_START, candidate_starts, keyword_automaton, literal_alternation


@dataclass(frozen=True)
class Currency:
    """A currency word or sign, its ISO 4217 code and whether it stands before or after the number."""

    word: str
    iso4217: str
    before: bool
    after: bool


# eq=False: compared and hashed by identity, so the per-call pattern cache costs nothing to look up.
@dataclass(frozen=True, eq=False)
class AmountLexicon:
    """Everything amount finding needs from data/reference/, loaded by tasks.reference.load_amount_lexicon."""

    scales: tuple[tuple[str, Decimal], ...]  # (word, multiplier)
    # Scales that are also common nouns (अरब, "Arab"): after a number word they need a currency.
    ambiguous_scales: frozenset[str]
    currencies: tuple[Currency, ...]
    number_words: tuple[tuple[str, Decimal], ...]  # (word, value)


@dataclass(frozen=True)
class AmountMention:
    """A money amount stated in the text, in currency units with its scales applied."""

    start: int
    end: int
    value: float
    currency: str | None  # ISO 4217, None when the text states no currency
    text: str


@dataclass(frozen=True)
class _AmountPatterns:
    """Compiled regexes and lookups for one lexicon."""

    keywords: ahocorasick.Automaton | None
    scanner: re.Pattern[str]
    # The scanner without the parts that start with a word (a currency before the number, a number word): where no
    # keyword starts, only digits can, and trying only them finds the same match.
    number_scanner: re.Pattern[str]
    scale_word: re.Pattern[str]
    scales: dict[str, Decimal]
    currencies_before: dict[str, str]
    currencies_after: dict[str, str]
    number_words: dict[str, Decimal]
    ambiguous_scales: frozenset[str]


def _word_key(word: str) -> str:
    """The lookup key of a lexicon word as matched case-insensitively and with any spacing."""
    return " ".join(word.split()).casefold()


@lru_cache(maxsize=8)
def _amount_patterns(lexicon: AmountLexicon) -> _AmountPatterns:
    """Compile the scanner for a lexicon once."""
    scales = literal_alternation([word for word, _ in lexicon.scales]) or r"(?!)"
    before = literal_alternation([c.word for c in lexicon.currencies if c.before]) or r"(?!)"
    after = literal_alternation([c.word for c in lexicon.currencies if c.after]) or r"(?!)"
    words = literal_alternation([word for word, _ in lexicon.number_words]) or r"(?!)"
    # 1,200 and 1,20,000 (Indian grouping) or plain digits, with an optional decimal part.
    digits = r"(?:\d{1,3}(?:,\d{2,3})+|\d+)(?:\.\d+)?(?!\d)(?![.,]\d)"
    start = rf"(?<!\w)(?<!{LETTER})(?<!\d[.,])"
    tail = (
        rf"(?P<scales>(?:{SPACE}*-?{SPACE}*(?:{scales}){WORD_END})(?:{SPACE}+(?:{scales}){WORD_END})*)?"
        rf"(?:{SPACE}*(?P<after>{after}){WORD_END})?"
        rf"(?!{SPACE}*%)"
    )
    scanner = re.compile(
        rf"{start}(?:(?P<before>{before}){WORD_END}{SPACE}*)?"
        rf"(?:(?P<digits>{digits})|{WORD_START}(?P<word>{words}){WORD_END}){tail}",
        re.IGNORECASE,
    )
    return _AmountPatterns(
        keywords=keyword_automaton(
            [c.word for c in lexicon.currencies if c.before] + [word for word, _ in lexicon.number_words]
        ),
        scanner=scanner,
        number_scanner=re.compile(rf"{start}(?P<digits>{digits}){tail}", re.IGNORECASE),
        scale_word=re.compile(rf"{WORD_START}(?:{scales}){WORD_END}", re.IGNORECASE),
        scales={_word_key(word): multiplier for word, multiplier in lexicon.scales},
        currencies_before={_word_key(c.word): c.iso4217 for c in lexicon.currencies if c.before},
        currencies_after={_word_key(c.word): c.iso4217 for c in lexicon.currencies if c.after},
        number_words={_word_key(word): value for word, value in lexicon.number_words},
        ambiguous_scales=frozenset(_word_key(word) for word in lexicon.ambiguous_scales),
    )


def _number_value(groups: dict[str, str | None], patterns: _AmountPatterns) -> Decimal | None:
    """The number an amount starts with, from digits (ASCII or Devanagari) or a number word."""
    if groups["digits"] is not None:
        try:
            return Decimal(groups["digits"].replace(",", ""))
        except InvalidOperation:
            return None
    return patterns.number_words.get(_word_key(groups["word"]))  # no digits: the full scanner matched a number word


def find_amounts(text: str, lexicon: AmountLexicon) -> list[AmountMention]:
    """Money amounts in the text, sorted by start: a number with a scale word, a currency, or both."""
    patterns = _amount_patterns(lexicon)
    mentions: list[AmountMention] = []
    covered = 0
    # The scanner runs only where a digit, number word or currency sign starts.
    starts, words = candidate_starts(text, patterns.keywords)
    for position in starts:
        if position < covered:
            continue
        match = (patterns.scanner if position in words else patterns.number_scanner).match(text, position)
        if match is None:
            continue
        groups = match.groupdict()  # of the scanner that matched: the number scanner has no 'before' nor 'word'
        before, scale_text, after = groups.get("before"), groups["scales"], groups["after"]
        if before is None and scale_text is None and after is None:
            continue  # a bare number: a count, a year, a page
        scale_words = [_word_key(word) for word in patterns.scale_word.findall(scale_text or "")]
        currency = (
            patterns.currencies_before.get(_word_key(before))
            if before is not None
            else patterns.currencies_after.get(_word_key(after))
            if after is not None
            else None
        )
        if (
            currency is None
            and groups.get("word") is not None
            and scale_words
            and all(word in patterns.ambiguous_scales for word in scale_words)
        ):
            continue  # "पांच अरब देशों": five Arab countries, not five billion
        number = _number_value(groups, patterns)
        multipliers = [patterns.scales.get(word) for word in scale_words]
        if number is None or None in multipliers:
            continue
        value = float(math.prod(multipliers, start=number))
        if not math.isfinite(value):
            continue
        start, end = match.span()
        mentions.append(AmountMention(start, end, value, currency, text[start:end]))
        covered = end
    return mentions


def amount_in_usd(amount: AmountMention) -> float | None:
    """The amount's value when it is stated in US dollars, else None (no exchange-rate conversion)."""
    return amount.value if amount.currency == "USD" else None
