"""Cleaning text: normalisation, header fields, embedded posts, sentences and the matching form."""

import datetime
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khanij import PROJECT_ROOT
from tasks.clean import (
    clean_article_text,
    find_embeds,
    folded_text,
    matching_form,
    normalize_text,
    split_header,
    split_sentences,
)
from tasks.reference import load_abbreviations, load_spelling_variants, read_reference_csv

INCOMING = PROJECT_ROOT / "data" / "incoming"
ABBREVIATIONS = load_abbreviations()
VARIANTS = load_spelling_variants()

# Text drawn mostly from the Devanagari block, with Latin, spaces and marks mixed in.
mixed_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0900, max_codepoint=0x097F),
        st.sampled_from(list("AbZ .\n\t\u00a0\u200b\u200d\ufeff\u0301İ")),
        st.characters(),
    )
)


def sample(prefix: str) -> str:
    """The text of the sample article whose name starts with prefix."""
    [path] = Path(INCOMING).glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def sentence_texts(text: str) -> list[str]:
    """The sentences of text as strings, split with the project's abbreviations."""
    return [text[s.start : s.end] for s in split_sentences(text, abbreviations=ABBREVIATIONS)]


def test_normalize_removes_invisible_and_control_characters():
    raw = "\ufeffभारत\u200b और\u00a0\u00a0जापान\t ने\x07 समझौता\u200d किया।  \r\n\r\n\r\n\r\nदूसरा\u2028पैरा "
    assert normalize_text(raw) == "भारत और जापान ने समझौता किया।\n\nदूसरा\nपैरा"


def test_normalize_composes_to_nfc():
    assert normalize_text("cafe\u0301 न\u093c") == "café \u0929"
    # A zero-width space between a letter and its mark must not keep them apart after cleaning.
    assert normalize_text("e\u200b\u0301") == "é"


@given(st.text())
def test_normalize_is_idempotent_and_nfc(raw):
    once = normalize_text(raw)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert "\r" not in once and "\n\n\n" not in once and "  " not in once


def test_header_of_the_000_sample_gives_date_and_body_on_the_same_line():
    header, body = split_header(normalize_text(sample("000")))
    assert header == {"date": "2025-11-07"}
    assert body.startswith("China Vs US over Rare Earth Metals:")


def test_header_fields_on_their_own_lines():
    text = "title: दुर्लभ खनिज पर समझौता\nsource: परीक्षण समाचार\nDate: 2025-03-14\n\nभारत ने समझौता किया।"
    header, body = split_header(text)
    assert header == {"title": "दुर्लभ खनिज पर समझौता", "source": "परीक्षण समाचार", "date": "2025-03-14"}
    assert body == "भारत ने समझौता किया।"


@pytest.mark.parametrize(
    "text",
    ["Source of the dispute is export control.", "date palms grow here.", "भारत ने समझौता किया।", "date 14 March text"],
)
def test_text_without_a_header_is_all_body(text):
    assert split_header(text) == ({}, text)


def test_embed_in_the_004_sample():
    cleaned = clean_article_text(sample("004"), ABBREVIATIONS)
    [embed] = cleaned.embeds
    assert embed.handle == "Indian_Analyzer"
    assert embed.author == "The Analyzer (News Updates🗞️)"
    assert embed.posted == datetime.date(2026, 2, 1)
    quoted = cleaned.text[embed.start : embed.end]
    assert quoted.startswith("🚨 BIG! Pakistan excluded")
    assert quoted.endswith("(@Indian_Analyzer) February 1, 2026")
    inside = [s for s in cleaned.sentences if embed.start <= s.start < embed.end]
    assert len(inside) >= 3 and all(s.in_quote for s in inside)
    assert not any(s.in_quote for s in cleaned.sentences if s not in inside)
    # "S. Jaishankar" inside the post is an initial, not a sentence end.
    assert any(cleaned.text[s.start : s.end].endswith("S. Jaishankar attends🤣") for s in inside)


def test_two_posts_in_a_row_are_two_embeds_and_hindi_lines_stay_out():
    text = (
        "मंत्री ने कहा कि बातचीत अच्छी रही।\n"
        "Talks on minerals went well today.\n"
        "— Mineral Desk (@mineral_desk) Sept. 3, 2025\n"
        "Next round in Tokyo.\n"
        "— Second Voice (@voice2) 12 Jan 2026\n"
        "इसके बाद बैठक खत्म हुई।"
    )
    first, second = find_embeds(text)
    assert text[first.start : first.end].startswith("Talks on minerals")
    assert (first.author, first.handle, first.posted) == ("Mineral Desk", "mineral_desk", datetime.date(2025, 9, 3))
    assert text[second.start : second.end] == "Next round in Tokyo.\n— Second Voice (@voice2) 12 Jan 2026"
    assert second.posted == datetime.date(2026, 1, 12)


def test_attribution_with_an_impossible_date_keeps_the_post_without_a_date():
    [embed] = find_embeds("Hello there.\n— Someone (@someone) February 30, 2025")
    assert embed.handle == "someone" and embed.posted is None


def test_sentences_end_at_danda_question_exclamation_full_stop_and_line_end():
    text = "खनिज नीति\nक्या भारत तैयार है? हाँ! सरकार ने योजना बनाई है. इस पर काम शुरू हुआ। अगला चरण ॥ बाकी"
    assert sentence_texts(text) == [
        "खनिज नीति",
        "क्या भारत तैयार है?",
        "हाँ!",
        "सरकार ने योजना बनाई है.",
        "इस पर काम शुरू हुआ।",
        "अगला चरण ॥",
        "बाकी",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "विदेश मंत्री एस. जयशंकर ने बैठक में भाग लिया।",
        "External affairs minister S. Jaishankar met Dr. Rao in Delhi.",
        "U.S. officials and the U.K. team met on Monday.",
        "डॉ. सिंह और पी. चिदंबरम ने रिपोर्ट पर चर्चा की।",
        "उत्पादन 3.5 प्रतिशत बढ़ा और कीमत रु. 450 रही।",
        "बातचीत चलती रही... और फिर समझौता हुआ।",
        "उन्होंने कहा, \"हम तैयार हैं.\"",
        "1. पहला बिंदु यह है कि निवेश बढ़ेगा।",
    ],
)
def test_initials_abbreviations_decimals_and_ellipses_do_not_split(sentence):
    assert sentence_texts(sentence) == [sentence]


def test_full_stop_after_an_ordinary_word_splits_even_when_short():
    text = "यह जरूरी है. वह गया. U.S. Officials met. उसने कहा \"ठीक है।\" फिर बात हुई.अगली बात"
    assert sentence_texts(text) == [
        "यह जरूरी है.",
        "वह गया.",
        "U.S. Officials met.",
        "उसने कहा \"ठीक है।\"",
        "फिर बात हुई.",
        "अगली बात",
    ]


def test_sentence_offsets_paragraphs_and_quote_flags():
    text = "पहला वाक्य। दूसरा वाक्य।\n\nWe agree.\n— Desk (@desk) March 2, 2025\nअंतिम वाक्य।"
    sentences = split_sentences(text, find_embeds(text), ABBREVIATIONS)
    assert [s.index for s in sentences] == list(range(5))
    assert [s.paragraph for s in sentences] == [0, 0, 1, 2, 3]
    assert [s.in_quote for s in sentences] == [False, False, True, True, False]
    assert [text[s.start : s.end] for s in sentences][1] == "दूसरा वाक्य।"


def test_sample_sentences_split_on_full_stops_without_merging():
    cleaned = clean_article_text(sample("000"), ABBREVIATIONS)
    texts = [cleaned.text[s.start : s.end] for s in cleaned.sentences]
    assert texts[1].startswith("उन्होंने व्हाइट हाउस में पांच मध्य एशियाई देशों")
    assert "अमेरिका करेगा निवेश" in texts  # a heading line is a sentence of its own
    assert all(text.count(" है. ") == 0 for text in texts)


@pytest.mark.parametrize(
    ("one", "other"),
    [("कजाखिस्तान", "कज़ाकिस्तान"), ("उज्बेकिस्तान", "उज़्बेकिस्तान"), ("वॉशिंगटन", "वाशिंगटन"),
     ("हिन्दी", "हिंदी"), ("कॉन्फ्रेंस", "कांफ्रेंस"), ("पाँच", "पांच"), ("\u095e\u0940ल्ड", "फील्ड"), ("Rubio", "RUBIO")],
)
def test_spelling_variants_fold_to_the_same_form(one, other):
    assert matching_form(one, VARIANTS).text == matching_form(other, VARIANTS).text


def test_a_folded_match_maps_back_to_the_exact_surface():
    source = "राष्ट्रपति ट्रंप ने कज़ाकिस्तान और उज़्बेकिस्तान के नेताओं से वॉशिंगटन में बात की।"
    form = matching_form(source, VARIANTS)
    surfaces = []
    for name in ("कजाखिस्तान", "उज्बेकिस्तान", "वाशिंगटन"):
        needle = matching_form(name, VARIANTS).text
        start = form.text.index(needle)
        surfaces.append(source[form.to_source[start] : form.to_source[start + len(needle)]])
    assert surfaces == ["कज़ाकिस्तान", "उज़्बेकिस्तान", "वॉशिंगटन"]


def test_every_canonical_spelling_is_already_folded():
    for _variant, canonical in VARIANTS:
        assert matching_form(canonical, VARIANTS).text == canonical


def test_reference_tokens_are_nfc():
    for row in read_reference_csv("abbreviations.csv"):
        assert unicodedata.is_normalized("NFC", row["token"]), row
    assert {"एस", "डॉ", "Dr", "U.S", "e.g"} <= ABBREVIATIONS and "है" not in ABBREVIATIONS


@given(mixed_text)
def test_to_source_is_a_monotonic_map_from_start_to_end(source):
    form = matching_form(source, VARIANTS)
    assert len(form.to_source) == len(form.text) + 1
    assert form.to_source[0] == 0 and form.to_source[-1] == len(source)
    assert all(a <= b for a, b in zip(form.to_source, form.to_source[1:]))


def test_offsets_of_a_long_text_point_at_the_words():
    source = "ज़मीन और खान की नीलामी। " * 500
    form = matching_form(source, VARIANTS)
    assert form.to_source[-1] == len(source)
    found = [i for i in range(len(form.text)) if form.text.startswith("और", i)]
    assert len(found) == 500
    assert all(source[form.to_source[i]:form.to_source[i + 2]] == "और" for i in found)


@given(mixed_text)
def test_without_variants_only_the_case_changes(source):
    form = matching_form(source, ())
    assert len(form.text) == len(source)
    assert form.to_source == tuple(range(len(source) + 1))


@given(mixed_text)
def test_folded_text_is_the_text_of_the_matching_form(source):
    assert folded_text(source, VARIANTS) == matching_form(source, VARIANTS).text


@given(mixed_text)
def test_normalized_text_is_nfc(source):
    assert unicodedata.is_normalized("NFC", normalize_text(source))


def test_a_decomposed_nukta_letter_is_composed_where_unicode_composes_it():
    # न + nukta composes to ऩ (U+0929); क + nukta stays two characters (क़ is excluded from composition).
    assert normalize_text("\u0928\u093c \u0915\u093c") == "\u0929 \u0915\u093c"
