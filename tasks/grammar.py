"""Hindi function words (postpositions, coordinators, clause boundaries, tense and negation markers), as data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FunctionWords:
    """Function words grouped by what they do; each tuple is sorted longest first so phrases win."""

    by_function: dict[str, tuple[str, ...]]

    def __getitem__(self, function: str) -> tuple[str, ...]:
        return self.by_function.get(function, ())

    @property
    def postpositions(self) -> dict[str, str]:
        """Word -> role for every noun-marking postposition, longest first."""
        roles = ("agent", "patient", "partner", "between", "target", "location", "genitive")
        pairs = [(word, role) for role in roles for word in self[role]]
        return dict(sorted(pairs, key=lambda pair: -len(pair[0])))


def build_function_words(rows: Iterable[dict[str, str]]) -> FunctionWords:
    """Group (word, function) rows into a FunctionWords."""
    grouped: dict[str, list[str]] = {}
    for row in rows:
        grouped.setdefault(row["function"], []).append(row["word"])
    return FunctionWords({function: tuple(sorted(set(words), key=lambda w: (-len(w), w))) for function, words in grouped.items()})
