"""The pipeline's stages at batch level: plain functions, frames and records in, frames out.

The Prefect tasks in flows/ are thin wrappers over these; tests call them directly.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from pathlib import Path

import polars as pl

from contracts.arrow import columns_frame, polars_schema
from contracts.datasets import Article, Event
from khanij import PIPELINE_VERSION
from tasks.amounts import find_amounts
from tasks.clean import MatchingForm, Sentence, clean_article_text, matching_form
from tasks.discover import RunPlan, SourceFile, content_hash, discover_source_files, plan_run, rejections_of
from tasks.dates import find_dates, latest_full_date, parse_date_value
from tasks.entities import MentionRecord, extract_mentions, mentions_frame
from tasks.events import EventRecord, extract_events
from tasks.language import detect_language
from tasks.read import RawArticle, Rejection, read_article_file
from tasks.report import event_digest
from tasks.translate import describe_events, discovered_entities, empty_catalog, entity_catalog, summarize_articles
from tasks.validate import quarantine_frame, validate_batch
from tasks.synth import render_txt, synth_article
from tasks.warehouse import OUTCOME_SCHEMA, RunStaging, commit, new_run_id, read_dataset, recover
from tasks.reference import (
    load_abbreviations,
    load_amount_lexicon,
    load_cue_lexicon,
    load_date_lexicon,
    load_event_lexicon,
    load_function_words,
    load_gazetteer,
    load_language_markers,
    load_synth_material,
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
    derived = {"n_sentences": [len(d.sentences) for d in docs], "source_files": [[d.source_file] for d in docs]}
    columns = {c: derived[c] if c in derived else [getattr(d, c) for d in docs] for c in ARTICLE_COLUMNS}
    return columns_frame(columns, {c: schema[c] for c in ARTICLE_COLUMNS})


def extract_entities_batch(docs: Sequence[ArticleDoc]) -> tuple[pl.DataFrame, list[list[MentionRecord]]]:
    """Mentions of every article, as a frame and as records for event extraction."""
    gazetteer, words, cues = load_gazetteer(), load_function_words(), load_cue_lexicon()
    records = [extract_mentions(doc.text, doc.sentences, gazetteer, words, doc.form, cues) for doc in docs]
    return mentions_frame([doc.article_id for doc in docs], records), records


EVENT_RECORD_COLUMNS = list(EventRecord.__dataclass_fields__)


def extract_events_batch(docs: Sequence[ArticleDoc], mentions: Sequence[Sequence[MentionRecord]]) -> pl.DataFrame:
    """Events of every article; dates and amounts resolved against each article's date."""
    gazetteer, lexicon = load_gazetteer(), load_event_lexicon()
    date_lexicon, amount_lexicon = load_date_lexicon(), load_amount_lexicon()
    article_ids, events = [], []
    for doc, article_mentions in zip(docs, mentions, strict=True):
        dates = find_dates(doc.text, doc.published_date, date_lexicon)
        amounts = find_amounts(doc.text, amount_lexicon)
        found = extract_events(doc.article_id, doc.text, doc.form, doc.sentences, article_mentions, dates, amounts, doc.published_date,
                               gazetteer, lexicon)
        article_ids += [doc.article_id] * len(found)
        events += found
    schema = polars_schema(Event)
    frame_schema = {"article_id": pl.Utf8, **{c: schema.get(c, pl.Utf8) for c in EVENT_RECORD_COLUMNS}}
    frame_schema["object_ids"] = pl.List(pl.Utf8)
    columns = {"article_id": article_ids, **{c: list(map(attrgetter(c), events)) for c in EVENT_RECORD_COLUMNS}}  # map: the loop runs in C
    return columns_frame(columns, frame_schema)


def translate_batch(articles: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """English fields: event descriptions, article summaries and the entity catalog (names and ids)."""
    gazetteer, discovered = load_gazetteer(), discovered_entities(mentions)
    events = describe_events(events, gazetteer, discovered)
    return summarize_articles(articles, events), events, entity_catalog(mentions, gazetteer, discovered)


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


def unique_articles(docs: Sequence[ArticleDoc]) -> list[ArticleDoc]:
    """One doc per article id: the same content under two file names is one article."""
    seen: dict[str, ArticleDoc] = {}
    for doc in docs:
        seen.setdefault(doc.article_id, doc)
    return list(seen.values())


def file_outcomes(files: Sequence[SourceFile], hashes: pl.DataFrame, docs: pl.DataFrame, quarantined: set[str]) -> pl.DataFrame:
    """What became of each processed file (an outcomes frame, in file order): its hash, its articles that passed
    validation, and its status for the manifest.

    `hashes`: source_file and content_sha256 of every file (FILE_HASHES_SCHEMA). `docs`: source_file, article_id and
    valid (the article passed its contract) of every cleaned article, in order.
    """
    valid_ids = docs.filter("valid").select("article_id").unique()
    articles_of = (
        docs.join(valid_ids, on="article_id", how="semi", maintain_order="left")
        .group_by("source_file", maintain_order=True).agg(article_ids=pl.col("article_id").unique(maintain_order=True))
    )
    processed = pl.DataFrame({
        "source_file": [source.relpath for source in files],
        "size_bytes": [source.size for source in files],
        "mtime_ns": [source.mtime_ns for source in files],
    }, schema={name: OUTCOME_SCHEMA[name] for name in ("source_file", "size_bytes", "mtime_ns")})
    processed = processed.join(hashes, on="source_file", how="left", maintain_order="left")
    unhashed = processed.filter(pl.col("content_sha256").is_null())["source_file"]
    if unhashed.len():
        raise RuntimeError(f"no content hash for {unhashed.len()} processed file(s), e.g. {unhashed[0]}: neither discovery nor a batch hashed it")
    set_aside = pl.Series(sorted(quarantined), dtype=pl.Utf8).implode()
    return (
        processed.join(articles_of, on="source_file", how="left", maintain_order="left")
        .with_columns(article_ids=pl.col("article_ids").fill_null(pl.lit([], pl.List(pl.Utf8))))
        .with_columns(status=pl.when(pl.col("article_ids").list.len() == 0).then(pl.lit("quarantined"))
                      .when(pl.col("source_file").is_in(set_aside)).then(pl.lit("partial"))
                      .otherwise(pl.lit("ingested")))
        .select(OUTCOME_SCHEMA.keys())
    )


# ---- One batch, start to finish: the sequence the Prefect flow and the core runner share ----

REPORT_ROWS = 1000  # events listed in a run report: enough to read, small whatever the run's size


def read_batch(files: Sequence[SourceFile], source: Path, max_file_bytes: int) -> tuple[list[RawArticle], list[Rejection], pl.DataFrame]:
    """Read and decode a batch of files; unreadable ones become rejections. Also each file's hash, for the manifest
    (FILE_HASHES_SCHEMA): of the bytes read, or of the file as it is when it was not read whole."""
    raws, rejected, hashes = [], [], []
    for source_file in files:
        found = read_article_file(source_file.path, source, max_file_bytes)
        raws += found.articles
        rejected += found.rejections
        hashes.append(found.sha256 or content_hash(source_file))
    return raws, rejected, pl.DataFrame({"source_file": [f.relpath for f in files], "content_sha256": hashes}, schema=FILE_HASHES_SCHEMA)


def validate_with_lineage(articles: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame, run_id: str,
                          version: str) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Partition keys and lineage, then every row against its contract; failing rows come back as quarantine rows."""
    return validate_batch(*with_lineage(articles, mentions, events, run_id, version))


def stage_frames(staging: RunStaging, label: str, frames: dict[str, pl.DataFrame]) -> None:
    """Stage a batch's rows (invisible to readers until the commit)."""
    staging.stage_batch(label, frames)


@dataclass(frozen=True)
class BatchSettings:
    """What every batch of a run needs: where files are, where rows are staged, lineage and limits."""

    source: Path
    staging: RunStaging
    run_id: str
    run_date: dt.date
    pipeline_version: str
    max_file_bytes: int
    accept_languages: tuple[str, ...]


@dataclass(frozen=True)
class StageCalls:
    """How each stage is called: the plain functions of this module, or the flow's Prefect tasks wrapping them."""

    read: Callable = read_batch
    clean: Callable = clean_batch
    extract_entities: Callable = extract_entities_batch
    extract_events: Callable = extract_events_batch
    translate: Callable = translate_batch
    validate: Callable = validate_with_lineage
    write: Callable = stage_frames


PLAIN_STAGES = StageCalls()


# What a batch stages for the commit beside its rows (RunStaging.stage_ledger): source_file, article_id and valid
# (passed its contract) of every cleaned article, copies included; and every file's hash, of what was read.
DOCS, FILE_HASHES = "docs", "file_hashes"
DOCS_SCHEMA = {"source_file": pl.Utf8, "article_id": pl.Utf8, "valid": pl.Boolean}
FILE_HASHES_SCHEMA = {"source_file": pl.Utf8, "content_sha256": pl.Utf8}


@dataclass
class BatchOutcome:
    """What a staged batch leaves for the commit and the report: small, whatever the batch size.

    What the commit needs of each file and article (their hashes, and which articles passed their contracts) is
    staged beside the batch's rows (RunStaging.stage_ledger: DOCS and FILE_HASHES), not carried here.
    """

    label: str
    quarantine: pl.DataFrame
    catalog: pl.DataFrame
    articles: int
    mentions: int
    events: int
    new_events: list[dict]  # the first REPORT_ROWS events, for the report
    entity_mentions: pl.DataFrame  # entity_id, mentions
    stage_seconds: dict[str, float] = field(default_factory=dict)


def in_memory_engine() -> pl.Config:
    """Polars' in-memory engine, within a `with` block.

    A batch's frames are small and its queries many (Pandera collects one per check and column, hundreds a batch):
    Polars' default engine would start its streaming engine for each, at several times the cost of the query.
    """
    return pl.Config(set_engine_affinity="in-memory")


@cache
def load_reference_data() -> None:
    """Load every lexicon and gazetteer once per process, then hide them from the cyclic garbage collector.

    They live as long as the process; left in the collector's generations, each full collection (a batch makes
    several) would walk their millions of objects again. A batch then allocates millions of small objects that
    reference counting frees, and few cycles: the collector runs after 50,000 allocations rather than 700, which
    takes a third of its time off a batch and keeps at most that many objects waiting.
    """
    for load in (load_abbreviations, load_gazetteer, load_language_markers, load_function_words, load_cue_lexicon, load_event_lexicon,
                 load_date_lexicon, load_amount_lexicon):
        load()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


WARM_UP_ARTICLES = 20


def warm_up() -> None:
    """Load the reference data, then run the in-memory stages once on a few made-up articles (nothing is kept).

    A process's first batch otherwise pays for what happens only once: Pandera's backends imported on first use,
    patterns compiled on first use, first queries (about half a second). A core-runner helper does this while the
    run is planned, when it would only wait.
    """
    load_reference_data()
    material, rng = load_synth_material(), random.Random(0)
    raws = [RawArticle(f"warm-up-{i}.txt", None, "0" * 64, render_txt(synth_article(material, 0, i), rng), None, None, None, None, "txt")
            for i in range(WARM_UP_ARTICLES)]
    with in_memory_engine():
        docs, _ = clean_batch(raws)
        mentions, records = extract_entities_batch(docs)
        articles, events, _ = translate_batch(articles_frame(docs), mentions, extract_events_batch(docs, records))
        validate_with_lineage(articles, mentions, events, new_run_id(), PIPELINE_VERSION)


def process_batch(label: str, files: Sequence[SourceFile], settings: BatchSettings, calls: StageCalls = PLAIN_STAGES) -> BatchOutcome:
    """Read, clean, extract, translate, validate and stage one batch of files."""
    load_reference_data()
    with in_memory_engine():
        return _process_batch(label, files, settings, calls)


def _process_batch(label: str, files: Sequence[SourceFile], settings: BatchSettings, calls: StageCalls) -> BatchOutcome:
    seconds: dict[str, float] = {}

    def timed(stage: str, call: Callable, *args):
        started = time.perf_counter()
        result = call(*args)
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started
        return result

    raws, read_rejected, file_hashes = timed("read", calls.read, files, settings.source, settings.max_file_bytes)
    docs, clean_rejected = timed("clean", calls.clean, raws, settings.accept_languages)
    unique = unique_articles(docs)
    mentions, records = timed("extract entities", calls.extract_entities, unique)
    events = timed("extract events", calls.extract_events, unique, records)
    del records, raws
    articles, events, catalog = timed("translate", calls.translate, articles_frame(unique), mentions, events)
    articles, mentions, events, invalid = timed("validate", calls.validate, articles, mentions, events, settings.run_id, settings.pipeline_version)
    quarantine = quarantine_with_lineage(
        pl.concat([rejections_frame(read_rejected + clean_rejected), invalid]), settings.run_id, settings.pipeline_version, settings.run_date
    )
    timed("write", calls.write, settings.staging, label, {"articles": articles, "mentions": mentions, "events": events, "quarantine": quarantine})
    valid = set(articles["article_id"].to_list())
    settings.staging.stage_ledger(label, {
        DOCS: pl.DataFrame({"source_file": [doc.source_file for doc in docs], "article_id": [doc.article_id for doc in docs],
                            "valid": [doc.article_id in valid for doc in docs]}, schema=DOCS_SCHEMA),
        FILE_HASHES: file_hashes,
    })
    return BatchOutcome(
        label=label,
        quarantine=quarantine,
        catalog=catalog,
        articles=articles.height,
        mentions=mentions.height,
        events=events.height,
        new_events=event_digest(events.head(REPORT_ROWS), articles),
        entity_mentions=mentions.group_by("entity_id").agg(mentions=pl.len()),
        stage_seconds=seconds,
    )


def batches_of(files: Sequence[SourceFile], size: int) -> Iterator[tuple[str, Sequence[SourceFile]]]:
    """The run's readable files in batches of at most `size`, each with its label (batch number, for the staging order).

    The last batches shrink, down to a quarter of `size`: a batch takes a quarter of the files left when that is
    less than `size` (and the rest when less than an eighth would be left). On a parallel runner the processes
    then finish close together, instead of one waiting for another's last full batch. Every runner cuts the same
    batches, so they all leave the same rows.
    """
    readable = [f for f in files if not f.rejection]
    start, number, smallest = 0, 0, max(1, size // 4)
    while start < len(readable):
        left = len(readable) - start
        take = min(size, max(smallest, -(-left // 4)))
        take = left if left - take < smallest / 2 and left <= size else take
        yield f"{number:06d}", readable[start:start + take]
        start, number = start + take, number + 1


@dataclass
class RunLedger:
    """The outcomes of a run's batches, in any order of completion; read back in batch order."""

    outcomes: dict[str, BatchOutcome] = field(default_factory=dict)
    # One row per entity: the catalog row of the latest batch (in batch order) that names it, with the aliases of
    # every batch (so they do not depend on how the run was cut into batches). Kept folded as batches arrive, so a
    # run of 100,000 articles does not hold a hundred copies of every listed entity; so are the mention counts.
    _catalog: pl.DataFrame = field(default_factory=lambda: empty_catalog().with_columns(_batch=pl.lit("", pl.Utf8)))
    _entity_mentions: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema={"entity_id": pl.Utf8, "mentions": pl.UInt32}))

    def add(self, outcome: BatchOutcome) -> None:
        """Record a staged batch; only the first REPORT_ROWS events of the run (in batch order) are kept for the report."""
        counts = pl.concat([self._entity_mentions, outcome.entity_mentions], how="vertical_relaxed")
        self._entity_mentions = counts.group_by("entity_id").agg(pl.col("mentions").sum()).cast({"mentions": pl.UInt32})
        outcome.entity_mentions = outcome.entity_mentions.clear()
        both = pl.concat([self._catalog, outcome.catalog.with_columns(_batch=pl.lit(outcome.label, pl.Utf8))], how="vertical_relaxed")
        aliases = both.group_by("entity_id").agg(pl.col("aliases").explode().drop_nulls().unique().sort())
        self._catalog = (
            both.sort("_batch", maintain_order=True)
            .unique("entity_id", keep="last", maintain_order=True)
            .drop("aliases")
            .join(aliases, on="entity_id", how="left")
            .select(both.columns)
        )
        outcome.catalog = outcome.catalog.clear()
        self.outcomes[outcome.label] = outcome
        listed = 0
        for kept in self.in_order():
            if listed >= REPORT_ROWS:
                kept.new_events = []
            listed += len(kept.new_events)

    def in_order(self) -> list[BatchOutcome]:
        """The outcomes in batch order, whatever order they finished in."""
        return [self.outcomes[label] for label in sorted(self.outcomes)]

    def catalog(self) -> pl.DataFrame:
        """The run's entity catalog: one row per entity, from the latest batch (in batch order) that names it, with every batch's aliases."""
        return self._catalog.drop("_batch")  # add keeps it in batch order

    def entity_mentions(self) -> pl.DataFrame:
        """Mentions per entity over every batch: entity_id, mentions."""
        return self._entity_mentions

    def file_outcomes(self, plan: RunPlan, discover_quarantine: pl.DataFrame, staging: RunStaging) -> pl.DataFrame:
        """What became of each processed file, for the manifest (an outcomes frame), from what every batch staged."""
        ordered = self.in_order()
        quarantined = {f for o in ordered for f in o.quarantine["source_file"].to_list()} | set(discover_quarantine["source_file"].to_list())
        docs = staging.read_ledger(DOCS, DOCS_SCHEMA)
        # The batches' hashes first: of the bytes each ingested. Discovery's cover the files no batch reads.
        discovered = pl.DataFrame({"source_file": list(plan.hashes), "content_sha256": list(plan.hashes.values())}, schema=FILE_HASHES_SCHEMA)
        hashes = pl.concat([staging.read_ledger(FILE_HASHES, FILE_HASHES_SCHEMA), discovered]).unique("source_file", keep="first", maintain_order=True)
        return file_outcomes(plan.to_process, hashes, docs, quarantined)


def discover_quarantine(plan: RunPlan, settings: BatchSettings) -> pl.DataFrame:
    """Quarantine rows of the entries discovery reports instead of reading (symbolic links, other file types)."""
    return quarantine_with_lineage(rejections_frame(rejections_of(plan.to_process)), settings.run_id, settings.pipeline_version, settings.run_date)


def plan_source(source: Path, warehouse: Path, full_refresh: bool) -> tuple[RunPlan, list[str]]:
    """Repair what a crashed run left, then compare the source folder with the manifest; the plan and the repairs made."""
    repairs = recover(warehouse)
    return plan_run(discover_source_files(source), read_dataset(warehouse, "manifest"), full_refresh), repairs


def commit_run(warehouse: Path, settings: BatchSettings, ledger: RunLedger, plan: RunPlan, keep_deleted: bool = False,
               full_refresh: bool = False) -> dict[str, int]:
    """Stage what discovery rejected, then make every staged batch visible in one step; rows per dataset after it."""
    rejected = discover_quarantine(plan, settings)
    stage_frames(settings.staging, "discover", {"quarantine": rejected})
    # The commit's queries are per partition, small and many, like a batch's (see process_batch).
    with in_memory_engine():
        return commit(warehouse, settings.staging, ledger.file_outcomes(plan, rejected, settings.staging), plan.deleted, ledger.catalog(), settings.pipeline_version,
                      keep_deleted=keep_deleted, full_refresh=full_refresh)
