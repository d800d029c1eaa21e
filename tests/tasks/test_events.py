"""Event rules on sentences written for these tests: roles from postpositions, pronouns, tense, negation, dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from tasks.amounts import find_amounts
from tasks.clean import clean_article_text, matching_form
from tasks.dates import find_dates
from tasks.entities import GazetteerEntity, Role, Surface, build_gazetteer, entity_id_for, extract_mentions
from tasks.events import EventLexicon, build_event_lexicon, extract_events
from tasks.reference import (
    load_abbreviations,
    load_amount_lexicon,
    load_date_lexicon,
    load_function_words,
    load_spelling_variants,
    read_reference_csv,
)

IND, JPN, RUS, CHN, CHE = (entity_id_for("COUNTRY", c) for c in ("IND", "JPN", "RUS", "CHN", "CHE"))
PUTIN = entity_id_for("PERSON", "vladimir-putin")
GENEVA, MOSCOW = entity_id_for("LOCATION", "geneva"), entity_id_for("LOCATION", "moscow")
SUMMIT = entity_id_for("ORGANIZATION", "minerals-summit")
LITHIUM = entity_id_for("COMMODITY", "lithium")


@pytest.fixture(scope="module")
def gazetteer():
    countries = {"IND": ("India", "भारत", "भारतीय"), "JPN": ("Japan", "जापान", "जापानी"), "RUS": ("Russia", "रूस", "रूसी"),
                 "CHN": ("China", "चीन", "चीनी"), "CHE": ("Switzerland", "स्विट्जरलैंड", "स्विस")}
    entities, surfaces = [], []
    for iso3, (name, hindi, adjective) in countries.items():
        entity_id = entity_id_for("COUNTRY", iso3)
        entities.append(GazetteerEntity(entity_id, "COUNTRY", name, hindi, (), iso3, iso3, None))
        surfaces += [Surface(entity_id, "name", False, hindi), Surface(entity_id, "adjective", False, adjective)]
    for entity_id, kind, name, hindi, country in (
        (PUTIN, "PERSON", "Vladimir Putin", "पुतिन", "RUS"), (GENEVA, "LOCATION", "Geneva", "जिनेवा", "CHE"),
        (MOSCOW, "LOCATION", "Moscow", "मॉस्को", "RUS"), (SUMMIT, "ORGANIZATION", "Minerals Summit", "मिनरल्स समिट", "JPN"),
        (LITHIUM, "COMMODITY", "lithium", "लिथियम", None),
    ):
        entities.append(GazetteerEntity(entity_id, kind, name, hindi, (), None, country, None))
        surfaces.append(Surface(entity_id, "name", False, hindi))
    roles = [Role("राष्ट्रपति", "President"), Role("प्रधानमंत्री", "Prime Minister"), Role("विदेश मंत्री", "Foreign Minister")]
    return build_gazetteer(entities, surfaces, roles, load_spelling_variants())


@pytest.fixture(scope="module")
def lexicon(gazetteer):
    return build_event_lexicon(read_reference_csv("event_triggers.csv"), load_function_words(), gazetteer.fold)


@pytest.fixture
def events_of(gazetteer, lexicon):
    def run(text: str, published: dt.date | None = dt.date(2026, 3, 1), rules: EventLexicon | None = None):
        cleaned = clean_article_text(text, load_abbreviations())
        form = matching_form(cleaned.text, gazetteer.variants)
        mentions = extract_mentions(cleaned.text, cleaned.sentences, gazetteer, load_function_words(), form)
        dates = find_dates(cleaned.text, published, load_date_lexicon())
        amounts = find_amounts(cleaned.text, load_amount_lexicon())
        return extract_events("art_0000000000000000", cleaned.text, form, cleaned.sentences, mentions, dates, amounts,
                              published, gazetteer, rules or lexicon)
    return run


def test_agent_partner_commodity_and_amount_of_a_signed_agreement(events_of):
    [event] = events_of("भारत ने जापान के साथ लिथियम खनन के लिए 20 करोड़ डॉलर के समझौते किए।")
    assert (event.event_type, event.actor_ids, event.recipient_ids) == ("SUPPORT", [IND], [JPN])
    assert event.commodity_ids == [LITHIUM] and "natural_resource" in event.contexts
    assert (event.amount_usd, event.amount_currency) == (200_000_000.0, "USD")


def test_passive_exclusion_takes_the_host_state_as_actor_and_the_date_in_the_sentence(events_of):
    [event] = events_of("स्विट्जरलैंड सम्मेलन की तैयारी में है। चीन को 10 मार्च को जिनेवा में होने वाले मिनरल्स समिट में शामिल नहीं किया गया है।")
    assert (event.event_type, event.recipient_ids, event.actor_ids) == ("REJECT", [CHN], [CHE])
    # A state the article never names is not made an actor.
    [unnamed] = events_of("चीन को जिनेवा में होने वाले मिनरल्स समिट में शामिल नहीं किया गया है।")
    assert (unnamed.recipient_ids, unnamed.actor_ids) == ([CHN], [])
    assert (event.event_date, event.date_precision, event.negated) == (dt.date(2026, 3, 10), "day", False)
    assert event.location_id == GENEVA and event.object_ids == [SUMMIT]


def test_negation_between_noun_and_verb(events_of):
    [event] = events_of("भारत ने जापान के साथ समझौता नहीं किया।")
    assert event.event_type == "SUPPORT" and event.negated is True


def test_pronoun_agent_resolves_to_the_person_named_before(events_of):
    events = events_of("रूस के राष्ट्रपति पुतिन ने कल भाषण दिया। उन्होंने भारत के साथ सहयोग को मजबूत करने की इच्छा जताई।")
    [event] = [e for e in events if e.event_type == "AGREE"]
    assert (event.actor_ids, event.recipient_ids) == ([PUTIN], [IND])


def test_talks_between_two_states_in_a_third_country(events_of):
    [event] = events_of("जिनेवा में भारत और जापान के बीच बातचीत हुई।")
    assert (event.event_type, event.actor_ids, event.event_mode, event.location_id) == ("CONSULT", [IND, JPN], "third-party", GENEVA)


def test_future_participation_is_agree(events_of):
    [event] = events_of("रूस के राष्ट्रपति पुतिन इस साल मिनरल्स समिट में भाग लेंगे।")
    assert (event.event_type, event.actor_ids) == ("AGREE", [PUTIN])
    [past] = events_of("पुतिन ने पिछले साल मिनरल्स समिट में भाग लिया।")
    assert (past.event_type, past.event_date, past.date_precision) == ("CONSULT", dt.date(2025, 1, 1), "year")


def test_hosting_makes_the_visitors_actors(events_of):
    [event] = events_of("पुतिन ने मॉस्को में भारत के प्रधानमंत्री की मेजबानी की।")
    assert (event.event_type, event.actor_ids, event.recipient_ids, event.location_id) == ("CONSULT", [IND], [PUTIN], MOSCOW)


def test_reported_speech_inherits_the_speaker(events_of):
    [event] = events_of("पुतिन ने कहा कि उनका देश निवेश के लिए तैयार है।")
    assert (event.event_type, event.actor_ids) == ("AGREE", [PUTIN])


def test_restriction_rules_need_a_restriction(events_of):
    assert [e.event_type for e in events_of("चीन ने निर्यात प्रतिबंधों को टालने का फैसला किया।")] == ["CONCEDE"]
    assert events_of("चीन ने यात्रा टालने का फैसला किया।") == []


def test_past_perfect_without_a_date_takes_the_article_year(events_of):
    [event] = events_of("भारत ने जापान के साथ समझौते किए थे।", published=dt.date(2026, 3, 1))
    assert (event.event_date, event.date_precision) == (dt.date(2026, 1, 1), "year")


def test_restatements_are_one_event_and_events_need_a_participant(events_of):
    events = events_of("भारत ने जापान के साथ समझौते किए। भारत ने फिर कहा कि जापान के साथ समझौते किए। बातचीत हुई।")
    assert [e.event_type for e in events] == ["SUPPORT"]


@pytest.mark.parametrize("text, expected", [
    ("भारत ने चीन की निंदा की।", ("ACCUSE", [IND], [CHN])),                       # condemnation: genitive object
    ("रूस ने जापान को हमले के लिए ज़िम्मेदार ठहराया।", ("ACCUSE", [RUS], [JPN])),     # blaming
    ("पुतिन ने भारत की तारीफ़ की।", ("SUPPORT", [PUTIN], [IND])),                   # praise
    ("जापान ने भारत को बधाई दी।", ("SUPPORT", [JPN], [IND])),                        # congratulations
    ("भारत ने जापान से संपर्क किया।", ("CONSULT", [IND], [JPN])),                     # contact
    ("चीन ने भारत के आरोपों का खंडन किया।", ("REJECT", [CHN], [IND])),                # denial
    ("जापान ने पुतिन को देश में आने से रोका।", ("REJECT", [JPN], [PUTIN])),            # barring
    ("रूस ने जापान को चेतावनी दी।", ("THREATEN", [RUS], [JPN])),                      # warning
    ("चीन ने जापान को आदेश दिया कि वह जहाज़ लौटाए।", ("REQUEST", [CHN], [JPN])),      # order
    ("रूस ने भारत से समर्थन वापस ले लिया।", ("SANCTION", [RUS], [IND])),              # withdrawing support
    ("जापान ने पुतिन को दोषी ठहराया।", ("SANCTION", [JPN], [PUTIN])),                 # conviction
    ("जापान ने चीन से माफ़ी मांगी।", ("CONCEDE", [JPN], [CHN])),                      # apology, not a demand
    ("भारत ने जापान के नागरिकों के लिए राहत का इंतज़ाम किया।", ("AID", [IND], [])),     # arranging help
    ("चीन ने जापान के जहाज़ को ज़ब्त कर लिया।", ("COERCE", [CHN], [])),                 # seizure
    ("रूस ने जापान पर गोलीबारी शुरू कर दी।", ("ASSAULT", [RUS], [JPN])),              # shooting
    ("पुतिन ने चीन के ख़िलाफ़ धरना दिया।", ("PROTEST", [PUTIN], [CHN])),               # sit-in
])
def test_rules_for_general_news(events_of, text, expected):
    events = events_of(text)
    assert [(e.event_type, e.actor_ids, e.recipient_ids) for e in events][:1] == [expected]


def test_negated_condemnation(events_of):
    [event] = events_of("भारत ने चीन की निंदा नहीं की।")
    assert (event.event_type, event.negated) == ("ACCUSE", True)


def test_a_planned_meeting_is_agree_dated_against_the_article(events_of):
    [event] = events_of("पुतिन अगले महीने जापान के साथ बैठक करेंगे।", published=dt.date(2026, 3, 1))
    assert (event.event_type, event.actor_ids, event.recipient_ids) == ("AGREE", [PUTIN], [JPN])
    assert (event.event_date, event.date_precision) == (dt.date(2026, 4, 1), "month")


def test_a_historical_date_before_the_contract_s_range_is_left_unknown(events_of):
    [event] = events_of("रूस ने 1965 में जापान पर हमला किया था।")
    assert (event.event_type, event.event_date, event.date_precision) == ("ASSAULT", None, None)


def test_the_quick_trigger_search_finds_what_a_full_scan_finds(events_of, lexicon):
    # Triggers are tried only where a rule's first letters occur; without that index every position is tried.
    full_scan = dataclasses.replace(lexicon, trigger_starts=None)
    samples = [path.read_text(encoding="utf-8") for path in sorted(Path("data/incoming").glob("*.txt"))]
    for text in samples + ["जिनेवा में भारत और जापान के बीच बातचीत हुई। पुतिन ने मॉस्को में भारत के प्रधानमंत्री की मेजबानी की।"]:
        events = events_of(text)
        assert events == events_of(text, rules=full_scan)
    assert len(events) == 2


def test_a_rule_that_starts_with_a_character_class_is_still_found(events_of, gazetteer):
    rows = [dict(row) for row in read_reference_csv("event_triggers.csv")]
    hosting = next(row for row in rows if row["pattern"].startswith("मेजबान"))
    hosting["pattern"] = f"[{hosting['pattern'][0]}x]{hosting['pattern'][1:]}"
    rules = build_event_lexicon(rows, load_function_words(), gazetteer.fold)
    assert rules.trigger_starts is None  # no literal to look for: every position is tried
    [event] = events_of("पुतिन ने मॉस्को में भारत के प्रधानमंत्री की मेजबानी की।", rules=rules)
    assert (event.event_type, event.actor_ids, event.recipient_ids) == ("CONSULT", [IND], [PUTIN])
