"""The warehouse: hive-partitioned Parquet datasets, written through a staging area and committed by folder swap.

This is the only module that reads or writes the warehouse. Layout under the root:
  <dataset>/<partition_key>=<value>/part-<run_id>-<n>.parquet   committed data
  _staging/<run_id>/batches/<dataset>/batch-<n>.parquet         a run's batches, before commit
  _staging/<run_id>/commit/<dataset>/...                        the next version of each dataset
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds

from contracts.arrow import arrow_schema, partition_schema, polars_schema
from contracts.datasets import DATASETS
from tasks.validate import conform

STAGING = "_staging"
ARTICLE_DATASETS = ("articles", "mentions", "events")


def new_run_id(now: dt.datetime | None = None) -> str:
    """UTC start time plus a random suffix: sortable and unique."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def dataset_path(root: Path, dataset: str) -> Path:
    """Folder of a committed dataset."""
    return root / dataset


def read_dataset(root: Path, dataset: str) -> pl.DataFrame:
    """A committed dataset with its contract's types (empty when nothing is committed yet)."""
    path = dataset_path(root, dataset)
    schema = polars_schema(DATASETS[dataset])
    if not path.is_dir() or not any(path.rglob("*.parquet")):
        return pl.DataFrame(schema=schema)
    table = ds.dataset(
        path,
        schema=arrow_schema(dataset),
        format="parquet",
        partitioning=ds.partitioning(partition_schema(dataset), flavor="hive"),
        exclude_invalid_files=False,
    ).to_table()
    return pl.from_arrow(table).cast(dict(schema))


def _write_parquet_dataset(frame: pl.DataFrame, dataset: str, target: Path, run_id: str) -> None:
    """Write a frame as a hive-partitioned Parquet dataset with the contract's Arrow schema."""
    ds.write_dataset(
        arrow_table(frame, dataset),
        target,
        format="parquet",
        partitioning=ds.partitioning(partition_schema(dataset), flavor="hive"),
        basename_template=f"part-{run_id}-{{i}}.parquet",
        existing_data_behavior="error",
        file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
        max_rows_per_group=64_000,
    )


@dataclass
class RunStaging:
    """A run's staging area: batches are staged here, then committed together."""

    root: Path
    run_id: str

    @property
    def path(self) -> Path:
        return self.root / STAGING / self.run_id

    def stage_batch(self, label: str, frames: dict[str, pl.DataFrame]) -> None:
        """Write one batch's validated frames to the staging area (invisible to readers)."""
        for dataset, frame in frames.items():
            folder = self.path / "batches" / dataset
            folder.mkdir(parents=True, exist_ok=True)
            conform(dataset, frame).write_parquet(folder / f"batch-{label}.parquet")

    def staged(self, dataset: str) -> pl.DataFrame:
        """All staged batches of a dataset."""
        folder = self.path / "batches" / dataset
        files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
        schema = polars_schema(DATASETS[dataset])
        return pl.concat([pl.read_parquet(f) for f in files]).cast(dict(schema)) if files else pl.DataFrame(schema=schema)


def entities_table(catalog: pl.DataFrame, mentions: pl.DataFrame, articles: pl.DataFrame, run_id: str, version: str) -> pl.DataFrame:
    """One row per entity mentioned anywhere in the warehouse, with article counts and first/last dates."""
    usage = (
        mentions.select("entity_id", "article_id").unique()
        .join(articles.select("article_id", "published_date"), on="article_id", how="left")
        .group_by("entity_id")
        .agg(
            n_articles=pl.col("article_id").n_unique().cast(pl.Int32),
            first_seen=pl.col("published_date").min(),
            last_seen=pl.col("published_date").max(),
        )
    )
    return (
        catalog.unique("entity_id", keep="last", maintain_order=True)
        .join(usage, on="entity_id", how="inner")
        .with_columns(pipeline_version=pl.lit(version), run_id=pl.lit(run_id))
        .sort("entity_type", "entity_id")
    )


def commit(
    root: Path,
    staging: RunStaging,
    replaced_sources: Iterable[str],
    catalog: pl.DataFrame,
    version: str,
) -> dict[str, int]:
    """Make a run visible: each dataset's next version = committed rows of untouched sources + staged rows.

    Rows of every source file this run processed are replaced (an edited file replaces its old rows).
    Each dataset's next version is written in full under the staging area, then swapped in by renames.
    Returns the row count of each dataset after the commit.
    """
    replaced = list(set(replaced_sources))
    committed_articles = read_dataset(root, "articles")
    gone = committed_articles.filter(pl.col("source_file").is_in(replaced))["article_id"].to_list()
    kept_articles = committed_articles.filter(~pl.col("article_id").is_in(gone))
    # The same content under two file names is one article (its id is the hash of the text):
    # the copy already committed, or else the first one staged, wins.
    staged_articles = (
        staging.staged("articles")
        .unique("article_id", keep="first", maintain_order=True)
        .join(kept_articles.select("article_id"), on="article_id", how="anti")
    )
    staged_ids = staged_articles["article_id"].to_list()
    next_version: dict[str, pl.DataFrame] = {"articles": pl.concat([kept_articles, staged_articles])}
    for dataset, row_key in (("mentions", ["article_id", "start", "end", "entity_id"]), ("events", ["event_id"])):
        kept = read_dataset(root, dataset).filter(~pl.col("article_id").is_in(gone))
        staged_rows = staging.staged(dataset).filter(pl.col("article_id").is_in(staged_ids)).unique(row_key, keep="first", maintain_order=True)
        next_version[dataset] = pl.concat([kept, staged_rows])
    all_catalog = pl.concat([read_dataset(root, "entities").select(catalog.columns), catalog], how="vertical_relaxed")
    next_version["entities"] = entities_table(all_catalog, next_version["mentions"], next_version["articles"], staging.run_id, version)
    next_version["quarantine"] = pl.concat([read_dataset(root, "quarantine"), staging.staged("quarantine")])

    commit_dir = staging.path / "commit"
    for dataset, frame in next_version.items():
        _write_parquet_dataset(frame, dataset, commit_dir / dataset, staging.run_id)
    for dataset in next_version:
        _swap_in(root, commit_dir / dataset, dataset, staging)
    shutil.rmtree(staging.path, ignore_errors=True)
    return {dataset: frame.height for dataset, frame in next_version.items()}


def _swap_in(root: Path, new_version: Path, dataset: str, staging: RunStaging) -> None:
    """Replace a dataset folder by its next version (an empty dataset gets an empty folder)."""
    new_version.mkdir(parents=True, exist_ok=True)
    current = dataset_path(root, dataset)
    retired = staging.path / "retired" / dataset
    if current.exists():
        retired.parent.mkdir(parents=True, exist_ok=True)
        current.rename(retired)
    new_version.rename(current)


def arrow_table(frame: pl.DataFrame, dataset: str) -> pa.Table:
    """A frame as an Arrow table with the dataset's contract schema."""
    return conform(dataset, frame).to_arrow().cast(arrow_schema(dataset))
