"""Function words grouped by what they do, phrases before single words."""

from tasks.grammar import build_function_words


def test_postpositions_are_ordered_longest_first_so_phrases_win():
    words = build_function_words([
        {"word": "के", "function": "genitive"}, {"word": "के साथ", "function": "partner"},
        {"word": "ने", "function": "agent"}, {"word": "जबकि", "function": "clause_boundary"},
    ])
    assert list(words.postpositions)[0] == "के साथ"
    assert words.postpositions["के"] == "genitive" and "जबकि" not in words.postpositions
    assert words["clause_boundary"] == ("जबकि",) and words["unknown"] == ()
