"""The ingest flow: article files in a folder -> English entities and events in the warehouse."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import Task
from prefect.utilities.annotations import quote

from flows.params import IngestParameters
from khanij import PIPELINE_VERSION
from tasks import stages
from tasks.discover import RunPlan, SourceFile, rejections_of
from tasks.read import RawArticle, Rejection
from tasks.report import RunSummary
from tasks.warehouse import RunStaging, committed_row_counts, new_run_id, warehouse_lock



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
    plan, repairs = stages.plan_source(source, warehouse, full_refresh)
    for action in repairs:
        logger.warning("recovery: %s", action)
    logger.info("%d new, %d changed, %d unchanged, %d deleted files", len(plan.new), len(plan.changed), len(plan.unchanged), len(plan.deleted))
    _warn(rejections_of(plan.to_process))
    return plan


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=1)
def read(batch: Sequence[SourceFile], source: Path, max_file_bytes: int) -> tuple[list[RawArticle], list[Rejection], pl.DataFrame]:
    """Read and decode a batch of files; unreadable ones become rejections. Each file's hash, for the manifest."""
    raws, rejected, hashes = stages.read_batch(batch, source, max_file_bytes)
    _warn(rejected)
    return raws, rejected, hashes


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
def validate(articles: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame, run_id: str, version: str):
    """Check every row against its contract; failing rows go to quarantine."""
    articles, mentions, events, quarantine = stages.validate_with_lineage(articles, mentions, events, run_id, version)
    for row in quarantine.iter_rows(named=True):
        get_run_logger().warning("quarantined a row of %s at stage validate: %s", row["source_file"], row["reason"])
    return articles, mentions, events, quarantine


@task(cache_policy=NO_CACHE)
def write(staging: RunStaging, label: str, frames: dict[str, pl.DataFrame]) -> None:
    """Stage a batch's rows (invisible to readers until the commit)."""
    stages.stage_frames(staging, label, frames)


def _quoted(stage: Task) -> Callable:
    """Call a stage task with its arguments quoted, so Prefect does not walk every article of a batch looking for futures."""
    def call(*args):
        return stage(*(quote(arg) for arg in args))
    return call


# The flow's stages: the same batch sequence as the core runner (tasks.stages.process_batch), one task run per stage.
FLOW_STAGES = stages.StageCalls(*(_quoted(t) for t in (read, clean, extract_entities, extract_events, translate, validate, write)))


@task(cache_policy=NO_CACHE)
def process_batch(label: str, batch: Sequence[SourceFile], settings: stages.BatchSettings) -> stages.BatchOutcome:
    """One batch through every stage on a Dask worker (each stage a task run of its own), staged for the commit."""
    return stages.process_batch(label, batch, settings, FLOW_STAGES)


@task(cache_policy=NO_CACHE)
def commit_run(warehouse: Path, settings: stages.BatchSettings, ledger: stages.RunLedger, plan: RunPlan, parameters: IngestParameters) -> dict[str, int]:
    """Make the run visible in one step: every dataset's next version replaces the current one together."""
    return stages.commit_run(warehouse, settings, ledger, plan, keep_deleted=parameters.on_deleted == "keep", full_refresh=parameters.full_refresh)


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


def _staged_batches(batches: Sequence[tuple[str, Sequence[SourceFile]]], settings: stages.BatchSettings,
                    parameters: IngestParameters) -> Iterator[stages.BatchOutcome]:
    """Every batch staged, in order of completion: one after another here, or in parallel on a Dask cluster."""
    if parameters.runner == "sequential":
        for label, batch in batches:
            yield stages.process_batch(label, batch, settings, FLOW_STAGES)
        return
    import dask
    from prefect.client.orchestration import get_client
    from prefect.futures import as_completed
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect_dask import DaskTaskRunner

    logging.getLogger("distributed").setLevel(logging.WARNING)  # the scheduler's INFO lines would drown the run's own log
    # Dask's statistical profiler samples every worker thread's stack 100 times a second, under the GIL: for
    # pure-Python stages that is time taken from the work. A local cluster's workers inherit this setting.
    dask.config.set({"distributed.worker.profile.enabled": False})
    if parameters.dask_address:
        runner = DaskTaskRunner(address=parameters.dask_address)
    else:
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": parameters.dask_workers, "threads_per_worker": 1, "processes": True,
                                                "dashboard_address": ":0"})
    # Workers must report to this run's Prefect server, also when it is the temporary one this process started
    # (which no setting names): else each worker would start a temporary server of its own.
    with get_client(sync_client=True) as client:
        api_url = str(client.api_url)
    with temporary_settings({PREFECT_API_URL: api_url}), runner:
        futures = [runner.submit(process_batch, {"label": label, "batch": batch, "settings": settings}) for label, batch in batches]
        for future in as_completed(futures):
            yield future.result()


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
            summary.dataset_rows = committed_row_counts(warehouse_dir)
            return report(summary)
        settings = stages.BatchSettings(source_dir, staging, run_id, run_date, PIPELINE_VERSION, parameters.max_file_bytes,
                                        tuple(parameters.accept_languages))
        ledger = stages.RunLedger()
        batches = list(stages.batches_of(plan.to_process, parameters.batch_size))
        steps = len(batches) + 1
        _advance(progress, 0, steps, f"{steps - 1} batches to read ({parameters.runner} runner)")
        for outcome in _staged_batches(batches, settings, parameters):
            ledger.add(outcome)
            _advance(progress, len(ledger.outcomes), steps, f"batch {len(ledger.outcomes)} of {steps - 1} staged")
        for outcome in ledger.in_order():
            summary.add_batch(outcome)
        with _timed(summary, "commit"):
            dataset_rows = commit_run(warehouse_dir, quote(settings), quote(ledger), quote(plan), parameters)
        _advance(progress, steps, steps, "committed")
        summary.finish(ledger.catalog(), ledger.entity_mentions(), stages.discover_quarantine(plan, settings), dataset_rows)
    with _timed(summary, "report"):
        return report(summary)
