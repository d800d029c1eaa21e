"""A synthetic corpus for benchmarks: Hindi news articles recombined from sentence templates, deterministic by seed.

Every article is drawn from its own random stream (seed and index), so a corpus of N articles is the
first N articles of any larger corpus with the same seed, and generation never depends on what was
drawn before. Entities, dates and amounts come from the reference data, so the pipeline finds them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape

FORMAT_WEIGHTS = (("txt", 55), ("json", 20), ("jsonl", 15), ("html", 10))
JSONL_RECORDS = (2, 5)            # records per .jsonl file, inclusive range
FILES_PER_FOLDER = 1000           # so no folder holds more than this many files
ARTICLE_BYTES = (1000, 5200, 2900)  # triangular(low, high, mode) of the body's UTF-8 size: mean about 3 KB
FIRST_DAY, LAST_DAY = dt.date(2019, 1, 1), dt.date(2026, 6, 30)
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class SynthMaterial:
    """Sentence templates and the names, months and money words they are filled with."""

    templates: dict[str, tuple[str, ...]]  # kind (title, lead, body, quote, closing, post) -> templates
    publishers: tuple[tuple[str, str], ...]  # (name, site)
    countries: tuple[tuple[str, str], ...]  # (Hindi, English)
    people: tuple[tuple[str, str], ...]  # (Hindi, English)
    roles: tuple[str, ...]
    organizations: tuple[str, ...]
    places: tuple[str, ...]
    commodities: tuple[str, ...]
    months_hi: tuple[tuple[str, ...], ...]  # spellings of month 1..12
    months_en: tuple[str, ...]  # month 1..12
    scales: tuple[str, ...]  # Hindi number-scale words used with money
    currencies: tuple[str, ...]  # Hindi currency words written after the number


@dataclass(frozen=True)
class SynthArticle:
    """One generated article: body text and the metadata a feed would carry."""

    index: int
    title: str
    text: str
    published: dt.date
    publisher: str
    site: str


def _pick(rng: random.Random, items: Sequence):
    return items[rng.randrange(len(items))]


def _date_text(rng: random.Random, day: dt.date, material: SynthMaterial) -> str:
    """A date in one of the ways Hindi news writes it, near the article's date."""
    when = day - dt.timedelta(days=rng.randrange(0, 20))
    month = _pick(rng, material.months_hi[when.month - 1])
    form = rng.randrange(5)
    if form == 0:
        return f"{when.day} {month} {when.year}"
    if form == 1:
        return f"{when.day} {month}"
    if form == 2:
        return when.isoformat()
    if form == 3:
        return f"{when.day:02d}-{when.month:02d}-{when.year}"
    return f"{when.day} {month}, {when.year}"


def _amount_text(rng: random.Random, material: SynthMaterial) -> str:
    """A money amount: a number with a scale word and a currency, in Hindi or English form."""
    if rng.random() < 0.15:
        return f"${rng.randrange(5, 950)} million"
    number = rng.randrange(2, 900) if rng.random() < 0.8 else round(rng.uniform(1, 99), 1)
    return f"{number} {_pick(rng, material.scales)} {_pick(rng, material.currencies)}"


@dataclass
class _Cast:
    """The entities one article is about (a paragraph may bring in new ones)."""

    slots: dict[str, str]

    @classmethod
    def draw(cls, rng: random.Random, material: SynthMaterial, day: dt.date) -> _Cast:
        countries = rng.sample(material.countries, 3)
        people = rng.sample(material.people, 2)
        commodities = rng.sample(material.commodities, 2)
        return cls({
            "country": countries[0][0], "country2": countries[1][0], "country3": countries[2][0],
            "country_en": countries[0][1],
            "person": people[0][0], "person2": people[1][0], "person_en": people[0][1],
            "handle": re.sub(r"[^A-Za-z0-9]", "", people[0][1])[:15] or "news",
            "role": _pick(rng, material.roles), "org": _pick(rng, material.organizations),
            "place": _pick(rng, material.places),
            "commodity": commodities[0], "commodity2": commodities[1],
            "month": f"{_pick(rng, material.months_hi[day.month - 1])} {day.year}",
            "year": str(day.year + rng.choice((-1, 0, 1, 5))),
        })


def _fill(template: str, cast: _Cast, rng: random.Random, material: SynthMaterial, day: dt.date) -> str:
    """A template with its slots filled: the cast's entities, fresh dates, amounts and numbers."""

    def value(match: re.Match[str]) -> str:
        slot = match.group(1)
        if slot == "date":
            return _date_text(rng, day, material)
        if slot == "amount":
            return _amount_text(rng, material)
        if slot == "number":
            return str(rng.randrange(2, 40))
        if slot == "percent":
            return f"{rng.randrange(3, 85)} प्रतिशत" if rng.random() < 0.5 else f"{rng.randrange(3, 85)}%"
        return cast.slots[slot]

    return _SLOT.sub(value, template)


def synth_article(material: SynthMaterial, seed: int, index: int) -> SynthArticle:
    """Article number `index` of the corpus with this seed: same seed and index, same article."""
    rng = random.Random(f"khanij-synth:{seed}:{index}")
    day = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    cast = _Cast.draw(rng, material, day)
    target = rng.triangular(*ARTICLE_BYTES)
    t = material.templates
    paragraphs: list[list[str]] = [[_fill(_pick(rng, t["lead"]), cast, rng, material, day)]]
    size = len(paragraphs[0][0].encode("utf-8"))
    body = list(t["body"])
    rng.shuffle(body)
    position = 0
    # One article in five quotes an English social-media post, after its second paragraph.
    post_after = 2 if t.get("post") and rng.random() < 0.2 else None
    while size < target:
        if len(paragraphs) == post_after:
            post_after = None
            post = f"{_fill(_pick(rng, t['post']), cast, rng, material, day)}\n— {cast.slots['person_en']} (@{cast.slots['handle']}) " \
                   f"{material.months_en[day.month - 1]} {day.day}, {day.year}"
            paragraphs += [[post], []]
            size += len(post.encode("utf-8"))
            continue
        if position == len(body):  # every body template used once: reshuffle, and bring in new entities
            rng.shuffle(body)
            position = 0
            cast = _Cast.draw(rng, material, day)
        kind_templates = t["quote"] if rng.random() < 0.12 else (body[position],)
        sentence = _fill(_pick(rng, kind_templates), cast, rng, material, day)
        position += kind_templates is not t["quote"]
        if len(paragraphs[-1]) >= rng.randrange(2, 5):
            paragraphs.append([])
        paragraphs[-1].append(sentence)
        size += len(sentence.encode("utf-8")) + 1
    paragraphs.append([_fill(_pick(rng, t["closing"]), cast, rng, material, day)])
    text = "\n\n".join(" ".join(p) for p in paragraphs if p)
    publisher, site = _pick(rng, material.publishers)
    return SynthArticle(index, _fill(_pick(rng, t["title"]), cast, rng, material, day), text, day, publisher, site)


def _url(article: SynthArticle) -> str:
    return f"https://{article.site}/{article.published:%Y/%m}/article-{article.index:07d}"


def render_txt(article: SynthArticle, rng: random.Random) -> str:
    """A .txt file: header lines (date, title, source) in one of several layouts, then the body."""
    layout = rng.randrange(3)
    if layout == 0:
        header = f"date {article.published.isoformat()}\ntitle: {article.title}\nsource: {article.publisher}\n\n"
    elif layout == 1:
        header = f"date: {article.published.isoformat()}\nurl: {_url(article)}\n\n{article.title}\n"
    else:
        header = f"date {article.published.isoformat()} "  # the body on the date's own line, as some feeds do
    return header + article.text + "\n"


def _record(article: SynthArticle, rng: random.Random) -> dict:
    published = article.published
    forms = (
        published.isoformat(),
        f"{published.isoformat()}T{rng.randrange(6, 22):02d}:{rng.randrange(60):02d}:00+05:30",
        f"{published:%a}, {published.day:02d} {published:%b} {published.year} 09:30:00 +0530",
    )
    return {"title": article.title, "text": article.text, "published": _pick(rng, forms), "url": _url(article), "source": article.publisher}


def render_json(article: SynthArticle, rng: random.Random) -> str:
    """A .json file: one object with title, text, published, url and source."""
    return json.dumps(_record(article, rng), ensure_ascii=False, indent=rng.choice((None, 2)))


def render_jsonl(articles: Sequence[SynthArticle], rng: random.Random) -> str:
    """A .jsonl file: one object a line."""
    return "".join(json.dumps(_record(article, rng), ensure_ascii=False) + "\n" for article in articles)


def render_html(article: SynthArticle, rng: random.Random) -> str:
    """An .html page: navigation and footer around an <article> with the title and paragraphs."""
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in article.text.split("\n\n"))
    return (
        f'<!DOCTYPE html>\n<html lang="hi"><head><meta charset="utf-8"><title>{escape(article.title)}</title>\n'
        f'<meta property="article:published_time" content="{article.published.isoformat()}T08:00:00+05:30">\n'
        f'<meta property="og:site_name" content="{escape(article.publisher)}"><link rel="canonical" href="{_url(article)}"></head>\n'
        f'<body><nav><a href="/">{escape(article.publisher)}</a> | <a href="/world">world</a></nav>\n'
        f"<article><h1>{escape(article.title)}</h1>\n{paragraphs}\n</article>\n"
        f"<footer>© {article.published.year} {escape(article.publisher)}</footer></body></html>\n"
    )


def synth_files(material: SynthMaterial, n: int, seed: int = 0) -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of the files holding articles 0..n-1: txt, json, jsonl (several a file) and html."""
    layout = random.Random(f"khanij-synth-layout:{seed}")
    formats, weights = zip(*FORMAT_WEIGHTS, strict=True)
    index = number = 0
    while index < n:
        fmt = layout.choices(formats, weights)[0]
        count = min(layout.randint(*JSONL_RECORDS), n - index) if fmt == "jsonl" else 1
        articles = [synth_article(material, seed, i) for i in range(index, index + count)]
        rng = random.Random(f"khanij-synth-file:{seed}:{number}")
        if fmt == "txt":
            content = render_txt(articles[0], rng)
        elif fmt == "json":
            content = render_json(articles[0], rng)
        elif fmt == "jsonl":
            content = render_jsonl(articles, rng)
        else:
            content = render_html(articles[0], rng)
        yield f"{number // FILES_PER_FOLDER:04d}/{number:07d}.{fmt}", content.encode("utf-8")
        index += count
        number += 1
