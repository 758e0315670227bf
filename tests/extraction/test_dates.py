"""Dates as precise as the text: each date a claim carries is an interval, and intervals that
cannot both hold for one event are flagged."""

from datetime import date, datetime

import pytest

from claims.extraction.normalisation import DateContext, interval, parse_date
from claims.extraction.pipeline import extract_claims

PUBLISHED = datetime(2024, 6, 15)  # a Saturday


def dated(sentence, published_at=PUBLISHED):
    """(start, end, precision) of the one date in a one-claim sentence."""
    (claim,) = extract_claims(sentence, published_at=published_at)
    (found,) = claim.dates
    assert found["date"] == found["start"]
    return found["start"], found["end"], found["precision"]


def flags_of(body, published_at=PUBLISHED):
    return [
        (claim.quote, flag)
        for claim in extract_claims(body, published_at=published_at)
        for flag in claim.flags
    ]


# ---------------------------------------------------------------- relative to publication


def test_it_dates_just_over_thirteen_years_ago_to_a_year_wide_interval_thirteen_years_back():
    assert dated("The plant opened just over 13 years ago.") == ("2010-06-15", "2011-06-15", "approximate")


def test_it_dates_n_years_ago_to_the_years_around_it_and_the_calendar_year():
    assert dated("The mine closed four years ago.") == ("2019-12-15", "2020-12-31", "approximate")


def test_it_dates_earlier_this_month_from_the_first_to_publication():
    assert dated("Sales fell earlier this month.") == ("2024-06-01", "2024-06-15", "month")


def test_it_dates_last_thursday_to_that_day():
    assert dated("The minister resigned last Thursday.") == ("2024-06-13", "2024-06-13", "day")


def test_it_dates_last_week_from_its_monday_to_its_sunday():
    assert dated("Talks collapsed last week.") == ("2024-06-03", "2024-06-09", "week")


def test_it_dates_last_year_to_the_whole_calendar_year():
    assert dated("Prices rose last year.") == ("2023-01-01", "2023-12-31", "year")


def test_it_dates_this_spring_to_march_april_and_may():
    assert dated("The council voted this spring.") == ("2024-03-01", "2024-05-31", "season")


def test_it_dates_the_past_decade_to_the_ten_years_before_publication():
    assert dated("Crime has fallen in the past decade.") == ("2014-06-15", "2024-06-15", "decade")


def test_it_dates_two_days_ago_to_that_day():
    assert dated("The ship sank two days ago.") == ("2024-06-13", "2024-06-13", "day")


def test_it_dates_yesterday_to_the_day_before_publication():
    assert dated("The ship sank yesterday.") == ("2024-06-14", "2024-06-14", "day")


def test_it_dates_next_month_to_the_whole_month():
    assert dated("The vote will be held next month.") == ("2024-07-01", "2024-07-31", "month")


def test_it_dates_a_month_without_a_year_to_the_nearest_one_the_tense_allows():
    assert dated("The vote was held in March.") == ("2024-03-01", "2024-03-31", "month")
    assert dated("The vote will be held in March.") == ("2025-03-01", "2025-03-31", "month")


REFERENCE = DateContext(reference=date(2024, 6, 15), year=2024, from_publication=True)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("nearly 14 years ago", "2010-06-15", "2010-12-15"),
        ("about five years ago", "2018-06-15", "2020-06-15"),
        ("more than 20 years ago", "1984-06-15", "2004-06-15"),
        ("less than two weeks ago", "2024-06-01", "2024-06-15"),
        ("half a century ago", "1969-06-15", "1979-06-15"),
        ("a year and a half ago", "2022-06-15", "2023-06-15"),
    ],
)
def test_it_widens_or_narrows_a_count_back_by_its_hedge(text, start, end):
    found = parse_date(text, REFERENCE)
    assert (found["start"], found["end"], found["precision"]) == (start, end, "approximate")


def test_it_dates_years_ago_this_month_to_that_month():
    found = parse_date("13 years ago this month", REFERENCE)
    assert (found["start"], found["end"], found["precision"]) == ("2011-06-01", "2011-06-30", "month")


# ---------------------------------------------------------------- explicit dates keep their precision


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The plant opened in 2015.", ("2015-01-01", "2015-12-31", "year")),
        ("The firm collapsed in March 2021.", ("2021-03-01", "2021-03-31", "month")),
        ("The firm collapsed on March 3, 2021.", ("2021-03-03", "2021-03-03", "day")),
        ("Turnout fell in the 1990s.", ("1990-01-01", "1999-12-31", "decade")),
        ("The mine closed in the summer of 2019.", ("2019-06-01", "2019-08-31", "season")),
    ],
)
def test_it_keeps_the_precision_of_an_explicit_date(sentence, expected):
    assert dated(sentence) == expected


def test_it_reads_the_interval_of_a_date_stored_before_intervals():
    stored = {"text": "March 2021", "date": "2021-03-01", "precision": "month"}
    assert interval(stored) == (date(2021, 3, 1), date(2021, 3, 31))


# ---------------------------------------------------------------- no publication date


def test_it_counts_back_from_the_articles_own_latest_date_without_a_publication_date():
    body = "The strike began on March 3, 2015. Talks had failed just over two years ago."
    found = extract_claims(body)[1].dates
    assert [(d["start"], d["end"], d["precision"]) for d in found] == [
        ("2012-03-03", "2013-03-03", "approximate")
    ]


def test_it_leaves_out_a_relative_date_with_nothing_to_count_back_from():
    (claim,) = extract_claims("Crime has fallen in the past decade.")
    assert claim.dates == []


# ---------------------------------------------------------------- consistency


CONTRADICTED = "The plant opened just over 13 years ago. It employs 300 people. The plant opened in 2015."


def test_it_flags_an_explicit_date_that_contradicts_a_relative_one_about_the_same_event():
    flags = flags_of(CONTRADICTED, published_at=datetime(2024, 6, 1))
    assert [(quote, flag["kind"]) for quote, flag in flags] == [
        ("The plant opened just over 13 years ago", "event_date_mismatch"),
        ("The plant opened in 2015", "event_date_mismatch"),
    ]
    relative_flag, explicit_flag = (flag for _, flag in flags)
    assert relative_flag["related_quotes"] == ["The plant opened in 2015"]
    assert explicit_flag["related_quotes"] == ["The plant opened just over 13 years ago"]
    assert "2010-06-01 to 2011-06-01" in relative_flag["message"] and "2015" in relative_flag["message"]


def test_it_does_not_flag_an_explicit_date_whose_interval_overlaps_the_relative_one():
    body = "The plant opened just over 13 years ago. It employs 300 people. The plant opened in 2011."
    claims = extract_claims(body, published_at=datetime(2024, 6, 1))
    assert [len(claim.dates) for claim in claims] == [1, 0, 1]
    assert [claim.flags for claim in claims] == [[], [], []]


def test_it_does_not_flag_an_event_that_can_happen_again():
    claims = extract_claims("Prices rose last year. Prices rose in 2019.", published_at=PUBLISHED)
    assert [len(claim.dates) for claim in claims] == [1, 1]
    assert [claim.flags for claim in claims] == [[], []]


def test_it_does_not_compare_events_across_claims_without_a_publication_date():
    body = "The strike began on March 3, 2024. " + CONTRADICTED
    assert flags_of(body, published_at=None) == []


def test_it_flags_a_count_back_and_a_year_apart_in_one_claim():
    ((_, flag),) = flags_of("Two years ago, in 2015, the plant opened.")
    assert flag["kind"] == "date_mismatch"
    assert "2021-12-15 to 2022-12-31" in flag["message"]


def test_it_flags_a_past_season_that_begins_after_publication():
    ((_, flag),) = flags_of("The museum reopened this spring.", published_at=datetime(2024, 2, 1))
    assert flag["kind"] == "date_after_publication"
