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


@lru_cache(maxsize=1024)
def _template_pieces(template: str) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """A template cut into (text, None) for plain text and (part, its slots) for each [bracketed part]."""
    pieces: list[tuple[str, tuple[str, ...] | None]] = []
    end = 0
    for match in _OPTIONAL_PART.finditer(template):
        pieces.append((template[end:match.start()], None))
        pieces.append((match.group(1), tuple(_SLOT.findall(match.group(1)))))
        end = match.end()
    pieces.append((template[end:], None))
    return tuple(pieces)


def render_template(template: str, values: dict[str, str]) -> str:
    """Fill {name} slots; a [bracketed part] vanishes when a slot inside it is empty."""
    filled = "".join([
        text if slots is None else text.format(**values) if all(values.get(slot) for slot in slots) else ""
        for text, slots in _template_pieces(template)
    ])
    return _SLOT.sub(lambda m: values.get(m.group(1)) or "someone", filled).strip()


def date_text(value, precision: str | None) -> str:
    if value is None:
        return ""
    return {"day": value.isoformat(), "month": value.strftime("%Y-%m"), "year": str(value.year)}[precision]
