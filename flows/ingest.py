"""The ingest flow: article files in a folder -> English entities and events in the warehouse."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.params import IngestParameters
from khanij import PIPELINE_VERSION
from tasks import stages
from tasks.discover import SourceFile, discover_source_files
from tasks.read import RawArticle, Rejection, read_article_file
from tasks.translate import empty_catalog
from tasks.report import RunSummary, entity_digest, event_digest, quarantine_digest
from tasks.validate import validate_batch
from tasks.warehouse import RunStaging, commit, new_run_id



@contextmanager
def _timed(summary: RunSummary, stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    summary.stage_seconds[stage] = summary.stage_seconds.get(stage, 0.0) + time.perf_counter() - started


def _warn(rejections: Sequence[Rejection]) -> None:
    logger = get_run_logger()
    for rejection in rejections:
        logger.warning("quarantined %s at stage %s: %s", rejection.source_file, rejection.stage, rejection.reason)


@task(cache_policy=NO_CACHE)
def discover(source: Path) -> tuple[list[SourceFile], list[Rejection]]:
    """Article files in the source folder."""
    files, rejected = discover_source_files(source)
    _warn(rejected)
    return files, rejected


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=1)
def read(batch: Sequence[SourceFile], source: Path, max_file_bytes: int) -> tuple[list[RawArticle], list[Rejection]]:
    """Read and decode a batch of files; unreadable ones become rejections."""
    raws, rejected = [], []
    for source_file in batch:
        found, bad = read_article_file(source_file.path, source, max_file_bytes)
        raws += found
        rejected += bad
    _warn(rejected)
    return raws, rejected


@task(cache_policy=NO_CACHE)
def clean(raws: Sequence[RawArticle], accept_languages: Sequence[str]) -> tuple[list[stages.ArticleDoc], list[Rejection]]:
    """Normalise text, split sentences, find each article's date and language."""
    docs, rejected = stages.clean_batch(raws, accept_languages)
    _warn(rejected)
    return docs, rejected


@task(cache_policy=NO_CACHE)
def extract_entities(docs: Sequence[stages.ArticleDoc]):
    """Gazetteer mentions, glosses and roles."""
    return stages.extract_entities_batch(docs)


@task(cache_policy=NO_CACHE)
def extract_events(docs: Sequence[stages.ArticleDoc], mention_records) -> pl.DataFrame:
    """PLOVER events with arguments, dates and amounts."""
    return stages.extract_events_batch(docs, mention_records)


@task(cache_policy=NO_CACHE)
def translate(articles: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame):
    """English descriptions, summaries and entity names."""
    return stages.translate_batch(articles, mentions, events)


@task(cache_policy=NO_CACHE)
def validate(articles: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame, run_id: str):
    """Check every row against its contract; failing rows go to quarantine."""
    articles, mentions, events = stages.with_lineage(articles, mentions, events, run_id, PIPELINE_VERSION)
    articles, mentions, events, quarantine = validate_batch(articles, mentions, events)
    for row in quarantine.iter_rows(named=True):
        get_run_logger().warning("quarantined a row of %s at stage validate: %s", row["source_file"], row["reason"])
    return articles, mentions, events, quarantine


@task(cache_policy=NO_CACHE)
def write(staging: RunStaging, label: str, frames: dict[str, pl.DataFrame]) -> None:
    """Stage a batch's rows (invisible to readers until the commit)."""
    staging.stage_batch(label, frames)


@task(cache_policy=NO_CACHE)
def commit_run(warehouse: Path, staging: RunStaging, processed: list[str], catalog: pl.DataFrame) -> dict[str, int]:
    """Make the run visible in one step: each dataset's next version replaces the current one."""
    return commit(warehouse, staging, processed, catalog, PIPELINE_VERSION)


@task(cache_policy=NO_CACHE)
def report(summary: RunSummary) -> RunSummary:
    """Publish the run report as Prefect artifacts."""
    create_markdown_artifact(summary.markdown(), key="khanij-run-report", description="khanij run report")
    if summary.new_events:
        create_table_artifact(summary.new_events, key="khanij-new-events", description="Events written by this run")
    if summary.new_entities:
        create_table_artifact(summary.new_entities, key="khanij-entities", description="Entities mentioned by this run")
    if summary.quarantine_reasons:
        create_table_artifact(summary.quarantine_reasons, key="khanij-quarantine", description="Files and rows quarantined by this run")
    get_run_logger().info(
        "run %s: %d articles, %d entities, %d events, %d quarantined",
        summary.run_id, summary.articles, summary.entities, summary.events, summary.quarantined,
    )
    return summary


def _batches(files: Sequence[SourceFile], size: int) -> Iterator[Sequence[SourceFile]]:
    for start in range(0, len(files), size):
        yield files[start:start + size]


@flow(name="ingest_articles", log_prints=False, validate_parameters=True)
def ingest_articles(parameters: IngestParameters | None = None) -> RunSummary:
    """Discover article files, extract English entities and events, validate, and commit them to the warehouse."""
    parameters = parameters or IngestParameters()
    source_dir, warehouse_dir = Path(parameters.source).resolve(), Path(parameters.warehouse).resolve()
    batch_size, max_file_bytes = parameters.batch_size, parameters.max_file_bytes
    run_id = new_run_id()
    summary = RunSummary(run_id, str(source_dir), str(warehouse_dir))
    staging = RunStaging(warehouse_dir, run_id)
    run_date = dt.datetime.now(dt.timezone.utc).date()

    with _timed(summary, "discover"):
        files, rejected = discover(source_dir)
        write(staging, "discover", {"quarantine": stages.quarantine_with_lineage(stages.rejections_frame(rejected), run_id, PIPELINE_VERSION, run_date)})
    summary.files_seen = len(files) + len(rejected)
    summary.quarantine_reasons += [r.__dict__ for r in rejected]
    written: list[dict[str, pl.DataFrame]] = []
    for number, batch in enumerate(_batches(files, batch_size)):
        with _timed(summary, "read"):
            raws, read_rejected = read(batch, source_dir, max_file_bytes)
        with _timed(summary, "clean"):
            docs, clean_rejected = clean(raws, parameters.accept_languages)
        with _timed(summary, "extract entities"):
            mentions, mention_records = extract_entities(docs)
        with _timed(summary, "extract events"):
            events = extract_events(docs, mention_records)
        with _timed(summary, "translate"):
            articles, events, catalog = translate(stages.articles_frame(docs), mentions, events)
        with _timed(summary, "validate"):
            articles, mentions, events, invalid = validate(articles, mentions, events, run_id)
        quarantine = stages.quarantine_with_lineage(
            pl.concat([stages.rejections_frame(read_rejected + clean_rejected), invalid]), run_id, PIPELINE_VERSION, run_date
        )
        with _timed(summary, "write"):
            frames = {"articles": articles, "mentions": mentions, "events": events, "quarantine": quarantine}
            write(staging, f"{number:06d}", frames)
        written.append({**frames, "catalog": catalog})

    with _timed(summary, "write"):
        catalog = stages.concat_or_empty([w["catalog"] for w in written], empty_catalog())
        dataset_rows = commit_run(warehouse_dir, staging, [f.relpath for f in files], catalog)
    summary.record(written, catalog, dataset_rows)
    with _timed(summary, "report"):
        return report(summary)
