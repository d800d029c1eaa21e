"""Batch stages: cleaning identifies and dates articles; extraction returns frames of the contract's shape."""

import datetime as dt

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
