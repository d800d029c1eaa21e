"""Deciding an article's main language: script first, then function words for Devanagari languages."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache

# Share of letters that must be in one script for the text to count as that script.
DOMINANT_SHARE = 0.6
# Marathi or Nepali must out-count Hindi by this many marker words before the text is called Marathi or Nepali.
MIN_MARKER_LEAD = 3
_WORD = re.compile(r"[\u0900-\u0963\u0966-\u097F]+")


@lru_cache(maxsize=65536)
def _script(char: str) -> str | None:
    """'DEVANAGARI' or 'LATIN' for a letter of that script, else None."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return "DEVANAGARI" if name.startswith("DEVANAGARI") else "LATIN" if name.startswith("LATIN") else None


def detect_language(text: str, markers: Mapping[str, str]) -> str:
    """'hi', 'mr' or 'ne' for Devanagari-dominant text (by marker words), 'en' for Latin-dominant text, else 'und'."""
    devanagari = latin = 0
    # Counting distinct characters first: an article has a few hundred, and each is looked up once.
    for char, count in Counter(text).items():
        script = _script(char)
        if script == "DEVANAGARI":
            devanagari += count
        elif script == "LATIN":
            latin += count
    letters = devanagari + latin
    if letters == 0:
        return "und"
    if latin / letters >= DOMINANT_SHARE:
        return "en"
    if devanagari / letters < DOMINANT_SHARE:
        return "und"
    votes = Counter(markers[word] for word in _WORD.findall(text) if word in markers)
    hindi = votes.get("hi", 0)
    for language in ("mr", "ne"):
        if votes.get(language, 0) >= hindi + MIN_MARKER_LEAD and votes[language] >= max(votes.get(o, 0) for o in ("mr", "ne")):
            return language
    return "hi"
