"""Deciding an article's main language from its script."""

from __future__ import annotations

import unicodedata

# Share of letters that must be in one script for the text to count as that language.
DOMINANT_SHARE = 0.6


def detect_language(text: str) -> str:
    """'hi' for Devanagari-dominant text, 'en' for Latin-dominant text, else 'und'.

    Script is a sound signal for this corpus (Hindi news with English fragments); telling Hindi from
    Marathi or Nepali, which share the script, needs a word-level model and is not attempted here.
    """
    devanagari = latin = 0
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("DEVANAGARI"):
            devanagari += 1
        elif name.startswith("LATIN"):
            latin += 1
    letters = devanagari + latin
    if letters == 0:
        return "und"
    if devanagari / letters >= DOMINANT_SHARE:
        return "hi"
    if latin / letters >= DOMINANT_SHARE:
        return "en"
    return "und"
