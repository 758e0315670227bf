"""Units, periods and the comparison of figures (no database)."""

from datetime import date

import pytest

from claims.extraction import normalisation
from sources import figures


@pytest.mark.parametrize(
    ("unit", "dimension", "factor"),
    [
        ("%", figures.PERCENT, 1),
        ("per cent", figures.PERCENT, 1),
        ("percentage points", figures.PERCENTAGE_POINT, 1),
        ("people", figures.COUNT, 1),
        ("million people", figures.COUNT, 1e6),
        ("thousands of households", figures.COUNT, 1e3),
        ("", figures.COUNT, 1),
        ("USD million", "currency:USD", 1e6),
        ("£bn", "currency:GBP", 1e9),
        ("EUR", "currency:EUR", 1),
        ("kg", "kg", 1),
        ("tonnes", "kg", 1000),
        ("km", "m", 1000),
        ("m", "m", 1),
        ("mm", "m", 0.001),
    ],
)
def test_it_reads_a_tables_unit_with_its_dimension_and_scale(unit, dimension, factor):
    parsed = figures.parse_unit(unit)
    assert parsed is not None
    assert parsed.dimension == dimension
    assert parsed.factor == pytest.approx(factor)


@pytest.mark.parametrize("unit", ["furlongs", "widgets per fortnight", "%%", "kg/m3"])
def test_it_refuses_a_unit_it_does_not_know(unit):
    assert figures.parse_unit(unit) is None


def test_it_converts_temperatures_with_their_offset():
    celsius = figures.parse_unit("°C")
    assert celsius is not None and celsius.dimension == "K"
    assert celsius.normalise(20) == pytest.approx(293.15)
    assert celsius.from_normalised(293.15) == pytest.approx(20)


def _dimension(text: str) -> str | None:
    (quantity,) = normalisation.parse_quantities(text)
    return figures.quantity_dimension(quantity)


def test_it_gives_a_claims_quantity_the_dimension_of_its_unit():
    assert _dimension("unemployment fell to 3.9%") == figures.PERCENT
    assert _dimension("it weighed 22 stone") == "kg"
    assert _dimension("84 million people") == figures.COUNT
    assert _dimension("£2.3bn") == "currency:GBP"


def test_it_tells_percentage_points_from_a_percentage():
    assert _dimension("unemployment rose by 0.4 percentage points") == figures.PERCENTAGE_POINT
    assert figures.parse_unit("%") != figures.parse_unit("percentage points")


def test_it_reads_a_percentage_whose_unit_extraction_dropped():
    quantity = {"text": "3.1%", "value": 3.1, "unit": "", "si_value": 3.1, "si_unit": ""}
    assert figures.quantity_dimension(quantity) == figures.PERCENT


def test_it_leaves_ages_out():
    quantity = {"text": "42-year-old", "value": 42, "unit": "year", "si_unit": "year", "kind": "age"}
    assert figures.quantity_dimension(quantity) is None


@pytest.mark.parametrize(
    ("cell", "start", "end"),
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31)),
        (2023, date(2023, 1, 1), date(2023, 12, 31)),
        (2023.0, date(2023, 1, 1), date(2023, 12, 31)),
        ("2023-03", date(2023, 3, 1), date(2023, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-03-15", date(2023, 3, 15), date(2023, 3, 15)),
        ("Q4 2023", date(2023, 10, 1), date(2023, 12, 31)),
        ("2022/23", date(2022, 1, 1), date(2023, 12, 31)),
        ("2019-2021", date(2019, 1, 1), date(2021, 12, 31)),
        ("March 2023", date(2023, 3, 1), date(2023, 3, 31)),
        (date(2023, 5, 2), date(2023, 5, 2), date(2023, 5, 2)),
    ],
)
def test_it_reads_a_period_as_its_first_and_last_day(cell, start, end):
    assert figures.parse_period(cell) == (start, end)


@pytest.mark.parametrize("cell", ["", "soon", "2023-13", "2024-2019"])
def test_it_refuses_what_is_not_a_period(cell):
    assert figures.parse_period(cell) is None


def test_it_says_whether_periods_overlap():
    year = (date(2023, 1, 1), date(2023, 12, 31))
    assert figures.overlaps(year, (date(2023, 6, 1), date(2023, 6, 1)))
    assert not figures.overlaps(year, (date(2024, 1, 1), date(2024, 12, 31)))


def test_it_calls_a_figure_within_the_tolerance_consistent():
    comparison = figures.compare(claim_value=84.0, table_value=84.5, tolerance=0.05)
    assert comparison.hint == figures.CONSISTENT
    assert comparison.difference == pytest.approx(-0.5)
    assert comparison.relative_difference == pytest.approx(-0.5 / 84.5, abs=1e-6)


def test_it_calls_a_figure_past_the_tolerance_different():
    assert figures.compare(claim_value=3.9, table_value=3.0, tolerance=0.05).hint == figures.DIFFERS
    assert figures.compare(claim_value=3.2, table_value=3.0, tolerance=0.10).hint == figures.CONSISTENT


def test_it_takes_a_lower_bound_as_true_only_near_the_figure():
    near = figures.compare(claim_value=80.0, table_value=84.5, tolerance=0.05, qualifier="more than")
    far = figures.compare(claim_value=2.0, table_value=84.5, tolerance=0.05, qualifier="more than")
    wrong_way = figures.compare(claim_value=90.0, table_value=84.5, tolerance=0.05, qualifier="more than")
    assert (near.hint, far.hint, wrong_way.hint) == (figures.CONSISTENT, figures.DIFFERS, figures.DIFFERS)


def test_it_compares_with_a_zero_figure_without_a_relative_difference():
    assert figures.compare(claim_value=0.0, table_value=0.0, tolerance=0.05).hint == figures.CONSISTENT
    different = figures.compare(claim_value=1.0, table_value=0.0, tolerance=0.05)
    assert different.hint == figures.DIFFERS and different.relative_difference is None
