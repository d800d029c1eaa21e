import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.amounts import AmountMention, amount_in_usd, find_amounts
from tasks.reference import load_amount_lexicon

LEXICON = load_amount_lexicon()


def found(text: str) -> list[tuple[str, float, str | None]]:
    """(text, value, currency) of each amount found."""
    return [(m.text, m.value, m.currency) for m in find_amounts(text, LEXICON)]


@pytest.mark.parametrize(
    "sentence, amount",
    [
        ("कंपनी ने लगभग 50 करोड़ डॉलर के सौदे किए।", ("50 करोड़ डॉलर", 500_000_000.0, "USD")),
        ("खदान में 1.5 अरब डॉलर लगेंगे।", ("1.5 अरब डॉलर", 1_500_000_000.0, "USD")),
        ("राज्य को 1,200 करोड़ रुपये मिले।", ("1,200 करोड़ रुपये", 12_000_000_000.0, "INR")),
        ("किसानों को 1,20,000 रुपये दिए गए।", ("1,20,000 रुपये", 120_000.0, "INR")),
        ("हर परिवार को 10 लाख रुपए मिलेंगे।", ("10 लाख रुपए", 1_000_000.0, "INR")),
        ("The fund holds $500 million in bonds.", ("$500 million", 500_000_000.0, "USD")),
        ("a loan of US$ 2.5 billion was agreed", ("US$ 2.5 billion", 2_500_000_000.0, "USD")),
        ("the state spent Rs 200 crore on roads", ("Rs 200 crore", 2_000_000_000.0, "INR")),
        ("सरकार ने ₹500 करोड़ मंजूर किए।", ("₹500 करोड़", 5_000_000_000.0, "INR")),
        ("अमेरिका एक अरब डॉलर लगाएगा।", ("एक अरब डॉलर", 1_000_000_000.0, "USD")),
        ("संयंत्र पर 50 मिलियन डॉलर खर्च हुए।", ("50 मिलियन डॉलर", 50_000_000.0, "USD")),
        ("रैली में डेढ़ लाख लोग आए।", ("डेढ़ लाख", 150_000.0, None)),
        ("बजट ५० करोड़ डॉलर का है।", ("५० करोड़ डॉलर", 500_000_000.0, "USD")),
        ("योजना पर 1 लाख करोड़ रुपये लगेंगे।", ("1 लाख करोड़ रुपये", 1_000_000_000_000.0, "INR")),
        ("इस्लामाबाद ने 300 पाकिस्तानी रुपये चुकाए।", ("300 पाकिस्तानी रुपये", 300.0, "PKR")),
        ("a $5bn smelter", ("$5bn", 5_000_000_000.0, "USD")),
    ],
)
def test_each_written_form_gives_its_value_and_currency(sentence, amount):
    assert found(sentence) == [amount]


@pytest.mark.parametrize(
    "sentence",
    [
        "2025 में 300 मजदूर काम करते थे।",
        "निर्यात 12 प्रतिशत बढ़ा।",
        "उत्पादन में 50% की गिरावट आई।",
        "पांच अरब देशों के मंत्री आए।",
        "हजारों डॉलर का नुकसान हुआ।",
        "डॉलर 2025 में मजबूत हुआ।",
    ],
)
def test_counts_years_percentages_and_look_alikes_are_not_amounts(sentence):
    assert found(sentence) == []


def test_several_amounts_come_in_text_order():
    text = "पहले 20 हज़ार करोड़ रुपये, फिर $3 million और अंत में ढाई लाख।"
    assert [m.text for m in find_amounts(text, LEXICON)] == ["20 हज़ार करोड़ रुपये", "$3 million", "ढाई लाख"]


def test_the_sample_article_deal_is_half_a_billion_dollars():
    text = open("data/incoming/004_e6c4d5c47d1b484e.txt", encoding="utf-8").read()
    assert [amount_in_usd(m) for m in find_amounts(text, LEXICON)] == [500_000_000.0]


def test_amount_in_usd_only_for_dollars():
    [dollars, rupees, bare] = find_amounts("50 करोड़ डॉलर, 10 लाख रुपए और डेढ़ लाख", LEXICON)
    assert amount_in_usd(dollars) == 500_000_000.0
    assert amount_in_usd(rupees) is None
    assert amount_in_usd(bare) is None
    assert amount_in_usd(AmountMention(0, 2, 7.0, "USD", "$7")) == 7.0


PIECES = list("0123456789०५,. %$₹\nab-") + ["करोड़", "लाख", "अरब", "डॉलर", "रुपये", "एक", "डेढ़", "US$", "Rs.", "million", "bn", "देशों"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=30).map("".join) | st.text(max_size=80))
def test_any_text_gives_in_bounds_ordered_amounts(text):
    mentions = find_amounts(text, LEXICON)
    assert all(m.text == text[m.start : m.end] and m.start < m.end for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))
    assert all(m.value >= 0 for m in mentions)
