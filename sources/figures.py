"""Figures compared: the unit and period of a reference row, a claim's quantity in the same terms,
and the comparison with its hint. Plain Python; the quantities and dates come from the same
normaliser as claims' (`claims.extraction.normalisation`), so a row and a claim agree on units.

A unit has a *dimension*: `count` (people, homes, deaths…), `percent`, `percentage_point`,
`currency:USD` (and the other currencies the normaliser knows), or an SI unit (`kg`, `m`, `s`…).
A claim's figure is compared with a row only in the same dimension: a percentage with a
percentage, never with a change in percentage points; kilograms with any mass.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from claims.extraction import normalisation

COUNT = "count"
PERCENT = "percent"
PERCENTAGE_POINT = "percentage_point"
CURRENCY = "currency:"
CONSISTENT = "consistent"
DIFFERS = "differs"
NO_COMPARABLE_FIGURE = "no_comparable_figure"

# The SI units of the normaliser's physical quantities.
_MEASURES = frozenset({"kg", "m", "m²", "m³", "s", "K", "m/s", "J", "W"})
_CURRENCY_CODES = frozenset({"USD", "GBP", "EUR", "JPY", "INR"})
_CURRENCY_NAMES = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "us dollars": "USD",
    "£": "GBP", "gbp": "GBP", "pound sterling": "GBP", "pounds sterling": "GBP",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "¥": "JPY", "jpy": "JPY", "yen": "JPY", "₹": "INR", "inr": "INR", "rupees": "INR",
}  # fmt: skip
_SCALES = {
    "hundred": 1e2, "hundreds": 1e2, "thousand": 1e3, "thousands": 1e3, "'000": 1e3, "000s": 1e3,
    "million": 1e6, "millions": 1e6, "mn": 1e6, "billion": 1e9, "billions": 1e9, "bn": 1e9,
    "trillion": 1e12, "trillions": 1e12,
}  # fmt: skip
# "m" and "k" scale money only ("£m", "$k"): a bare "m" is metres.
_MONEY_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9}
_PERCENT_NAMES = frozenset({"%", "percent", "per cent", "percentage", "pct", "rate (%)"})
_POINT_NAMES = frozenset({"pp", "ppt", "pts", "percentage point", "percentage points", "points"})
# What a count may count. A table's unit outside every list is refused ("unknown unit"), so a typo
# in a unit column never turns a mass into a head count.
_COUNTED = frozenset({
    "count", "number", "people", "persons", "person", "inhabitants", "inhabitant", "residents",
    "resident", "individuals", "households", "household", "homes", "home", "houses", "dwellings",
    "jobs", "job", "workers", "employees", "deaths", "cases", "births", "vehicles", "cars", "units",
    "items", "pupils", "students", "patients", "beds", "visitors", "tourists", "passengers",
    "migrants", "refugees", "landmines", "mines", "doctors", "nurses", "teachers", "officers",
    "prisoners", "crimes", "offences", "arrests", "voters", "votes", "members", "schools", "hospitals",
    "animals", "trees", "flights",
})  # fmt: skip
UNITS_HELP = (
    "a count (people, households, homes, jobs, deaths, cases… or “count”), %, percentage points, "
    "a currency ($, USD, £, GBP, €, EUR, ¥, ₹) or a unit of measure (kg, tonnes, km, miles, hectares, "
    "litres, hours, years, °C, mph, MW…), optionally scaled (“thousand people”, “USD million”, “£bn”)"
)


@dataclass(frozen=True)
class Unit:
    """How a written unit turns a value into the normalised one: si = value * factor + offset."""

    dimension: str
    factor: float = 1.0
    offset: float = 0.0

    def normalise(self, value: float) -> float:
        return value * self.factor + self.offset

    def from_normalised(self, si_value: float) -> float:
        return (si_value - self.offset) / self.factor


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> Unit | None:
    """A table's unit cell → its Unit, None when unknown. Scales go before or after the unit."""
    words = " ".join(text.replace("(", " ").replace(")", " ").split()).lower()
    scale = 1.0
    for name, factor in sorted(_SCALES.items(), key=lambda item: -len(item[0])):
        pattern = rf"(?:^|\s){re.escape(name)}(?:\s+of)?(?=\s|$)"
        if re.search(pattern, words):
            scale, words = factor, re.sub(pattern, " ", words, count=1).strip()
            break
    money = re.fullmatch(
        r"([$£€¥₹]|usd|gbp|eur|jpy|inr)\s?(k|m|mn|bn)|(k|m|mn|bn)\s?([$£€¥₹]|usd|gbp|eur)", words
    )
    if money:  # "£m", "$bn", "USD m"
        scale = _MONEY_SCALES[money.group(2) or money.group(3)]
        words = money.group(1) or money.group(4)
    base = _base_unit(words)
    if base is None:
        return None
    return Unit(base.dimension, base.factor * scale, base.offset)


def _base_unit(words: str) -> Unit | None:
    if words in _PERCENT_NAMES:
        return Unit(PERCENT)
    if words in _POINT_NAMES:
        return Unit(PERCENTAGE_POINT)
    if words.upper() in _CURRENCY_CODES or words in _CURRENCY_NAMES:
        return Unit(CURRENCY + (_CURRENCY_NAMES.get(words) or words.upper()))
    if words == "" or words in _COUNTED:
        return Unit(COUNT)
    return _measure(words)


def _measure(words: str) -> Unit | None:
    """A unit of measure, read by the claims' normaliser: "kg", "square miles", "°C"."""
    zero = normalisation.parse_quantities(f"0 {words}")
    one = normalisation.parse_quantities(f"1 {words}")
    if len(one) != 1 or len(zero) != 1 or one[0]["text"].lower() != f"1 {words}":
        return None
    if one[0]["si_unit"] not in _MEASURES:
        return None
    offset = float(zero[0]["si_value"])
    return Unit(one[0]["si_unit"], float(one[0]["si_value"]) - offset, offset)


_PERCENT_TEXT = re.compile(r"%|\bper ?cent\b|\bpercentage points?\b", re.IGNORECASE)


def quantity_dimension(quantity: dict[str, Any]) -> str | None:
    """The dimension of a claim's quantity, as the normaliser stored it; None for an age, which no
    table of figures measures."""
    if quantity.get("kind") == "age":
        return None
    si_unit = quantity.get("si_unit") or ""
    if si_unit in _CURRENCY_CODES:
        return CURRENCY + si_unit
    text = str(quantity.get("text", ""))
    # Extraction may drop the unit of "3.1%" (it checks that a unit is a counted noun of the
    # claim), so the text decides as well.
    if quantity.get("unit") == "%" or _PERCENT_TEXT.search(text):
        # The normaliser reads "percentage points" as %; a change in points is not a level in %.
        return PERCENTAGE_POINT if re.search(r"\bpoints?\b", text, re.I) else PERCENT
    if si_unit in _MEASURES:
        return si_unit
    return COUNT


# ---------------------------------------------------------------- periods

_QUARTER = re.compile(r"^(?:q([1-4])\s*[-/ ]?\s*(\d{4})|(\d{4})\s*[-/ ]?\s*q([1-4]))$", re.I)
_YEAR_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*(?:[-\u2013/]|to)\s*(\d{2}|\d{4})$")


def parse_period(value: Any) -> tuple[date, date] | None:
    """A period cell → its first and last day: 2023, "2023-03", "2023-03-15", "Q1 2023",
    "2022-2023", "2022/23", "March 2023", "March 2019 to June 2020", or a spreadsheet date."""
    if isinstance(value, datetime):
        return value.date(), value.date()
    if isinstance(value, date):
        return value, value
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))
    text = str(value).strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
        return day, day
    except ValueError:
        pass
    return _calendar_period(text)


def _calendar_period(text: str) -> tuple[date, date] | None:
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1), date(int(text), 12, 31)
    month = _YEAR_MONTH.match(text)
    if month and 1 <= int(month.group(2)) <= 12:
        first = date(int(month.group(1)), int(month.group(2)), 1)
        return first, _month_end(first)
    quarter = _QUARTER.match(text)
    if quarter:
        number = int(quarter.group(1) or quarter.group(4))
        year = int(quarter.group(2) or quarter.group(3))
        first = date(year, 3 * number - 2, 1)
        return first, _month_end(date(year, 3 * number, 1))
    years = _YEAR_RANGE.match(text)
    if years:
        from_year, to_text = int(years.group(1)), years.group(2)
        to_year = int(to_text) if len(to_text) == 4 else from_year // 100 * 100 + int(to_text)
        return (date(from_year, 1, 1), date(to_year, 12, 31)) if to_year >= from_year else None
    found = normalisation.parse_dates(text, normalisation.DateContext(reference=None, year=None))
    if not found:
        return None
    intervals = [normalisation.interval(item) for item in found]
    return min(start for start, _ in intervals), max(end for _, end in intervals)


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def overlaps(one: tuple[date, date], other: tuple[date, date]) -> bool:
    return one[0] <= other[1] and other[0] <= one[1]


# ---------------------------------------------------------------- comparison

# "more than 2 million": true of any figure above; still compared within twice the tolerance, so
# that "more than 2 million" said of 84 million is not called consistent.
_LOWER_BOUNDS = frozenset({"more than", "over", "at least", "just over", "well over"})
_UPPER_BOUNDS = frozenset({"less than", "fewer than", "under", "at most", "up to", "just under"})


@dataclass(frozen=True)
class Comparison:
    claim_value: float
    difference: float
    relative_difference: float | None
    hint: str


def compare(*, claim_value: float, table_value: float, tolerance: float, qualifier: str = "") -> Comparison:
    """The claim's value (in the row's unit) against the table's, and the hint: `consistent` within
    `tolerance` (relative), else `differs`."""
    difference = claim_value - table_value
    relative = difference / abs(table_value) if table_value else None
    if relative is None:
        close = math.isclose(claim_value, table_value, abs_tol=1e-9)
    else:
        close = abs(relative) <= tolerance + 1e-9
        holds = (qualifier in _LOWER_BOUNDS and table_value >= claim_value) or (
            qualifier in _UPPER_BOUNDS and table_value <= claim_value
        )
        close = close or (holds and abs(relative) <= 2 * tolerance + 1e-9)
    return Comparison(
        claim_value=_rounded(claim_value),
        difference=_rounded(difference),
        relative_difference=None if relative is None else round(relative, 6),
        hint=CONSISTENT if close else DIFFERS,
    )


def number_text(value: float | None) -> str:
    """A figure as people read it: 68.2, 83,800,000, 0.45 (at most ten significant digits)."""
    return "" if value is None else f"{value:,.10g}"


def _rounded(value: float) -> float:
    return float(f"{value:.10g}")
