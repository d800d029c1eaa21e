"""Incremental runs: nothing new writes nothing; adding, editing and deleting a file changes exactly its rows."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from flows.ingest import ingest_articles
from flows.params import IngestParameters
from tests.conftest import SAMPLES
from tasks.warehouse import read_dataset
from tests.flows.helpers import EDITED_ARTICLE, LINEAGE, NEW_ARTICLE, snapshot


def _run(source, warehouse, **options):
    return ingest_articles(IngestParameters(source=str(source), warehouse=str(warehouse), **options))


def _article_rows(rows: dict[str, list[str]], article_id: str) -> dict[str, list[str]]:
    return {name: [r for r in rows[name] if json.loads(r).get("article_id") == article_id] for name in ("articles", "mentions", "events")}


@pytest.fixture
def folders(tmp_path, prefect_server):
    source, warehouse = tmp_path / "incoming", tmp_path / "warehouse"
    shutil.copytree(SAMPLES, source)
    _run(source, warehouse)
    return source, warehouse


def test_second_run_with_nothing_new_writes_nothing(folders):
    source, warehouse = folders
    before, version = snapshot(warehouse), (warehouse / "_current").resolve()
    summary = _run(source, warehouse)
    assert summary.files_unchanged == 2 and summary.articles == 0
    assert summary.dataset_rows["articles"] == 2, "the report still shows what the warehouse holds"
    assert snapshot(warehouse) == before and (warehouse / "_current").resolve() == version


def test_the_manifest_holds_the_hash_of_every_files_bytes_new_edited_or_quarantined(folders):
    source, warehouse = folders
    (source / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    (source / "empty.txt").write_bytes(b"")
    edited = sorted(SAMPLES.glob("*.txt"))[0].name
    (source / edited).write_text(EDITED_ARTICLE, encoding="utf-8")
    _run(source, warehouse)
    manifest = read_dataset(warehouse, "manifest")
    assert dict(zip(manifest["source_file"], manifest["content_sha256"], strict=True)) == {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in source.iterdir()
    }
    assert dict(zip(manifest["source_file"], manifest["status"], strict=True))["empty.txt"] == "quarantined"


def test_add_edit_delete_change_exactly_that_files_rows(folders):
    source, warehouse = folders
    before = snapshot(warehouse)
    (source / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    summary = _run(source, warehouse)
    assert (summary.files_new, summary.articles) == (1, 1)
    added = snapshot(warehouse)
    for name in ("articles", "mentions", "events"):
        assert set(before[name]) <= set(added[name]), f"{name}: earlier rows changed"
    new_ids = {json.loads(r)["article_id"] for r in added["articles"]} - {json.loads(r)["article_id"] for r in before["articles"]}
    [new_id] = new_ids
    new_rows = _article_rows(added, new_id)
    assert len(new_rows["mentions"]) >= 4 and new_rows["events"]
    for name in ("articles", "mentions", "events"):
        assert sorted(set(added[name]) - set(before[name])) == sorted(new_rows[name])

    (source / "new.txt").write_text(EDITED_ARTICLE, encoding="utf-8")
    summary = _run(source, warehouse)
    assert summary.files_changed == 1
    edited = snapshot(warehouse)
    assert not any(_article_rows(edited, new_id).values()), "the old version's rows are gone"
    for name in ("articles", "mentions", "events"):
        assert set(before[name]) <= set(edited[name])
        assert len(edited[name]) - len(before[name]) == len(_article_rows(edited, next(iter(
            {json.loads(r)["article_id"] for r in edited["articles"]} - {json.loads(r)["article_id"] for r in before["articles"]})))[name])

    (source / "new.txt").unlink()
    summary = _run(source, warehouse)
    assert summary.files_deleted == 1
    deleted = snapshot(warehouse)
    for name in ("articles", "mentions", "events"):
        assert deleted[name] == before[name], f"{name}: rows of the deleted file were not retracted exactly"


def test_deleted_files_rows_can_be_kept_and_full_refresh_rebuilds(folders, tmp_path):
    source, warehouse = folders
    before = snapshot(warehouse, drop=LINEAGE)
    sample = sorted(source.glob("*.txt"))[0]
    sample.unlink()
    _run(source, warehouse, on_deleted="keep")
    assert snapshot(warehouse, drop=LINEAGE)["articles"] == before["articles"]
    _run(source, warehouse, full_refresh=True)
    clean = tmp_path / "clean"
    _run(source, clean)
    refreshed, reference = snapshot(warehouse, drop=LINEAGE), snapshot(clean, drop=LINEAGE)
    for name in ("articles", "mentions", "events", "entities", "manifest"):
        assert refreshed[name] == reference[name], name
