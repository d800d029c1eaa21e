"""The ingest flow's parameters: one pydantic model, so the Prefect UI renders a form with titles, help and choices."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["hi", "en", "mr", "ne", "und"]


class IngestParameters(BaseModel):
    """What an operator can set for a run of ingest_articles."""

    model_config = ConfigDict(extra="forbid", title="khanij ingest parameters")

    source: str = Field(
        "data/incoming", title="Source folder",
        description="Folder of article files (.txt, .json, .jsonl, .html), read recursively. Relative paths are relative to the worker's working directory.",
    )
    warehouse: str = Field(
        "data/warehouse", title="Warehouse folder",
        description="Folder the Parquet datasets are committed to (created if missing).",
    )
    full_refresh: bool = Field(
        False, title="Full refresh",
        description="Rebuild every dataset from the source files, instead of processing only new and changed files.",
    )
    on_deleted: Literal["retract", "keep"] = Field(
        "retract", title="Deleted source files",
        description="What to do with the rows of files that were committed before and are gone from the source folder: 'retract' removes them, 'keep' leaves them.",
    )
    batch_size: int = Field(
        200, ge=1, le=100_000, title="Batch size",
        description="Files per batch: each stage runs as one Prefect task per batch; a run's last batches are smaller (down to a quarter) so parallel workers finish together. Larger batches are faster, smaller ones use less memory and show progress more often.",
    )
    max_file_bytes: int = Field(
        5_000_000, ge=1, title="Largest file (bytes)",
        description="Files larger than this go to quarantine unread.",
    )
    lock_timeout_seconds: float = Field(
        600, ge=0, le=86_400, title="Wait for another run (seconds)",
        description="Only one run may write a warehouse at a time; a run that finds another one writing waits this long, then stops with a message naming the other run.",
    )
    accept_languages: list[Language] = Field(
        default_factory=lambda: ["hi"], min_length=1, title="Accepted languages",
        description="Articles whose main language is not in this list go to quarantine with their language as the reason (Marathi and Nepali share the Devanagari script with Hindi).",
    )
    runner: Literal["sequential", "dask"] = Field(
        "sequential", title="Runner",
        description="'sequential' runs the batches one after another in the flow's process; 'dask' runs them in parallel on a Dask cluster "
                    "(a local one of 'Dask workers' processes, or the one at 'Dask scheduler address'). Either way the run commits once, atomically.",
    )
    dask_address: str | None = Field(
        None, title="Dask scheduler address",
        description="With runner 'dask': the address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (its workers must see the source "
                    "and warehouse folders at the same paths). Empty: start a local cluster for the run.",
    )
    dask_workers: int = Field(
        2, ge=1, le=256, title="Dask workers",
        description="With runner 'dask' and no scheduler address: worker processes of the local cluster (one thread each; one per core is best).",
    )
