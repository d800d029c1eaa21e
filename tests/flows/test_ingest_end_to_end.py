"""The ingest flow end to end: real Prefect run, real Parquet read back with Polars, PyArrow, DuckDB and pandas."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pyarrow.dataset as ds
import pytest

from contracts.arrow import arrow_schema, partition_schema
from contracts.datasets import DATASETS, PARTITION_KEYS

DATASET_NAMES = tuple(DATASETS)


def _polars(warehouse, name: str) -> pl.DataFrame:
    return pl.scan_parquet(warehouse / name / "**" / "*.parquet", hive_partitioning=True).collect()


def _arrow(warehouse, name: str):
    return ds.dataset(warehouse / name, format="parquet", partitioning="hive").to_table()


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_every_dataset_reads_back_with_the_contract_columns_and_types(flow_run, name):
    warehouse = flow_run["warehouse"]
    expected = arrow_schema(name)
    files = list((warehouse / name).rglob("*.parquet"))
    assert files, f"{name} has no Parquet files"
    key = PARTITION_KEYS[name]
    if key:
        assert all(part.parent.name.startswith(f"{key}=") for part in files), "hive partition folders"
    stored = ds.dataset(files[0], format="parquet").schema
    assert stored.names == [f for f in expected.names if f != key]
    for field in stored:
        assert field.type == expected.field(field.name).type, field.name
    partitioning = ds.partitioning(partition_schema(name), flavor="hive") if key else None
    table = ds.dataset(warehouse / name, format="parquet", schema=expected, partitioning=partitioning).to_table()
    assert table.num_rows > 0
    frame = _polars(warehouse, name)
    assert set(frame.columns) == set(expected.names)
    assert frame.height == table.num_rows == _arrow(warehouse, name).num_rows


def test_duckdb_and_pandas_read_the_same_rows(flow_run):
    warehouse = flow_run["warehouse"]
    for name in DATASET_NAMES:
        polars_rows = _polars(warehouse, name).height
        duck_rows = duckdb.sql(f"select count(*) from read_parquet('{warehouse / name}/**/*.parquet', hive_partitioning=true)").fetchall()[0][0]
        pandas_rows = len(_arrow(warehouse, name).to_pandas())
        assert polars_rows == duck_rows == pandas_rows, name


def _entities(warehouse) -> pl.DataFrame:
    return _polars(warehouse, "entities")


def test_people_and_commodities_from_the_samples(flow_run):
    entities = _entities(flow_run["warehouse"])
    people = {r["name_en"]: r for r in entities.filter(pl.col("entity_type") == "PERSON").iter_rows(named=True)}
    assert people["Kassym-Jomart Tokayev"]["country_iso3"] == "KAZ"
    assert people["Emomali Rahmon"]["country_iso3"] == "TJK"
    commodities = set(entities.filter(pl.col("entity_type") == "COMMODITY")["name_en"])
    assert {"rare earth elements", "antimony", "tungsten"} <= commodities
    countries = entities.filter(pl.col("entity_type") == "COUNTRY")
    assert {"KAZ", "TJK", "PAK", "USA", "CHN", "IND"} <= set(countries["iso3"])
    assert countries["entity_id"].is_unique().all()


def _events_with_names(warehouse) -> list[dict]:
    entities = _entities(warehouse)
    names = dict(zip(entities["entity_id"], entities["name_en"]))
    rows = _polars(warehouse, "events").to_dicts()
    for row in rows:
        row["actors"] = {names[i] for i in row["actor_ids"]}
        row["recipients"] = {names[i] for i in row["recipient_ids"]}
    return rows


def test_pakistan_excluded_on_4_february(flow_run):
    events = _events_with_names(flow_run["warehouse"])
    rejects = [e for e in events if e["event_type"] == "REJECT" and "Pakistan" in e["recipients"]]
    assert rejects, "no REJECT event with Pakistan as recipient"
    assert rejects[0]["event_date"] == dt.date(2026, 2, 4) and rejects[0]["date_precision"] == "day"
    assert rejects[0]["negated"] is False
    assert "Pakistan was excluded" in rejects[0]["description_en"]


def test_china_concedes_on_export_restrictions(flow_run):
    events = _events_with_names(flow_run["warehouse"])
    concessions = [e for e in events if e["event_type"] == "CONCEDE" and "China" in e["actors"]]
    assert concessions and "निर्यात प्रतिबंध" in concessions[0]["sentence"]


def test_half_a_billion_dollar_agreements(flow_run):
    events = _polars(flow_run["warehouse"], "events")
    assert 500_000_000.0 in events["amount_usd"].to_list()
    deal = events.filter(pl.col("amount_usd") == 500_000_000.0).row(0, named=True)
    assert deal["amount_currency"] == "USD" and deal["event_type"] == "SUPPORT"


def test_every_mention_points_back_at_its_sentence(flow_run):
    warehouse = flow_run["warehouse"]
    texts = dict(_polars(warehouse, "articles").select("article_id", "text").iter_rows())
    mentions = _polars(warehouse, "mentions")
    assert mentions.height > 30
    for row in mentions.iter_rows(named=True):
        assert texts[row["article_id"]][row["start"]:row["end"]] == row["surface"]


def test_articles_have_trustworthy_dates(flow_run):
    articles = _polars(flow_run["warehouse"], "articles")
    dates = dict(zip(articles["source_file"], zip(articles["published_date"], articles["date_source"])))
    assert dates["000_238f73fc2cdb7101.txt"] == (dt.date(2025, 11, 7), "header")
    assert dates["004_e6c4d5c47d1b484e.txt"] == (dt.date(2026, 2, 1), "text")
    assert all(articles["summary_en"].is_not_null())


def test_bad_files_are_quarantined_with_reasons_and_the_rest_succeeds(flow_run):
    quarantine = _polars(flow_run["warehouse"], "quarantine")
    reasons = dict(zip(quarantine["source_file"], quarantine["reason"]))
    for name, word in flow_run["expected_reasons"].items():
        assert name in reasons, f"{name} is not in quarantine"
        assert word.lower() in reasons[name].lower(), reasons[name]
    articles = _polars(flow_run["warehouse"], "articles")
    assert set(articles["source_file"]) == {"000_238f73fc2cdb7101.txt", "004_e6c4d5c47d1b484e.txt"}
    summary = flow_run["summary"]
    assert summary.articles == 2 and summary.quarantined == len(flow_run["expected_reasons"])


def test_no_half_written_files_are_left_behind(flow_run):
    warehouse = flow_run["warehouse"]
    assert not (warehouse / "_staging").exists() or not any((warehouse / "_staging").iterdir())
