"""The pipeline's stages at batch level: plain functions, frames and records in, frames out.

The Prefect tasks in flows/ are thin wrappers over these; tests call them directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from contracts.arrow import polars_schema
from contracts.datasets import Article, Event
from tasks.amounts import find_amounts
from tasks.clean import MatchingForm, Sentence, clean_article_text, matching_form
from tasks.discover import SourceFile
from tasks.dates import find_dates, latest_full_date, parse_date_value
from tasks.entities import MentionRecord, extract_mentions, mentions_frame
from tasks.events import EventRecord, extract_events
from tasks.language import detect_language
from tasks.read import RawArticle, Rejection
from tasks.translate import describe_events, entity_catalog, summarize_articles
from tasks.validate import quarantine_frame
from tasks.warehouse import FileOutcome
from tasks.reference import (
    load_abbreviations,
    load_amount_lexicon,
    load_date_lexicon,
    load_event_lexicon,
    load_function_words,
    load_gazetteer,
    load_language_markers,
)


@dataclass(frozen=True)
class ArticleDoc:
    """A cleaned article, ready for extraction."""

    article_id: str
    source_file: str
    source_record: int | None
    content_sha256: str
    language: str
    published_date: dt.date | None
    date_source: str
    title: str | None
    url: str | None
    publisher: str | None
    text: str
    sentences: tuple[Sentence, ...]
    form: MatchingForm


def article_id_for(text: str) -> str:
    """Stable article id from the cleaned text: the same content under two names is one article."""
    return "art_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def resolve_published_date(raw: RawArticle, header: dict[str, str], text: str) -> tuple[dt.date | None, str]:
    """Metadata, then a header line, then the latest full date in the text; never the ingestion time."""
    lexicon = load_date_lexicon()
    for value, source in ((raw.published, "metadata"), (header.get("date"), "header")):
        parsed = parse_date_value(value, lexicon) if value else None
        if parsed is not None:
            return parsed, source
    in_text = latest_full_date(text, lexicon)
    return (in_text, "text") if in_text is not None else (None, "unknown")


def clean_batch(raws: Sequence[RawArticle], accept_languages: Sequence[str] = ("hi",)) -> tuple[list[ArticleDoc], list[Rejection]]:
    """Normalise, split header and sentences, date and identify each article; other languages are set aside."""
    docs, rejected = [], []
    abbreviations, variants, markers = load_abbreviations(), load_gazetteer().variants, load_language_markers()
    for raw in raws:
        cleaned = clean_article_text(raw.text, abbreviations)
        if not cleaned.text or not cleaned.sentences:
            rejected.append(Rejection(raw.source_file, "clean", "no text left after cleaning (only whitespace, headers or control characters)", raw.text[:500] or None))
            continue
        language = detect_language(cleaned.text, markers)
        if language not in accept_languages:
            rejected.append(Rejection(
                raw.source_file, "clean",
                f"main language is '{language}', not one of the accepted languages ({', '.join(accept_languages)}); add it to accept_languages to ingest it",
                cleaned.text[:500],
            ))
            continue
        published, date_source = resolve_published_date(raw, cleaned.header, cleaned.text)
        docs.append(ArticleDoc(
            article_id=article_id_for(cleaned.text),
            source_file=raw.source_file,
            source_record=raw.source_record,
            content_sha256=raw.content_sha256,
            language=language,
            published_date=published,
            date_source=date_source,
            title=raw.title or cleaned.header.get("title"),
            url=raw.url or cleaned.header.get("url"),
            publisher=raw.publisher or cleaned.header.get("source"),
            text=cleaned.text,
            sentences=cleaned.sentences,
            form=matching_form(cleaned.text, variants),
        ))
    return docs, rejected


ARTICLE_COLUMNS = [c for c in polars_schema(Article) if c not in ("summary_en", "summary_method", "published_month", "pipeline_version", "run_id")]


def articles_frame(docs: Sequence[ArticleDoc]) -> pl.DataFrame:
    """The articles of a batch as a frame (summary and lineage come later)."""
    schema = polars_schema(Article)
    derived = ("n_sentences", "source_files")
    rows = [
        {**{c: getattr(d, c) for c in ARTICLE_COLUMNS if c not in derived}, "n_sentences": len(d.sentences), "source_files": [d.source_file]}
        for d in docs
    ]
    return pl.DataFrame(rows, schema={c: schema[c] for c in ARTICLE_COLUMNS})


def extract_entities_batch(docs: Sequence[ArticleDoc]) -> tuple[pl.DataFrame, list[list[MentionRecord]]]:
    """Mentions of every article, as a frame and as records for event extraction."""
    gazetteer, words = load_gazetteer(), load_function_words()
    records = [extract_mentions(doc.text, doc.sentences, gazetteer, words, doc.form) for doc in docs]
    return mentions_frame([doc.article_id for doc in docs], records), records


EVENT_RECORD_COLUMNS = list(EventRecord.__dataclass_fields__)


def extract_events_batch(docs: Sequence[ArticleDoc], mentions: Sequence[Sequence[MentionRecord]]) -> pl.DataFrame:
    """Events of every article; dates and amounts resolved against each article's date."""
    gazetteer, lexicon = load_gazetteer(), load_event_lexicon()
    date_lexicon, amount_lexicon = load_date_lexicon(), load_amount_lexicon()
    rows = []
    for doc, article_mentions in zip(docs, mentions, strict=True):
        dates = find_dates(doc.text, doc.published_date, date_lexicon)
        amounts = find_amounts(doc.text, amount_lexicon)
        for event in extract_events(doc.article_id, doc.text, doc.form, doc.sentences, article_mentions, dates, amounts,
                                    doc.published_date, gazetteer, lexicon):
            rows.append({"article_id": doc.article_id, **event.__dict__})
    schema = polars_schema(Event)
    frame_schema = {"article_id": pl.Utf8, **{c: schema.get(c, pl.Utf8) for c in EVENT_RECORD_COLUMNS}}
    frame_schema["object_ids"] = pl.List(pl.Utf8)
    return pl.DataFrame(rows, schema=frame_schema)


def translate_batch(articles: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """English fields: event descriptions, article summaries and the entity catalog (names and ids)."""
    gazetteer = load_gazetteer()
    events = describe_events(events, gazetteer)
    return summarize_articles(articles, events), events, entity_catalog(mentions, gazetteer)


def _month_key(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%Y-%m").fill_null("unknown")


def with_lineage(articles: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame, run_id: str, version: str) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Partition keys and lineage columns: published_month, event_month, pipeline_version, run_id."""
    lineage = {"pipeline_version": pl.lit(version), "run_id": pl.lit(run_id)}
    articles = articles.with_columns(published_month=_month_key("published_date"), **lineage)
    months = articles.select("article_id", "published_month")
    mentions = mentions.join(months, on="article_id", how="left").with_columns(**lineage)
    events = events.with_columns(event_month=_month_key("event_date"), **lineage)
    return articles, mentions, events


def rejections_frame(rejections: Sequence[Rejection]) -> pl.DataFrame:
    """Rejected files and records as quarantine rows (lineage added when the batch is staged)."""
    return quarantine_frame([
        {"source_file": r.source_file, "source_record": None, "stage": r.stage, "reason": r.reason, "payload": r.payload}
        for r in rejections
    ])


def quarantine_with_lineage(quarantine: pl.DataFrame, run_id: str, version: str, run_date: dt.date) -> pl.DataFrame:
    """Quarantine rows with run_date, pipeline_version and run_id."""
    return quarantine.with_columns(run_date=pl.lit(run_date), pipeline_version=pl.lit(version), run_id=pl.lit(run_id))


def concat_or_empty(frames: Sequence[pl.DataFrame], empty: pl.DataFrame) -> pl.DataFrame:
    """Frames stacked, or `empty` when there are none."""
    return pl.concat(frames) if frames else empty



def unique_articles(docs: Sequence[ArticleDoc]) -> list[ArticleDoc]:
    """One doc per article id: the same content under two file names is one article."""
    seen: dict[str, ArticleDoc] = {}
    for doc in docs:
        seen.setdefault(doc.article_id, doc)
    return list(seen.values())


def file_outcomes(files: Sequence[SourceFile], hashes: dict[str, str], docs: Sequence[ArticleDoc], valid_ids: set[str], quarantined: set[str]) -> list[FileOutcome]:
    """What became of each processed file: its articles that passed validation, and its status for the manifest."""
    articles_of: dict[str, list[str]] = {}
    for doc in docs:
        if doc.article_id in valid_ids:
            articles_of.setdefault(doc.source_file, []).append(doc.article_id)
    outcomes = []
    for source in files:
        ids = tuple(dict.fromkeys(articles_of.get(source.relpath, [])))
        status = "quarantined" if not ids else ("partial" if source.relpath in quarantined else "ingested")
        outcomes.append(FileOutcome(source.relpath, hashes[source.relpath], source.size, source.mtime_ns, ids, status))
    return outcomes


def accounted(written: Sequence[dict[str, pl.DataFrame]]) -> tuple[set[str], set[str]]:
    """Article ids that passed validation and files with quarantined records, over a run's batches."""
    valid = {i for w in written if "articles" in w for i in w["articles"]["article_id"].to_list()}
    quarantined = {f for w in written for f in w["quarantine"]["source_file"].to_list()}
    return valid, quarantined
