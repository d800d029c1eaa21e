"""Entity matching: folded gazetteer matches, word boundaries, acronyms, glosses, roles."""

from __future__ import annotations

from tasks.clean import split_sentences
from tasks.entities import GazetteerEntity, Role, Surface, build_gazetteer, entity_id_for, extract_mentions
from tasks.reference import load_function_words, load_spelling_variants

KAZ = entity_id_for("COUNTRY", "KAZ")
USA = entity_id_for("COUNTRY", "USA")
TOKAYEV = entity_id_for("PERSON", "kassym-jomart-tokayev")
CONF = entity_id_for("ORGANIZATION", "minerals-summit")
SUMMIT_USA = entity_id_for("ORGANIZATION", "us-minerals-summit")


def _gazetteer():
    entities = [
        GazetteerEntity(KAZ, "COUNTRY", "Kazakhstan", "कज़ाकिस्तान", (), "KAZ", "KAZ", None),
        GazetteerEntity(USA, "COUNTRY", "United States", "अमेरिका", ("US",), "USA", "USA", "Q30"),
        GazetteerEntity(TOKAYEV, "PERSON", "Kassym-Jomart Tokayev", "टोकायेव", (), None, "KAZ", None),
        GazetteerEntity(CONF, "ORGANIZATION", "Minerals Summit", None, (), None, "USA", None),
    ]
    surfaces = [
        Surface(KAZ, "name", False, "कज़ाकिस्तान"),
        Surface(USA, "name", False, "अमेरिका"),
        Surface(USA, "adjective", False, "अमेरिकी"),
        Surface(USA, "name", True, "US"),
        Surface(TOKAYEV, "name", False, "टोकायेव"),
        Surface(CONF, "name", False, "मिनरल्स समिट"),
    ]
    roles = [Role("राष्ट्रपति", "President"), Role("विदेश मंत्री", "Foreign Minister")]
    entities.append(GazetteerEntity(SUMMIT_USA, "ORGANIZATION", "US Minerals Summit", None, (), None, "USA", None))
    surfaces.append(Surface(SUMMIT_USA, "name", False, "अमेरिका मिनरल्स समिट"))
    return build_gazetteer(entities, surfaces, roles, load_spelling_variants())


def _mentions(text):
    return extract_mentions(text, split_sentences(text), _gazetteer(), load_function_words())


def test_spelling_variants_match_and_offsets_slice_the_original_surface():
    text = "कजाखिस्तान और अमेरिका ने बात की।"
    found = _mentions(text)
    assert [(m.entity_id, m.surface) for m in found] == [(KAZ, "कजाखिस्तान"), (USA, "अमेरिका")]
    assert all(text[m.start:m.end] == m.surface for m in found)


def test_matches_stop_at_word_boundaries_and_adjectives_are_marked():
    found = _mentions("अमेरिकी कंपनियां अमेरिकाओं में नहीं हैं।")
    assert [(m.surface, m.surface_kind) for m in found] == [("अमेरिकी", "adjective")]


def test_acronyms_match_case_sensitively():
    found = _mentions("Talks with the US went on. Tell us more.")
    assert [m.surface for m in found] == ["US"]


def test_parenthesised_english_glosses_the_mention_before_it():
    found = _mentions("मिनरल्स समिट (Mineral Sumit Meet) में चर्चा हुई।")
    assert [(m.surface, m.method, m.entity_id) for m in found] == [
        ("मिनरल्स समिट", "gazetteer", CONF), ("Mineral Sumit Meet", "gloss", CONF)
    ]


def test_role_before_a_person_is_translated_with_the_country():
    found = {m.surface: m for m in _mentions("कज़ाकिस्तान के राष्ट्रपति टोकायेव ने कहा। राष्ट्रपति टोकायेव पहुंचे।")}
    tokayev = [m for m in _mentions("कज़ाकिस्तान के राष्ट्रपति टोकायेव ने कहा।") if m.entity_id == TOKAYEV][0]
    assert tokayev.role_hi == "कज़ाकिस्तान के राष्ट्रपति"
    assert tokayev.role_en == "President of Kazakhstan"
    assert found["टोकायेव"].role_en == "President of Kazakhstan"  # country from the gazetteer when the text names none


def test_former_and_adjective_country_in_roles():
    found = [m for m in _mentions("पूर्व अमेरिकी विदेश मंत्री टोकायेव आए।") if m.entity_id == TOKAYEV][0]
    assert found.role_en == "former Foreign Minister of the United States"


def test_mentions_know_their_sentence():
    found = _mentions("पहला वाक्य है। दूसरे में अमेरिका है।")
    assert [m.sentence_index for m in found] == [1]


def test_the_longest_overlapping_surface_wins_and_the_others_stay_where_they_do_not_overlap():
    found = _mentions("अमेरिका मिनरल्स समिट में मिनरल्स समिट और अमेरिका की बात हुई।")
    assert [(m.entity_id, m.surface) for m in found] == [
        (SUMMIT_USA, "अमेरिका मिनरल्स समिट"), (CONF, "मिनरल्स समिट"), (USA, "अमेरिका"),
    ]


def test_mentions_in_later_sentences_know_theirs():
    found = _mentions("अमेरिका ने कहा। फिर कज़ाकिस्तान बोला। अंत में अमेरिका और कज़ाकिस्तान मिले।")
    assert [(m.entity_id, m.sentence_index) for m in found] == [(USA, 0), (KAZ, 1), (USA, 2), (KAZ, 2)]


def test_a_written_form_that_is_both_a_title_and_a_name_counts_as_both():
    gazetteer = _gazetteer()
    office = entity_id_for("ORGANIZATION", "presidency")
    entities = [*gazetteer.entities.values(), GazetteerEntity(office, "ORGANIZATION", "Presidency", None, (), None, None, None)]
    surfaces = [Surface(TOKAYEV, "name", False, "टोकायेव"), Surface(office, "name", False, "राष्ट्रपति")]
    shared = build_gazetteer(entities, surfaces, [Role("राष्ट्रपति", "President")], load_spelling_variants())
    text = "राष्ट्रपति टोकायेव आए।"
    found = extract_mentions(text, split_sentences(text), shared, load_function_words())
    assert [(m.entity_id, m.role_en) for m in found] == [(office, None), (TOKAYEV, "President of Kazakhstan")]
