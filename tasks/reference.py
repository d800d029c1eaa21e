"""Loading reference data (gazetteers, lexicons) from data/reference/: the one module that reads them."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from khanij import REFERENCE_DIR


def read_reference_csv(name: str, reference_dir: Path = REFERENCE_DIR) -> list[dict[str, str]]:
    """Rows of a reference CSV file as dicts; lines starting with '#' are comments."""
    path = reference_dir / name
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return [dict(row) for row in csv.DictReader(lines)]


def split_list(value: str | None) -> list[str]:
    """A '|'-separated reference field as a list, without empty items."""
    return [item.strip() for item in (value or "").split("|") if item.strip()]


@lru_cache(maxsize=None)
def load_spelling_variants(reference_dir: Path = REFERENCE_DIR) -> tuple[tuple[str, str], ...]:
    """(variant, canonical) pairs that the matching form folds, longest variant first."""
    rows = read_reference_csv("spelling_variants.csv", reference_dir)
    pairs = {(row["variant"], row["canonical"]) for row in rows}
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair)))
