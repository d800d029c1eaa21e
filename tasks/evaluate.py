"""Scoring a warehouse against gold annotations (GOLD_FORMAT.md): entity P/R/F1 by type, strict and soft; events."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz

from contracts.datasets import ENTITY_TYPES
from tasks.warehouse import read_dataset

SOFT_SIMILARITY = 85.0  # rapidfuzz ratio (0-100) above which a close transliteration counts in the soft score


def normalize_name(name: str) -> str:
    """Case-folded, punctuation dropped, spaces collapsed: 'S. Jaishankar' -> 's jaishankar'."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", stripped).split())


@dataclass
class Tally:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    """Scores over all gold documents found in the warehouse."""

    documents: int = 0
    strict: dict[str, Tally] = field(default_factory=lambda: {t: Tally() for t in ENTITY_TYPES})
    soft: dict[str, Tally] = field(default_factory=lambda: {t: Tally() for t in ENTITY_TYPES})
    events: Tally = field(default_factory=Tally)
    missing_documents: list[str] = field(default_factory=list)
    misses: Counter = field(default_factory=Counter)
    false_alarms: Counter = field(default_factory=Counter)

    @staticmethod
    def overall(tallies: dict[str, Tally]) -> Tally:
        total = Tally()
        for tally in tallies.values():
            total.add(tally)
        return total


@dataclass(frozen=True)
class PredictedEntity:
    entity_type: str
    name_en: str
    iso3: str | None
    country_iso3: str | None


def _entity_matches(predicted: PredictedEntity, gold: dict, soft: bool) -> bool:
    if predicted.entity_type != gold["type"]:
        return False
    if gold["type"] == "COUNTRY":
        return predicted.iso3 == gold.get("iso3")
    names = {normalize_name(n) for n in [gold["name"], *gold.get("alt", [])]}
    name = normalize_name(predicted.name_en)
    if name in names:
        return True
    return soft and any(fuzz.ratio(name, n) >= SOFT_SIMILARITY for n in names)


def score_entities(predicted: Iterable[PredictedEntity], gold_entities: list[dict], soft: bool, scores: Scores | None = None) -> dict[str, Tally]:
    """Greedy one-to-one matching of an article's predicted entities to its gold entities, per type."""
    tallies = {t: Tally() for t in ENTITY_TYPES}
    unmatched_gold = list(gold_entities)
    for entity in predicted:
        match = next((g for g in unmatched_gold if _entity_matches(entity, g, soft)), None)
        if match is not None:
            unmatched_gold.remove(match)
            if not match.get("optional"):
                tallies[entity.entity_type].tp += 1
        else:
            tallies[entity.entity_type].fp += 1
            if scores is not None and not soft:
                scores.false_alarms[f"{entity.entity_type} {entity.name_en}"] += 1
    for gold in unmatched_gold:
        if not gold.get("optional") and gold["type"] in tallies:
            tallies[gold["type"]].fn += 1
            if scores is not None and not soft:
                scores.misses[f"{gold['type']} {gold['name']}"] += 1
    return tallies


def _gold_participant_names(name: str, gold_entities: list[dict]) -> set[str]:
    """A gold participant's names, plus its country's names for a person or organisation."""
    names = {normalize_name(name)}
    by_name = {g["name"]: g for g in gold_entities}
    entity = by_name.get(name)
    if entity:
        names |= {normalize_name(n) for n in entity.get("alt", [])}
        country = entity.get("country")
        if country:
            names |= {normalize_name(g["name"]) for g in gold_entities if g.get("iso3") == country}
    return names


def score_events(predicted: list[dict], gold_events: list[dict], gold_entities: list[dict], scores: Scores | None = None) -> Tally:
    """An event matches a gold one of a compatible type sharing an actor or recipient (a person stands for its country).

    Each gold event is matched at most once, so the closest pairs are made first: same type and a shared named
    participant, then an alternative type, then a shared country only; among candidates, the one sharing most. A predicted event may carry
    `direct_names` (its participants' own names) beside `participant_names` (those plus their countries).
    """
    tally = Tally()
    unmatched = list(gold_events)
    gold_direct = [
        set().union(*({normalize_name(n)} | {normalize_name(a) for a in _entity_alts(n, gold_entities)} for n in g.get("actors", []) + g.get("recipients", [])))
        for g in gold_events
    ]
    gold_expanded = [
        set().union(*(_gold_participant_names(n, gold_entities) for n in g.get("actors", []) + g.get("recipients", [])))
        for g in gold_events
    ]
    index_of = {id(g): i for i, g in enumerate(gold_events)}
    matched: set[int] = set()
    for primary_only, direct_only in ((True, True), (False, True), (True, False), (False, False)):
        for number, event in enumerate(predicted):
            if number in matched:
                continue
            names = {normalize_name(n) for n in (event.get("direct_names", event["participant_names"]) if direct_only else event["participant_names"])}
            best, best_overlap = None, 0
            for gold in unmatched:
                i = index_of[id(gold)]
                types = {gold["type"]} if primary_only else {gold["type"], *gold.get("alt_types", [])}
                overlap = len(names & (gold_direct[i] if direct_only else gold_expanded[i])) if event["event_type"] in types else 0
                if overlap > best_overlap:
                    best, best_overlap = gold, overlap
            if best is not None:
                unmatched.remove(best)
                matched.add(number)
                tally.tp += 1
    for number, event in enumerate(predicted):
        if number not in matched:
            tally.fp += 1
            if scores is not None:
                scores.false_alarms[f"event {event['event_type']}: {event['description_en'][:70]}"] += 1
    tally.fn = len(unmatched)
    if scores is not None:
        for gold in unmatched:
            scores.misses[f"event {gold['type']}: {gold['evidence'][:50]}"] += 1
    return tally


def _entity_alts(name: str, gold_entities: list[dict]) -> list[str]:
    entity = next((g for g in gold_entities if g["name"] == name), None)
    return list(entity.get("alt", [])) if entity else []


def evaluate_warehouse(gold_dir: Path, warehouse: Path) -> Scores:
    """Score every gold document whose article is in the warehouse (matched by file name)."""
    articles = read_dataset(warehouse, "articles")
    mentions = read_dataset(warehouse, "mentions")
    entities = read_dataset(warehouse, "entities")
    events = read_dataset(warehouse, "events")
    names = dict(zip(entities["entity_id"].to_list(), entities["name_en"].to_list(), strict=True))
    countries = dict(zip(entities["entity_id"].to_list(), entities["country_iso3"].to_list(), strict=True))
    country_names = {row["iso3"]: row["name_en"] for row in entities.filter(pl.col("iso3").is_not_null()).iter_rows(named=True)}
    by_stem = {Path(f).stem: a for f, a in zip(articles["source_file"].to_list(), articles["article_id"].to_list(), strict=True)}
    scores = Scores()
    for gold_path in sorted(Path(gold_dir).glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        article_id = by_stem.get(Path(gold["doc"]).stem)
        if article_id is None:
            scores.missing_documents.append(gold["doc"])
            continue
        scores.documents += 1
        found = (
            mentions.filter(pl.col("article_id") == article_id).select("entity_id").unique()
            .join(entities, on="entity_id", how="inner").sort("entity_id")
        )
        predicted = [PredictedEntity(r["entity_type"], r["name_en"], r["iso3"], r["country_iso3"]) for r in found.iter_rows(named=True)]
        for soft, tallies in ((False, scores.strict), (True, scores.soft)):
            for entity_type, tally in score_entities(predicted, gold["entities"], soft, scores).items():
                tallies[entity_type].add(tally)
        article_events = []
        for row in events.filter(pl.col("article_id") == article_id).sort("trigger_start").iter_rows(named=True):
            ids = row["actor_ids"] + row["recipient_ids"]
            direct_names = {names.get(i, i) for i in ids}
            participant_names = direct_names | {country_names[countries[i]] for i in ids if countries.get(i) in country_names}
            article_events.append({"event_type": row["event_type"], "participant_names": participant_names,
                                   "direct_names": direct_names, "description_en": row["description_en"]})
        scores.events.add(score_events(article_events, gold.get("events", []), gold["entities"], scores))
    return scores


def render_scores(scores: Scores, misses: int = 10) -> str:
    """The evaluation table (markdown), with the most common misses and false alarms."""
    lines = [f"Documents scored: {scores.documents}", ""]
    if scores.missing_documents:
        lines += [f"Gold documents not in the warehouse: {', '.join(scores.missing_documents)}", ""]
    lines += ["| scope | strict P | strict R | strict F1 | soft P | soft R | soft F1 | gold | predicted |", "|---|---|---|---|---|---|---|---|---|"]
    for entity_type in (*ENTITY_TYPES, "ALL ENTITIES"):
        if entity_type == "ALL ENTITIES":
            strict, soft = Scores.overall(scores.strict), Scores.overall(scores.soft)
        else:
            strict, soft = scores.strict[entity_type], scores.soft[entity_type]
        lines.append(
            f"| {entity_type} | {strict.precision:.3f} | {strict.recall:.3f} | {strict.f1:.3f} | "
            f"{soft.precision:.3f} | {soft.recall:.3f} | {soft.f1:.3f} | {strict.tp + strict.fn} | {strict.tp + strict.fp} |"
        )
    ev = scores.events
    lines.append(f"| EVENTS | {ev.precision:.3f} | {ev.recall:.3f} | {ev.f1:.3f} | | | | {ev.tp + ev.fn} | {ev.tp + ev.fp} |")
    if misses:
        lines += ["", f"Most common misses (top {misses}):"] + [f"  {n} x {k}" for k, n in scores.misses.most_common(misses)]
        lines += ["", f"Most common false alarms (top {misses}):"] + [f"  {n} x {k}" for k, n in scores.false_alarms.most_common(misses)]
    return "\n".join(lines)
