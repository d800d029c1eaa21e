"""Validation: rows that break the contract go to quarantine with the checks they failed."""

import datetime as dt

import polars as pl

from tasks.validate import validate_batch

RUN = "20260101T000000Z-abcdef"


def _article(article_id, published=dt.date(2026, 1, 5), text="भारत ने कहा।"):
    return {
        "article_id": article_id, "source_file": f"{article_id}.txt", "source_files": [f"{article_id}.txt"], "source_record": None, "content_sha256": "0" * 64,
        "language": "hi", "published_date": published, "date_source": "header" if published else "unknown", "title": None,
        "url": None, "publisher": None, "text": text, "n_sentences": 1, "summary_en": None, "summary_method": None,
        "published_month": published.strftime("%Y-%m") if published else "unknown", "pipeline_version": "0.1.0", "run_id": RUN,
    }


def _mention(article_id, start=0, end=4, surface="भारत"):
    return {
        "article_id": article_id, "entity_id": "country:ind", "entity_type": "COUNTRY", "surface": surface, "start": start, "end": end,
        "sentence_index": 0, "surface_kind": "name", "in_quote": False, "method": "gazetteer", "confidence": 0.9,
        "role_hi": None, "role_en": None, "role_method": None, "published_month": "2026-01", "pipeline_version": "0.1.0", "run_id": RUN,
    }


def test_good_rows_pass_and_bad_rows_are_quarantined_with_reasons():
    good, future = "art_" + "a" * 16, "art_" + "b" * 16
    articles = pl.DataFrame([_article(good), _article(future, published=dt.date(2099, 1, 1))])
    mentions = pl.DataFrame([_mention(good), _mention(good, 0, 4, "चीन"), _mention(future)])
    events = pl.DataFrame(schema={"article_id": pl.Utf8})
    valid_articles, valid_mentions, _, quarantine = validate_batch(articles, mentions, events)
    assert valid_articles["article_id"].to_list() == [good]
    assert valid_mentions["surface"].to_list() == ["भारत"]
    reasons = quarantine["reason"].to_list()
    assert any("published_date_is_plausible" in r for r in reasons)
    assert any("offsets_slice_surface" in r for r in reasons)
    assert any("with its article" in r for r in reasons)
    assert set(quarantine["source_file"]) == {f"{good}.txt", f"{future}.txt"}
