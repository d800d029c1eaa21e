"""Romanisation with Hindi schwa deletion, press spellings of known words, and stable ids of new names."""

from tasks.entities import discovered_entity_id
from tasks.names import closest_name, delete_medial_schwas, english_name, romanize
from tasks.reference import load_cue_lexicon


def test_romanisation_deletes_final_and_medial_schwas():
    assert romanize("राहुल") == "Rahul"                 # final schwa
    assert romanize("मनमोहन") == "Manmohan"             # medial: manamohan -> manmohan
    assert romanize("जगदलपुर") == "Jagdalpur"
    assert romanize("मुरली मनोहर") == "Murli Manohar"


def test_schwa_before_a_final_short_vowel_stays_and_clusters_keep_theirs():
    assert romanize("सेनापति") == "Senapati"
    assert romanize("महेंद्र") == "Mahendra"
    assert delete_medial_schwas("kamalā") == "kamlā"


def test_romanisation_folds_to_press_ascii():
    assert romanize("छत्तीसगढ़") == "Chhattisgarh"
    assert romanize("शरीफ़") == "Sharif"
    assert romanize("लश्कर-ए-तैबा") == "Lashkar-e-Taiba"
    assert romanize("संबंध").startswith("Samb")           # anusvara before a labial is m


def test_known_words_take_their_press_spelling():
    cues = load_cue_lexicon()
    words = ["रमेश", "सिंह"]
    name, known = english_name(words, [cues.fold(w) for w in words], cues.names, "person")
    assert (name, known) == ("Ramesh Singh", True)
    words = ["ग्लोबल", "ब्रॉडकास्टिंग", "कॉर्पोरेशन"]
    assert english_name(words, [cues.fold(w) for w in words], cues.names, "org")[0] == "Global Broadcasting Corporation"


def test_close_spellings_normalise_to_a_known_name():
    choices = ("Nawaz Sharif", "Shehbaz Sharif")
    assert closest_name("Navaz Sharif", choices) == 0
    assert closest_name("Imran Khan", choices) is None
    assert closest_name("NAWAZ sharif", choices) == 0 and closest_name("navaz sharif", [c.upper() for c in choices]) == 0


def test_ids_of_new_names_are_ascii_slugs():
    assert discovered_entity_id("PERSON", "René Dubois") == "person:rene-dubois"
    assert discovered_entity_id("ORGANIZATION", "People's Front") == "org:peoples-front"
    assert discovered_entity_id("PERSON", "!!") is None


# --- press spellings of people's names (issue 5): phonetic keys, compounds, naming traditions ---------------------

from tasks.names import build_press_names, letter_key, name_origin, person_word, press_key, press_spelling  # noqa: E402

PRESS = build_press_names([
    ("Faraz", "muslim"), ("Waseem", "muslim"), ("Ujjwal", "south_asian"), ("Kamala", "south_asian"),
    ("Shyam", "south_asian"), ("Sundar", "south_asian"), ("Niwas", "south_asian_part"), ("Wali", "muslim"),
    ("ullah", "muslim_suffix"), ("Kevin", "western"), ("Li", "chinese"),
])


def test_spellings_that_hindi_does_not_tell_apart_meet_under_one_key():
    assert letter_key("Faraj") == letter_key("Faraz")            # ज / ज़
    assert letter_key("Vaseem") == letter_key("Waseem")          # व v / w, ee / ii
    assert press_key("Ujjaval") == press_key("Ujjwal")           # a schwa the spelling keeps
    assert press_spelling("Faraj", PRESS) == "Faraz"
    assert press_spelling("Vasim", PRESS) == "Waseem"
    assert press_spelling("Kamal", PRESS) is None                # a different name is left alone


def test_a_kept_schwa_may_go_but_a_deleted_one_is_not_put_back():
    assert press_spelling("Ujjaval", PRESS) == "Ujjwal"
    assert press_spelling("Kamla", PRESS) is None                 # schwa deletion's Kamla is a press spelling too


def test_a_compound_given_name_is_spelt_from_its_listed_parts():
    assert person_word("श्यामसुंदर", "south_asian", PRESS) == ("Shyamsundar", True)
    assert person_word("श्यामनिवास", "south_asian", PRESS) == ("Shyamniwas", True)
    assert person_word("वलीउल्लाह", "muslim", PRESS) == ("Waliullah", True)


def test_the_naming_tradition_picks_the_romanisation_rules():
    assert name_origin(["Kevin", None], ["hôparaṭan"], PRESS) == "western"
    assert name_origin(["Li", None], ["phāṃg"], PRESS) == "chinese"
    assert name_origin([None], ["qādir"], PRESS) == "muslim"
    assert name_origin(["Shyam", None], ["varmā"], PRESS) == "south_asian"
    assert person_word("फेंगमिन", "chinese", PRESS)[0] == "Fengmin"          # फ is pinyin f
    assert person_word("वेल्डवाटर", "western", PRESS)[0] == "Weldwater"      # व w, English -er, no schwa in the cluster
    assert person_word("बैक्सटर", "western", PRESS)[0] == "Bakster"          # ै is English a
    assert person_word("खड़गिया", "south_asian", PRESS)[0] == "Khadgiya"    # ड़ in a person's name is d
    assert person_word("अश्विन", "south_asian", PRESS)[0] == "Ashwin"        # व after a consonant is w
    assert person_word("तनवीर", "south_asian", PRESS)[0] == "Tanvir"         # ... but not after n


def test_a_whole_name_follows_the_tradition_of_its_listed_words():
    cues = load_cue_lexicon()
    words = ["नवाज़", "वज़ीरी"]
    assert english_name(words, [cues.fold(w) for w in words], cues.names, "person")[0] == "Nawaz Waziri"
    words = ["डेविड", "वेल्डवाटर"]
    assert english_name(words, [cues.fold(w) for w in words], cues.names, "person")[0] == "David Weldwater"
