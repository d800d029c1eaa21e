"""Property tests: arbitrary Unicode never crashes a stage; cleaning is idempotent; offsets slice surfaces;
events only name entities of their own article."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.clean import clean_article_text
from tasks.read import RawArticle
from tasks.reference import load_abbreviations
from tasks.stages import clean_batch, extract_entities_batch, extract_events_batch

# Words that make the extractors work: names, titles, postpositions, triggers, dates, amounts, punctuation.
HINDI_PIECES = [
    "भारत", "चीन", "अमेरिका", "अमेरिकी", "पाकिस्तान", "जापान", "रूस", "वॉशिंगटन", "व्हाइट हाउस", "डोनाल्ड ट्रंप", "शी जिनपिंग",
    "राष्ट्रपति", "विदेश मंत्री", "प्रधानमंत्री", "ने", "को", "के साथ", "के बीच", "में", "द्वारा", "और", "की", "का", "कि",
    "उन्होंने", "नहीं", "था", "समझौते किए", "बातचीत", "मेजबानी की", "शामिल नहीं किया गया", "भाग लेंगे", "प्रतिबंध", "टालने का फैसला",
    "4 फरवरी", "पिछले वर्ष", "50 करोड़ डॉलर", "लिथियम", "रेयर अर्थ", "(Pakistan)", "(US)", "एस.", "।", ".", "?", ",", "\n", " ",
    "\u200b", "\u093c", "ज़", "Dr.", "— Name (@handle) February 1, 2026",
]
hindi_like = st.lists(st.sampled_from(HINDI_PIECES), min_size=0, max_size=60).map(" ".join)
any_text = st.one_of(st.text(max_size=400), hindi_like, st.tuples(st.text(max_size=50), hindi_like).map("".join))
LANGUAGES = ("hi", "en", "mr", "ne", "und")


def _raw(text: str) -> RawArticle:
    return RawArticle("prop.txt", None, "0" * 64, text, None, None, None, None, "txt")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_no_stage_crashes_and_every_offset_and_participant_holds(text):
    docs, rejected = clean_batch([_raw(text)], accept_languages=LANGUAGES)
    assert len(docs) + len(rejected) == 1
    mentions, records = extract_entities_batch(docs)
    events = extract_events_batch(docs, records)
    for doc in docs:
        for mention in mentions.filter(mentions["article_id"] == doc.article_id).iter_rows(named=True):
            assert doc.text[mention["start"]:mention["end"]] == mention["surface"]
        named = set(mentions.filter(mentions["article_id"] == doc.article_id)["entity_id"])
        for event in events.filter(events["article_id"] == doc.article_id).iter_rows(named=True):
            assert set(event["actor_ids"]) | set(event["recipient_ids"]) <= named
            assert doc.text[event["trigger_start"]:event["trigger_end"]] == event["trigger"]
            assert event["sentence"] in doc.text


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_cleaning_is_idempotent(text):
    once = clean_article_text(text, load_abbreviations())
    twice = clean_article_text(once.text, load_abbreviations())
    assert twice.text == once.text
