"""Cleaning article text: Unicode normalisation, header fields, embedded posts, sentences, matching form."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import NamedTuple

from babel.dates import get_month_names

HEADER_KEYS = ("date", "title", "url", "source")

# Line separators other than LF that editors and web pages leave in text (those str.splitlines() knows).
_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# Invisible format characters that split words for matching: zero-width space/joiners, word joiner,
# BOM, plus the soft hyphen and bidi marks and embeddings that web copy-paste leaves behind.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _normalization_table() -> dict[int, str | None]:
    """str.translate table: line breaks to LF, tab and Unicode spaces to space, controls and invisibles removed."""
    table: dict[int, str | None] = {cp: None for cp in [*range(0x20), *range(0x7F, 0xA0)]}
    table.update({ord(ch): None for ch in _INVISIBLE})
    # Every Zs (space separator) lies below U+3001.
    table.update({cp: " " for cp in range(0x3001) if unicodedata.category(chr(cp)) == "Zs"})
    table.update({ord(ch): "\n" for ch in _LINE_BREAKS})
    table[ord("\t")] = " "
    del table[ord("\n")]
    return table


_NORMALIZATION_TABLE = _normalization_table()
_TO_NORMALIZE = re.compile("[" + "".join(re.escape(chr(cp)) for cp, to in sorted(_NORMALIZATION_TABLE.items()) if to != chr(cp)) + "]")
_SPACE_RUN = re.compile(r" {2,}")
_SPACES_AROUND_LF = re.compile(r" *\n *")
_BLANK_LINE_RUN = re.compile(r"\n{3,}")

_HEADER_FIELD = re.compile(rf"(?P<key>{'|'.join(HEADER_KEYS)})(?P<sep> *: *| +)", re.IGNORECASE)
_HEADER_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?![\w-])")

# "— Name (@handle) Month D, YYYY" (or "D Month YYYY"), the attribution line of a pasted social-media post.
_ATTRIBUTION = re.compile(
    r"[—–―-] *(?P<author>.*?) *\(@(?P<handle>[A-Za-z0-9_.]+(?:@[A-Za-z0-9_.-]+)?)\)"
    r"(?: *(?:(?P<month>[A-Za-z]{3,})\.? +(?P<day>\d{1,2}),? +(?P<year>\d{4})"
    r"|(?P<day_first>\d{1,2}) +(?P<month_second>[A-Za-z]{3,})\.?,? +(?P<year_second>\d{4})))? *"
)
_ENGLISH_MONTHS = tuple((number, name.lower()) for number, name in get_month_names("wide", locale="en").items())
# Devanagari letters and signs, without danda, digits and the abbreviation sign.
_DEVANAGARI_LETTER = re.compile(r"[\u0900-\u0963\u0971-\u097F\uA8E0-\uA8FF]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")

_TERMINATOR_RUN = re.compile(r"[.।॥?!]+[\"'”’»)\]]*")
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
_DOTTED_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


@dataclass(frozen=True)
class Embed:
    """A social-media post pasted into the text: its span (post lines and attribution line) and attribution."""

    start: int
    end: int
    author: str | None
    handle: str | None
    posted: datetime.date | None


class Sentence(NamedTuple):
    """A sentence: text[start:end], trimmed; paragraph counts non-blank lines from 0; in_quote if inside an Embed."""

    # A named tuple, not a frozen dataclass: an article has dozens of sentences, and a frozen
    # dataclass took almost three times as long to create.
    index: int
    start: int
    end: int
    paragraph: int
    in_quote: bool


@dataclass(frozen=True)
class MatchingForm:
    """Folded text for dictionary matching; folded [i, j) is source [to_source[i], to_source[j])."""

    text: str
    to_source: tuple[int, ...]  # len(text) + 1 entries, non-decreasing, from 0 to len(source)


@dataclass(frozen=True)
class CleanText:
    """An article's header fields, cleaned body text, embedded posts and sentences (offsets in text)."""

    header: dict[str, str]
    text: str
    embeds: tuple[Embed, ...]
    sentences: tuple[Sentence, ...]


def normalize_text(raw: str) -> str:
    """NFC text with LF line ends, no invisible or control characters, single spaces and at most one blank line."""
    text = raw.replace("\r\n", "\n")
    # Most articles hold none of the characters to replace, and are NFC already: a scan in C tells.
    if _TO_NORMALIZE.search(text):
        text = text.translate(_NORMALIZATION_TABLE)
    # NFC after the removals, since a removed character can sit between a letter and its mark.
    if not _is_nfc(text):
        text = unicodedata.normalize("NFC", text)
    # Each rewrite only where its pattern can change something: a substring test in C is much faster than a regex scan.
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _SPACES_AROUND_LF.sub("\n", text)
    if "\n\n\n" in text:
        text = _BLANK_LINE_RUN.sub("\n\n", text)
    return text.strip(" \n")


def _is_nfc(text: str) -> bool:
    """unicodedata.is_normalized("NFC", text), checked one distinct space-separated word at a time.

    A nukta makes the quick check answer "maybe", and the full check then normalizes the whole text (slow);
    word by word only the words with a nukta pay. Exact: a space neither composes nor reorders with its
    neighbours, so NFC(a + " " + b) == NFC(a) + " " + NFC(b).
    """
    return all(map(_IS_NFC_WORD, set(text.split(" "))))


_IS_NFC_WORD = partial(unicodedata.is_normalized, "NFC")


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Header fields (date, title, url, source) at the very start of a normalized text, and the body after them."""
    fields: dict[str, str] = {}
    position = 0
    while match := _HEADER_FIELD.match(text, position):
        key = match["key"].lower()
        # "key value" without a colon only in lower case, so a body opening "Source of ..." stays body.
        if key in fields or (":" not in match["sep"] and match["key"] != key):
            break
        line_end = _line_end(text, match.end())
        if key == "date":
            date = _HEADER_DATE.match(text, match.end())
            if date is None:
                break
            fields[key] = date.group()
            if text[date.end() : line_end].strip():
                # The sample feeds put the body on the date's own line: "date 2025-11-07 China Vs US ...".
                position = date.end()
                break
        else:
            value = text[match.end() : line_end].strip()
            if not value:
                break
            fields[key] = value
        position = line_end + 1
    return fields, text[position:].lstrip(" \n")


def _line_end(text: str, position: int) -> int:
    """Index of the LF ending the line at position, or the length of text."""
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line of text with the offset where it starts."""
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1


def find_embeds(text: str) -> list[Embed]:
    """Social-media posts pasted into the text: non-Hindi lines closed by a '— Name (@handle) date' line."""
    lines = list(_lines(text))
    embeds: list[Embed] = []
    for number, (start, line) in enumerate(lines):
        attribution = _ATTRIBUTION.fullmatch(line)
        if attribution is None:
            continue
        first = number
        while first > 0 and _continues_post(lines[first - 1][1]):
            first -= 1
        embeds.append(
            Embed(
                start=lines[first][0],
                end=start + len(line.rstrip()),
                author=attribution["author"] or None,
                handle=attribution["handle"],
                posted=_posted_date(attribution),
            )
        )
    return embeds


def _continues_post(line: str) -> bool:
    """True for a line that can belong to the post above an attribution line."""
    return bool(line.strip()) and not _is_hindi_dominant(line) and _ATTRIBUTION.fullmatch(line) is None


def _is_hindi_dominant(line: str) -> bool:
    """True when Devanagari letters outnumber Latin ones in the line."""
    return len(_DEVANAGARI_LETTER.findall(line)) > len(_LATIN_LETTER.findall(line))


def _posted_date(attribution: re.Match[str]) -> datetime.date | None:
    """The date of an attribution line, or None when it has none or it is not a real day."""
    month_name = attribution["month"] or attribution["month_second"]
    if month_name is None:
        return None
    month = _english_month(month_name)
    day = int(attribution["day"] or attribution["day_first"])
    year = int(attribution["year"] or attribution["year_second"])
    if month is None:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _english_month(token: str) -> int | None:
    """Month number of an English month name or abbreviation (three letters or more: Feb, Sept, February)."""
    token = token.lower()
    return next((number for number, name in _ENGLISH_MONTHS if name.startswith(token)), None)


def split_sentences(
    text: str, embeds: Sequence[Embed] = (), abbreviations: frozenset[str] = frozenset()
) -> list[Sentence]:
    """Sentences ending at । ॥ ? ! . or a line end, keeping initials, abbreviations, decimals and ellipses whole."""
    spans: list[tuple[int, int, int]] = []
    paragraph = -1
    for line_start, line in _lines(text):
        if not line.strip():
            continue
        paragraph += 1
        segment_start = 0
        for terminator in _TERMINATOR_RUN.finditer(line):
            if _ends_sentence(line, terminator, abbreviations):
                _add_trimmed(spans, line, line_start, segment_start, terminator.end(), paragraph)
                segment_start = terminator.end()
        _add_trimmed(spans, line, line_start, segment_start, len(line), paragraph)
    if not embeds:
        return [Sentence(index, start, end, paragraph, False) for index, (start, end, paragraph) in enumerate(spans)]
    return [
        Sentence(index, start, end, paragraph, any(e.start <= start and end <= e.end for e in embeds))
        for index, (start, end, paragraph) in enumerate(spans)
    ]


def _add_trimmed(spans: list[tuple[int, int, int]], line: str, line_start: int, start: int, end: int, paragraph: int) -> None:
    """Add the span line[start:end] without surrounding whitespace, in text offsets, unless it is blank."""
    segment = line[start:end]
    stripped = segment.strip()
    if stripped:
        begin = line_start + start + (len(segment) - len(segment.lstrip()))
        spans.append((begin, begin + len(stripped), paragraph))


def _ends_sentence(line: str, terminator: re.Match[str], abbreviations: frozenset[str]) -> bool:
    """True when a run of terminators (with closing quotes after it) ends a sentence."""
    core = terminator.group().rstrip(_CLOSERS)
    after = line[terminator.end() : terminator.end() + 1]
    if "।" in core or "॥" in core:
        return True
    if "?" in core or "!" in core:
        return not after or after.isspace()
    if len(core) > 1:
        return False  # an ellipsis "..." continues the sentence
    dot = terminator.start()
    word_start = line.rfind(" ", 0, dot) + 1
    word = line[word_start:dot].lstrip(_OPENERS)
    if after and not after.isspace():
        # Text right after the dot: "U.S", "3.5", "e.g", "example.com" go on; only two Devanagari
        # words glued by a dot ("है.उन्होंने") are a full stop with its space missing.
        glued = core == terminator.group() and _is_devanagari(line[dot - 1 : dot]) and _is_devanagari(after)
        return glued and word not in abbreviations
    if word in abbreviations or _DOTTED_INITIALS.fullmatch(word):
        return False
    if len(word) == 1 and "A" <= word <= "Z" and _next_word_capitalised(line, terminator.end()):
        return False  # a Latin initial: "S. Jaishankar"
    if word_start == 0 and word.isdigit() and len(word) <= 3:
        return False  # a list number: "1. ..."
    return True


def _is_devanagari(character: str) -> bool:
    """True for a Devanagari letter or sign (not a digit or danda)."""
    return bool(character) and _DEVANAGARI_LETTER.match(character) is not None


def _next_word_capitalised(line: str, position: int) -> bool:
    """True when the next word after position starts with a Latin capital."""
    rest = line[position:].lstrip()
    return bool(rest) and "A" <= rest[0] <= "Z"


def matching_form(text: str, variants: Sequence[tuple[str, str]]) -> MatchingForm:
    """Text with letters lower-cased and spelling variants folded, with a map back to source offsets."""
    replacements, pattern, table = _variant_index(tuple(variants))
    folded = _fold_case(text)
    for variant, canonical in replacements:
        folded = folded.replace(variant, canonical)
    # Offsets are sliced from one shared tuple of ints: creating a fresh int for every character cost more than the folding.
    integers = _integers(len(text) + 1)
    if pattern is None:
        return MatchingForm(folded, integers[: len(text) + 1])
    pieces: list[str] = []
    to_source: list[int] = []
    add_piece, add_offsets = pieces.append, to_source.extend  # bound once: this loop runs for every folded variant
    position = 0
    for match in pattern.finditer(folded):
        start, end = match.span()
        if start > position:
            add_piece(folded[position:start])
            add_offsets(integers[position:start])
        canonical, offsets = table[match.group()]
        if not canonical and not to_source:
            # A dropped mark belongs to the character before it; at the very start there is none,
            # so it stays, which keeps to_source starting at 0.
            add_piece(folded[start:end])
            add_offsets(integers[start:end])
        else:
            add_piece(canonical)
            add_offsets(map(start.__add__, offsets))
        position = end
    add_piece(folded[position:])
    add_offsets(integers[position : len(text) + 1])
    return MatchingForm("".join(pieces), tuple(to_source))


def _integers(count: int) -> tuple[int, ...]:
    """A shared tuple (0, 1, 2, ...) of at least `count` ints."""
    return _integers_below(1 << max(count - 1, 1).bit_length())


@lru_cache(maxsize=None)
def _integers_below(stop: int) -> tuple[int, ...]:
    return tuple(range(stop))


def folded_text(text: str, variants: Sequence[tuple[str, str]]) -> str:
    """matching_form(text, variants).text without the offsets: for words and names, folded by the thousand."""
    return _folded_by(_variant_index(tuple(variants)), text)


def word_folder(variants: Sequence[tuple[str, str]]) -> Callable[[str], str]:
    """folded_text for many words with the same variants: their index is looked up once, not hashed for each word."""
    return partial(_folded_by, _variant_index(tuple(variants)))


def _folded_by(index: tuple[tuple[tuple[str, str], ...], re.Pattern[str] | None, dict[str, tuple[str, tuple[int, ...]]]], text: str) -> str:
    replacements, pattern, table = index
    folded = _fold_case(text)
    for variant, canonical in replacements:
        folded = folded.replace(variant, canonical)
    return folded if pattern is None else pattern.sub(partial(_canonical_of, table), folded)


def _canonical_of(table: dict[str, tuple[str, tuple[int, ...]]], match: re.Match[str]) -> str:
    """A variant's canonical form; a mark to drop stays at the very start, as in matching_form."""
    canonical = table[match.group()][0]
    return canonical if canonical or match.start() else match.group()


def _fold_case(text: str) -> str:
    """Lower-cased text, one character for one (characters whose lower case is longer stay as they are)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(lower if len(lower := character.lower()) == 1 else character for character in text)


@lru_cache(maxsize=16)
def _variant_index(
    variants: tuple[tuple[str, str], ...],
) -> tuple[tuple[tuple[str, str], ...], re.Pattern[str] | None, dict[str, tuple[str, tuple[int, ...]]]]:
    """How to fold a text's variants: str.replace for single characters, one regex for the rest.

    The regex runs over all other variants, longest first (so the longest wins), with each variant's canonical
    and alignment. A one-for-one character no other variant contains, in or out, folds the same way through
    str.replace, in C and without moving any offset: ी and ई, frequent in every Hindi sentence. One replace per
    character beats one str.translate over the text tenfold (translate looks every character up in a dict); the
    replaces are independent because no replaced character is another one's replacement.
    """
    table: dict[str, tuple[str, tuple[int, ...]]] = {}
    for variant, canonical in variants:
        if not variant:
            raise ValueError("spelling variants: a row has an empty variant, which cannot be folded")
        table.setdefault(variant, (canonical, _alignment(variant, canonical)))
    singles = {v: c for v, (c, _) in table.items() if len(v) == 1 and len(c) == 1}
    in_regex = set(table) - set(singles)
    while True:  # a single is safe when no regex variant holds its character or its replacement
        held = {char for variant in in_regex for char in variant}
        unsafe = {v for v, c in singles.items() if v not in in_regex and (v in held or c in held or c in singles)}
        if not unsafe:
            break
        in_regex |= unsafe
    replacements = tuple((v, c) for v, c in singles.items() if v not in in_regex)
    if not in_regex:
        return replacements, None, table
    ordered = sorted((v for v in table if v in in_regex), key=len, reverse=True)
    return replacements, re.compile("|".join(map(re.escape, ordered))), table


def _alignment(variant: str, canonical: str) -> tuple[int, ...]:
    """For each canonical character, its offset in the variant: shared prefix and suffix keep their place."""
    shortest = min(len(variant), len(canonical))
    prefix = 0
    while prefix < shortest and variant[prefix] == canonical[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and variant[-1 - suffix] == canonical[-1 - suffix]:
        suffix += 1
    middle = len(canonical) - prefix - suffix
    offsets = [*range(prefix), *[prefix] * middle, *range(len(variant) - suffix, len(variant))]
    # The chunk's first character starts where the variant starts, so nothing of the source is skipped.
    return tuple([0, *offsets[1:]]) if offsets else ()


def clean_article_text(raw_text: str, abbreviations: frozenset[str]) -> CleanText:
    """Normalized text without its header, with its embedded posts and sentences."""
    header, body = split_header(normalize_text(raw_text))
    embeds = find_embeds(body)
    sentences = split_sentences(body, embeds, abbreviations)
    return CleanText(header=header, text=body, embeds=tuple(embeds), sentences=tuple(sentences))
