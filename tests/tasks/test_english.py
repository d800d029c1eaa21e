"""English prose helpers: templates, names with their article, lists, amounts."""

import datetime as dt

from tasks.english import date_text, format_amount, join_names, prose_name, render_template


def test_templates_drop_optional_parts_with_empty_slots():
    assert render_template("{actors} met[ {recipients}][ in {location}]", {"actors": "India", "recipients": "", "location": "Geneva"}) == "India met in Geneva"


def test_english_names_lists_and_amounts():
    assert prose_name("United States", "COUNTRY") == "the United States"
    assert prose_name("White House", "LOCATION") == "the White House"
    assert prose_name("Kassym-Jomart Tokayev", "PERSON") == "Kassym-Jomart Tokayev"
    assert join_names(["A", "B", "C"]) == "A, B and C"
    assert format_amount(500_000_000.0, "USD") == "USD 500 million"
    assert format_amount(1_250_000_000.0, "INR") == "INR 1.25 billion"


def test_a_template_used_again_takes_the_new_values():
    template = "{actors} met {recipients}[ in {location}]"
    assert render_template(template, {"actors": "India", "recipients": "Japan", "location": "Geneva"}) == "India met Japan in Geneva"
    assert render_template(template, {"actors": "Chile", "recipients": "", "location": ""}) == "Chile met someone"


def test_a_date_reads_as_precisely_as_it_is_known():
    day = dt.date(2026, 3, 9)
    assert [date_text(day, "day"), date_text(day, "month"), date_text(day, "year"), date_text(None, None)] == ["2026-03-09", "2026-03", "2026", ""]


def test_a_template_keeps_an_optional_part_only_when_all_its_slots_are_filled():
    template = "{actors} signed agreements[ with {recipients}][ worth {amount}]"
    assert render_template(template, {"actors": "Chile", "recipients": "Japan", "amount": ""}) == "Chile signed agreements with Japan"
    assert render_template(template, {"actors": "", "recipients": "", "amount": "USD 5 million"}) == "someone signed agreements worth USD 5 million"
