"""Whether two claims state the same facts: no model, no database."""

import json

import pytest

from claims.similarity.facts import (
    entities_in,
    entity_chunks,
    facts_agree,
    facts_from_json,
    facts_of,
    facts_to_json,
    numbers_in,
    restates,
    token_count,
)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("She fled five years ago.", {5.0}),
        ("She fled 15 years ago.", {15.0}),
        ("It cost $4 million.", {4e6}),
        ("It cost $4m.", {4e6}),
        ("A 5 m wall.", {5.0}),
        ("Twenty-five people and 1,200 workers.", {25.0, 1200.0}),
        ("Two hundred and forty homes.", {240.0}),
        ("Unemployment fell to 4.2% in 2023.", {4.2, 2023.0}),
        ("No figures here.", set()),
    ],
)
def test_it_reads_numbers_written_in_digits_or_words(text, numbers):
    assert numbers_in(text) == numbers


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("She fled the country five years ago.", "She fled the country 15 years ago."),
        ("She has run the clinic for 12 years.", "She has treated more than 300 people."),
        ("The bridge was built in 1932.", "The bridge was built in 1952."),
        ("The minister resigned on Friday.", "The minister resigned on Tuesday."),
        ("Governor Tom Hale signed it on 3 May 2024.", "Governor Tom Hale signed it on 3 June 2024."),
        ("Senator Marcus Webb voted against the bill.", "Senator Laura Finch voted against the bill."),
        (
            "Photo: Hannah Becker. \u201cWe are proud,\u201d Lars Nilsson told reporters in Nairobi.",
            "\u201cWe are proud,\u201d Hannah Becker told reporters in Nairobi.",
        ),
        (
            "Photo: David Cohen / City Press \u201cWe are proud of this city,\u201d Chen Wei said.",
            "\u201cWe are proud of this city,\u201d Chen Wei said.",
        ),
        ("The airline cancelled flights.", "The airline did not cancel flights."),
        ("The company polluted the river.", "The company denied that it polluted the river."),
        ("The fire was started deliberately.", "Police ruled out that the fire was started deliberately."),
        ("Coach Maria Santos led the team.", "Coach Ana Santos led the team."),
        ("They found refuge in South Korea.", "They found refuge in North Korea."),
        ("The family of five (pictured) fled.", "The family of six fled."),
        ("The bridge (built in 1932) collapsed.", "The bridge (built in 1952) collapsed."),
        ("Soyeon Lee (pictured) said so.", "Hyeonseo Lee (pictured) said so."),
        ("Crime rose by 15 percent.", "Crime fell by 15 percent."),
        ("The charity raised £2 million.", "The charity raised £2 billion."),
    ],
)
def test_it_sees_a_different_fact_in_the_same_frame(first, second):
    assert not facts_agree(facts_of(first), facts_of(second))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Police arrested 14 people in Lyon.", "Fourteen people were arrested by police in Lyon."),
        (
            "Dr. Amara Osei has run the clinic for twelve years.",
            "Amara Osei has run the clinic for 12 years.",
        ),
        (
            "The council approved two bus lines on Monday.",
            "On Monday, the council approved 2 new bus routes.",
        ),
        ("Unemployment fell to 4.2%.", "Unemployment dropped to 4.2%."),
        ("They found refuge in South Korea.", "They joined South Korean society."),
        ("Pastor Kim met Kim Jong-un.", "Kim Jong-un met Pastor Kim."),
        # A caption's aside, on one side only.
        ("The family of five (some pictured) fled.", "The family of five fled."),
        ("Soyeon Lee (pictured here with Pastor Kim) said so.", "Soyeon Lee said so."),
        ("The bridge (built in 1932) collapsed.", "The bridge collapsed."),
    ],
)
def test_it_sees_the_same_facts_in_other_words(first, second):
    assert facts_agree(facts_of(first), facts_of(second))


def test_it_prefers_the_normalised_quantities_from_extraction_where_both_have_them():
    first = facts_of(
        "It is 5 km long.", quantities=[{"text": "5 km", "value": 5, "si_value": 5000, "unit": "km"}]
    )
    second = facts_of(
        "It is 5 km long.", quantities=[{"text": "5 km", "value": 5, "si_value": 500, "unit": "km"}]
    )
    unstructured = facts_of("It is 5 km long.")

    assert not facts_agree(first, second)
    assert facts_agree(first, unstructured)


def test_it_compares_normalised_dates_from_extraction():
    first = facts_of(
        "It opened last spring.", dates=[{"text": "last spring", "date": "2025-03-01", "precision": "season"}]
    )
    second = facts_of(
        "It opened last spring.", dates=[{"text": "last spring", "date": "2024-03-01", "precision": "season"}]
    )

    assert not facts_agree(first, second)


def test_it_ignores_malformed_extraction_data():
    facts = facts_of("It opened in 2020.", quantities=["5 km", None], dates=[{"text": "2020"}])

    assert facts.numbers == frozenset({2020.0})


def test_it_finds_names_but_not_sentence_starts_or_titles():
    assert entities_in("The mayor met Elena Ruiz in Lyon.") == {"elena", "ruiz", "lyon"}
    assert entities_in("Dr. Amara Osei said so.") == {"amara", "osei"}
    assert entities_in("Police arrested people.") == set()
    assert entity_chunks("Photo: Maria Lopez / City Press") == [
        frozenset({"maria", "lopez"}),
        frozenset({"city", "press"}),
    ]


def test_it_counts_tokens():
    assert token_count("He denied it.") == 3
    assert token_count("The mayor's office didn't comment on Monday.") == 7


def test_it_agrees_on_a_relative_date_resolved_days_apart():
    # "five years ago" in articles published on 1 and 20 June 2024: overlapping intervals.
    first = facts_of(
        "The plant opened five years ago.",
        dates=[{"text": "five years ago", "date": "2018-12-01", "start": "2018-12-01", "end": "2019-12-31"}],
    )
    second = facts_of(
        "The plant opened five years ago.",
        dates=[{"text": "five years ago", "date": "2018-12-20", "start": "2018-12-20", "end": "2020-01-19"}],
    )
    assert facts_agree(first, second)


def test_it_tells_apart_dates_that_do_not_overlap():
    first = facts_of(
        "The plant opened in 2019.", dates=[{"text": "2019", "date": "2019-01-01", "precision": "year"}]
    )
    second = facts_of(
        "The plant opened in 2019.", dates=[{"text": "2021", "date": "2021-01-01", "precision": "year"}]
    )
    assert not facts_agree(first, second)


def test_it_reads_dates_stored_before_they_were_intervals():
    stored = facts_of(
        "The plant opened in March.", dates=[{"text": "March", "date": "2024-03-01", "precision": "month"}]
    )
    new = facts_of(
        "The plant opened in March.",
        dates=[
            {
                "text": "March",
                "date": "2024-03-01",
                "precision": "month",
                "start": "2024-03-01",
                "end": "2024-03-31",
            }
        ],
    )
    day = facts_of(
        "The plant opened in March.", dates=[{"text": "1 April", "date": "2024-04-01", "precision": "day"}]
    )
    assert facts_agree(stored, new)
    assert not facts_agree(stored, day)


@pytest.mark.parametrize(
    ("part", "whole"),
    [
        (
            "Footage taken with their cell phones documents their dangerous journey.",
            "Footage taken with their cell phones documents their dangerous journey, see picture above",
        ),
        (
            "Firefighters battled the blaze at the Camden warehouse for nine hours",
            "Firefighters battled the blaze at the Camden warehouse for nine hours before bringing it "
            "under control.",
        ),
        (
            "Activist Park Joon-ho (pictured) spent six years in a labour camp",
            "Activist Park Joon-ho spent six years in a labour camp before he escaped across the "
            "Tumen River.",
        ),
    ],
)
def test_it_sees_a_sentence_restated_with_a_clause_dropped_or_a_phrase_added(part, whole):
    assert restates(facts_of(part), facts_of(whole))
    assert not restates(facts_of(whole), facts_of(part))


def test_it_sees_a_restatement_both_ways_when_only_asides_and_function_words_differ():
    first = facts_of("The Rohs, the family of five also featured in the film, fled via Laos.")
    second = facts_of(
        "The Rohs, the family of five (pictured), also featured in the film, fled through Laos."
    )

    assert restates(first, second) and restates(second, first)


@pytest.mark.parametrize(
    ("part", "whole"),
    [
        # Another number, date or name in the same words.
        ("The refugees walked for eleven days.", "The refugees walked for seven days through the mountains."),
        ("Coach Maria Santos led the team in 2019.", "Coach Ana Santos led the team in 2019 to a title."),
        # The words dropped carried a number or a date.
        (
            "Survivor Ruth Adler was deported to Auschwitz.",
            "Survivor Ruth Adler was deported to Auschwitz in 1944.",
        ),
        # More words that are not the same claim: a denial.
        ("The company polluted the river.", "The company denied that it polluted the river."),
        # Not in the same words.
        ("The Rohs fled to South Korea.", "The Roh family reached South Korea."),
    ],
)
def test_it_does_not_see_a_restatement_where_a_fact_or_a_word_differs(part, whole):
    assert not restates(facts_of(part), facts_of(whole))


def test_it_reads_back_the_facts_it_stores_as_json():
    facts = facts_of(
        "Dr Maria Lopez (pictured) said on Monday that 1,200 workers did not lose $3 trillion.",
        quantities=[
            {"text": "$3 trillion", "value": 3e12, "unit": "USD"},
            {"text": "1e16", "si_value": 1e16},
        ],
        dates=[{"text": "Monday", "date": "2024-03-04", "precision": "day"}],
    )
    # Through JSON as PostgreSQL gives it back: 1e16 comes back as an integer.
    stored = json.loads(json.dumps(facts_to_json(facts)).replace("1e+16", "10000000000000000"))

    assert facts_from_json(stored) == facts
    assert facts_from_json(stored).outside_parentheses == facts_of(
        "Dr Maria Lopez said on Monday that 1,200 workers did not lose $3 trillion."
    )
