"""Translation to English: every English field is made from the gazetteer or a template, and says which.

No machine translation runs here, so no field claims one: names come from the gazetteer (or a gloss in
the text), roles and descriptions from templates filled with those names.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from tasks.english import date_text, format_amount, join_names, prose_name, render_template
from tasks.entities import Gazetteer

SUMMARY_EVENTS = 3
CATALOG_SCHEMA = {
    "entity_id": pl.Utf8, "entity_type": pl.Utf8, "name_en": pl.Utf8, "name_hi": pl.Utf8,
    "aliases": pl.List(pl.Utf8), "iso3": pl.Utf8, "country_iso3": pl.Utf8, "wikidata_qid": pl.Utf8,
    "name_method": pl.Utf8,
}


def describe_event(event: dict, gazetteer: Gazetteer) -> str:
    """The English one-liner of an event row, from its rule's template."""
    entities = gazetteer.entities

    def names(entity_ids: Sequence[str] | None) -> str:
        ids = list(entity_ids or [])
        return join_names([prose_name(entities[i].name_en, entities[i].entity_type) for i in ids]) if ids else ""

    amount = event.get("amount")
    values = {
        "actors": names(event["actor_ids"]),
        "recipients": names(event["recipient_ids"]),
        "objects": names(event["object_ids"]),
        "commodities": names(event["commodity_ids"]),
        "amount": format_amount(amount, event.get("amount_currency")) if amount is not None else "",
        "location": names([event["location_id"]] if event.get("location_id") else []),
        "date": date_text(event.get("event_date"), event.get("date_precision")),
    }
    description = render_template(event["template_en"] + "[ in {location}][, {date}]", values)
    return description + (" (the text says this did not happen)" if event["negated"] else "")


def describe_events(events: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """Add description_en and description_method to an events frame."""
    descriptions = [describe_event(row, gazetteer) for row in events.iter_rows(named=True)]
    return events.with_columns(
        description_en=pl.Series(descriptions, dtype=pl.Utf8),
        description_method=pl.lit("template", dtype=pl.Utf8),
    )


def summarize_articles(articles: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Add summary_en (the first events' descriptions, in text order) and summary_method to an articles frame."""
    summaries = (
        events.sort("article_id", "trigger_start")
        .group_by("article_id", maintain_order=True)
        .agg(pl.col("description_en").head(SUMMARY_EVENTS).str.join("; ").alias("summary_en"))
        .with_columns(pl.col("summary_en") + ".")
    )
    joined = articles.drop("summary_en", "summary_method", strict=False).join(summaries, on="article_id", how="left")
    return joined.with_columns(
        summary_method=pl.when(pl.col("summary_en").is_not_null()).then(pl.lit("template"))
    )


def entity_catalog(mentions: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """English names and static attributes of the entities a batch mentions; glosses seen in the text join the aliases."""
    glosses = (
        mentions.filter(pl.col("method") == "gloss")
        .group_by("entity_id")
        .agg(pl.col("surface").unique().sort().alias("gloss_aliases"))
    )
    gloss_by_id = dict(zip(glosses["entity_id"].to_list(), glosses["gloss_aliases"].to_list(), strict=True))
    rows = []
    for entity_id in sorted(set(mentions["entity_id"].to_list())):
        entity = gazetteer.entities[entity_id]
        aliases = sorted(set(entity.aliases) | set(gloss_by_id.get(entity_id, ())) - {entity.name_en})
        rows.append(
            {
                "entity_id": entity_id,
                "entity_type": entity.entity_type,
                "name_en": entity.name_en,
                "name_hi": entity.name_hi,
                "aliases": aliases,
                "iso3": entity.iso3,
                "country_iso3": entity.country_iso3,
                "wikidata_qid": entity.wikidata_qid,
                "name_method": "gazetteer",
            }
        )
    return pl.DataFrame(rows, schema=CATALOG_SCHEMA)


def empty_catalog() -> pl.DataFrame:
    """An entity catalog with no rows."""
    return pl.DataFrame(schema=CATALOG_SCHEMA)
