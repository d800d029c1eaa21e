"""Language from script."""

from tasks.language import detect_language


def test_devanagari_text_with_english_fragments_is_hindi():
    assert detect_language("चीन ने रेयर अर्थ पर नया फैसला लिया (Rare Earth) और बातचीत की।") == "hi"


def test_latin_text_is_english_and_no_letters_is_undetermined():
    assert detect_language("China eased its export controls on rare earths.") == "en"
    assert detect_language("12345 !!! 🙂") == "und"
