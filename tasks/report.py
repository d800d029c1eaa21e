"""The run report: counts, new entities, events and quarantined files, as text and markdown."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

REPORT_ROWS = 1000  # rows of the events and entities tables in a report: enough to read, bounded whatever the run's size


@dataclass
class RunSummary:
    """What one run did, as an operator reads it."""

    run_id: str
    source: str
    warehouse: str
    files_seen: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_deleted: int = 0
    articles: int = 0
    mentions: int = 0
    entities: int = 0
    events: int = 0
    quarantined: int = 0
    dataset_rows: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    quarantine_reasons: list[dict] = field(default_factory=list)
    new_events: list[dict] = field(default_factory=list)
    new_entities: list[dict] = field(default_factory=list)

    def plan(self, plan) -> None:
        """Count what discovery found: new, changed, unchanged and deleted files."""
        self.files_new, self.files_changed = len(plan.new), len(plan.changed)
        self.files_unchanged, self.files_deleted = len(plan.unchanged), len(plan.deleted)
        self.files_seen = self.files_new + self.files_changed + self.files_unchanged

    def add_batch(self, outcome) -> None:
        """Count what one staged batch (a tasks.stages.BatchOutcome) wrote, and add its time per stage."""
        self.articles += outcome.articles
        self.mentions += outcome.mentions
        self.events += outcome.events
        self.quarantine_reasons += quarantine_digest(outcome.quarantine)
        self.new_events += outcome.new_events[: max(0, REPORT_ROWS - len(self.new_events))]
        for stage, seconds in outcome.stage_seconds.items():
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds

    def finish(self, catalog: pl.DataFrame, entity_mentions: pl.DataFrame, discover_quarantine: pl.DataFrame, dataset_rows: dict[str, int]) -> None:
        """Close the counts after the commit: entities mentioned (the run's catalog, and entity_id, mentions),
        quarantined files, rows per dataset."""
        self.quarantine_reasons = quarantine_digest(discover_quarantine) + self.quarantine_reasons
        self.dataset_rows = dataset_rows
        if catalog.height:
            self.new_entities = _top_entities(catalog, entity_mentions)
        self.entities = catalog["entity_id"].n_unique()
        self.quarantined = len(self.quarantine_reasons)

    def terminal_text(self) -> str:
        """The summary printed at the end of `khanij run`."""
        lines = [
            f"khanij run {self.run_id}",
            f"  source     {self.source} ({self.files_seen} files: {self.files_new} new, {self.files_changed} changed, "
            f"{self.files_unchanged} unchanged; {self.files_deleted} deleted)",
            f"  warehouse  {self.warehouse}",
            f"  articles {self.articles} | entities {self.entities} | mentions {self.mentions} | events {self.events} | quarantined {self.quarantined}",
        ]
        lines += [f"  quarantined {q['source_file']} [{q['stage']}]: {q['reason']}" for q in self.quarantine_reasons]
        return "\n".join(lines)

    def markdown(self) -> str:
        """The run report artifact."""
        rows = "\n".join(f"| {name} | {count} |" for name, count in sorted(self.dataset_rows.items()))
        stages = "\n".join(f"| {name} | {seconds:.2f} |" for name, seconds in self.stage_seconds.items())
        quarantined = "\n".join(
            f"| `{q['source_file']}` | {q['stage']} | {q['reason']} |" for q in self.quarantine_reasons
        ) or "| (none) | | |"
        return f"""# khanij run `{self.run_id}`

Source `{self.source}` into warehouse `{self.warehouse}`.

| files | count |
|---|---|
| seen | {self.files_seen} |
| new | {self.files_new} |
| changed | {self.files_changed} |
| unchanged (skipped) | {self.files_unchanged} |
| deleted since the last run | {self.files_deleted} |

| this run | count |
|---|---|
| articles written | {self.articles} |
| distinct entities mentioned | {self.entities} |
| mentions | {self.mentions} |
| events | {self.events} |
| quarantined files or rows | {self.quarantined} |

## Rows per dataset after the commit
| dataset | rows |
|---|---|
{rows}

## Quarantined
| file | stage | reason |
|---|---|---|
{quarantined}

## Time per stage (seconds)
| stage | seconds |
|---|---|
{stages}
"""


def quarantine_digest(quarantine: pl.DataFrame) -> list[dict]:
    """One line per quarantined file or row: where it came from, which stage and why."""
    return quarantine.select("source_file", "stage", "reason").to_dicts()


def event_digest(events: pl.DataFrame, articles: pl.DataFrame) -> list[dict]:
    """New events for the report table."""
    return (
        events.join(articles.select("article_id", "source_file"), on="article_id", how="left")
        .select("source_file", "event_type", pl.col("event_date").cast(pl.Utf8), "description_en")
        .to_dicts()
    )


def _top_entities(catalog: pl.DataFrame, counts: pl.DataFrame) -> list[dict]:
    """The REPORT_ROWS most mentioned entities, by type and name."""
    return (
        catalog.unique("entity_id", keep="last", maintain_order=True)
        .join(counts, on="entity_id", how="left")
        .sort("mentions", "entity_id", descending=[True, False], nulls_last=True).head(REPORT_ROWS)
        .select("entity_id", "entity_type", "name_en", "iso3", "country_iso3", "mentions")
        .sort("entity_type", "name_en")
        .to_dicts()
    )
