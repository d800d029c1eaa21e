"""Coreference within an article: a later surname alone is the person named in full before."""

from tasks.clean import clean_article_text, matching_form
from tasks.coref import PersonName, link_short_names, name_parts
from tasks.entities import extract_mentions
from tasks.reference import load_abbreviations, load_cue_lexicon, load_function_words, load_gazetteer


def _people(text):
    gazetteer = load_gazetteer()
    cleaned = clean_article_text(text, load_abbreviations())
    mentions = extract_mentions(cleaned.text, cleaned.sentences, gazetteer, load_function_words(),
                                matching_form(cleaned.text, gazetteer.variants), load_cue_lexicon())
    return [(m.surface, m.entity_id, m.method) for m in mentions if m.entity_type == "PERSON"]


def test_a_later_surname_links_to_the_full_name():
    people = _people("उद्योगपति रघुवीर खंडेलवाल ने कहा। बाद में खंडेलवाल ने इनकार किया।")
    assert people == [
        ("रघुवीर खंडेलवाल", "person:raghuvir-khandelwal", "cue"),
        ("खंडेलवाल", "person:raghuvir-khandelwal", "coreference"),
    ]


def test_a_surname_two_people_share_links_to_nobody():
    people = _people("सांसद सुरेश खंडेलवाल और मंत्री रमेश खंडेलवाल आए। खंडेलवाल ने कहा।")
    assert [p[2] for p in people] == ["cue", "cue"]


def test_a_listed_person_s_surname_links_after_the_full_name_only():
    people = _people("शरीफ़ ने पहले कहा। नवाज़ शरीफ़ आए। फिर शरीफ़ ने कहा।")
    assert [(p[0], p[2]) for p in people] == [("नवाज़ शरीफ़", "gazetteer"), ("शरीफ़", "coreference")]


def test_name_parts_skip_ambiguous_and_excluded_words():
    people = [PersonName("person:a", 10, ("अमन", "वर्मा")), PersonName("person:b", 20, ("रजत", "वर्मा"))]
    parts = name_parts(people, lambda word: word == "रजत")
    assert parts == {"अमन": ("person:a", 10)}
    starts, ends, words = [0, 30, 40], [4, 34, 45], ["अमन", "अमन", "वर्मा"]
    assert link_short_names(starts, ends, words, parts, lambda s, e: False, lambda i: True) == [(30, 34, "person:a")]
