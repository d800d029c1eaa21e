"""Names nobody listed, found from cues in the text: titles before people, heads of organisations, place words.

Hindi has no capital letters, so a name is recognised by what stands around it: a title or an honorific before a
person ('कलेक्टर देव सेनापति ने'), a known given name or surname ('मुकेश गुप्ता'), an organisation's head word
after its name ('पीपुल्स पार्टी') or a description before it ('कंपनी सिनोपेक'), a place word after a place
('बदख़्शां प्रांत'), a capitalised Latin span. A name runs over words that are neither frequent Hindi words nor
function words, and stops at postpositions (ने, को, का, की, के, से, में, पर) and punctuation.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress
from operator import itemgetter

from tasks.clean import Sentence, word_folder
from tasks.grammar import FunctionWords
from tasks.names import NameLexicon

MAX_NAME_WORDS = 4
FOLD_CACHE_SIZE = 200_000
# How far (characters) a publisher's parenthesised call to follow or click reaches around the phrase found.
BOILERPLATE_REACH = 300
# Ranks in common_words.csv: the first COMMON_WORDS are never part of a name unless listed as names; the rest are
# frequent enough that they do not prove a name (चरमपंथी 'extremist') but may stand in one after a title.
COMMON_WORDS = 5000
# Words this frequent never stand for a person alone, even when they are names (राम, ममता).
VERY_COMMON_WORDS = 1500
# Words: Devanagari or Latin letters and digits, hyphenated parts joined ('लश्कर-ए-तैबा'); an apostrophe only
# inside Latin words ("People's"), so a quoted name's offsets stay those of the name. Possessive runs (++, *+): what
# follows them is optional, so a run never gives back letters, and the engine need not keep the way back.
# The pattern opens with one class of every letter a word starts with, which lets the engine skip the gaps between
# words in C instead of trying the whole pattern at each; the lookbehind sends a Latin (or digit) start down the
# Latin branch, as the order of the branches would.
_LATIN_WORD = r"A-Za-z\u00C0-\u024F0-9&"
_DEVANAGARI_WORD = r"\u0900-\u0963\u0966-\u096F\u0971-\u097F0-9"
_TOKEN = re.compile(
    rf"[{_LATIN_WORD}{_DEVANAGARI_WORD}](?:(?<=[{_LATIN_WORD}])[{_LATIN_WORD}]*+(?:'[A-Za-z]+)?|[{_DEVANAGARI_WORD}]*+)"
    r"(?:-[A-Za-z\u00C0-\u024F\u0900-\u0963\u0971-\u097F]+)*+"
)
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")
_HAS_LETTER = re.compile(r"[A-Za-z\u0900-\u0939\u0958-\u0961\u0972-\u097F]")
_LATIN_CAPITAL = re.compile("[A-Z]")
_LATIN_CAPITALISED = re.compile(r"[A-Z][A-Za-z\u00C0-\u024F&'.-]*")
_GLOSS_AFTER = re.compile(r"\s?\(([^()\n]{1,80})\)")
_ANY_LATIN = re.compile(r"[A-Za-z]")
_ANY_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# Cue kinds whose words never stand inside a name found from other cues.
_NOT_IN_NAMES = frozenset({"org_head", "place_cue", "place_feature", "place_locative", "place_government", "person_honorific", "org_apposition"})
_HONORIFIC = frozenset({"person_honorific"})
_ORG_MODIFIER = frozenset({"org_modifier"})
_NO_CUE: tuple[int, tuple] = (0, ())
# Bits of CueLexicon.marks: the word lists the finders start from, so an article's words are looked up once for all.
CUE_START, GIVEN, INITIAL, SURNAME = 1, 2, 4, 8


class WordFolds(dict):
    """Word -> its matching form, folded at first sight (news repeats its words); emptied past FOLD_CACHE_SIZE words."""

    def __init__(self, variants: tuple[tuple[str, str], ...]):
        super().__init__()
        self.variants = variants
        self.fold = word_folder(variants)

    def __missing__(self, word: str) -> str:
        if len(self) > FOLD_CACHE_SIZE:
            self.clear()
        folded = self[word] = self.fold(word)
        return folded


@dataclass(frozen=True)
class CueWord:
    """One row of data/reference/cues.csv."""

    kind: str
    english: str
    in_name: bool
    strong: bool


@dataclass(frozen=True)
class CueLexicon:
    """Cue words, name lists and frequent words, keyed by the matching form; stop words as written."""

    cues: Mapping[tuple[str, ...], tuple[CueWord, ...]]
    common: frozenset[str]            # frequent words that are not names (names lists win)
    uncommon: frozenset[str]          # less frequent words: allowed in a name, but no proof of one
    given: frozenset[str]
    surnames: frozenset[str]
    initials: frozenset[str]
    particles: frozenset[str]
    loanwords: frozenset[str]
    stop_words: frozenset[str]        # function words as written (folding would merge की and कि)
    portfolios: Mapping[str, str]     # 'विदेश' -> 'Foreign' (from titles 'X मंत्री' -> 'X Minister')
    portfolio_heads: frozenset[str]   # heads named by a portfolio before them (मंत्रालय)
    names: NameLexicon
    demonyms: Mapping[str, str]       # iso3 -> 'Chinese'
    variants: tuple[tuple[str, str], ...]
    latin_heads: Mapping[str, str]    # 'times' -> ORGANIZATION, 'valley' -> LOCATION: the type a Latin name's last word gives
    very_common: frozenset[str]       # the most frequent words, names among them (राम, ममता): too ambiguous to stand for a person alone
    boilerplate: re.Pattern[str] | None = None  # publishers' calls to follow or click: sentences where nothing is news

    fold_cache: WordFolds = field(init=False, compare=False, repr=False)
    pair_starts: frozenset[str] = frozenset()   # first words of two-word cues
    cue_starts: frozenset[str] = frozenset()    # first words of one- and two-word cues
    cue_kinds: Mapping[tuple[str, ...], frozenset[str]] = field(default_factory=dict)  # cue words -> their kinds
    marks: Mapping[str, int] = field(default_factory=dict)  # word -> its lists among cue_starts, given, initials, surnames (bits)

    def __post_init__(self) -> None:
        # The cache folds with this lexicon's variants; a frozen dataclass sets a field it builds itself this way.
        object.__setattr__(self, "fold_cache", WordFolds(self.variants))

    def fold(self, word: str) -> str:
        """The matching form of one word (cached: news repeats its words)."""
        return self.fold_cache[word]

    def fold_all(self, words: Sequence[str]) -> list[str]:
        """The matching form of each word: one dict look-up per word once the cache knows it."""
        return list(map(self.fold_cache.__getitem__, words))


def build_cue_lexicon(
    cue_rows: Iterable[dict[str, str]],
    person_rows: Iterable[tuple[str, str, str]],
    particles: Iterable[str],
    loanwords: Iterable[str],
    common_words: Sequence[str],
    stop_words: Iterable[str],
    portfolios: Iterable[tuple[str, str]],
    names: NameLexicon,
    demonyms: Mapping[str, str],
    variants: Sequence[tuple[str, str]],
    boilerplate: Sequence[str] = (),
) -> CueLexicon:
    """Fold every word list like the text it is matched against; names lists are taken out of the frequent words."""
    variants = tuple(variants)
    folds = WordFolds(variants)  # the frequent-word lists repeat words, and fold each one alone

    def fold(word: str) -> str:
        return folds[word.strip()]

    cues: dict[tuple[str, ...], list[CueWord]] = {}
    cue_rows_list = list(cue_rows)
    for row in cue_rows_list:
        cue = CueWord(row["kind"], row.get("english") or "", row.get("in_name", "").strip() == "yes", row.get("strong", "").strip() == "yes")
        for spelling in row["word"].split("|"):
            if spelling.strip():
                key = tuple(fold(w) for w in spelling.split())
                if cue not in cues.setdefault(key, []):
                    cues[key].append(cue)
    kinds: dict[str, set[str]] = {"given": set(), "surname": set(), "initial": set()}
    for hindi, _english, kind in person_rows:
        kinds.setdefault(kind, set()).add(fold(hindi))
    particle_set = frozenset(fold(p) for p in particles)
    listed = kinds["given"] | kinds["surname"] | kinds["initial"] | particle_set
    common = frozenset(fold(w) for w in common_words[:COMMON_WORDS]) - listed
    uncommon = frozenset(fold(w) for w in common_words[COMMON_WORDS:]) - listed - common
    cue_starts = frozenset(key[0] for key in cues if len(key) <= 2)
    marks: dict[str, int] = {}
    for mark, listed_words in ((CUE_START, cue_starts), (GIVEN, kinds["given"]), (INITIAL, kinds["initial"]), (SURNAME, kinds["surname"])):
        for word in listed_words:
            marks[word] = marks.get(word, 0) | mark
    latin_heads = {
        cue.english.lower(): "LOCATION" if cue.kind.startswith("place") else "ORGANIZATION"
        for found in cues.values() for cue in found if cue.english and cue.in_name and cue.kind != "org_modifier"
    }
    return CueLexicon(
        cues={key: tuple(value) for key, value in cues.items()},
        common=common,
        uncommon=uncommon,
        given=frozenset(kinds["given"]),
        surnames=frozenset(kinds["surname"]),
        initials=frozenset(kinds["initial"]),
        particles=particle_set,
        loanwords=frozenset(fold(w) for w in loanwords),
        stop_words=frozenset(w.strip() for w in stop_words),
        portfolios={fold(hi): en for hi, en in portfolios},
        portfolio_heads=frozenset(fold(w) for row in cue_rows_list if row["kind"] == "org_head" and row.get("english") == "Ministry" for w in row["word"].split("|")),
        names=names,
        demonyms=dict(demonyms),
        variants=variants,
        latin_heads=latin_heads,
        very_common=frozenset(fold(w) for w in common_words[:VERY_COMMON_WORDS]),
        pair_starts=frozenset(key[0] for key in cues if len(key) == 2),
        cue_starts=cue_starts,
        cue_kinds={key: frozenset(cue.kind for cue in value) for key, value in cues.items()},
        marks=marks,
        boilerplate=re.compile("|".join(
            r"\s+".join(re.escape(w) for w in folds.fold(p).split()) for p in sorted(boilerplate, key=len, reverse=True)
        )) if boilerplate else None,
    )


@dataclass(frozen=True)
class Tokens:
    """The words of a text as parallel lists: offsets, text, matching form, and whether only spaces (or an
    initial's dot) separate a word from the one before in the same sentence."""

    starts: list[int]
    ends: list[int]
    texts: list[str]
    folded: list[str]
    joined: list[bool]

    def __len__(self) -> int:
        return len(self.starts)


@dataclass(frozen=True)
class Gloss:
    """A parenthesised Latin text and the offset where the parenthesis opens."""

    paren_start: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CueCandidate:
    """A span that names something the gazetteer does not know, and how its English name is to be made."""

    start: int
    end: int
    entity_type: str
    words: tuple[str, ...]
    folded: tuple[str, ...]
    rule: str
    kind: str                       # person, org or place: which word lists render its words
    prefix_en: str | None = None    # English words before the rendered words ('Chinese', a place's name)
    suffix_en: str | None = None    # English head after them ('Party', 'Valley')
    country_iso3: str | None = None
    confidence: float = 0.65
    gloss: Gloss | None = None


def tokenize(text: str, sentences: Sequence[Sentence], lexicon: CueLexicon) -> Tokens:
    """Words of the text; a word is joined to the one before when only spaces (or an initial's dot) stand between."""
    # Column by column, so the per-word work runs in C (an article has a few hundred words): splitting on the word
    # pattern as a group gives gap, word, gap, ..., word, gap, and the offsets are the running sum of their lengths.
    pieces = _TOKEN_SPLIT.split(text)
    offsets = list(accumulate(map(len, pieces), initial=0))
    texts, starts, ends = pieces[1::2], offsets[1:-1:2], offsets[2::2]
    folded = lexicon.fold_all(texts)
    gaps = pieces[2:-1:2]
    joined = [False, *map(str.isspace, gaps)]
    if "" in gaps:  # words that touch ('5वीं') are joined too
        for index, gap in enumerate(gaps):
            joined[index + 1] = joined[index + 1] or not gap
    if "." in text and not lexicon.initials.isdisjoint(folded):
        # 'एस. जयशंकर': an initial's dot joins too.
        for index in _positions(folded[:-1], lexicon.initials):
            joined[index + 1] = joined[index + 1] or gaps[index].strip() == "."
    for sentence in sentences:
        after = bisect.bisect_left(starts, sentence.start)  # the sentence's first word
        if 0 < after < len(starts):
            joined[after] = False
    return Tokens(starts, ends, texts, folded, joined if texts else [])


def is_name_word(tokens: Tokens, index: int, lexicon: CueLexicon) -> bool:
    """A word that may be part of a name: has letters, is not a function word and not a frequent non-name word."""
    text = tokens.texts[index]
    return bool(_HAS_LETTER.search(text)) and text not in lexicon.stop_words and tokens.folded[index] not in lexicon.common


def boilerplate_sentences(text: str, form_text: str, to_source: Sequence[int], sentences: Sequence[Sentence], lexicon: CueLexicon) -> set[int]:
    """Indices of sentences that hold a publisher's call to follow, click or subscribe.

    Such a call often stands in parentheses broken over several lines ('(... यहां क्लिक करें. आप हमें\n\nफ़ेसबुक
    और\n\nट्विटर पर फ़ॉलो भी कर सकते हैं.)'): the whole parenthesised block is boilerplate.
    """
    found: set[int] = set()
    if lexicon.boilerplate is None:
        return found
    starts: list[int] = []
    for match in lexicon.boilerplate.finditer(form_text):
        starts = starts or [s.start for s in sentences]
        start, end = to_source[match.start()], to_source[match.end()]
        opening = text.rfind("(", max(0, start - BOILERPLATE_REACH), start)
        if opening != -1 and ")" not in text[opening:start]:
            closing = text.find(")", end, end + BOILERPLATE_REACH)
            start, end = opening, (closing if closing != -1 else end)
        first = max(bisect.bisect_right(starts, start) - 1, 0)
        last = max(bisect.bisect_right(starts, end) - 1, 0)
        found.update(sentences[i].index for i in range(first, last + 1))
    return found


def harvest_glosses(text: str) -> list[Gloss]:
    """Every parenthesised text with Latin letters: 'पाकिस्तान (Pakistan)' gives 'Pakistan'."""
    glosses: list[Gloss] = []
    if "(" not in text:
        return glosses
    for match in _GLOSS_AFTER.finditer(text):
        inner = match.group(1).strip()
        if _ANY_LATIN.search(inner) and not _ANY_DEVANAGARI.search(inner):
            offset = text.index(inner, match.start(1))
            glosses.append(Gloss(match.start(), offset, offset + len(inner), inner))
    return glosses


def _positions(words: Sequence[str], vocabulary: frozenset[str]) -> list[int]:
    """Indices of the words in the vocabulary, in text order."""
    if vocabulary.isdisjoint(words):  # a quicker test, and the usual answer for most word lists
        return []
    return list(compress(range(len(words)), map(vocabulary.__contains__, words)))


class _SpanOfToken:
    """The span (gazetteer entity or title) a token lies in, by token index; answered on demand, since the finders
    ask about a few words around their cues and most words of an article are never asked about."""

    def __init__(self, token_starts: Sequence[int], spans: Sequence[tuple]):
        self.token_starts = token_starts
        self.spans = [span for span in spans if span[0] < span[1]]  # spans come in text order; an empty one holds no word
        self.span_starts = [span[0] for span in self.spans]

    def get(self, index: int, default: tuple | None = None) -> tuple | None:
        """The span that holds the token's first character, else `default`."""
        if 0 <= index < len(self.token_starts):
            offset = self.token_starts[index]
            position = bisect.bisect_right(self.span_starts, offset) - 1
            if position >= 0 and offset < self.spans[position][1]:
                return self.spans[position]
        return default

    def __contains__(self, index: int) -> bool:
        return self.get(index) is not None

    def __getitem__(self, index: int) -> tuple:
        found = self.get(index)
        if found is None:
            raise KeyError(index)
        return found


class _Words:
    """Per-article word classes over the tokens; the cues of the article are looked up once, on construction."""

    def __init__(self, tokens: Tokens, lexicon: CueLexicon, covered: _SpanOfToken, title_ends: set[int], title_tokens: _SpanOfToken,
                 function_words: FunctionWords):
        self.tokens, self.lexicon, self.covered = tokens, lexicon, covered
        self.title_ends, self.title_tokens = title_ends, title_tokens
        self.genitives, self.conjunctions = _joining_words(function_words["genitive"], function_words["coordinator"])
        # Index -> (number of words, cues) and the kinds of those cues, for the words that open a cue (longest first).
        self.cues: dict[int, tuple[int, tuple[CueWord, ...]]] = {}
        self.cue_kinds: dict[int, frozenset[str]] = {}
        folded, joined, table = tokens.folded, tokens.joined, lexicon.cues
        # The few words in a list a finder starts from, with their lists: one look-up per word of the article.
        marks = list(map(lexicon.marks.get, folded))
        self.marked = [(index, marks[index]) for index in compress(range(len(marks)), marks)]
        for index in self.positions(CUE_START):
            word = folded[index]
            key: tuple[str, ...] = (word,)
            if word in lexicon.pair_starts and index + 1 < len(folded) and joined[index + 1] and (word, folded[index + 1]) in table:
                key = (word, folded[index + 1])
            if key in table:
                self.cues[index] = (len(key), table[key])
                self.cue_kinds[index] = lexicon.cue_kinds[key]

    def positions(self, lists: int) -> list[int]:
        """Indices of the words in any of the lists (bits of CueLexicon.marks), in text order."""
        return [index for index, found in self.marked if found & lists]

    def cue_at(self, index: int) -> tuple[int, tuple[CueWord, ...]]:
        """The longest cue starting at a token: (number of words, cues), or (0, ())."""
        return self.cues.get(index, _NO_CUE)

    def has_cue(self, index: int, kinds: frozenset[str]) -> bool:
        found = self.cue_kinds.get(index)
        return found is not None and not kinds.isdisjoint(found)

    def is_stop(self, index: int) -> bool:
        return self.tokens.texts[index] in self.lexicon.stop_words or self.tokens.folded[index] in self.lexicon.common

    def is_listed(self, index: int) -> bool:
        folded, lexicon = self.tokens.folded[index], self.lexicon
        return folded in lexicon.given or folded in lexicon.surnames or folded in lexicon.initials or folded in lexicon.particles

    def name_like(self, index: int) -> bool:
        """A word that can stand in a name: not frequent, not a function word, title, cue or listed entity."""
        text = self.tokens.texts[index]
        if index in self.covered or index in self.title_tokens or not _HAS_LETTER.search(text):
            return False
        if self.is_listed(index):
            return text not in self.lexicon.stop_words
        return not (self.is_stop(index) or self.has_cue(index, _NOT_IN_NAMES))

    def unknown(self, index: int) -> bool:
        """Name-like and in no word list: the strongest sign of a name."""
        folded = self.tokens.folded[index]
        return self.name_like(index) and not self.is_listed(index) and folded not in self.lexicon.loanwords and folded not in self.lexicon.uncommon

    def boundary_after(self, index: int) -> bool:
        """The name ends here: a function word, punctuation or the end of the sentence follows."""
        nxt = index + 1
        return nxt >= len(self.tokens) or not self.tokens.joined[nxt] or self.is_stop(nxt) or nxt in self.covered


@lru_cache(maxsize=8)
def _joining_words(genitives: tuple[str, ...], coordinators: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Postpositions of a possessor ('चीन के') and the words that join two names ('और'; the list comma aside)."""
    return frozenset(genitives), frozenset(w for w in coordinators if any(c.isalpha() for c in w))


def _words_of(tokens: Tokens, first: int, end: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The written and the folded words of tokens[first:end]."""
    return tuple(tokens.texts[first:end]), tuple(tokens.folded[first:end])


def _run_forward(words: _Words, first: int, limit: int = MAX_NAME_WORDS) -> int:
    """Index after the last name-like word of a run starting at `first` (joined words only)."""
    joined, end = words.tokens.joined, first
    while end < len(joined) and end - first < limit and (end == first or joined[end]) and words.name_like(end):
        end += 1
    return end


def _person(words: _Words, first: int, last: int, rule: str, confidence: float) -> CueCandidate | None:
    tokens, lexicon = words.tokens, words.lexicon
    folded = tokens.folded
    last = min(last, len(tokens))
    while last > first and (folded[last - 1] in lexicon.initials or folded[last - 1] in lexicon.particles):
        last -= 1
    if last <= first:
        return None
    if last - first == 1 and (len(folded[first]) < 2 or folded[first] in lexicon.given and rule == "name_list"):
        return None
    # One word alone is a name only if it is in no frequency list or is a known surname ('विशेषज्ञ खामोश हैं').
    if last - first == 1 and folded[first] not in lexicon.surnames and (folded[first] in lexicon.uncommon or folded[first] in lexicon.loanwords):
        return None
    return CueCandidate(tokens.starts[first], tokens.ends[last - 1], "PERSON", *_words_of(tokens, first, last), rule, "person", confidence=confidence)


def _common_then_unknown(words: _Words, index: int) -> bool:
    tokens = words.tokens
    return (index + 1 < len(tokens) and tokens.joined[index + 1] and tokens.texts[index] not in words.lexicon.stop_words
            and index not in words.covered and index not in words.title_tokens and bool(_HAS_LETTER.search(tokens.texts[index]))
            and words.name_like(index + 1))


def _after_titles(words: _Words, used: set[int]) -> list[CueCandidate]:
    """People named right after a title or an honorific, and a second person joined to them by 'और'."""
    tokens, found = words.tokens, []
    joined, count = tokens.joined, len(tokens)
    openers = sorted(
        {bisect.bisect_left(tokens.starts, end) for end in words.title_ends}
        | {index + size for index, (size, _) in words.cues.items() if "person_honorific" in words.cue_kinds[index]}
    )
    for first in openers:
        if first >= count or not joined[first] or first in used:
            continue
        # An honorific may follow the title: 'मुख्य न्यायाधीश जस्टिस X'.
        if words.has_cue(first, _HONORIFIC):
            continue
        end = _run_forward(words, first)
        if end == first and _common_then_unknown(words, first):
            # 'कलेक्टर देव सेनापति ने': a frequent word opens a name when an unknown word follows it.
            end = _run_forward(words, first + 1) if first + 1 < count else first
            end = end if end > first + 1 else first
        candidate = _person(words, first, end, "title", 0.75)
        if candidate is None or not words.boundary_after(end - 1) and end - first < MAX_NAME_WORDS:
            continue
        found.append(candidate)
        used.update(range(first, end))
        # 'पूर्व विधायक उदय मुदलियार और गोपी माधवानी भी': the title covers both names.
        nxt = end
        if nxt + 1 < count and tokens.texts[nxt] in words.conjunctions and joined[nxt + 1]:
            second_end = _run_forward(words, nxt + 1)
            if second_end == nxt + 1 and _common_then_unknown(words, nxt + 1):
                second_end = _run_forward(words, nxt + 2) if _run_forward(words, nxt + 2) > nxt + 2 else nxt + 1
            if second_end - (nxt + 1) >= 2 and words.boundary_after(second_end - 1) and words.unknown(second_end - 1):
                second = _person(words, nxt + 1, second_end, "title", 0.65)
                if second:
                    found.append(second)
                    used.update(range(nxt + 1, second_end))
    return found


def _from_name_lists(words: _Words, used: set[int]) -> list[CueCandidate]:
    """A known given name (or initials) followed by name-like words, or name-like words before a known surname."""
    tokens, lexicon, found = words.tokens, words.lexicon, []
    folded, joined = tokens.folded, tokens.joined
    resume = 0  # a name found runs to here: the next one starts after it
    for index in words.positions(GIVEN | INITIAL):
        if index < resume or index in used or not words.name_like(index):
            continue
        if index > 0 and joined[index] and words.name_like(index - 1) and index - 1 not in used:
            continue
        end = _run_forward(words, index)
        rest = range(index + 1, end)
        # Two given names in a row are too often a name and a word (प्रकाश, विजय); a surname or an unknown word must follow.
        if end - index >= 2 and any(folded[i] in lexicon.surnames or words.unknown(i) for i in rest):
            candidate = _person(words, index, end, "name_list", 0.65)
            if candidate:
                found.append(candidate)
                used.update(range(index, end))
                resume = end
    for index in words.positions(SURNAME):
        if index in used or not words.name_like(index):
            continue
        first = index
        while first - 1 >= 0 and index - first < 2 and joined[first] and first - 1 not in used and words.name_like(first - 1) and not words.is_listed(first - 1):
            first -= 1
        if first < index:
            candidate = _person(words, first, index + 1, "name_list", 0.6)
            if candidate:
                found.append(candidate)
                used.update(range(first, index + 1))
    return found


def _country_before(words: _Words, index: int, entities) -> str | None:
    """ISO3 of a country written right before a word: adjective ('चीनी कंपनी') or genitive ('चीन के विदेश मंत्रालय')."""
    joined = words.tokens.joined
    k = index - 1
    if k >= 0 and joined[index] and words.tokens.texts[k] in words.genitives and joined[k]:
        k -= 1
    if k >= 0 and k in words.covered:
        _, _, entity_id, entity_type = words.covered[k]
        if entity_type == "COUNTRY":
            return entities[entity_id].iso3
    return None


def _organisations(words: _Words, used: set[int], gazetteer) -> list[CueCandidate]:
    """Names before an organisation's head word ('पीपुल्स पार्टी'), after a description ('कंपनी सिनोपेक'), ministries."""
    tokens, lexicon, found = words.tokens, words.lexicon, []
    joined, count = tokens.joined, len(tokens)
    entities = gazetteer.entities
    for head, (size, cues) in words.cues.items():
        if head in words.covered:
            continue
        cue = next((c for c in cues if c.kind == "org_head"), None)
        if cue is not None and head not in used:
            if tokens.folded[head] in lexicon.portfolio_heads:
                found += _ministries(words, head, used, entities)
            else:
                candidate = _named_before_head(words, head, size, cue, used, entities)
                if candidate is not None:
                    found.append(candidate)
        if "org_apposition" in words.cue_kinds[head] and head + size < count and joined[head + size]:
            first = head + size
            end = first
            while end < count and end - first < 3 and (end == first or joined[end]) and end not in used and (words.unknown(end) or tokens.folded[end] in lexicon.loanwords):
                end += 1
            if end > first and any(words.unknown(i) for i in range(first, end)) and words.boundary_after(end - 1):
                found.append(CueCandidate(
                    tokens.starts[first], tokens.ends[end - 1], "ORGANIZATION", *_words_of(tokens, first, end), "org_apposition", "org", confidence=0.6,
                ))
                used.update(range(first, end))
    return found


def _named_before_head(words: _Words, head: int, size: int, cue: CueWord, used: set[int], entities) -> CueCandidate | None:
    """'पाकिस्तान पीपुल्स पार्टी': the words before a head that can belong to a name (a weak head needs a proper one)."""
    tokens, lexicon = words.tokens, words.lexicon
    joined, folded = tokens.joined, tokens.folded
    first, proper = head, False
    while first - 1 >= 0 and head - first < MAX_NAME_WORDS and joined[first] and first - 1 not in used:
        k = first - 1
        if k in words.covered:
            entity_type = words.covered[k][3]
            if entity_type == "COMMODITY":
                break
            proper = proper or entity_type in ("ORGANIZATION", "PERSON")
            first = k
            while first - 1 >= 0 and words.covered.get(first - 1) == words.covered[k]:
                first -= 1
            continue
        if words.unknown(k) or folded[k] in lexicon.loanwords or words.is_listed(k):
            proper = proper or words.unknown(k) or folded[k] in lexicon.loanwords
            first = k
            continue
        if words.has_cue(k, _ORG_MODIFIER):
            first = k
            continue
        break
    if first == head or not (proper or cue.strong):
        return None
    end_index = head + size if cue.in_name else head
    used.update(range(first, head + size))
    return CueCandidate(
        tokens.starts[first], tokens.ends[end_index - 1], "ORGANIZATION", *_words_of(tokens, first, head), "org_head", "org",
        suffix_en=cue.english if cue.in_name and cue.english else None,
        country_iso3=_country_before(words, first, entities), confidence=0.65,
    )


def _ministries(words: _Words, head: int, used: set[int], entities) -> list[CueCandidate]:
    """'चीन के विदेश और रक्षा मंत्रालय': one ministry per portfolio, named with the country's adjective."""
    tokens, lexicon = words.tokens, words.lexicon
    joined, folded = tokens.joined, tokens.folded
    portfolios: list[int] = []
    k = head - 1
    while k >= 0 and joined[k + 1] and k not in used:
        if folded[k] in lexicon.portfolios:
            portfolios.insert(0, k)
            k -= 1
        elif tokens.texts[k] in words.conjunctions and portfolios:
            k -= 1
        else:
            break
    if not portfolios:
        return []
    country = _country_before(words, portfolios[0], entities)
    prefix = words.lexicon.demonyms.get(country, f"{entities['country:' + country.lower()].name_en}'s") if country else None
    found = []
    for index in portfolios:
        end = head + 1 if index == portfolios[-1] else index + 1
        found.append(CueCandidate(
            tokens.starts[index], tokens.ends[end - 1], "ORGANIZATION", (), (), "ministry", "org",
            prefix_en=" ".join(p for p in (prefix, lexicon.portfolios[folded[index]]) if p),
            suffix_en="Ministry", country_iso3=country, confidence=0.7,
        ))
        used.update(range(index, end))
    return found


def _places(words: _Words, used: set[int], gazetteer) -> list[CueCandidate]:
    """Places named before a place word ('हरगू गांव', 'जीरम घाटी', 'X स्थित'), and '<place> पुलिस/सरकार' bodies."""
    tokens, lexicon, found = words.tokens, words.lexicon, []
    joined, folded = tokens.joined, tokens.folded
    entities = gazetteer.entities
    for cue_index, (size, cues) in words.cues.items():
        if cue_index in used:
            continue
        government = next((c for c in cues if c.kind == "place_government"), None)
        if government is not None and cue_index > 0 and joined[cue_index]:
            k = cue_index - 1
            if tokens.texts[k] in words.genitives and joined[k] and k > 0:
                k -= 1
            covered = words.covered.get(k)
            # '<place> पुलिस ने' names a body; '<place> के पुलिस कैंप' is a camp, so the cue must end the phrase.
            if covered and covered[3] == "LOCATION" and words.boundary_after(cue_index + size - 1):
                place = entities[covered[2]]
                found.append(CueCandidate(
                    tokens.starts[cue_index], tokens.ends[cue_index + size - 1], "ORGANIZATION", (), (), "place_government", "org",
                    prefix_en=place.name_en, suffix_en=government.english, country_iso3=place.country_iso3, confidence=0.7,
                ))
                used.update(range(cue_index, cue_index + size))
            continue
        place = next((c for c in cues if c.kind in ("place_cue", "place_feature", "place_locative")), None)
        if place is None or cue_index == 0 or not joined[cue_index]:
            continue
        limit = 3 if place.kind == "place_feature" else 2
        first = cue_index
        while first - 1 >= 0 and cue_index - first < limit and joined[first] and first - 1 not in used and (
            words.unknown(first - 1) or (place.kind == "place_feature" and folded[first - 1] in lexicon.loanwords)
        ):
            first -= 1
        if first == cue_index or not any(words.unknown(i) for i in range(first, cue_index)):
            continue
        if first > 0 and joined[first] and (first - 1) in words.covered and words.covered[first - 1][3] in ("LOCATION", "COUNTRY", "PERSON") and place.kind != "place_feature":
            continue  # 'अफ़ग़ानिस्तान हरगू' would be one run; keep to what the cue clearly names
        in_name = place.in_name and place.kind == "place_feature"
        end = cue_index + size if in_name else cue_index
        found.append(CueCandidate(
            tokens.starts[first], tokens.ends[end - 1], "LOCATION", *_words_of(tokens, first, cue_index), place.kind, "place",
            suffix_en=place.english if in_name and place.english else None, confidence=0.6,
        ))
        used.update(range(first, cue_index + size))
    return found


def _latin_spans(text: str, words: _Words, used: set[int], glosses: Sequence[Gloss]) -> list[CueCandidate]:
    """Capitalised Latin names outside parentheses, typed by their English head word (Times, Party, Valley)."""
    tokens, found = words.tokens, []
    if not _LATIN_CAPITAL.search(text):
        return found
    joined, starts, count = tokens.joined, tokens.starts, len(tokens)
    inside = [(g.start, g.end) for g in glosses]
    heads = words.lexicon.latin_heads
    # Upper case first (in C), then the exact test on those few.
    upper = compress(range(count), map(str.isupper, map(itemgetter(0), tokens.texts)))
    capitalised = [index for index in upper if _LATIN_CAPITALISED.fullmatch(tokens.texts[index])]
    resume = 0  # a run of capitalised words was read up to here
    for index in capitalised:
        if index < resume or index in used or index in words.covered or any(s <= starts[index] < e for s, e in inside):
            continue
        end = index + 1
        while end < count and end - index < 6 and joined[end] and _LATIN_CAPITALISED.fullmatch(tokens.texts[end]) and end not in words.covered:
            end += 1
        typed = heads.get(tokens.texts[end - 1].lower())
        if typed and end - index >= 2:
            found.append(CueCandidate(
                starts[index], tokens.ends[end - 1], typed, *_words_of(tokens, index, end),
                "latin", "org" if typed == "ORGANIZATION" else "place", confidence=0.7,
            ))
            used.update(range(index, end))
        resume = end
    return found


def find_cue_candidates(
    text: str,
    tokens: Tokens,
    gazetteer_spans: Sequence[tuple[int, int, object]],
    title_spans: Sequence[tuple[int, int, object]],
    glosses: Sequence[Gloss],
    gazetteer,
    lexicon: CueLexicon,
    function_words: FunctionWords,
) -> list[CueCandidate]:
    """Spans that cues mark as people, organisations or places the gazetteer does not know, in text order.

    `function_words` (data/reference/function_words.csv) give the possessor's postpositions ('चीन के विदेश मंत्रालय') and
    the words that join two names. The spans are those find_gazetteer_spans and find_title_spans give: in text order,
    none overlapping another.
    """
    entities = gazetteer.entities
    covered = _SpanOfToken(tokens.starts, [
        (start, end, surface.entity_id, entities[surface.entity_id].entity_type) for start, end, surface in gazetteer_spans
    ])
    title_tokens = _SpanOfToken(tokens.starts, title_spans)
    words = _Words(tokens, lexicon, covered, {end for _, end, _ in title_spans}, title_tokens, function_words)
    used: set[int] = set()
    found = _after_titles(words, used)
    found += _places(words, used, gazetteer)
    found += _organisations(words, used, gazetteer)
    found += _from_name_lists(words, used)
    found += _latin_spans(text, words, used, glosses)
    by_paren = {g.paren_start: g for g in glosses}
    with_glosses = []
    for candidate in found:
        gloss = by_paren.get(candidate.end) or by_paren.get(candidate.end + 1 if text[candidate.end:candidate.end + 1] == " " else -1)
        with_glosses.append(candidate if gloss is None else dataclasses.replace(candidate, gloss=gloss))
    return sorted(with_glosses, key=lambda c: c.start)
