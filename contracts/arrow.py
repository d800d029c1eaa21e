"""Arrow schemas written to disk, derived from the Pandera models (never restated by hand)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import pandera.polars as pa
import polars as pl
import pyarrow as pa_arrow

from contracts.datasets import DATASETS, PARTITION_KEYS


def _portable(arrow_type: pa_arrow.DataType) -> pa_arrow.DataType:
    """Plain string and list types, which every reader (DuckDB, pandas, Spark) maps the same way."""
    if pa_arrow.types.is_large_string(arrow_type) or pa_arrow.types.is_string_view(arrow_type):
        return pa_arrow.string()
    if pa_arrow.types.is_large_list(arrow_type) or pa_arrow.types.is_list_view(arrow_type):
        return pa_arrow.list_(_portable(arrow_type.value_type))
    return arrow_type


LINEAGE_COLUMNS = ("pipeline_version", "run_id")


def polars_schema(model: type[pa.DataFrameModel]) -> pl.Schema:
    """Column names and Polars types of a model: its own fields first, the lineage columns last."""
    return pl.Schema(_polars_columns(model))  # a fresh schema each call: callers may change theirs


@lru_cache(maxsize=None)
def _polars_columns(model: type[pa.DataFrameModel]) -> tuple[tuple[str, pl.DataType], ...]:
    # Pandera builds the schema anew (deep copies of every column) on each to_schema(): a third of a millisecond.
    columns = model.to_schema().columns
    order = [name for name in columns if name not in LINEAGE_COLUMNS] + [n for n in LINEAGE_COLUMNS if n in columns]
    return tuple((name, columns[name].dtype.type) for name in order)


def columns_frame(columns: dict[str, list], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Columns of Python values as a frame with the given types; through Arrow, which builds nested columns (lists) many times faster than Polars."""
    if not next(iter(columns.values()), []):
        return pl.DataFrame(schema=schema)
    frame = pl.from_arrow(pa_arrow.Table.from_pydict(columns))
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])


@lru_cache(maxsize=None)
def arrow_schema(dataset: str, *, with_partition: bool = True) -> pa_arrow.Schema:
    """The Arrow schema of a dataset, with field descriptions and nullability from its model."""
    model = DATASETS[dataset]
    columns = model.to_schema().columns
    empty = pl.DataFrame(schema=polars_schema(model)).to_arrow()
    fields = []
    for field in empty.schema:
        if not with_partition and field.name == PARTITION_KEYS[dataset]:
            continue
        column = columns[field.name]
        metadata = {"description": column.description} if column.description else None
        fields.append(pa_arrow.field(field.name, _portable(field.type), nullable=column.nullable, metadata=metadata))
    return pa_arrow.schema(fields, metadata={"dataset": dataset, "model": model.__name__})


def partition_schema(dataset: str) -> pa_arrow.Schema | None:
    """The schema of a dataset's hive partition key (None for an unpartitioned dataset)."""
    key = PARTITION_KEYS[dataset]
    return pa_arrow.schema([arrow_schema(dataset).field(key)]) if key else None
