"""Translation to English: every English field is made from the gazetteer or a template, and says which.

No machine translation runs here, so no field claims one: names come from the gazetteer, a gloss in the text or a
romanisation (for names nobody listed), roles and descriptions from templates filled with those names.
"""

from __future__ import annotations

import datetime as dt
from collections import ChainMap
from collections.abc import Mapping, Sequence

import polars as pl

from contracts.arrow import columns_frame

from tasks.english import date_text, format_amount, join_names, prose_name, render_template
from tasks.entities import Gazetteer, GazetteerEntity

SUMMARY_EVENTS = 3
CATALOG_SCHEMA = {
    "entity_id": pl.Utf8, "entity_type": pl.Utf8, "name_en": pl.Utf8, "name_hi": pl.Utf8,
    "aliases": pl.List(pl.Utf8), "iso3": pl.Utf8, "country_iso3": pl.Utf8, "wikidata_qid": pl.Utf8,
    "name_method": pl.Utf8,
}


def discovered_entities(mentions: pl.DataFrame) -> dict[str, GazetteerEntity]:
    """Entities the gazetteer does not know, named by the mentions' working columns (entity_name_en...)."""
    if "entity_name_en" not in mentions.columns:
        return {}
    named = mentions.filter(pl.col("entity_name_en").is_not_null() & (pl.col("surface_kind") != "gloss")).sort("article_id", "start")
    found: dict[str, GazetteerEntity] = {}
    columns = ("entity_id", "entity_type", "entity_name_en", "surface", "entity_country_iso3")
    for entity_id, entity_type, name_en, surface, country_iso3 in named.select(columns).iter_rows():
        if entity_id not in found:
            found[entity_id] = GazetteerEntity(entity_id, entity_type, name_en, surface, (), None, country_iso3, None)
    return found


# The event columns a description is made from, in the order _description takes them.
DESCRIBED_COLUMNS = (
    "actor_ids", "recipient_ids", "object_ids", "commodity_ids", "amount", "amount_currency", "location_id",
    "event_date", "date_precision", "template_en", "negated",
)


def _names(entity_ids: Sequence[str] | None, entities: Mapping[str, GazetteerEntity], prose: dict[str, str]) -> str:
    """The entities' names as English prose joins them; prose caches each entity's name."""
    if not entity_ids:
        return ""
    rendered = []
    for entity_id in entity_ids:
        name = prose.get(entity_id)
        if name is None:
            entity = entities[entity_id]
            name = prose[entity_id] = prose_name(entity.name_en, entity.entity_type)
        rendered.append(name)
    return join_names(rendered)


def _description(actor_ids: Sequence[str] | None, recipient_ids: Sequence[str] | None, object_ids: Sequence[str] | None,
                 commodity_ids: Sequence[str] | None, amount: float | None, amount_currency: str | None, location_id: str | None,
                 event_date: dt.date | None, date_precision: str | None, template_en: str, negated: bool,
                 entities: Mapping[str, GazetteerEntity], prose: dict[str, str]) -> str:
    """The English one-liner of an event (its DESCRIBED_COLUMNS, in order), from its rule's template."""
    values = {
        "actors": _names(actor_ids, entities, prose),
        "recipients": _names(recipient_ids, entities, prose),
        "objects": _names(object_ids, entities, prose),
        "commodities": _names(commodity_ids, entities, prose),
        "amount": format_amount(amount, amount_currency) if amount is not None else "",
        "location": _names([location_id] if location_id else [], entities, prose),
        "date": date_text(event_date, date_precision),
    }
    description = render_template(template_en + "[ in {location}][, {date}]", values)
    return description + (" (the text says this did not happen)" if negated else "")


def describe_event(event: dict, gazetteer: Gazetteer, discovered: Mapping[str, GazetteerEntity] | None = None) -> str:
    """The English one-liner of an event row, from its rule's template."""
    return _description(*[event.get(c) for c in DESCRIBED_COLUMNS], ChainMap(dict(discovered or {}), gazetteer.entities), {})


def describe_events(events: pl.DataFrame, gazetteer: Gazetteer, discovered: Mapping[str, GazetteerEntity] | None = None) -> pl.DataFrame:
    """Add description_en and description_method to an events frame."""
    entities, prose = ChainMap(dict(discovered or {}), gazetteer.entities), {}
    # Whole columns as Python lists, zipped into rows: a third of the cost of a dict per row (iter_rows(named=True)).
    columns = [events[c].to_list() if c in events.columns else [None] * events.height for c in DESCRIBED_COLUMNS]
    descriptions = [_description(*row, entities, prose) for row in zip(*columns)]
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


def entity_catalog(mentions: pl.DataFrame, gazetteer: Gazetteer, discovered: Mapping[str, GazetteerEntity] | None = None) -> pl.DataFrame:
    """English names and static attributes of the entities a batch mentions; glosses seen in the text join the aliases.

    Listed entities take their gazetteer record; entities found from cues take the name their mentions carry
    (a gloss or a transliteration), their Hindi forms as aliases and the most common one as name_hi. `discovered`:
    discovered_entities(mentions), when the caller has it already.
    """
    glosses = (
        mentions.filter(pl.col("method") == "gloss")
        .group_by("entity_id")
        .agg(pl.col("surface").unique().sort().alias("gloss_aliases"))
    )
    gloss_by_id = dict(zip(glosses["entity_id"].to_list(), glosses["gloss_aliases"].to_list(), strict=True))
    discovered = discovered_entities(mentions) if discovered is None else discovered
    hindi_forms: dict[str, list[str]] = {}
    methods: dict[str, str] = {}
    if discovered:
        named = mentions.filter(pl.col("entity_name_method").is_not_null()).sort("article_id", "start")
        methods = dict(named.group_by("entity_id", maintain_order=True).agg(pl.col("entity_name_method").first()).iter_rows())
        forms = (
            mentions.filter(pl.col("entity_id").is_in(list(discovered)) & (pl.col("surface_kind") == "name") & (pl.col("method") != "coreference"))
            .group_by("entity_id", "surface").len().sort(["entity_id", "len", "surface"], descending=[False, True, False])
        )
        for row in forms.iter_rows(named=True):
            hindi_forms.setdefault(row["entity_id"], []).append(row["surface"])
    rows = []
    for entity_id in sorted(mentions["entity_id"].unique().to_list()):
        entity = gazetteer.entities.get(entity_id)
        if entity is not None:
            aliases = sorted(set(entity.aliases) | set(gloss_by_id.get(entity_id, ())) - {entity.name_en})
            rows.append({
                "entity_id": entity_id, "entity_type": entity.entity_type, "name_en": entity.name_en, "name_hi": entity.name_hi,
                "aliases": aliases, "iso3": entity.iso3, "country_iso3": entity.country_iso3, "wikidata_qid": entity.wikidata_qid,
                "name_method": "gazetteer",
            })
            continue
        found = discovered.get(entity_id)
        if found is None:
            continue  # a mention without a name cannot make a catalog row; validation of the entities table would reject it
        method = methods.get(entity_id)
        forms_hi = hindi_forms.get(entity_id, [])
        aliases = sorted((set(forms_hi) | set(gloss_by_id.get(entity_id, ()))) - {found.name_en})
        rows.append({
            "entity_id": entity_id, "entity_type": found.entity_type, "name_en": found.name_en,
            "name_hi": forms_hi[0] if forms_hi else None, "aliases": aliases, "iso3": None,
            "country_iso3": found.country_iso3, "wikidata_qid": None, "name_method": method or "transliteration",
        })
    return columns_frame({name: [row[name] for row in rows] for name in CATALOG_SCHEMA}, CATALOG_SCHEMA)


def empty_catalog() -> pl.DataFrame:
    """An entity catalog with no rows."""
    return pl.DataFrame(schema=CATALOG_SCHEMA)
