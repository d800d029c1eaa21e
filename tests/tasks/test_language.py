"""Language: script first, then marker words to tell Hindi, Marathi and Nepali apart."""

import sys

from tasks.language import _DEVANAGARI_LETTER, _LATIN_LETTER, _script, detect_language
from tasks.reference import load_language_markers


def _language(text):
    return detect_language(text, load_language_markers())


def test_devanagari_text_with_english_fragments_is_hindi():
    assert _language("चीन ने रेयर अर्थ पर नया फैसला लिया है (Rare Earth) और बातचीत की।") == "hi"


def test_marathi_and_nepali_are_told_apart_from_hindi():
    assert _language("मुख्यमंत्र्यांनी सांगितले की राज्यात पाऊस झाले आहे आणि शेतकऱ्यांच्या समस्या आहेत. सरकारने निर्णय घेतला आहे आणि मदत केले.") == "mr"
    assert _language("प्रधानमन्त्रीले भने कि देशमा विकास भएको छ र सरकारले काम गर्न थालेको छ। जनता पनि खुसी छन्।") == "ne"


def test_latin_text_is_english_and_no_letters_is_undetermined():
    assert _language("China eased its export controls on rare earths.") == "en"
    assert _language("12345 !!! 🙂") == "und"


def test_the_share_of_latin_letters_decides_between_hindi_english_and_undetermined():
    hindi = "सरकार ने खनिज नीति पर फैसला लिया है और कंपनियों से बात की है।"
    letters = sum(1 for char in hindi if _script(char) == "DEVANAGARI")
    assert _language(hindi + " " + "x" * letters) == "und"  # half Latin: neither script dominates
    assert _language(hindi + " " + "x" * (letters * 2)) == "en"
    assert _language(hindi + " " + "x" * (letters // 2)) == "hi"


def test_letter_patterns_cover_every_latin_and_devanagari_letter_of_unicode():
    every_char = "".join(map(chr, range(sys.maxunicode + 1)))
    letters = [char for char in every_char if char.isalpha()]
    assert set(_LATIN_LETTER.findall(every_char)) == {char for char in letters if _script(char) == "LATIN"}
    assert set(_DEVANAGARI_LETTER.findall(every_char)) == {char for char in letters if _script(char) == "DEVANAGARI"}


def test_marathi_or_nepali_markers_inside_longer_words_or_too_few_leave_hindi():
    # "आहे" and "छ" only count as whole words; two Marathi markers never out-vote Hindi.
    assert _language("राहेगा छात्र आहेतक बोले और कहा।") == "hi"
    assert _language("आहे आणि") == "hi"
    assert _language("आहे आणि नाही") == "mr"
    assert _language("आहे आणि नाही है है") == "hi"  # a lead of three over Hindi is needed
