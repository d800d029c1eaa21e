import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.dates import find_dates, latest_full_date, parse_date_value
from tasks.reference import load_date_lexicon

LEXICON = load_date_lexicon()
FEB_1 = dt.date(2026, 2, 1)


def found(text: str, reference: dt.date | None = FEB_1) -> list[tuple[str, str, str, bool]]:
    """(text, ISO value, precision, relative) of each date found."""
    return [
        (m.text, m.value.isoformat(), m.precision, m.relative) for m in find_dates(text, reference, LEXICON)
    ]


@pytest.mark.parametrize(
    "sentence, mention",
    [
        ("सम्मेलन 4 फरवरी को होगा।", ("4 फरवरी", "2026-02-04", "day", True)),
        ("सम्मेलन 4 फ़रवरी को होगा।", ("4 फ़रवरी", "2026-02-04", "day", True)),
        ("सम्मेलन फरवरी 4 को होगा।", ("फरवरी 4", "2026-02-04", "day", True)),
        ("बैठक ४ फरवरी को हुई।", ("४ फरवरी", "2026-02-04", "day", True)),
        ("समझौता 7 नवंबर 2025 को हुआ।", ("7 नवंबर 2025", "2025-11-07", "day", False)),
        ("समझौता 12 सितम्बर, 2024 को हुआ।", ("12 सितम्बर, 2024", "2024-09-12", "day", False)),
        ("खदान नवंबर 2025 में खुली।", ("नवंबर 2025", "2025-11-01", "month", False)),
        ("खदान नवम्बर, 2025 में खुली।", ("नवम्बर, 2025", "2025-11-01", "month", False)),
        ("यह नियम 2025 में बना।", ("2025", "2025-01-01", "year", False)),
        ("यह नियम वर्ष २०२४ में बना।", ("२०२४", "2024-01-01", "year", False)),
        ("Posted on February 1, 2026 by a reader", ("February 1, 2026", "2026-02-01", "day", False)),
        ("The summit opens on Feb 4 in Washington", ("Feb 4", "2026-02-04", "day", True)),
        ("The deal was signed on 1 February 2026.", ("1 February 2026", "2026-02-01", "day", False)),
        ("रिपोर्ट 2025-11-07 को जारी हुई।", ("2025-11-07", "2025-11-07", "day", False)),
        ("आदेश 07/11/2025 को लागू हुआ।", ("07/11/2025", "2025-11-07", "day", False)),
        ("दिसंबर में बातचीत हुई थी।", ("दिसंबर", "2025-12-01", "month", True)),
    ],
)
def test_each_written_form_resolves_to_its_date(sentence, mention):
    assert found(sentence) == [mention]


def test_day_and_month_take_the_year_closest_to_the_article_across_new_year():
    assert found("बैठक 3 जनवरी को होगी।", dt.date(2025, 12, 28)) == [("3 जनवरी", "2026-01-03", "day", True)]
    assert found("बैठक 28 दिसंबर को हुई थी।", dt.date(2026, 1, 3)) == [("28 दिसंबर", "2025-12-28", "day", True)]


@pytest.mark.parametrize(
    "sentence, value, precision",
    [
        ("पिछले वर्ष खनन कंपनियों ने निवेश किया।", "2025-01-01", "year"),
        ("पिछले साल खनन कंपनियों ने निवेश किया।", "2025-01-01", "year"),
        ("इस साल निर्यात बढ़ा है।", "2026-01-01", "year"),
        ("अगले वर्ष संयंत्र शुरू होगा।", "2027-01-01", "year"),
        ("पिछले महीने प्रतिबंध लगा।", "2026-01-01", "month"),
        ("अगले महीने वार्ता होगी।", "2026-03-01", "month"),
        ("आज मंत्री ने घोषणा की।", "2026-02-01", "day"),
        ("Exports fell last year.", "2025-01-01", "year"),
        ("Next year the mine opens.", "2027-01-01", "year"),
    ],
)
def test_relative_phrases_resolve_against_the_reference(sentence, value, precision):
    [mention] = find_dates(sentence, FEB_1, LEXICON)
    assert (mention.value.isoformat(), mention.precision, mention.relative) == (value, precision, True)


def test_partial_and_relative_dates_need_a_reference():
    assert found("पिछले वर्ष 4 फरवरी को और दिसंबर में बैठक हुई।", None) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "चीन ने प्रतिबंध एक साल के लिए टाल दिया।",
        "परियोजना दो साल में पूरी होगी।",
        "समझौता पांच साल तक चलेगा।",
        "पिछले वर्षों में उत्पादन बढ़ा।",
        "विरोध मार्च निकाला गया।",
    ],
)
def test_durations_and_look_alikes_are_not_dates(sentence):
    assert found(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    ["सरकार ने 2025 करोड़ रुपये दिए।", "कीमत $2025 रही।", "उत्पादन 12025 टन रहा।", "दर 2025.5 रही।", "वृद्धि 2000% रही।"],
)
def test_four_digit_money_and_longer_numbers_are_not_years(sentence):
    assert found(sentence) == []


def test_mentions_are_sorted_and_do_not_overlap():
    text = "7 नवंबर 2025 को, फिर पिछले साल और 2024 में, और Feb 4 को।"
    mentions = find_dates(text, FEB_1, LEXICON)
    assert [m.text for m in mentions] == ["7 नवंबर 2025", "पिछले साल", "2024", "Feb 4"]
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


def test_the_sample_article_dates_resolve_against_its_publication_day():
    text = open("data/incoming/004_e6c4d5c47d1b484e.txt", encoding="utf-8").read()
    mentions = {(m.text, m.value.isoformat()) for m in find_dates(text, FEB_1, LEXICON)}
    assert {("4 फरवरी", "2026-02-04"), ("पिछले वर्ष", "2025-01-01"), ("February 1, 2026", "2026-02-01")} <= mentions


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2025-11-07", dt.date(2025, 11, 7)),
        ("2025-11-07T23:30:00+05:30", dt.date(2025, 11, 7)),
        ("2025-11-07T10:30:00Z", dt.date(2025, 11, 7)),
        ("Fri, 07 Nov 2025 10:00:00 +0530", dt.date(2025, 11, 7)),
        ("February 1, 2026", dt.date(2026, 2, 1)),
        ("Feb 1, 2026", dt.date(2026, 2, 1)),
        ("1 February 2026", dt.date(2026, 2, 1)),
        ("7 नवंबर 2025", dt.date(2025, 11, 7)),
        ("07-11-2025", dt.date(2025, 11, 7)),
        ("07/11/2025", dt.date(2025, 11, 7)),
        ("  Updated: Nov 7, 2025 10:30 AM IST ", dt.date(2025, 11, 7)),
        ("नवंबर 2025", None),
        ("31/02/2025", None),
        ("कल", None),
        ("", None),
    ],
)
def test_metadata_date_strings_parse_to_their_day(raw, expected):
    assert parse_date_value(raw, LEXICON) == expected


def test_latest_full_date_ignores_partial_and_relative_dates():
    text = "समझौता 7 नवंबर 2025 को हुआ, बैठक 3 अक्टूबर 2025 को। दिसंबर 2025 और 9 जनवरी को भी, पिछले साल भी।"
    assert latest_full_date(text, LEXICON) == dt.date(2025, 11, 7)
    assert latest_full_date("कोई तारीख नहीं, बस 2025।", LEXICON) is None


# Pieces that date syntax is made of, so generated texts come close to real dates.
PIECES = list("0123456789०१२४९-/.,% $₹\nabF") + ["फरवरी", "नवंबर", "Feb", "पिछले साल", "Last year", "करोड़", "ं", "्"]


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    reference=st.none() | st.dates(),
)
def test_any_text_gives_in_bounds_ordered_mentions(text, reference):
    mentions = find_dates(text, reference, LEXICON)
    assert all(m.text == text[m.start : m.end] and m.start < m.end for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))
    assert all(m.precision in ("day", "month", "year") for m in mentions)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=80), reference=st.none() | st.dates())
def test_arbitrary_unicode_never_raises(text, reference):
    mentions = find_dates(text, reference, LEXICON)
    assert all(m.text == text[m.start : m.end] for m in mentions)
    parse_date_value(text, LEXICON)
