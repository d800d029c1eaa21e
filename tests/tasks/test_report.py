"""The run report: what an operator reads in the terminal and in the Prefect artifact."""

import polars as pl

from tasks.discover import RunPlan, SourceFile
from tasks.report import RunSummary, event_digest
from tasks.stages import BatchOutcome


def test_report_counts_files_rows_and_quarantine_reasons(tmp_path):
    summary = RunSummary("20260101T000000Z-abcdef", "/in", "/wh")
    plan = RunPlan(new=[SourceFile(tmp_path, "a.txt", 1, 1)], unchanged=["b.txt"], deleted=["c.txt"])
    summary.plan(plan)
    articles = pl.DataFrame({"article_id": ["art_1"], "source_file": ["a.txt"]})
    events = pl.DataFrame({"article_id": ["art_1"], "event_type": ["AGREE"], "event_date": [None], "description_en": ["India agreed"]},
                          schema_overrides={"event_date": pl.Date})
    mentions = pl.DataFrame({"entity_id": ["country:ind"], "article_id": ["art_1"]})
    quarantine = pl.DataFrame({"source_file": ["bad.txt"], "stage": ["read"], "reason": ["empty file"]})
    catalog = pl.DataFrame({"entity_id": ["country:ind"], "entity_type": ["COUNTRY"], "name_en": ["India"], "iso3": ["IND"], "country_iso3": ["IND"]})
    # What one staged batch leaves (tasks.stages.process_batch), then the close after the commit.
    counts = mentions.group_by("entity_id").agg(mentions=pl.len())
    summary.add_batch(BatchOutcome("000000", quarantine, catalog, articles.height, mentions.height,
                                   events.height, event_digest(events, articles), counts))
    summary.finish(catalog, counts, quarantine.clear(), {"articles": 5})
    text = summary.terminal_text()
    assert "1 new, 0 changed, 1 unchanged; 1 deleted" in text
    assert "articles 1 | entities 1 | mentions 1 | events 1 | quarantined 1" in text
    assert "quarantined bad.txt [read]: empty file" in text
    markdown = summary.markdown()
    assert "| deleted since the last run | 1 |" in markdown and "| `bad.txt` | read | empty file |" in markdown
    assert summary.new_events[0]["description_en"] == "India agreed"
    assert summary.new_entities == [{"entity_id": "country:ind", "entity_type": "COUNTRY", "name_en": "India", "iso3": "IND", "country_iso3": "IND", "mentions": 1}]
