"""The dataset contract: one Pandera (polars) model per dataset, the one place that says what a row is.

The Arrow schemas written to disk are derived from these models in `contracts.arrow`.
Partition columns (`published_month`, `event_month`, `entity_type`, `run_date`) are part of each
model: they are stored as hive folder names and come back as columns when the dataset is read.
Frames reach a model already cast to its types (`tasks.validate.conform`), so the models check types
rather than coerce them (`coerce = False`): Pandera's coercion would cast again, collecting the whole
frame once per column.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl
import pycountry

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN",
    "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
QUAD_CLASS = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), 2),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN"), 3),
    **dict.fromkeys(("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}
PLOVER_CONTEXTS = (
    "economic", "diplomatic", "natural_resource", "technology", "military", "political",
    "security", "legal", "human_rights", "territory", "environment", "health", "cyber",
)
ENTITY_TYPES = ("PERSON", "ORGANIZATION", "COUNTRY", "LOCATION", "COMMODITY")
ISO3_CODES = tuple(sorted(country.alpha_3 for country in pycountry.countries))
ISO4217_CODES = tuple(sorted(currency.alpha_3 for currency in pycountry.currencies))
ENGLISH_METHODS = ("gazetteer", "gloss", "transliteration", "template")
MENTION_METHODS = ("gazetteer", "gloss", "cue", "latin", "coreference")
DATE_SOURCES = ("metadata", "header", "text", "unknown")
DATE_PRECISIONS = ("day", "month", "year")
LANGUAGES = ("hi", "en", "mr", "ne", "und")
EARLIEST_PLAUSIBLE_DATE = dt.date(1990, 1, 1)

ARTICLE_ID = r"^art_[0-9a-f]{16}$"
EVENT_ID = r"^evt_[0-9a-f]{16}$"
ENTITY_ID = r"^(person|org|country|location|commodity):[a-z0-9][a-z0-9.-]*$"
RUN_ID = r"^\d{8}T\d{6}Z-[0-9a-f]{6}$"
MONTH_KEY = r"^(\d{4}-\d{2}|unknown)$"
SHA256 = r"^[0-9a-f]{64}$"


def latest_plausible_date() -> dt.date:
    """Dates after tomorrow are implausible for news already published (one day of time-zone slack)."""
    return dt.date.today() + dt.timedelta(days=1)


def _plausible(column: str) -> pl.Expr:
    value = pl.col(column)
    return value.is_null() | value.is_between(EARLIEST_PLAUSIBLE_DATE, latest_plausible_date())


def _all_match(column: str, pattern: str) -> pl.Expr:
    """Every item of a list column matches the pattern (an empty list passes)."""
    return pl.col(column).list.eval(pl.element().str.contains(pattern)).list.all()


class _Lineage(pa.DataFrameModel):
    pipeline_version: str = pa.Field(str_length={"min_value": 1}, description="Version of khanij that wrote the row.")
    run_id: str = pa.Field(str_matches=RUN_ID, description="The run that wrote the row: UTC start time and a random suffix.")


class Article(_Lineage):
    """One row per article version: the cleaned text and what is known about it."""

    article_id: str = pa.Field(str_matches=ARTICLE_ID, unique=True, description="Stable id: 'art_' + 16 hex of the SHA-256 of the cleaned text.")
    source_file: str = pa.Field(str_length={"min_value": 1}, description="Path of the source file relative to the source folder (the first, in path order, when several files hold the article).")
    source_files: pl.List(pl.Utf8) = pa.Field(description="Every source file that holds this article's content, in path order.")
    source_record: Optional[pl.Int32] = pa.Field(nullable=True, ge=0, description="Line (.jsonl) or index (JSON array) of the record inside source_file; null for one-article files.")
    content_sha256: str = pa.Field(str_matches=SHA256, description="SHA-256 of the raw bytes of the source record.")
    language: str = pa.Field(isin=LANGUAGES, description="ISO 639-1 code of the article's main language ('und' if undetermined).")
    published_date: Optional[pl.Date] = pa.Field(nullable=True, description="Publication date from metadata, a header line or the text; never the ingestion time.")
    date_source: str = pa.Field(isin=DATE_SOURCES, description="Where published_date came from: metadata, header, text or unknown.")
    title: Optional[str] = pa.Field(nullable=True, description="Title from metadata or a header line; null when the file states none.")
    url: Optional[str] = pa.Field(nullable=True, description="URL from the file's metadata.")
    publisher: Optional[str] = pa.Field(nullable=True, description="Publisher or site name from the file's metadata.")
    text: str = pa.Field(str_length={"min_value": 1}, description="Cleaned text (NFC, no control or zero-width characters); every offset points into it.")
    n_sentences: pl.Int32 = pa.Field(ge=1, description="Number of sentences the text was split into.")
    summary_en: Optional[str] = pa.Field(nullable=True, description="English summary composed from the article's events; null when it has none.")
    summary_method: Optional[str] = pa.Field(nullable=True, isin=ENGLISH_METHODS, description="How summary_en was made (always 'template' when present).")
    published_month: str = pa.Field(str_matches=MONTH_KEY, description="Partition key: YYYY-MM of published_date, or 'unknown'.")

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check
    def published_date_is_plausible(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Publication dates lie between 1990 and tomorrow."""
        return data.lazyframe.select(_plausible("published_date"))

    @pa.dataframe_check
    def month_matches_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """published_month is derived from published_date."""
        expected = pl.col("published_date").dt.strftime("%Y-%m").fill_null("unknown")
        return data.lazyframe.select(pl.col("published_month") == expected)

    @pa.dataframe_check
    def unknown_date_has_no_value(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """date_source is 'unknown' exactly when published_date is null."""
        return data.lazyframe.select((pl.col("date_source") == "unknown") == pl.col("published_date").is_null())


class Mention(_Lineage):
    """One row per entity mention: a span of an article's text linked to an entity."""

    article_id: str = pa.Field(str_matches=ARTICLE_ID, description="The article the mention is in.")
    entity_id: str = pa.Field(str_matches=ENTITY_ID, description="The entity mentioned (see the entities dataset).")
    entity_type: str = pa.Field(isin=ENTITY_TYPES, description="PERSON, ORGANIZATION, COUNTRY, LOCATION or COMMODITY.")
    surface: str = pa.Field(str_length={"min_value": 1}, description="The text of the mention exactly as it stands in the cleaned text.")
    start: pl.Int32 = pa.Field(ge=0, description="Start offset (characters) in the article's cleaned text.")
    end: pl.Int32 = pa.Field(ge=1, description="End offset (exclusive) in the article's cleaned text.")
    sentence_index: pl.Int32 = pa.Field(ge=0, description="0-based index of the sentence holding the mention.")
    surface_kind: str = pa.Field(isin=("name", "adjective", "gloss"), description="name, adjective/demonym (e.g. अमेरिकी), or gloss (a parenthesised English form).")
    in_quote: bool = pa.Field(description="The mention is inside an embedded social-media post.")
    method: str = pa.Field(
        isin=MENTION_METHODS,
        description="How the mention was found: gazetteer, gloss (a parenthesised English form), cue (words around a name "
        "nobody listed: a title, an organisation's head word, a place word, a known given name), latin (a capitalised "
        "Latin name) or coreference (a later part of a person's full name).",
    )
    confidence: pl.Float64 = pa.Field(in_range={"min_value": 0.0, "max_value": 1.0}, description="Confidence that the span denotes the entity.")
    role_hi: Optional[str] = pa.Field(nullable=True, description="Title or role written before a person's name (e.g. 'विदेश मंत्री').")
    role_en: Optional[str] = pa.Field(nullable=True, description="That role in English, with the country where known ('President of Kazakhstan').")
    role_method: Optional[str] = pa.Field(nullable=True, isin=ENGLISH_METHODS, description="How role_en was made.")
    published_month: str = pa.Field(str_matches=MONTH_KEY, description="Partition key: the article's published_month.")

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check
    def span_is_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """end - start equals the length of the surface."""
        return data.lazyframe.select((pl.col("end") - pl.col("start")) == pl.col("surface").str.len_chars())

    @pa.dataframe_check
    def role_has_method(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """role_en and role_method are both present or both null."""
        return data.lazyframe.select(pl.col("role_en").is_null() == pl.col("role_method").is_null())


class MentionInText(Mention):
    """A mention joined with its article's text, to check that the offsets slice out the surface."""

    text: str = pa.Field(description="The article's cleaned text (not written; used only for validation).")

    @pa.dataframe_check
    def offsets_slice_surface(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """text[start:end] == surface."""
        sliced = pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
        return data.lazyframe.select(sliced == pl.col("surface"))


class Entity(_Lineage):
    """One row per distinct entity across all articles in the warehouse."""

    entity_id: str = pa.Field(str_matches=ENTITY_ID, unique=True, description="Stable id derived from the entity's canonical identity: '<type>:<slug>' (countries: ISO 3166-1 alpha-3).")
    entity_type: str = pa.Field(isin=ENTITY_TYPES, description="Partition key: PERSON, ORGANIZATION, COUNTRY, LOCATION or COMMODITY.")
    name_en: str = pa.Field(str_length={"min_value": 1}, description="Canonical English name as English-language press writes it.")
    name_hi: Optional[str] = pa.Field(nullable=True, description="Canonical Hindi name.")
    aliases: pl.List(pl.Utf8) = pa.Field(description="Other names and spellings (English and Hindi) seen or known.")
    iso3: Optional[str] = pa.Field(nullable=True, isin=ISO3_CODES, description="ISO 3166-1 alpha-3 code; set for every COUNTRY.")
    country_iso3: Optional[str] = pa.Field(nullable=True, isin=ISO3_CODES, description="ISO 3166-1 alpha-3 of the person's, organisation's or place's state.")
    wikidata_qid: Optional[str] = pa.Field(nullable=True, str_matches=r"^Q\d+$", description="Wikidata item id, where known.")
    name_method: str = pa.Field(
        isin=("gazetteer", "gloss", "transliteration"),
        description="How name_en was made: gazetteer (a listed entity), gloss (an English form given in the text) or "
        "transliteration (romanised with schwa deletion, known name words in their press spelling).",
    )
    n_articles: pl.Int32 = pa.Field(ge=1, description="Number of articles in the warehouse that mention the entity.")
    first_seen: Optional[pl.Date] = pa.Field(nullable=True, description="Earliest published_date among those articles.")
    last_seen: Optional[pl.Date] = pa.Field(nullable=True, description="Latest published_date among those articles.")

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check
    def countries_have_iso3(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every COUNTRY has an iso3, and only countries do."""
        return data.lazyframe.select((pl.col("entity_type") == "COUNTRY") == pl.col("iso3").is_not_null())

    @pa.dataframe_check
    def seen_dates_are_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """first_seen <= last_seen, both plausible."""
        ordered = pl.col("first_seen").is_null() | (pl.col("first_seen") <= pl.col("last_seen"))
        return data.lazyframe.select(ordered & _plausible("first_seen") & _plausible("last_seen"))


class Event(_Lineage):
    """One row per event: who did what to whom, where and when, with the sentence that states it."""

    event_id: str = pa.Field(str_matches=EVENT_ID, unique=True, description="Stable id: 'evt_' + 16 hex of the article id, type, actors and recipients.")
    article_id: str = pa.Field(str_matches=ARTICLE_ID, description="The article that states the event.")
    sentence_index: pl.Int32 = pa.Field(ge=0, description="0-based index of the sentence that states the event.")
    event_type: str = pa.Field(isin=PLOVER_TYPES, description="PLOVER event type.")
    event_mode: Optional[str] = pa.Field(nullable=True, description="PLOVER mode (e.g. visit, multilateral, third-party), where the trigger implies one.")
    quad_class: pl.Int8 = pa.Field(isin=(1, 2, 3, 4), description="1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.")
    contexts: pl.List(pl.Utf8) = pa.Field(description="PLOVER contexts (economic, diplomatic, natural_resource, ...).")
    actor_ids: pl.List(pl.Utf8) = pa.Field(description="entity_ids of the actors.")
    recipient_ids: pl.List(pl.Utf8) = pa.Field(description="entity_ids of the recipients or targets.")
    location_id: Optional[str] = pa.Field(nullable=True, str_matches=ENTITY_ID, description="entity_id of the place where it happens.")
    event_date: Optional[pl.Date] = pa.Field(nullable=True, description="Date of the event (first day of the period at month or year precision).")
    date_precision: Optional[str] = pa.Field(nullable=True, isin=DATE_PRECISIONS, description="day, month or year; null when the date is unknown.")
    negated: bool = pa.Field(description="The text says the event did not happen.")
    commodity_ids: pl.List(pl.Utf8) = pa.Field(description="entity_ids of the commodities the sentence names.")
    amount: Optional[pl.Float64] = pa.Field(nullable=True, ge=0, description="Money amount stated, in units of amount_currency.")
    amount_currency: Optional[str] = pa.Field(nullable=True, isin=ISO4217_CODES, description="ISO 4217 currency of amount.")
    amount_usd: Optional[pl.Float64] = pa.Field(nullable=True, ge=0, description="amount when the currency is US dollars (no exchange-rate conversion).")
    trigger: str = pa.Field(str_length={"min_value": 1}, description="The words that express the event, as in the text.")
    trigger_start: pl.Int32 = pa.Field(ge=0, description="Start offset of the trigger in the article's cleaned text.")
    trigger_end: pl.Int32 = pa.Field(ge=1, description="End offset of the trigger in the article's cleaned text.")
    sentence: str = pa.Field(str_length={"min_value": 1}, description="The sentence that states the event.")
    description_en: str = pa.Field(str_length={"min_value": 1}, description="One-line English description of the event.")
    # A list, not a one-element tuple: pandera 0.35 on polars 2 fails every row for isin=("x",).
    description_method: str = pa.Field(isin=["template"], description="How description_en was made.")
    confidence: pl.Float64 = pa.Field(in_range={"min_value": 0.0, "max_value": 1.0}, description="Confidence of the extraction rule.")
    event_month: str = pa.Field(str_matches=MONTH_KEY, description="Partition key: YYYY-MM of event_date, or 'unknown'.")

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check
    def quad_class_matches_type(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """quad_class is the one PLOVER assigns to event_type."""
        return data.lazyframe.select(pl.col("event_type").replace_strict(QUAD_CLASS, return_dtype=pl.Int8) == pl.col("quad_class"))

    @pa.dataframe_check
    def ids_are_entity_ids(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """actor, recipient and commodity ids are entity ids."""
        return data.lazyframe.select(
            _all_match("actor_ids", ENTITY_ID) & _all_match("recipient_ids", ENTITY_ID) & _all_match("commodity_ids", ENTITY_ID)
        )

    @pa.dataframe_check
    def contexts_are_plover(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every context is a PLOVER context name."""
        return data.lazyframe.select(pl.col("contexts").list.eval(pl.element().is_in(PLOVER_CONTEXTS)).list.all())

    @pa.dataframe_check
    def has_participants(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An event has at least one actor or recipient."""
        return data.lazyframe.select((pl.col("actor_ids").list.len() + pl.col("recipient_ids").list.len()) > 0)

    @pa.dataframe_check
    def date_is_consistent(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A date has a precision, is plausible, and its month is the partition key."""
        has_both = pl.col("event_date").is_null() == pl.col("date_precision").is_null()
        month = pl.col("event_date").dt.strftime("%Y-%m").fill_null("unknown") == pl.col("event_month")
        # Events may be announced for the future: allow up to ten years ahead.
        value = pl.col("event_date")
        plausible = value.is_null() | value.is_between(EARLIEST_PLAUSIBLE_DATE, latest_plausible_date() + dt.timedelta(days=3653))
        return data.lazyframe.select(has_both & month & plausible)

    @pa.dataframe_check
    def usd_only_for_dollars(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """amount_usd is set exactly when the currency is USD."""
        return data.lazyframe.select((pl.col("amount_currency") == "USD").fill_null(False) == pl.col("amount_usd").is_not_null())


class EventInText(Event):
    """An event joined with its article's text, to check that the trigger offsets point at the trigger."""

    text: str = pa.Field(description="The article's cleaned text (not written; used only for validation).")

    @pa.dataframe_check
    def trigger_in_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """text[trigger_start:trigger_end] == trigger, and the sentence is in the text."""
        sliced = pl.col("text").str.slice(pl.col("trigger_start"), pl.col("trigger_end") - pl.col("trigger_start"))
        return data.lazyframe.select((sliced == pl.col("trigger")) & pl.col("text").str.contains(pl.col("sentence"), literal=True))


class Quarantine(pa.DataFrameModel):
    """One row per rejected file, record or row, with the reason; nothing is dropped silently."""

    source_file: str = pa.Field(description="Path of the source file relative to the source folder.")
    source_record: Optional[pl.Int32] = pa.Field(nullable=True, ge=0, description="Line or index of the record inside the file, where one record was rejected.")
    stage: str = pa.Field(isin=("discover", "read", "clean", "extract", "translate", "validate", "write"), description="The pipeline stage that rejected it.")
    reason: str = pa.Field(str_length={"min_value": 1}, description="What is wrong, in words an operator can act on.")
    payload: Optional[str] = pa.Field(nullable=True, description="An excerpt of the rejected content or the rejected row as JSON.")
    pipeline_version: str = pa.Field(str_length={"min_value": 1}, description="Version of khanij that wrote the row.")
    run_id: str = pa.Field(str_matches=RUN_ID, description="The run that rejected it.")
    run_date: pl.Date = pa.Field(description="Partition key: UTC date of the run.")

    class Config:
        strict = True
        coerce = False


class ManifestEntry(pa.DataFrameModel):
    """One row per source file the warehouse has seen: how it was committed, so the next run can skip it."""

    source_file: str = pa.Field(unique=True, str_length={"min_value": 1}, description="Path of the source file relative to the source folder.")
    content_sha256: str = pa.Field(str_matches=SHA256, description="SHA-256 of the file's bytes (of the link target for a symbolic link).")
    size_bytes: pl.Int64 = pa.Field(ge=0, description="Size of the file when it was committed.")
    mtime_ns: pl.Int64 = pa.Field(description="Modification time (ns) when committed; with the size, a quick test that the file is unchanged.")
    article_ids: pl.List(pl.Utf8) = pa.Field(description="Articles read from the file (several for .jsonl; shared when two files hold the same article).")
    status: str = pa.Field(isin=("ingested", "partial", "quarantined", "deleted_kept"), description="ingested; partial (some records quarantined); quarantined; deleted_kept (file gone, rows kept by request).")
    run_id: str = pa.Field(str_matches=RUN_ID, description="The run that committed this version of the file.")
    pipeline_version: str = pa.Field(str_length={"min_value": 1}, description="Version of khanij that processed the file.")

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check
    def ingested_files_have_articles(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """ingested and partial files name at least one article; quarantined ones none."""
        has_articles = pl.col("article_ids").list.len() > 0
        return data.lazyframe.select(pl.when(pl.col("status") == "quarantined").then(~has_articles).otherwise(has_articles | (pl.col("status") == "deleted_kept")))


DATASETS: dict[str, type[pa.DataFrameModel]] = {
    "articles": Article,
    "mentions": Mention,
    "entities": Entity,
    "events": Event,
    "quarantine": Quarantine,
    "manifest": ManifestEntry,
}
PARTITION_KEYS: dict[str, str | None] = {
    "articles": "published_month",
    "mentions": "published_month",
    "entities": "entity_type",
    "events": "event_month",
    "quarantine": "run_date",
    "manifest": None,
}
