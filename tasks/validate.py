"""Validation against the Pandera contracts: valid rows go on, failing rows go to quarantine with their checks."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandera.errors
import pandera.polars as pa
import polars as pl

from contracts.arrow import polars_schema
from contracts.datasets import DATASETS, EventInText, MentionInText, Quarantine

QUARANTINE_COLUMNS = ("source_file", "source_record", "stage", "reason", "payload")


@dataclass(frozen=True)
class Validated:
    """Rows that passed their contract, and quarantine rows (without lineage) for those that did not."""

    valid: pl.DataFrame
    quarantine: pl.DataFrame


def quarantine_frame(rows: list[dict]) -> pl.DataFrame:
    """Quarantine rows (source_file, source_record, stage, reason, payload) as a frame."""
    schema = polars_schema(Quarantine)
    return pl.DataFrame(rows, schema={c: schema[c] for c in QUARANTINE_COLUMNS})


def conform(dataset: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The contract's columns, in order and with its types (extra working columns dropped)."""
    schema = polars_schema(DATASETS[dataset])
    return frame.select([pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name) for name, dtype in schema.items()])


def _describe_failures(failures: pl.DataFrame) -> dict[int, str]:
    reasons: dict[int, list[str]] = {}
    for row in failures.iter_rows(named=True):
        if row["index"] is None:
            continue
        check = row["check"] if row["column"] in (None, "", row["schema_context"]) else f"{row['column']}: {row['check']}"
        reasons.setdefault(int(row["index"]), []).append(str(check))
    return {index: "failed contract checks: " + "; ".join(sorted(set(checks))) for index, checks in reasons.items()}


def validate_rows(dataset: str, frame: pl.DataFrame, model: type[pa.DataFrameModel] | None = None) -> Validated:
    """Validate a frame lazily (all failures at once); rows with failed checks are split off with reasons.

    `frame` must carry `source_file` or be joinable to it by the caller; a column-level failure
    (a missing column or a wrong type) is a bug in the pipeline, not bad input, and is raised.
    """
    model = model or DATASETS[dataset]
    indexed = frame.with_row_index("_row")
    try:
        model.validate(indexed.drop("_row", "source_file_for_quarantine", strict=False), lazy=True)
        return Validated(frame.drop("source_file_for_quarantine", strict=False), quarantine_frame([]))
    except pandera.errors.SchemaErrors as errors:
        reasons = _describe_failures(errors.failure_cases)
        if not reasons:
            raise
    bad = indexed.filter(pl.col("_row").is_in(list(reasons)))
    rows = []
    for row in bad.iter_rows(named=True):
        source = row.get("source_file_for_quarantine") or row.get("source_file") or "(unknown)"
        payload = {k: v for k, v in row.items() if k not in ("_row", "text", "source_file_for_quarantine")}
        rows.append({
            "source_file": source,
            "source_record": row.get("source_record"),
            "stage": "validate",
            "reason": f"{dataset} row {reasons[row['_row']]}",
            "payload": json.dumps(payload, ensure_ascii=False, default=str)[:2000],
        })
    valid = indexed.filter(~pl.col("_row").is_in(list(reasons))).drop("_row", "source_file_for_quarantine", strict=False)
    return Validated(valid, quarantine_frame(rows))


def validate_batch(articles: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Validate a batch: articles first; mentions and events of a failed article follow it to quarantine."""
    articles, mentions, events = conform("articles", articles), conform("mentions", mentions), conform("events", events)
    checked_articles = validate_rows("articles", articles)
    texts = checked_articles.valid.select("article_id", "text", pl.col("source_file").alias("source_file_for_quarantine"))
    sources = dict(zip(articles["article_id"].to_list(), articles["source_file"].to_list(), strict=True))
    checked = {"articles": checked_articles}
    for name, frame, model in (("mentions", mentions, MentionInText), ("events", events, EventInText)):
        orphans = frame.join(texts, on="article_id", how="anti")
        joined = frame.join(texts, on="article_id", how="inner")
        result = validate_rows(name, joined, model)
        orphan_rows = [
            {"source_file": sources.get(row["article_id"], "(unknown)"), "source_record": None, "stage": "validate",
             "reason": f"{name} row set aside with its article {row['article_id']}, which failed its contract",
             "payload": json.dumps(row, ensure_ascii=False, default=str)[:2000]}
            for row in orphans.iter_rows(named=True)
        ]
        checked[name] = Validated(result.valid.drop("text"), pl.concat([result.quarantine, quarantine_frame(orphan_rows)]))
    quarantine = pl.concat([v.quarantine for v in checked.values()])
    return checked["articles"].valid, checked["mentions"].valid, checked["events"].valid, quarantine
