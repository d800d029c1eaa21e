"""English names for Hindi names nobody listed: romanisation with Hindi schwa deletion, press spellings, stable ids.

A name is rendered word by word: a word the reference data knows (a personal name, an English loanword, a listed
place) takes its known English spelling; any other word is romanised (aksharamukha's IAST with its Hindi schwa
deletion, a second pass for the medial schwas it keeps, then folded to the ASCII spelling English-language press
uses: श -> sh, च -> ch, अं -> n/m). The result is then normalised to a close known spelling, if there is one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from aksharamukha import transliterate
from rapidfuzz import fuzz, process


# A romanised word within this similarity (rapidfuzz ratio, 0-100) of a known English word takes its spelling.
WORD_SIMILARITY = 86.0
# A whole romanised name within this similarity of a gazetteer name is that entity.
NAME_SIMILARITY = 90.0
# A romanised name within this similarity of an English gloss in the same article takes the gloss's spelling.
GLOSS_SIMILARITY = 80.0

# IAST units: consonants (digraphs first), vowels, and codas (anusvara, candrabindu, visarga).
_UNIT = re.compile(
    r"(?P<c>k͟h|kh|gh|ch|jh|ṭh|ḍh|th|dh|ph|bh|r̤h|r̤|[kgṅcjñṭḍṇtdnpbmyrlvśṣshqzfġẏḻ])"
    r"|(?P<v>ai|au|[aāiīuūeoṛēōôê])"
    r"|(?P<o>.)",
    re.S,
)
# IAST -> press ASCII, applied in order (longer sequences first).
_ASCII_FOLDS = (
    ("k͟h", "kh"), ("r̤h", "rh"), ("r̤", "r"), ("ṛ", "ri"), ("jñ", "gy"), ("ch", "\x00"), ("c", "ch"), ("\x00", "chh"), ("vv", "ww"),
    ("ś", "sh"), ("ṣ", "sh"), ("ñ", "n"), ("ṅ", "n"), ("ṇ", "n"), ("m̐", "n"), ("ḥ", "h"), ("ṭ", "t"), ("ḍ", "d"),
    ("ā", "a"), ("ī", "i"), ("ū", "u"), ("ô", "o"), ("ê", "e"), ("ē", "e"), ("ō", "o"), ("ẏ", "y"), ("ġ", "gh"), ("ḻ", "l"),
)
_ANUSVARA_LABIAL = re.compile(r"ṃ(?=[pbm])")
_ANUSVARA = re.compile(r"[ṃṁ]")
_WORD_SPLIT = re.compile(r"([\s\-]+)")


@dataclass(frozen=True)
class NameLexicon:
    """Known English spellings of Hindi words (keys in the matching form) and the English words for fuzzy matching."""

    person_words: Mapping[str, str]      # given names, surnames, initials
    particles: Mapping[str, str]         # bin, al, ul: lower case inside names
    loanwords: Mapping[str, str]         # English words written in Devanagari (नेशनल -> National)
    place_words: Mapping[str, str]       # single-word names of listed places and countries (बीजिंग -> Beijing)
    english_words: tuple[str, ...]       # press spellings a romanised word may be normalised to


def build_name_lexicon(
    person_rows: Iterable[tuple[str, str]],
    particle_rows: Iterable[tuple[str, str]],
    loanword_rows: Iterable[tuple[str, str]],
    place_rows: Iterable[tuple[str, str]],
    fold,
) -> NameLexicon:
    """Key every Hindi form by its matching form (`fold`), so spelling variants find the same English word."""
    def keyed(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
        table: dict[str, str] = {}
        for hindi, english in rows:
            table.setdefault(fold(hindi), english)
        return table

    persons, loans = keyed(person_rows), keyed(loanword_rows)
    english = sorted({w for value in list(persons.values()) + list(loans.values()) for w in value.split() if len(w) > 2})
    return NameLexicon(persons, keyed(particle_rows), loans, keyed(place_rows), tuple(english))


def _units(word: str) -> list[tuple[str, str]]:
    return [(m.group(), m.lastgroup) for m in _UNIT.finditer(word)]


def delete_medial_schwas(word: str) -> str:
    """Drop the inherent 'a' between two single consonants after a vowel and before a vowel (VC_CV), right to left.

    The 'a' before a word-final syllable with a short vowel stays: compounds such as senāpati and adhipati keep it,
    while murali -> murli, manamohan -> manmohan, jagadalpur -> jagdalpur lose it.
    """
    units = _units(word)
    index = len(units) - 1
    while index >= 2:
        text, kind = units[index]
        if (text == "a" and kind == "v" and index + 2 < len(units)
                and units[index - 1][1] == "c" and units[index - 2][1] == "v"
                and units[index + 1][1] == "c" and units[index + 2][1] == "v"
                and not (index + 3 == len(units) and units[index + 2][0] in ("i", "u"))):
            del units[index]
        index -= 1
    return "".join(text for text, _ in units)


def _with_schwa_deletion(full: str, deleted: str) -> str:
    """aksharamukha's word-final schwa deletion (its RemoveSchwaHindi output) with our medial rule on the full form."""
    words = []
    for whole, short in zip(_WORD_SPLIT.split(full), _WORD_SPLIT.split(deleted), strict=False):
        if _WORD_SPLIT.fullmatch(whole) or not whole:
            words.append(whole)
            continue
        if whole.endswith("a") and not short.endswith("a") and len(whole) > 1:
            whole = whole[:-1]
        words.append(delete_medial_schwas(whole))
    return "".join(words)


def _ascii_press(iast: str) -> str:
    text = _ANUSVARA.sub("n", _ANUSVARA_LABIAL.sub("m", iast))
    for source, target in _ASCII_FOLDS:
        text = text.replace(source, target)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:] if len(word) > 1 else word


@lru_cache(maxsize=65536)
def romanize(hindi: str) -> str:
    """Press-style ASCII romanisation of Devanagari with schwa deletion: 'मनमोहन सिंह' -> 'Manmohan Singh'."""
    deleted = transliterate.process("Devanagari", "IAST", hindi, pre_options=["RemoveSchwaHindi"])
    full = transliterate.process("Devanagari", "IAST", hindi)
    iast = _with_schwa_deletion(full, deleted) if len(_WORD_SPLIT.split(full)) == len(_WORD_SPLIT.split(deleted)) else deleted
    parts = _WORD_SPLIT.split(iast)
    words = [part if _WORD_SPLIT.fullmatch(part) else _capitalise(_ascii_press(part)) for part in parts]
    return "".join(words).strip()


def _closest(word: str, choices: Sequence[str], cutoff: float) -> str | None:
    found = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff, processor=str.lower) if choices else None
    return found[0] if found else None


def english_word(token: str, folded: str, lexicon: NameLexicon, kind: str) -> tuple[str, bool]:
    """One word of a name in English, and whether it was known (not romanised). kind: person, org or place."""
    tables = (lexicon.person_words, lexicon.place_words, lexicon.loanwords) if kind == "person" else (lexicon.loanwords, lexicon.place_words, lexicon.person_words)
    for table in tables:
        if folded in table:
            return table[folded], True
    if folded in lexicon.particles:
        return lexicon.particles[folded], True
    if not re.search(r"[\u0900-\u097F]", token):
        return token, True
    roman = romanize(token)
    if kind != "person" and len(roman) > 3:
        # Organisations and places are often English words in Devanagari: take the English spelling when close.
        close = _closest(roman, lexicon.english_words, WORD_SIMILARITY)
        if close:
            return close, True
    return roman, False


def english_name(tokens: Sequence[str], folded: Sequence[str], lexicon: NameLexicon, kind: str) -> tuple[str, bool]:
    """A name's words in English, joined; True when every word had a known spelling."""
    words, all_known = [], True
    for token, key in zip(tokens, folded, strict=True):
        if "-" in token:
            parts = [english_word(p, f, lexicon, kind) for p, f in zip(token.split("-"), key.split("-"), strict=False)]
            words.append("-".join(p for p, _ in parts))
            all_known = all_known and all(k for _, k in parts)
            continue
        word, known = english_word(token, key, lexicon, kind)
        words.append(word)
        all_known = all_known and known
    return " ".join(words), all_known


def closest_name(name: str, choices: Sequence[str], cutoff: float = NAME_SIMILARITY) -> int | None:
    """Index of the known name most similar to `name` (case-insensitive), if it is at least `cutoff` similar."""
    found = process.extractOne(name, choices, scorer=fuzz.ratio, score_cutoff=cutoff, processor=str.lower) if choices else None
    return found[2] if found else None


def ascii_fold(text: str) -> str:
    """Latin letters without diacritics: 'René' -> 'Rene'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
