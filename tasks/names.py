"""English names for Hindi names nobody listed: romanisation with Hindi schwa deletion, press spellings, stable ids.

A name is rendered word by word: a word the reference data knows (a personal name, an English loanword, a listed
place) takes its known English spelling; any other word is romanised (aksharamukha's IAST with its Hindi schwa
deletion, a second pass for the medial schwas it keeps, then folded to the ASCII spelling English-language press
uses: श -> sh, च -> ch, अं -> n/m). The result is then normalised to a close known spelling, if there is one.
A person's unlisted words are romanised by the rules of the name's tradition (from its listed words and letters:
Muslim, Western, Chinese, Russian or South Asian) and take the press spelling of a listed name word with the same
phonetic key (press_names.csv); a compound given name is spelt from two listed parts.
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
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


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
def _iast(hindi: str) -> tuple[str, str]:
    """IAST of Devanagari text: in full (every inherent a) and with Hindi schwa deletion (final and medial)."""
    deleted = transliterate.process("Devanagari", "IAST", hindi, pre_options=["RemoveSchwaHindi"])
    full = transliterate.process("Devanagari", "IAST", hindi)
    iast = _with_schwa_deletion(full, deleted) if len(_WORD_SPLIT.split(full)) == len(_WORD_SPLIT.split(deleted)) else deleted
    return full, iast


@lru_cache(maxsize=65536)
def romanize(hindi: str) -> str:
    """Press-style ASCII romanisation of Devanagari with schwa deletion: 'मनमोहन सिंह' -> 'Manmohan Singh'."""
    parts = _WORD_SPLIT.split(_iast(hindi)[1])
    words = [part if _WORD_SPLIT.fullmatch(part) else _capitalise(_ascii_press(part)) for part in parts]
    return "".join(words).strip()


def _closest(word: str, choices: Sequence[str], cutoff: float) -> str | None:
    found = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff, processor=str.lower) if choices else None
    return found[0] if found else None


def _listed_word(token: str, folded: str, lexicon: NameLexicon, kind: str) -> str | None:
    """The English of a word the reference data lists (or a Latin word as written), else None."""
    tables = (lexicon.person_words, lexicon.place_words, lexicon.loanwords) if kind == "person" else (lexicon.loanwords, lexicon.place_words, lexicon.person_words)
    for table in tables:
        if folded in table:
            return table[folded]
    if folded in lexicon.particles:
        return lexicon.particles[folded]
    if not _DEVANAGARI.search(token):
        return token
    return None


def english_word(token: str, folded: str, lexicon: NameLexicon, kind: str) -> tuple[str, bool]:
    """One word of a name in English, and whether it was known (not romanised). kind: person, org or place."""
    listed = _listed_word(token, folded, lexicon, kind)
    if listed is not None:
        return listed, True
    if kind == "person":
        return person_word(token, "south_asian")
    roman = romanize(token)
    if kind != "person" and len(roman) > 3:
        # Organisations and places are often English words in Devanagari: take the English spelling when close.
        close = _closest(roman, lexicon.english_words, WORD_SIMILARITY)
        if close:
            return close, True
    return roman, False


def english_name(tokens: Sequence[str], folded: Sequence[str], lexicon: NameLexicon, kind: str) -> tuple[str, bool]:
    """A name's words in English, joined; True when every word had a known spelling."""
    if kind == "person":
        return _person_name(tokens, folded, lexicon)
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
    if not choices:
        return None
    found = process.extractOne(name.lower(), _lowered(tuple(choices)), scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[2] if found else None


@lru_cache(maxsize=64)
def _lowered(choices: tuple[str, ...]) -> tuple[str, ...]:
    """The choices in lower case, once per list (a processor would lower every listed name on every call)."""
    return tuple(choice.lower() for choice in choices)


def ascii_fold(text: str) -> str:
    """Latin letters without diacritics: 'René' -> 'Rene'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- People's names: the naming tradition's romanisation, then the press spelling of each word --------------------

# A romanised word this long or longer may take the press spelling of a listed word with the same phonetic key.
MIN_KEY_LENGTH = 4
# A compound given name is split only into parts at least this long (Ram + Niwas, Vidya + Charan, Wali + ullah).
MIN_PART_LENGTH = 3

# Phonetic key folds: letters Hindi spelling does not tell apart (ज/ज़ z-j, फ/फ़ f-ph, व v-w, क़ q-k, Chinese zh-j/x-sh)
# and long-vowel spellings (ee, oo). 'ch' is protected before c -> k.
_KEY_FOLDS = (("ph", "f"), ("zh", "j"), ("z", "j"), ("w", "v"), ("q", "k"), ("x", "sh"), ("ee", "i"), ("oo", "u"),
              ("ck", "k"), ("ch", "\x00"), ("c", "k"), ("\x00", "ch"))
# Unstressed a/e inside a word (schwa, which Hindi spelling keeps or drops at will: Ujjaval/Ujjwal, Ahmad/Ahmed).
_KEY_SCHWA = re.compile(r"(?<=.)[ae](?=.)")
_SCHWA_LETTERS = re.compile(r"[ae]")
_KEY_DOUBLE = re.compile(r"(.)\1+")
# Traditions whose names write व as w at the start of a word and after a consonant (Wasim, Rizwan; Walker, Edward).
_W_INITIAL = ("muslim", "western")
# Consonants after which व stays v: Parvez, Harvey (r); Ranveer, Tanvir (n, m) in South Asian names.
_V_AFTER = {"south_asian": ("r", "n", "ṇ", "m"), "muslim": ("r",), "western": ("r",)}
_CHINESE_NG = re.compile(r"ṃga(?=[^aāiīuūeoô])(?!$)")
_NUKTA_LETTERS = re.compile(r"q|z|f|k͟h|ġ|ullāh|uddīn")


@dataclass(frozen=True)
class PressNames:
    """Press spellings of personal-name words: by lower-case spelling, by phonetic key, and their naming tradition."""

    spellings: Mapping[str, str]
    keys: Mapping[str, str]          # letter key (press_key without the schwa fold) -> spelling
    schwa_keys: Mapping[str, str]    # press_key -> spelling
    origins: Mapping[str, str]


@lru_cache(maxsize=65536)
def letter_key(word: str) -> str:
    """Key under which spellings that differ only by letters Hindi does not tell apart meet: 'Murtaja', 'Murtaza' -> 'murtaja'."""
    text = ascii_fold(word).lower()
    for source, target in _KEY_FOLDS:
        text = text.replace(source, target)
    return _KEY_DOUBLE.sub(r"\1", text)


@lru_cache(maxsize=65536)
def press_key(word: str) -> str:
    """letter_key without inner a/e, under which schwa spellings also meet: 'Ujjaval' and 'Ujjwal' -> 'ujvl'."""
    return _KEY_DOUBLE.sub(r"\1", _KEY_SCHWA.sub("", letter_key(word)))


def build_press_names(rows: Iterable[tuple[str, str]]) -> PressNames:
    """Index (english, origin) rows; where two spellings share a key, the first row wins."""
    spellings: dict[str, str] = {}
    keys: dict[str, str] = {}
    schwa_keys: dict[str, str] = {}
    origins: dict[str, str] = {}
    for english, origin in rows:
        lower = english.lower()
        spellings.setdefault(lower, english)
        if origin:
            origins.setdefault(lower, origin)
        if len(english) >= MIN_KEY_LENGTH:
            keys.setdefault(letter_key(english), english)
            schwa_keys.setdefault(press_key(english), english)
    return PressNames(spellings, keys, schwa_keys, origins)


@lru_cache(maxsize=1)
def _default_press_names() -> PressNames:
    from tasks.reference import load_press_names  # the reference module reads the files; imported late (it imports us)

    return load_press_names()


def press_spelling(word: str, press: PressNames) -> str | None:
    """The press spelling of a romanised name word: itself if listed, else the listed word with its phonetic key."""
    listed = press.spellings.get(word.lower())
    if listed is not None or len(word) < MIN_KEY_LENGTH:
        return listed
    found = press.keys.get(letter_key(word))
    if found is not None:
        return found
    # A schwa the romanisation kept may be one press drops (Ujjaval -> Ujjwal), but one schwa deletion dropped is
    # not put back (Kamla stays Kamla, not Kamala).
    found = press.schwa_keys.get(press_key(word))
    if found is not None and len(_SCHWA_LETTERS.findall(word.lower())) >= len(_SCHWA_LETTERS.findall(found.lower())):
        return found
    return None


def name_origin(words: Sequence[str | None], iasts: Sequence[str], press: PressNames) -> str:
    """The naming tradition of a name from its listed words (None where unlisted) and the IAST of its other words."""
    origins = [press.origins.get(w.lower(), "") if w else "" for w in words]
    if origins and origins[0] == "chinese" and len(words) <= 3:
        return "chinese"
    if any(o in ("western", "russian") for o in origins) or any("ô" in i for i in iasts):
        return "russian" if "russian" in origins else "western"
    if any(o in ("muslim", "muslim_suffix") for o in origins) or any(_NUKTA_LETTERS.search(i) for i in iasts):
        return "muslim"
    return "south_asian"


def _origin_rules(iast: str, origin: str) -> str:
    """Rewrite one word's IAST (after schwa deletion) the way press romanises names of this tradition."""
    # ड़/ढ़ in personal names are written d/dh (Kapadia, Rathod, Lodha), not r/rh as in place names.
    text = iast.replace("r̤h", "ḍh").replace("r̤", "ḍ")
    if origin == "chinese":
        # फ stands for pinyin f (Feng, Fu); -ng is written ंग, whose inherent a is not said before the next syllable.
        return _CHINESE_NG.sub("ṃg", text.replace("ph", "f"))
    if origin == "russian":
        return text
    units = _units(text)
    if origin == "western":
        # Hindi spelling leaves out the virama inside English clusters (गोल्डवाटर): an a after two consonants and
        # before a consonant other than r/l that a vowel follows is not said; ै is English a (रैंडल Randall).
        kept = []
        for index, (unit, kind) in enumerate(units):
            if (unit == "a" and kind == "v" and index >= 2 and index + 2 < len(units)
                    and units[index - 1][1] == units[index - 2][1] == "c"
                    and units[index + 1][1] == "c" and units[index + 1][0] not in ("r", "l") and units[index + 2][1] == "v"):
                continue
            kept.append((("a" if unit == "ai" else unit), kind))
        if len(kept) >= 3 and kept[-1] == ("r", "c") and kept[-2] == ("a", "v") and kept[-3][1] == "c":
            kept[-2] = ("e", "v")  # English -er (Walker, Weber), written -अर
        units = kept
    after = _V_AFTER.get(origin, ())
    out = []
    for index, (unit, kind) in enumerate(units):
        if unit == "v":
            previous = units[index - 1] if index else None
            # A doubled व (तहव्वुर) is left to the ASCII fold, which writes it ww.
            if (previous is None and origin in _W_INITIAL) or (previous is not None and previous[1] == "c" and previous[0] not in (*after, "v")):
                unit = "w"
        out.append(unit)
    return "".join(out)


def _press_roman(iast: str, origin: str) -> str:
    return _capitalise(_ascii_press(_origin_rules(iast, origin)))


def _compound(full: str, origin: str, press: PressNames) -> str | None:
    """A compound given name spelt from two listed parts: रामनिवास -> Ram + Niwas -> 'Ramniwas'."""
    units = _units(full)
    best, best_size = None, 0
    for cut in range(2, len(units) - 1):
        head, tail = units[:cut], units[cut:]
        if tail[0] == ("a", "v"):
            continue
        if head[-1] == ("a", "v") and head[-2][1] == "c":
            head = head[:-1]  # the first part's own final schwa goes, as it would standing alone
        head_en = press_spelling(_press_roman(delete_medial_schwas("".join(u for u, _ in head)), origin), press)
        tail_en = press_spelling(_press_roman(delete_medial_schwas("".join(u for u, _ in tail)), origin), press) if head_en else None
        if head_en and tail_en and min(len(head_en), len(tail_en)) >= MIN_PART_LENGTH:
            size = min(len(head_en), len(tail_en))
            if size > best_size:
                best, best_size = head_en + tail_en.lower(), size
    return best


def person_word(hindi: str, origin: str, press: PressNames | None = None) -> tuple[str, bool]:
    """One unlisted word of a person's name in English, and whether a press spelling was found for it."""
    press = press or _default_press_names()
    full, iast = _iast(hindi)
    roman = _press_roman(iast, origin)
    spelled = press_spelling(roman, press)
    if spelled is not None:
        return spelled, True
    if origin in ("south_asian", "muslim"):
        whole = full[:-1] if full.endswith("a") and not iast.endswith("a") else full
        compound = _compound(whole, origin, press)
        if compound is not None:
            return compound, True
    return roman, False


def _person_name(tokens: Sequence[str], folded: Sequence[str], lexicon: NameLexicon) -> tuple[str, bool]:
    """A person's name: listed words as listed, the others romanised by the name's tradition and press-spelt."""
    press = _default_press_names()
    pieces = []
    for token, key in zip(tokens, folded, strict=True):
        parts = list(zip(token.split("-"), key.split("-"), strict=False)) if "-" in token else [(token, key)]
        pieces.append([(part, _listed_word(part, fold, lexicon, "person")) for part, fold in parts])
    flat = [english for parts in pieces for _, english in parts]
    origin = name_origin(flat, [_iast(part)[1] for parts in pieces for part, english in parts if english is None], press)
    words, all_known = [], True
    for parts in pieces:
        rendered = []
        for part, english in parts:
            if english is None:
                english, known = person_word(part, origin, press)
                all_known = all_known and known
            rendered.append(english)
        words.append("-".join(rendered))
    return " ".join(words), all_known
