"""Batch stages: cleaning identifies and dates articles; extraction returns frames of the contract's shape."""

import datetime as dt
import hashlib
from pathlib import Path

from tasks.read import RawArticle
from tasks.stages import article_id_for, articles_frame, clean_batch, extract_entities_batch, extract_events_batch


def _raw(text, published=None, name="a.txt"):
    return RawArticle(name, None, "0" * 64, text, None, published, None, None, "txt")


def test_dates_come_from_metadata_then_header_then_text_never_today():
    docs, _ = clean_batch([
        _raw("date 2025-03-04\nभारत ने कहा।", published="2025-05-06T10:00:00Z", name="meta.txt"),
        _raw("date 2025-03-04\nभारत ने कहा।", name="header.txt"),
        _raw("भारत ने 7 नवंबर 2025 को कहा।", name="text.txt"),
        _raw("भारत ने कहा।", name="none.txt"),
    ])
    got = {d.source_file: (d.published_date, d.date_source) for d in docs}
    assert got == {
        "meta.txt": (dt.date(2025, 5, 6), "metadata"), "header.txt": (dt.date(2025, 3, 4), "header"),
        "text.txt": (dt.date(2025, 11, 7), "text"), "none.txt": (None, "unknown"),
    }


def test_article_ids_depend_on_content_only_and_empty_texts_are_rejected():
    docs, rejected = clean_batch([_raw("चीन।", name="one.txt"), _raw("चीन।", name="two.txt"), _raw("\u200b \n", name="blank.txt")])
    assert docs[0].article_id == docs[1].article_id == article_id_for("चीन।")
    assert [r.source_file for r in rejected] == ["blank.txt"] and rejected[0].stage == "clean"


def test_extraction_frames_hold_mentions_and_events():
    docs, _ = clean_batch([_raw("date 2026-01-10\nभारत ने जापान के साथ 5 अरब डॉलर के समझौते किए।")])
    mentions, records = extract_entities_batch(docs)
    assert set(mentions["entity_id"]) == {"country:ind", "country:jpn"}
    events = extract_events_batch(docs, records)
    [event] = events.to_dicts()
    assert (event["event_type"], event["amount_usd"], event["event_date"]) == ("SUPPORT", 5e9, dt.date(2026, 1, 1))
    assert articles_frame(docs)["n_sentences"].to_list() == [1]


def test_articles_in_other_languages_are_set_aside_with_the_language_named():
    docs, rejected = clean_batch([_raw("China eased its export controls on rare earths.", name="english.txt")])
    assert docs == [] and "main language is 'en'" in rejected[0].reason
    docs, rejected = clean_batch([_raw("China eased its export controls.", name="english.txt")], accept_languages=("hi", "en"))
    assert [d.language for d in docs] == ["en"] and rejected == []


def test_a_batch_is_staged_and_leaves_a_small_outcome_the_ledger_reads_in_batch_order(tmp_path):
    from khanij import PIPELINE_VERSION
    from tasks.discover import discover_source_files
    from tasks.stages import BatchSettings, RunLedger, process_batch
    from tasks.warehouse import RunStaging

    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text("date 2026-01-10\nभारत ने जापान के साथ 5 अरब डॉलर के समझौते किए।", encoding="utf-8")
    (source / "b.txt").write_text("date 2026-02-11\nचीन ने रूस के साथ बातचीत की।", encoding="utf-8")
    (source / "c.txt").write_bytes(b"")
    staging = RunStaging(tmp_path / "wh", "20260101T000000Z-abcdef")
    settings = BatchSettings(source, staging, staging.run_id, dt.date(2026, 3, 1), PIPELINE_VERSION, 5_000_000, ("hi",))
    files = discover_source_files(source)
    batches = [("000000", files[:2]), ("000001", files[2:])]
    outcomes = [process_batch(label, files, settings) for label, files in batches]
    assert [o.articles for o in outcomes] == [2, 0] and outcomes[1].quarantine["source_file"].to_list() == ["c.txt"]
    assert {"read", "clean", "extract entities", "extract events", "translate", "validate", "write"} <= set(outcomes[0].stage_seconds)
    assert [f.name for f in staging.staged_files("articles")] == ["batch-000000.arrow", "batch-000001.arrow"]
    ledger = RunLedger()
    for outcome in reversed(outcomes):  # batches may finish in any order on a parallel runner
        ledger.add(outcome)
    assert [o.label for o in ledger.in_order()] == ["000000", "000001"]
    assert set(ledger.catalog()["entity_id"]) >= {"country:ind", "country:jpn", "country:chn", "country:rus"}
    # What the manifest needs of each file is staged beside the rows, not held by the run until its commit.
    from tasks.discover import RunPlan
    from tasks.stages import discover_quarantine

    plan = RunPlan(new=files)
    outcomes = ledger.file_outcomes(plan, discover_quarantine(plan, settings), staging)
    assert outcomes.select("source_file", "status").rows() == [("a.txt", "ingested"), ("b.txt", "ingested"), ("c.txt", "quarantined")]
    assert [len(ids) for ids in outcomes["article_ids"].to_list()] == [1, 1, 0]
    assert outcomes["content_sha256"].to_list() == [hashlib.sha256((source / name).read_bytes()).hexdigest() for name in ("a.txt", "b.txt", "c.txt")]


def test_a_batch_hashes_each_file_it_reads_even_one_it_sets_aside(tmp_path):
    import hashlib

    from tasks.discover import discover_source_files
    from tasks.stages import read_batch

    (tmp_path / "a.txt").write_text("भारत ने जापान के साथ समझौता किया।", encoding="utf-8")
    (tmp_path / "large.txt").write_text("बहुत लंबा लेख " * 20, encoding="utf-8")
    raws, rejected, hashes = read_batch(discover_source_files(tmp_path), tmp_path, 200)
    assert [r.source_file for r in raws] == ["a.txt"] and [r.source_file for r in rejected] == ["large.txt"]
    assert dict(hashes.iter_rows()) == {name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() for name in ("a.txt", "large.txt")}


def test_batches_keep_file_order_and_shrink_towards_the_end_so_parallel_processes_finish_together():
    from tasks.discover import SourceFile
    from tasks.stages import batches_of

    files = [SourceFile(Path("/in"), f"{n:05d}.txt", 1, 0) for n in range(7_291)]
    batches = list(batches_of(files, 1_000))
    sizes = [len(batch) for _, batch in batches]
    assert [f for _, batch in batches for f in batch] == files
    assert [label for label, _ in batches] == [f"{n:06d}" for n in range(len(batches))]
    assert max(sizes) == 1_000 and sizes[:4] == [1_000] * 4
    assert sizes[-3:] == [250, 250, 280] and sizes[:-1] == sorted(sizes[:-1], reverse=True)  # a last 250 would leave 30: they ride along
    assert list(batches_of(files[:3], 200)) == [("000000", files[:3])]


def test_the_ledger_keeps_one_catalog_row_per_entity_from_the_latest_batch_with_every_batchs_aliases_whatever_the_order_of_arrival():
    import polars as pl

    from tasks.stages import BatchOutcome, RunLedger
    from tasks.translate import CATALOG_SCHEMA

    def outcome(label: str, names: dict[str, str]) -> BatchOutcome:
        catalog = pl.DataFrame([{"entity_id": i, "entity_type": "PERSON", "name_en": n, "aliases": [n.split()[-1], "x"], "name_method": "transliteration"}
                                for i, n in names.items()], schema=CATALOG_SCHEMA)
        counts = pl.DataFrame({"entity_id": list(names), "mentions": [2] * len(names)}, schema={"entity_id": pl.Utf8, "mentions": pl.UInt32})
        return BatchOutcome(label, pl.DataFrame(), catalog, 0, 0, 0, [], counts)

    ledger = RunLedger()
    for label, names in (("000002", {"person:a": "A (third)"}), ("000000", {"person:a": "A (first)", "person:b": "B"}),
                         ("000001", {"person:a": "A (second)"})):
        ledger.add(outcome(label, names))
    catalog = ledger.catalog()
    assert catalog.height == 2
    assert dict(zip(catalog["entity_id"], catalog["name_en"], strict=True)) == {"person:a": "A (third)", "person:b": "B"}
    assert dict(zip(catalog["entity_id"], catalog["aliases"].to_list(), strict=True)) == {
        "person:a": ["(first)", "(second)", "(third)", "x"], "person:b": ["B", "x"]}, "aliases seen in any batch stay"
    assert dict(ledger.entity_mentions().iter_rows()) == {"person:a": 6, "person:b": 2}, "mentions summed over every batch"
