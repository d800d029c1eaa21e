"""Entity matching side by side: the pipeline's gazetteer matcher (one Aho-Corasick pass over the matching form)
and spaCy's PhraseMatcher over the same gazetteer surfaces and the same texts; both must find the same spans."""

from __future__ import annotations

import time
from collections.abc import Sequence

from tasks.clean import MatchingForm, matching_form
from tasks.entities import find_gazetteer_spans
from tasks.reference import load_gazetteer

Span = tuple[int, int, str]  # start, end (offsets in the cleaned text), entity id


def ours(texts: Sequence[str], forms: Sequence[MatchingForm]) -> list[list[Span]]:
    """The pipeline's matcher: one automaton pass over the matching form, word boundaries, longest non-overlapping spans."""
    gazetteer = load_gazetteer()
    return [[(s, e, surface.entity_id) for s, e, surface in find_gazetteer_spans(text, gazetteer, form)] for text, form in zip(texts, forms, strict=True)]


class SpacyMatcher:
    """spaCy's PhraseMatcher over the same folded surfaces (spacy.blank('hi'): its tokenizer, no model)."""

    def __init__(self) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self.gazetteer = load_gazetteer()
        self.nlp = spacy.blank("hi")
        # '@' and '#' split off as prefixes, so a handle (@Ramdev) is a word as it is for the pipeline's word boundaries.
        self.nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex([*self.nlp.Defaults.prefixes, "@", "#"]).search
        self.matcher = PhraseMatcher(self.nlp.vocab)
        surfaces = [key for key, _ in self.gazetteer.automaton.items()]
        self.matcher.add("GAZETTEER", list(self.nlp.tokenizer.pipe(surfaces)))
        self.patterns = len(surfaces)

    def __call__(self, texts: Sequence[str], forms: Sequence[MatchingForm]) -> list[list[Span]]:
        found = []
        for text, form, doc in zip(texts, forms, self.nlp.tokenizer.pipe([f.text for f in forms], batch_size=1000), strict=True):
            candidates = []
            for _, first, last in self.matcher(doc):
                span = doc[first:last]
                _, surfaces = self.gazetteer.automaton.get(span.text)
                start, end = form.to_source[span.start_char], form.to_source[span.end_char]
                # The same acceptance rule as the pipeline's: acronyms ("US") only in their exact case.
                surface = next((s for s in surfaces if not s.exact_case or text[start:end] == s.text), None)
                if surface is not None:
                    candidates.append((start, end, surface.entity_id))
            candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))  # spacy.util.filter_spans: longest first, then leftmost
            taken: list[Span] = []
            for start, end, entity_id in candidates:
                if all(end <= s or start >= e for s, e, _ in taken):
                    taken.append((start, end, entity_id))
            found.append(sorted(taken))
        return found


def compare(texts: Sequence[str], repeat: int = 3) -> dict:
    """Seconds for each matcher over the texts (best of `repeat`), spans found, and articles where they differ.

    Both get the texts' matching form (spelling variants folded, as the clean stage computes it once for every
    later stage), so both match the same folded surfaces; the folding itself is timed on its own.
    """
    spacy_matcher = SpacyMatcher()
    variants = spacy_matcher.gazetteer.variants
    started = time.perf_counter()
    forms = [matching_form(text, variants) for text in texts]
    folding = time.perf_counter() - started
    ours(texts[:50], forms[:50]), spacy_matcher(texts[:50], forms[:50])  # warm: caches filled
    timings = {}
    results = {}
    for name, run in (("khanij", ours), ("spacy", spacy_matcher)):
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            results[name] = run(texts, forms)
            best = min(best, time.perf_counter() - started)
        timings[name] = best
    differing = [i for i, (a, b) in enumerate(zip(results["khanij"], results["spacy"], strict=True)) if sorted(a) != b]
    return {
        "articles": len(texts),
        "patterns": spacy_matcher.patterns,
        "khanij_seconds": timings["khanij"], "spacy_seconds": timings["spacy"], "folding_seconds": folding,
        "speedup": timings["spacy"] / timings["khanij"],
        "khanij_matches": sum(map(len, results["khanij"])), "spacy_matches": sum(map(len, results["spacy"])),
        "articles_differing": len(differing),
        "example_difference": None if not differing else {
            "khanij": sorted(set(results["khanij"][differing[0]]) - set(results["spacy"][differing[0]]))[:5],
            "spacy": sorted(set(results["spacy"][differing[0]]) - set(results["khanij"][differing[0]]))[:5],
            "text": texts[differing[0]][:300],
        },
    }
