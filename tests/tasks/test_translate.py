"""English fields: templates, names with articles, amounts, summaries and the entity catalog."""

import datetime as dt

import polars as pl

from tasks.reference import load_gazetteer
from tasks.translate import describe_event, describe_events, entity_catalog, summarize_articles


def test_event_description_from_gazetteer_names():
    event = {
        "actor_ids": ["country:usa"], "recipient_ids": ["country:pak"], "object_ids": [], "commodity_ids": [],
        "amount": None, "amount_currency": None, "location_id": "location:washington",
        "event_date": dt.date(2026, 2, 4), "date_precision": "day", "negated": False,
        "template_en": "{recipients} was excluded[ by {actors}][ from {objects}]",
    }
    assert describe_event(event, load_gazetteer()) == "Pakistan was excluded by the United States in Washington, 2026-02-04"
    assert describe_event({**event, "negated": True}, load_gazetteer()).endswith("(the text says this did not happen)")


def test_summary_is_made_of_the_first_event_descriptions_in_text_order():
    articles = pl.DataFrame({"article_id": ["a", "b"]})
    events = pl.DataFrame({"article_id": ["a", "a"], "trigger_start": [50, 10], "description_en": ["second", "first"]})
    summarized = summarize_articles(articles, events).sort("article_id")
    assert summarized["summary_en"].to_list() == ["first; second.", None]
    assert summarized["summary_method"].to_list() == ["template", None]


def test_entity_catalog_takes_names_from_the_gazetteer_and_glosses_as_aliases():
    mentions = pl.DataFrame({"entity_id": ["country:pak", "country:pak"], "method": ["gazetteer", "gloss"], "surface": ["पाकिस्तान", "Pakistaan"]})
    [row] = entity_catalog(mentions, load_gazetteer()).to_dicts()
    assert (row["name_en"], row["iso3"], row["name_method"]) == ("Pakistan", "PAK", "gazetteer")
    assert "Pakistaan" in row["aliases"]


def test_entity_catalog_names_entities_found_from_cues_by_their_mentions():
    mentions = pl.DataFrame({
        "article_id": ["a", "a", "a"], "start": [0, 30, 60],
        "entity_id": ["person:kamla-ranival"] * 3, "entity_type": ["PERSON"] * 3,
        "method": ["cue", "coreference", "gloss"], "surface_kind": ["name", "name", "gloss"],
        "surface": ["कमला रानीवाल", "रानीवाल", "Kamla Raniwal"],
        "entity_name_en": ["Kamla Ranival"] * 3, "entity_name_method": ["transliteration"] * 3,
        "entity_country_iso3": ["IND"] * 3,
    })
    [row] = entity_catalog(mentions, load_gazetteer()).to_dicts()
    assert (row["name_en"], row["name_hi"], row["name_method"], row["country_iso3"]) == ("Kamla Ranival", "कमला रानीवाल", "transliteration", "IND")
    assert set(row["aliases"]) == {"कमला रानीवाल", "Kamla Raniwal"}


def test_a_frame_of_events_gets_the_descriptions_of_its_rows():
    event = {
        "actor_ids": ["country:usa"], "recipient_ids": ["country:pak"], "object_ids": [], "commodity_ids": [],
        "amount": 5e8, "amount_currency": "USD", "location_id": None, "event_date": dt.date(2026, 2, 4), "date_precision": "month",
        "negated": False, "template_en": "{actors} promised {recipients}[ {amount}]", "sentence": "...", "trigger_start": 4,
    }
    events = pl.DataFrame([event, {**event, "actor_ids": ["country:pak"], "recipient_ids": [], "amount": None, "negated": True}])
    described = describe_events(events, load_gazetteer())
    assert described["description_en"].to_list() == [
        "the United States promised Pakistan USD 500 million, 2026-02",
        "Pakistan promised someone, 2026-02 (the text says this did not happen)",
    ]
    assert described["description_en"].to_list() == [describe_event(row, load_gazetteer()) for row in events.iter_rows(named=True)]


def test_a_batch_without_mentions_has_an_empty_catalog():
    mentions = pl.DataFrame(schema={"entity_id": pl.Utf8, "method": pl.Utf8, "surface": pl.Utf8})
    catalog = entity_catalog(mentions, load_gazetteer())
    assert catalog.height == 0
    assert catalog.columns[:3] == ["entity_id", "entity_type", "name_en"]
