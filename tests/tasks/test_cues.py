"""Names nobody listed, found from the words around them (sentences written for these tests)."""

from __future__ import annotations

import pytest

from tasks.clean import clean_article_text, matching_form
from tasks.cues import tokenize
from tasks.entities import entity_lookup, extract_mentions
from tasks.reference import load_abbreviations, load_cue_lexicon, load_function_words, load_gazetteer


@pytest.fixture(scope="module")
def found():
    gazetteer, cues, words = load_gazetteer(), load_cue_lexicon(), load_function_words()

    def run(text: str) -> list[tuple[str, str, str, str]]:
        cleaned = clean_article_text(text, load_abbreviations())
        form = matching_form(cleaned.text, gazetteer.variants)
        mentions = extract_mentions(cleaned.text, cleaned.sentences, gazetteer, words, form, cues)
        entities = entity_lookup(gazetteer, mentions)
        return [(m.method, m.entity_type, m.surface, entities[m.entity_id].name_en) for m in mentions if m.method != "gazetteer"]
    return run


def test_a_title_before_a_name_makes_a_person_and_the_name_stops_at_the_postposition(found):
    assert found("विदेश मंत्री कमलेश्वर त्रिवेदानी ने कहा।") == [("cue", "PERSON", "कमलेश्वर त्रिवेदानी", "Kamleshwar Trivedani")]


@pytest.mark.parametrize("conjunction", ["और", "तथा", "एवं"])  # every coordinator of function_words.csv
def test_a_title_covers_two_names_joined_by_and(found, conjunction):
    people = [f[3] for f in found(f"पूर्व विधायक कमला रानीवाल {conjunction} गोविंद सरोलिया भी मौजूद थे।")]
    assert people == ["Kamla Ranival", "Govind Saroliya"]


def test_known_given_names_and_surnames_make_people_without_a_title(found):
    assert found("कल मुकेश तिवारी ने भाषण दिया।") == [("cue", "PERSON", "मुकेश तिवारी", "Mukesh Tiwari")]


def test_frequent_words_after_a_title_are_no_name(found):
    assert found("प्रधानमंत्री पद के लिए चुनाव होगा।") == []
    assert found("राष्ट्रपति चुनाव में मतदान हुआ।") == []


def test_an_organisation_is_named_before_its_head_word_and_a_bare_head_is_not(found):
    assert found("कोरावली लिबरल पार्टी ने चुनाव लड़ा।")[0][1:] == ("ORGANIZATION", "कोरावली लिबरल पार्टी", "Koravli Liberal Party")
    assert found("इस पार्टी ने कहा।") == []


def test_a_description_before_a_name_makes_an_organisation(found):
    assert found("खनन कंपनी तारावेल के अधिकारी आए।") == [("cue", "ORGANIZATION", "तारावेल", "Taravel")]


def test_a_parenthesised_english_gloss_names_the_entity(found):
    got = found("खनन कंपनी तारावेल (Taravelle) ने कहा।")
    assert got == [("cue", "ORGANIZATION", "तारावेल", "Taravelle"), ("gloss", "ORGANIZATION", "Taravelle", "Taravelle")]


def test_place_words_after_a_name_make_places(found):
    assert found("कुंदरपुर ज़िले में बारिश हुई।") == [("cue", "LOCATION", "कुंदरपुर", "Kundarpur")]
    assert found("तरकोली घाटी में बर्फ़ गिरी।") == [("cue", "LOCATION", "तरकोली घाटी", "Tarkoli Valley")]


def test_a_capitalised_latin_name_is_typed_by_its_head_word(found):
    assert found("Northern Mining Corporation के अधिकारी आए।")[0][:2] == ("latin", "ORGANIZATION")


def test_ministries_and_a_place_s_police_are_organisations(found):
    assert found("जापान के विदेश मंत्रालय ने बयान दिया।")[0][3] == "Japanese Foreign Ministry"
    assert found("बीजिंग पुलिस ने कहा।")[0][3] == "Beijing Police"


def test_publisher_boilerplate_names_nothing(found):
    cleaned_text = "आप हमें फ़ेसबुक और\n\nट्विटर पर फ़ॉलो कर सकते हैं।"
    gazetteer, cues = load_gazetteer(), load_cue_lexicon()
    cleaned = clean_article_text(cleaned_text, load_abbreviations())
    mentions = extract_mentions(cleaned.text, cleaned.sentences, gazetteer, load_function_words(),
                                matching_form(cleaned.text, gazetteer.variants), cues)
    assert mentions == []


def test_words_are_joined_within_a_sentence_but_not_across_its_end_or_a_comma():
    cleaned = clean_article_text("राम आया, श्याम गया। फिर सब लौटे।", load_abbreviations())
    tokens = tokenize(cleaned.text, cleaned.sentences, load_cue_lexicon())
    assert tokens.texts == ["राम", "आया", "श्याम", "गया", "फिर", "सब", "लौटे"]
    assert tokens.joined == [False, True, False, True, False, True, True]
    assert [cleaned.text[s:e] for s, e in zip(tokens.starts, tokens.ends)] == tokens.texts
