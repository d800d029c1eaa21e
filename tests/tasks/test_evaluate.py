"""Scoring against gold: strict and soft entity matches, optional entities, event matching through countries."""

from tasks.evaluate import PredictedEntity, normalize_name, score_entities, score_events

GOLD_ENTITIES = [
    {"type": "PERSON", "name": "Kassym-Jomart Tokayev", "alt": ["Tokayev"], "country": "KAZ"},
    {"type": "COUNTRY", "name": "Kazakhstan", "iso3": "KAZ"},
    {"type": "ORGANIZATION", "name": "The Analyzer", "optional": True},
]


def test_names_are_compared_without_case_and_punctuation():
    assert normalize_name("S. Jaishankar") == normalize_name("s jaishankar")


def test_strict_soft_and_optional_entities():
    predicted = [
        PredictedEntity("PERSON", "Kasim-Jomart Tokaev", None, "KAZ"),
        PredictedEntity("COUNTRY", "Kazakhstan", "KAZ", "KAZ"),
        PredictedEntity("ORGANIZATION", "The Analyzer", None, None),
        PredictedEntity("LOCATION", "Astana", None, "KAZ"),
    ]
    strict = score_entities(predicted, GOLD_ENTITIES, soft=False)
    soft = score_entities(predicted, GOLD_ENTITIES, soft=True)
    assert (strict["PERSON"].tp, strict["PERSON"].fp, strict["PERSON"].fn) == (0, 1, 1)
    assert (soft["PERSON"].tp, soft["PERSON"].fp) == (1, 0)
    assert strict["COUNTRY"].tp == 1
    assert strict["ORGANIZATION"].fp == 0 and strict["ORGANIZATION"].tp == 0  # optional: neither required nor penalised
    assert strict["LOCATION"].fp == 1


def test_event_matches_by_type_and_a_shared_participant_with_person_standing_for_country():
    gold = [{"type": "AGREE", "alt_types": ["COOPERATE"], "actors": ["Kassym-Jomart Tokayev"], "recipients": [], "evidence": "x"}]
    by_country = [{"event_type": "COOPERATE", "participant_names": {"Kazakhstan"}, "description_en": ""}]
    assert score_events(by_country, gold, GOLD_ENTITIES).tp == 1
    wrong_type = [{"event_type": "ASSAULT", "participant_names": {"Tokayev"}, "description_en": ""}]
    tally = score_events(wrong_type, gold, GOLD_ENTITIES)
    assert (tally.tp, tally.fp, tally.fn) == (0, 1, 1)
