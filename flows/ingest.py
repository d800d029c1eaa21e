"""The ingest flow: article files in a folder -> English entities and events in the warehouse."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE

from flows.params import IngestParameters
from khanij import PIPELINE_VERSION
from tasks import stages
from tasks.discover import RunPlan, SourceFile, discover_source_files, plan_run, rejections_of
from tasks.read import RawArticle, Rejection, read_article_file
from tasks.report import RunSummary
from tasks.translate import empty_catalog
from tasks.validate import validate_batch
from tasks.warehouse import FileOutcome, RunStaging, commit, new_run_id, read_dataset, recover, warehouse_lock



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
def discover(source: Path, warehouse: Path, full_refresh: bool) -> RunPlan:
    """Repair what a crashed run left, then compare the source folder with the manifest: new, changed, deleted."""
    logger = get_run_logger()
    for action in recover(warehouse):
        logger.warning("recovery: %s", action)
    plan = plan_run(discover_source_files(source), read_dataset(warehouse, "manifest"), full_refresh)
    logger.info("%d new, %d changed, %d unchanged, %d deleted files", len(plan.new), len(plan.changed), len(plan.unchanged), len(plan.deleted))
    _warn(rejections_of(plan.to_process))
    return plan


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
def commit_run(warehouse: Path, staging: RunStaging, outcomes: list[FileOutcome], plan: RunPlan, catalog: pl.DataFrame,
               parameters: IngestParameters) -> dict[str, int]:
    """Make the run visible in one step: every dataset's next version replaces the current one together."""
    return commit(warehouse, staging, outcomes, plan.deleted, catalog, PIPELINE_VERSION,
                  keep_deleted=parameters.on_deleted == "keep", full_refresh=parameters.full_refresh)


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


PROGRESS_KEY = "khanij-progress"


def _advance(progress: UUID, done: int, total: int, what: str) -> None:
    """Move the run's progress artifact to done/total steps (each batch is a step, the commit the last one)."""
    update_progress_artifact(progress, round(100.0 * min(done, total) / max(total, 1), 1), description=what)


def _batches(files: Sequence[SourceFile], size: int) -> Iterator[Sequence[SourceFile]]:
    for start in range(0, len(files), size):
        yield files[start:start + size]


@flow(name="ingest_articles", log_prints=False, validate_parameters=True)
def ingest_articles(parameters: IngestParameters | None = None) -> RunSummary:
    """Discover new and changed article files, extract English entities and events, validate, commit atomically."""
    parameters = parameters or IngestParameters()
    source_dir, warehouse_dir = Path(parameters.source).resolve(), Path(parameters.warehouse).resolve()
    run_id = new_run_id()
    summary = RunSummary(run_id, str(source_dir), str(warehouse_dir))
    staging = RunStaging(warehouse_dir, run_id)
    run_date = dt.datetime.now(dt.timezone.utc).date()
    progress = create_progress_artifact(0.0, key=PROGRESS_KEY, description="waiting for the warehouse, then discovering files")

    with warehouse_lock(warehouse_dir, run_id, parameters.lock_timeout_seconds, on_wait=get_run_logger().warning):
        with _timed(summary, "discover"):
            plan = discover(source_dir, warehouse_dir, parameters.full_refresh)
        summary.plan(plan)
        if plan.is_noop and not parameters.full_refresh:
            _advance(progress, 1, 1, "nothing new, changed or deleted")
            return report(summary)
        written, docs_seen = [], []
        articles_to_read = [f for f in plan.to_process if not f.rejection]
        steps = -(-len(articles_to_read) // parameters.batch_size) + 1
        _advance(progress, 0, steps, f"{len(articles_to_read)} files to read in {steps - 1} batches")
        for number, batch in enumerate(_batches(articles_to_read, parameters.batch_size)):
            with _timed(summary, "read"):
                raws, read_rejected = read(batch, source_dir, parameters.max_file_bytes)
            with _timed(summary, "clean"):
                docs, clean_rejected = clean(raws, parameters.accept_languages)
                docs_seen += docs
                docs = stages.unique_articles(docs)
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
            _advance(progress, number + 1, steps, f"batch {number + 1} of {steps - 1} staged")

        with _timed(summary, "write"):
            rejected = stages.quarantine_with_lineage(stages.rejections_frame(rejections_of(plan.to_process)), run_id, PIPELINE_VERSION, run_date)
            write(staging, "discover", {"quarantine": rejected})
            written.append({"quarantine": rejected})
            outcomes = stages.file_outcomes(plan.to_process, plan.hashes, docs_seen, *stages.accounted(written))
            catalog = stages.concat_or_empty([w["catalog"] for w in written if "catalog" in w], empty_catalog())
            dataset_rows = commit_run(warehouse_dir, staging, outcomes, plan, catalog, parameters)
        _advance(progress, steps, steps, "committed")
        summary.record(written, catalog, dataset_rows)
    with _timed(summary, "report"):
        return report(summary)
