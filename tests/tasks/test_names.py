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


def test_ids_of_new_names_are_ascii_slugs():
    assert discovered_entity_id("PERSON", "René Dubois") == "person:rene-dubois"
    assert discovered_entity_id("ORGANIZATION", "People's Front") == "org:peoples-front"
    assert discovered_entity_id("PERSON", "!!") is None
