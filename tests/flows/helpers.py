"""Helpers for flow tests: articles written for the tests, snapshots of every dataset as readers see it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.dataset as ds

from contracts.datasets import DATASETS

LINEAGE = ("run_id", "pipeline_version")

# Short articles written for these tests (not from any publication).
NEW_ARTICLE = "date 2026-03-10\nभारत ने जापान के साथ लिथियम खनन के लिए 20 करोड़ डॉलर के समझौते किए। दोनों देशों के बीच बातचीत टोक्यो में हुई।\n"
EDITED_ARTICLE = "date 2026-03-11\nरूस ने चीन के साथ तांबा खनन पर समझौते किए। बीजिंग में दोनों देशों के बीच वार्ता हुई।\n"


def snapshot(warehouse: Path, drop: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Every row of every dataset, read through the dataset paths as a reader would, as sorted JSON lines."""
    rows = {}
    for name in DATASETS:
        files = list((warehouse / name).rglob("*.parquet")) if (warehouse / name).exists() else []
        if not files:
            rows[name] = []
            continue
        frame = pl.scan_parquet(warehouse / name / "**" / "*.parquet", hive_partitioning=True).collect()
        frame = frame.drop([c for c in drop if c in frame.columns])
        rows[name] = sorted(json.dumps(r, default=str, ensure_ascii=False, sort_keys=True) for r in frame.to_dicts())
    return rows


def reader_counts(warehouse: Path) -> dict[str, tuple[int, int]]:
    """Row counts per dataset through PyArrow and DuckDB (they must agree with Polars)."""
    counts = {}
    for name in DATASETS:
        path = warehouse / name
        if not path.exists() or not list(path.rglob("*.parquet")):
            counts[name] = (0, 0)
            continue
        arrow = ds.dataset(path, format="parquet", partitioning="hive").count_rows()
        duck = duckdb.sql(f"select count(*) from read_parquet('{path}/**/*.parquet', hive_partitioning=true)").fetchall()[0][0]
        counts[name] = (arrow, duck)
    return counts


def visible_files(warehouse: Path) -> list[str]:
    """Every file a reader of the dataset folders can see."""
    return sorted(str(p.relative_to(warehouse)) for name in DATASETS if (warehouse / name).exists() for p in (warehouse / name).rglob("*") if p.is_file())


def run_cli(source: Path, warehouse: Path, env_extra: dict[str, str] | None = None, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`khanij run` in a subprocess (PREFECT_API_URL passed through when the test session has a server)."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, **(env_extra or {})}
    if PREFECT_API_URL.value():
        env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    command = [sys.executable, "-m", "khanij.cli", "run", "--source", str(source), "--warehouse", str(warehouse), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
