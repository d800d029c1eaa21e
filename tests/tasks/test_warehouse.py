"""The warehouse: staged batches become visible only at commit, all datasets at once; crashes and locks."""

import datetime as dt
import os
import threading
import time

import polars as pl
import pyarrow.parquet as pq
import pytest

from tasks.translate import empty_catalog
from tasks.warehouse import (
    OUTCOME_SCHEMA, RunStaging, WarehouseLocked, commit, current_version, entity_usage, new_run_id, read_dataset, recover, warehouse_lock,
)
from tests.tasks.test_validate import _article, _mention

CATALOG = pl.DataFrame([{"entity_id": "country:ind", "entity_type": "COUNTRY", "name_en": "India", "name_hi": "भारत",
                         "aliases": [], "iso3": "IND", "country_iso3": "IND", "wikidata_qid": "Q668", "name_method": "gazetteer"}],
                       schema=empty_catalog().schema)


def _outcomes(article_of: dict[str, str]) -> pl.DataFrame:
    """What a run made of files that each hold one article, all ingested: {file name: article id}."""
    names = list(article_of)
    return pl.DataFrame({"source_file": names, "content_sha256": ["0" * 64] * len(names), "size_bytes": [1] * len(names),
                         "mtime_ns": [1] * len(names), "article_ids": [[article_of[n]] for n in names], "status": ["ingested"] * len(names)},
                        schema=OUTCOME_SCHEMA)


def _run(root, articles, deleted=(), keep_deleted=False):
    """Stage and commit one run whose files each hold one article: {file name: (article id, published date)}."""
    recover(root)
    staging = RunStaging(root, new_run_id())
    rows = [{**_article(a, published=d), "source_file": name, "source_files": [name]} for name, (a, d) in articles.items()]
    staging.stage_batch("000000", {"articles": pl.DataFrame(rows), "mentions": pl.DataFrame([_mention(a) | {"published_month": d.strftime("%Y-%m")} for a, d in articles.values()])})
    outcomes = _outcomes({name: a for name, (a, _) in articles.items()})
    return staging, commit(root, staging, outcomes, list(deleted), CATALOG, "0.1.0", keep_deleted=keep_deleted)


A, B, C = ("art_" + x * 16 for x in "abc")
JAN, FEB = dt.date(2026, 1, 5), dt.date(2026, 2, 5)


def test_commit_makes_rows_visible_and_reruns_replace_them(tmp_path):
    staging, counts = _run(tmp_path, {"a.txt": (A, JAN)})
    assert counts["articles"] == counts["mentions"] == counts["entities"] == counts["manifest"] == 1
    entity = read_dataset(tmp_path, "entities").row(0, named=True)
    assert (entity["n_articles"], entity["first_seen"]) == (1, JAN)
    assert list((tmp_path / "articles").glob("published_month=2026-01/*.parquet"))
    assert not (tmp_path / "_staging" / staging.run_id).exists()
    _, counts = _run(tmp_path, {"a.txt": (A, JAN)})
    assert counts["articles"] == 1 and counts["mentions"] == 1
    written = next((tmp_path / "mentions").rglob("*.parquet"))
    assert "published_month" not in pq.read_schema(written).names  # the partition key lives in the folder name


def test_untouched_partitions_are_hard_links_and_deleted_files_are_retracted_or_kept(tmp_path):
    _run(tmp_path, {"a.txt": (A, JAN)})
    january = next((tmp_path / "articles").glob("published_month=2026-01/*.parquet")).resolve()
    _run(tmp_path, {"b.txt": (B, FEB)})
    january_after = next((tmp_path / "articles").glob("published_month=2026-01/*.parquet")).resolve()
    assert january_after != january and os.stat(january_after).st_ino == os.stat(january).st_ino
    assert sorted(read_dataset(tmp_path, "articles")["article_id"]) == [A, B]
    _run(tmp_path, {"c.txt": (C, FEB)}, deleted=["a.txt"], keep_deleted=True)
    assert sorted(read_dataset(tmp_path, "articles")["article_id"]) == [A, B, C]
    manifest = dict(zip(read_dataset(tmp_path, "manifest")["source_file"], read_dataset(tmp_path, "manifest")["status"]))
    assert manifest["a.txt"] == "deleted_kept"
    _run(tmp_path, {}, deleted=["b.txt"])
    assert sorted(read_dataset(tmp_path, "articles")["article_id"]) == [A, C]
    assert sorted(read_dataset(tmp_path, "mentions")["article_id"]) == [A, C]


def test_same_article_in_two_files_is_one_row_with_both_sources(tmp_path):
    _run(tmp_path, {"one.txt": (A, JAN), "two.txt": (A, JAN)})
    [row] = read_dataset(tmp_path, "articles").to_dicts()
    assert (row["source_file"], row["source_files"]) == ("one.txt", ["one.txt", "two.txt"])
    _run(tmp_path, {}, deleted=["one.txt"])
    [row] = read_dataset(tmp_path, "articles").to_dicts()
    assert (row["source_file"], row["source_files"]) == ("two.txt", ["two.txt"])


def test_recover_discards_what_a_crashed_run_left(tmp_path):
    _run(tmp_path, {"a.txt": (A, JAN)})
    committed = current_version(tmp_path)
    (tmp_path / "_staging" / "crashed-run" / "batches").mkdir(parents=True)
    (tmp_path / "_versions" / "v99999999-crashed" / "articles").mkdir(parents=True)
    actions = recover(tmp_path)
    assert any("crashed-run" in a for a in actions) and any("never committed" in a for a in actions)
    assert current_version(tmp_path) == committed
    assert not (tmp_path / "_versions" / "v99999999-crashed").exists()


def test_one_writer_at_a_time_with_a_message_naming_the_holder(tmp_path):
    held, release = threading.Event(), threading.Event()

    def holder():
        with warehouse_lock(tmp_path, "run-one", 1):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    waits = []
    with pytest.raises(WarehouseLocked, match="run-one"):
        with warehouse_lock(tmp_path, "run-two", 0.5, on_wait=waits.append):
            pass
    assert waits and "waiting up to" in waits[0]
    release.set()
    thread.join()
    started = time.monotonic()
    with warehouse_lock(tmp_path, "run-three", 5):
        assert time.monotonic() - started < 1


def test_commit_streams_batches_in_row_groups_and_the_first_batch_of_an_article_wins(tmp_path, monkeypatch):
    import tasks.warehouse

    monkeypatch.setattr(tasks.warehouse, "WRITE_BUDGET_BYTES", 1)  # flush after every frame: many row groups, same rows
    recover(tmp_path)
    staging = RunStaging(tmp_path, new_run_id())
    files = {"a.txt": (A, JAN), "b.txt": (B, FEB), "c.txt": (C, JAN)}
    for label, names in (("000000", ["a.txt", "b.txt"]), ("000001", ["c.txt", "a.txt"])):
        rows = [{**_article(files[n][0], published=files[n][1]), "source_file": n, "source_files": [n]} for n in names]
        mentions = [_mention(files[n][0]) | {"published_month": files[n][1].strftime("%Y-%m")} for n in names]
        staging.stage_batch(label, {"articles": pl.DataFrame(rows), "mentions": pl.DataFrame(mentions)})
    outcomes = _outcomes({name: a for name, (a, _) in files.items()})
    counts = commit(tmp_path, staging, outcomes, [], CATALOG, "0.1.0")
    assert counts["articles"] == counts["mentions"] == 3, "the copy of A staged again by the second batch is not a second row"
    january = next((tmp_path / "articles").glob("published_month=2026-01/*.parquet"))
    assert pq.ParquetFile(january).metadata.num_row_groups == 2
    assert pl.read_parquet(january)["article_id"].to_list() == [A, C], "rows keep the order they were staged in"


def test_entity_usage_adds_up_partitions_into_article_counts_and_date_ranges():
    articles = pl.DataFrame({"article_id": ["a1", "a2", "a3"], "published_date": [dt.date(2024, 1, 5), dt.date(2024, 2, 1), dt.date(2024, 2, 9)]})
    january = pl.DataFrame({"entity_id": ["country:IND", "country:IND", "person:x"], "article_id": ["a1", "a1", "a1"]})
    february = pl.DataFrame({"entity_id": ["country:IND", "country:IND"], "article_id": ["a2", "a3"]})
    usage = {row["entity_id"]: row for row in entity_usage([january, february], articles).iter_rows(named=True)}
    assert usage["country:IND"]["n_articles"] == 3  # a1 counted once though mentioned twice
    assert (usage["country:IND"]["first_seen"], usage["country:IND"]["last_seen"]) == (dt.date(2024, 1, 5), dt.date(2024, 2, 9))
    assert usage["person:x"]["n_articles"] == 1


def test_whole_texts_carry_no_statistics_nor_dictionary_but_ids_and_dates_do(tmp_path):
    from tasks.warehouse import _write_dataset

    _write_dataset(pl.DataFrame([_article("art_00000000000000a1")]), "articles", tmp_path / "articles", "20260101T000000Z-abcdef")
    (file,) = (tmp_path / "articles").rglob("*.parquet")
    row_group = pq.ParquetFile(file).metadata.row_group(0)
    columns = {row_group.column(i).path_in_schema: row_group.column(i) for i in range(row_group.num_columns)}
    assert not columns["text"].is_stats_set  # min/max of whole articles would only bloat the footer
    assert columns["article_id"].is_stats_set and columns["published_date"].is_stats_set
    assert not any("DICTIONARY" in encoding for encoding in columns["text"].encodings)  # every text is distinct
    assert any("DICTIONARY" in encoding for encoding in columns["language"].encodings)
    assert pl.read_parquet(file)["text"].to_list() == [_article("art_00000000000000a1")["text"]]


def test_a_month_staged_by_many_batches_is_written_as_one_row_group_and_later_runs_append_in_order(tmp_path):
    recover(tmp_path)
    staging = RunStaging(tmp_path, new_run_id())
    files = {"a.txt": A, "b.txt": B, "c.txt": C}
    for label, (name, article) in enumerate(files.items()):
        row = {**_article(article, published=JAN), "source_file": name, "source_files": [name]}
        staging.stage_batch(f"{label:06d}", {"articles": pl.DataFrame([row]), "mentions": pl.DataFrame([_mention(article) | {"published_month": "2026-01"}])})
    outcomes = _outcomes(files)
    commit(tmp_path, staging, outcomes, [], CATALOG, "0.1.0")
    january = next((tmp_path / "articles").glob("published_month=2026-01/*.parquet"))
    assert pq.ParquetFile(january).metadata.num_row_groups == 1, "three batches, one month: one row group, not one per batch"
    assert pl.read_parquet(january)["article_id"].to_list() == [A, B, C]
    later = "art_" + "d" * 16
    _run(tmp_path, {"d.txt": (later, JAN)})
    january = next((tmp_path / "articles").glob("published_month=2026-01/*.parquet"))
    assert pl.read_parquet(january)["article_id"].to_list() == [A, B, C, later], "committed rows first, then the new run's"
    assert sorted(read_dataset(tmp_path, "mentions")["article_id"]) == [A, B, C, later]
