"""The warehouse: staged batches become visible only at commit; a re-run replaces a file's rows."""

import datetime as dt

import polars as pl
import pyarrow.parquet as pq

from tasks.translate import empty_catalog
from tasks.warehouse import RunStaging, commit, new_run_id, read_dataset
from tests.tasks.test_validate import _article, _mention


def _stage(root, articles, mentions):
    staging = RunStaging(root, new_run_id())
    staging.stage_batch("000000", {"articles": pl.DataFrame(articles), "mentions": pl.DataFrame(mentions)})
    return staging


def test_staged_rows_are_invisible_until_commit_and_reruns_replace_rows(tmp_path):
    article_id = "art_" + "c" * 16
    staging = _stage(tmp_path, [_article(article_id)], [_mention(article_id)])
    assert read_dataset(tmp_path, "articles").height == 0
    catalog = pl.DataFrame([{"entity_id": "country:ind", "entity_type": "COUNTRY", "name_en": "India", "name_hi": "भारत",
                             "aliases": [], "iso3": "IND", "country_iso3": "IND", "wikidata_qid": "Q668", "name_method": "gazetteer"}],
                           schema=empty_catalog().schema)
    counts = commit(tmp_path, staging, [f"{article_id}.txt"], catalog, "0.1.0")
    assert counts["articles"] == 1 and counts["mentions"] == 1 and counts["entities"] == 1
    entities = read_dataset(tmp_path, "entities")
    assert entities.row(0, named=True)["n_articles"] == 1 and entities.row(0, named=True)["first_seen"] == dt.date(2026, 1, 5)
    assert list((tmp_path / "articles").glob("published_month=2026-01/*.parquet"))
    assert not (tmp_path / "_staging" / staging.run_id).exists()

    # The same file again: its rows are replaced, not duplicated.
    again = _stage(tmp_path, [_article(article_id)], [_mention(article_id)])
    counts = commit(tmp_path, again, [f"{article_id}.txt"], catalog, "0.1.0")
    assert counts["articles"] == 1 and counts["mentions"] == 1
    written = next((tmp_path / "mentions").rglob("*.parquet"))
    assert "published_month" not in pq.read_schema(written).names  # the partition key lives in the folder name
