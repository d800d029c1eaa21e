"""Coreference within an article: a later surname or given name alone is the person named in full earlier.

News names a person in full once ('नवाज़ शरीफ़') and by one part of the name afterwards ('शरीफ़ ने कहा').
Each part of a full name points to its person; a part shared by two people in the article ('सिंह' of two
Singhs) points to nobody. Only words after the full mention are linked, and only where they stand alone
(not inside another name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress


@dataclass(frozen=True)
class PersonName:
    """A person named in full in the article: entity id, where the full name first ends, its words (matching form)."""

    entity_id: str
    first_end: int
    words: tuple[str, ...]


def name_parts(people: Iterable[PersonName], excluded: Callable[[str], bool]) -> dict[str, tuple[str, int]]:
    """Word -> (entity id, offset after which it may refer): first and last words of full names, unambiguous only."""
    owners: dict[str, set[str]] = {}
    earliest: dict[tuple[str, str], int] = {}
    for person in people:
        if len(person.words) < 2:
            continue
        for word in {person.words[0], person.words[-1]}:
            if len(word) < 2 or excluded(word):
                continue
            owners.setdefault(word, set()).add(person.entity_id)
            key = (word, person.entity_id)
            earliest[key] = min(earliest.get(key, person.first_end), person.first_end)
    return {word: (next(iter(ids)), earliest[(word, next(iter(ids)))]) for word, ids in owners.items() if len(ids) == 1}


def link_short_names(
    starts: Sequence[int],
    ends: Sequence[int],
    words: Sequence[str],
    parts: Mapping[str, tuple[str, int]],
    taken: Callable[[int, int], bool],
    stands_alone: Callable[[int], bool],
) -> list[tuple[int, int, str]]:
    """(start, end, entity_id) of words (matching form, with their offsets) that are a known part of an earlier
    full name and stand alone."""
    linked = []
    # Only the words that are parts of names are looked at; the test runs in C (an article has a few hundred words).
    for index in compress(range(len(words)), map(parts.__contains__, words)):
        start, end = starts[index], ends[index]
        entity_id, after = parts[words[index]]
        if start < after or taken(start, end) or not stands_alone(index):
            continue
        linked.append((start, end, entity_id))
    return linked
