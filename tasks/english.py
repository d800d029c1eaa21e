"""English prose from structured values: names with their article, lists, amounts, dates, templates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_NEEDS_ARTICLE = re.compile(
    r"^(United|Netherlands|Philippines|Bahamas|Gambia|Czech|Maldives|Vatican)|"
    r"\b(Republic|Kingdom|Union|Emirates|Islands|States|House|Conference|Summit|Ministry|Council|Bank|Fund|"
    r"Organization|Organisation|Forum|Agency|Department|Parliament|Assembly|Commission|Pentagon|Kremlin)\b"
)
_OPTIONAL_PART = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"{(\w+)}")


def prose_name(name: str, entity_type: str) -> str:
    """English prose wants 'the United States', 'the White House', 'the Global Critical Minerals Conference'."""
    needs_article = _NEEDS_ARTICLE.search(name)
    return f"the {name}" if needs_article and entity_type != "PERSON" and not name.startswith("The ") else name


def join_names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def format_amount(value: float, currency: str | None) -> str:
    """500000000, 'USD' -> 'USD 500 million'."""
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= scale:
            number = f"{value / scale:.2f}".rstrip("0").rstrip(".")
            return f"{currency or ''} {number} {word}".strip()
    return f"{currency or ''} {value:,.0f}".strip()


@lru_cache(maxsize=4096)
def _settled_template(template: str, filled: frozenset[str]) -> tuple[str, ...]:
    """The template with each [bracketed part] kept when all its slots are filled (else dropped), cut at its slots: text, slot, ..., text."""
    settled = _OPTIONAL_PART.sub(lambda part: part.group(1) if set(_SLOT.findall(part.group(1))) <= filled else "", template)
    return tuple(_SLOT.split(settled))


def render_template(template: str, values: dict[str, str]) -> str:
    """Fill {name} slots; a [bracketed part] vanishes when a slot inside it is empty."""
    # A batch renders a few dozen templates with a handful of empty-slot patterns: each is settled once.
    pieces = _settled_template(template, frozenset(name for name, value in values.items() if value))
    texts, slots = pieces[0::2], pieces[1::2]
    return ("".join([text + (values.get(slot) or "someone") for text, slot in zip(texts, slots)]) + texts[-1]).strip()


_DATE_FORMATS = {"day": lambda value: value.isoformat(), "month": lambda value: value.strftime("%Y-%m"), "year": lambda value: str(value.year)}


@lru_cache(maxsize=4096)
def date_text(value, precision: str | None) -> str:
    """A date as precise as it is known: 2026-02-04, 2026-02 or 2026 (cached: a batch's events share a few hundred dates)."""
    return _DATE_FORMATS[precision](value) if value is not None else ""
