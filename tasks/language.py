"""Deciding an article's main language: script first, then function words for Devanagari languages."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from itertools import islice

# Share of letters that must be in one script for the text to count as that script (above one half).
DOMINANT_SHARE = 0.6
# Marathi or Nepali must out-count Hindi by this many marker words before the text is called Marathi or Nepali.
MIN_MARKER_LEAD = 3
_WORD_CHARS = "\u0900-\u0963\u0966-\u097F"
_WORD = re.compile(f"[{_WORD_CHARS}]+")
# Unicode blocks holding every letter named LATIN or DEVANAGARI (tests/tasks/test_language.py checks all of Unicode).
_SCRIPT_BLOCKS = {
    "LATIN": (
        (0x0000, 0x02AF), (0x1D00, 0x1DBF), (0x1E00, 0x1EFF), (0x2070, 0x209F), (0x2150, 0x218F), (0x2C60, 0x2C7F),
        (0xA720, 0xA7FF), (0xAB30, 0xAB6F), (0xFB00, 0xFB4F), (0x10780, 0x107BF), (0x1DF00, 0x1DFFF),
    ),
    "DEVANAGARI": ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x11B00, 0x11B5F)),
}


@lru_cache(maxsize=65536)
def _script(char: str) -> str | None:
    """'DEVANAGARI' or 'LATIN' for a letter of that script, else None."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return "DEVANAGARI" if name.startswith("DEVANAGARI") else "LATIN" if name.startswith("LATIN") else None


def _letter_pattern(script: str) -> re.Pattern[str]:
    """A regex matching one letter of the script: a character class, so counting runs in C, not char by char in Python."""
    ranges: list[list[int]] = []
    for first, last in _SCRIPT_BLOCKS[script]:
        for cp in range(first, last + 1):
            if _script(chr(cp)) != script:
                continue
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    # Ranges, not a list of characters: the regex engine tests a few ranges per character much faster.
    return re.compile("[" + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in ranges) + "]")


_LATIN_LETTER = _letter_pattern("LATIN")
_DEVANAGARI_LETTER = _letter_pattern("DEVANAGARI")


def detect_language(text: str, markers: Mapping[str, str]) -> str:
    """'hi', 'mr' or 'ne' for Devanagari-dominant text (by marker words), 'en' for Latin-dominant text, else 'und'."""
    latin = len(_LATIN_LETTER.findall(text))  # ASCII letters are shared one-letter strings: the list costs little
    devanagari = _devanagari_letters(text, latin)
    letters = devanagari + latin
    if letters == 0:
        return "und"
    if latin / letters >= DOMINANT_SHARE:
        return "en"
    if devanagari / letters < DOMINANT_SHARE:
        return "und"
    return _devanagari_language(text, markers)


def _devanagari_letters(text: str, latin: int) -> int:
    """Devanagari letters in text, counted only until they are dominant next to `latin` Latin letters.

    Past that count the answer of detect_language no longer depends on it, and counting all the letters of
    a Hindi article, one new string each, cost more than the rest of the language detection.
    """
    enough = math.ceil(latin * DOMINANT_SHARE / (1 - DOMINANT_SHARE)) + 1
    return sum(1 for _ in islice(_DEVANAGARI_LETTER.finditer(text), enough))


def _devanagari_language(text: str, markers: Mapping[str, str]) -> str:
    """'mr' or 'ne' when that language's marker words clearly out-count Hindi's, else 'hi'."""
    # Marathi or Nepali needs at least MIN_MARKER_LEAD of its markers, which a Hindi text rarely holds: finding just
    # those words costs less than counting every word, which only a text that has them then pays for.
    others = frozenset(word for word, language in markers.items() if language != "hi")
    if not others or len(_words_pattern(others).findall(text)) < MIN_MARKER_LEAD:
        return "hi"
    words = Counter(_WORD.findall(text))
    votes: Counter[str] = Counter()
    for word in words.keys() & markers.keys():
        votes[markers[word]] += words[word]
    hindi = votes.get("hi", 0)
    for language in ("mr", "ne"):
        if votes.get(language, 0) >= hindi + MIN_MARKER_LEAD and votes[language] >= max(votes.get(o, 0) for o in ("mr", "ne")):
            return language
    return "hi"


@lru_cache(maxsize=16)
def _words_pattern(words: frozenset[str]) -> re.Pattern[str]:
    """A regex finding each of `words` where it stands as a whole word (as _WORD splits a text)."""
    alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(f"(?<![{_WORD_CHARS}])(?:{alternatives})(?![{_WORD_CHARS}])")
