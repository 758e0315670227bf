"""Stage 5 of extraction: quantities and dates in a claim, normalised so claims can be compared.

Quantities: `{text, value, unit, si_value, si_unit}` (+ `qualifier` such as "more than", and
`kind` "age" for a person's age). Dates: `{text, date, precision, start, end}`: `start` and
`end` bound, inclusive, the interval the expression names, as precise as the text ("March 2021" →
2021-03-01 to 2021-03-31; "just over 13 years ago" published 2024-06-01 → 2010-06-01 to
2011-06-01); `date` is `start`, and `precision` is "day", "week", "month", "season", "year",
"decade", or "approximate" for an interval counted back from the reference ("about five years ago").

quantulum3 was tried and dropped: it read "14 stone" as a bare 14, took 2.8 s on its first call
and its unit classifier does not load with the installed scikit-learn. The unit table below is
small, explicit English.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a dozen": 12, "dozen": 12, "a hundred": 100, "a thousand": 1000, "half": 0.5,
}  # fmt: skip
_SCALES = {
    "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "mn": 1_000_000, "m": 1_000_000, "k": 1_000,
}  # fmt: skip

# unit surface → (canonical unit, SI unit, factor to SI, offset to SI)
_UNITS: dict[str, tuple[str, str, float, float]] = {}


def _unit(names: str, unit: str, si_unit: str, factor: float, offset: float = 0.0) -> None:
    for name in names.split("|"):
        _UNITS[name] = (unit, si_unit, factor, offset)


_unit("kg|kgs|kilo|kilos|kilogram|kilograms|kilogramme|kilogrammes", "kg", "kg", 1)
_unit("g|gram|grams|gramme|grammes", "g", "kg", 0.001)
_unit("mg|milligram|milligrams", "mg", "kg", 1e-6)
_unit("tonne|tonnes|metric ton|metric tons", "t", "kg", 1000)
_unit("ton|tons", "ton", "kg", 907.18474)
_unit("lb|lbs|pound|pounds", "lb", "kg", 0.45359237)
_unit("oz|ounce|ounces", "oz", "kg", 0.028349523125)
_unit("stone|stones", "st", "kg", 6.35029318)
_unit("m|metre|metres|meter|meters", "m", "m", 1)
_unit("km|kilometre|kilometres|kilometer|kilometers", "km", "m", 1000)
_unit("cm|centimetre|centimetres|centimeter|centimeters", "cm", "m", 0.01)
_unit("mm|millimetre|millimetres|millimeter|millimeters", "mm", "m", 0.001)
_unit("mile|miles|mi", "mi", "m", 1609.344)
_unit("ft|foot|feet", "ft", "m", 0.3048)
_unit("inch|inches", "in", "m", 0.0254)
_unit("yard|yards|yd", "yd", "m", 0.9144)
_unit("sq km|square kilometres|square kilometers|km2|km²", "km²", "m²", 1e6)
_unit("hectare|hectares", "ha", "m²", 1e4)
_unit("acre|acres", "acre", "m²", 4046.8564224)
_unit("square miles|sq miles|square mile", "mi²", "m²", 2_589_988.110336)
_unit("litre|litres|liter|liters", "l", "m³", 0.001)
_unit("ml|millilitre|millilitres|milliliter|milliliters", "ml", "m³", 1e-6)
_unit("gallon|gallons", "gal", "m³", 0.003785411784)
_unit("second|seconds|sec|secs", "s", "s", 1)
_unit("minute|minutes|min|mins", "min", "s", 60)
_unit("hour|hours|hr|hrs", "h", "s", 3600)
_unit("day|days", "day", "s", 86400)
_unit("week|weeks", "week", "s", 604800)
_unit("month|months", "month", "s", 2_629_746)
_unit("year|years", "year", "s", 31_556_952)
_unit("decade|decades", "decade", "s", 315_569_520)
_unit("°c|ºc|c|degrees celsius|degrees c|celsius", "°C", "K", 1, 273.15)
_unit("°f|ºf|degrees fahrenheit|degrees f|fahrenheit", "°F", "K", 5 / 9, 459.67 * 5 / 9)
_unit("km/h|kph|kilometres per hour|kilometers per hour", "km/h", "m/s", 1 / 3.6)
_unit("mph|miles per hour", "mph", "m/s", 0.44704)
_unit("%|percent|per cent|percentage points", "%", "%", 1)
_unit("kwh", "kWh", "J", 3.6e6)
_unit("mw|megawatt|megawatts", "MW", "W", 1e6)
_unit("gw|gigawatt|gigawatts", "GW", "W", 1e9)
# The units above as claims carry them ("%", "m", "kg"): a measure, never a counted noun.
MEASURE_UNITS = frozenset(unit for unit, _, _, _ in _UNITS.values())

_CURRENCIES = {"$": "USD", "us$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pounds sterling": "GBP",
    "yen": "JPY", "rupees": "INR", "usd": "USD", "eur": "EUR", "gbp": "GBP",
}  # fmt: skip
_QUALIFIERS = (
    "more than|over|nearly|almost|about|around|at least|at most|up to|less than|fewer than|"
    "roughly|approximately|some|just over|just under|well over|close to|an estimated|under"
)
_WORD_NUMBER = "|".join(sorted((re.escape(word) for word in _SMALL), key=len, reverse=True))
_NUMBER = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?"
    rf"|(?:{_WORD_NUMBER})\b(?:[- ](?:{_WORD_NUMBER})\b)?)"
)
# "m" and "k" scale only money ("$5m"); after a bare number "5m" is five metres.
_SCALE = r"(?:(?:hundred|thousand|million|billion|trillion|bn|mn)\b|(?(currency)(?:m|k)\b|(?!)))"
_UNIT_NAMES = "|".join(sorted((re.escape(name) for name in _UNITS), key=len, reverse=True))
_CURRENCY_NAMES = "|".join(sorted((re.escape(name) for name in _CURRENCY_WORDS), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?<![\w.])(?:(?P<qualifier>{_QUALIFIERS})\s+)?"
    rf"(?P<currency>US\$|[$£€¥₹])?\s?(?<!\d[-\u2013])(?P<number>{_NUMBER})(?!\d)(?!,\d)(?![-\u2013]\d)"
    rf"(?!(?:st|nd|rd|th)\b)"
    rf"(?:\s?(?P<scale>{_SCALE}))?"
    rf"(?:(?P<age>-year-old)|\s?(?P<unit>{_UNIT_NAMES})(?![\w])"
    rf"(?:\s?(?P<number2>\d+(?:\.\d+)?)\s?(?P<unit2>in|inches|inch|lb|lbs|pounds)\b)?"
    rf"|\s(?P<currency_word>{_CURRENCY_NAMES})\b|\s(?P<noun>[a-z][a-z-]{{2,}}))?",
    re.IGNORECASE,
)
_NOT_COUNTED = {
    "of", "and", "or", "the", "a", "an", "to", "in", "on", "at", "for", "with", "by", "from", "as",
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "who", "which", "that", "than",
    "people's", "times", "per", "said", "says", "more", "other", "others", "years", "year",
}  # fmt: skip


def words_to_number(text: str) -> float | None:
    """ "three" → 3, "twenty-five" → 25, "2,500" → 2500, "1.85" → 1.85."""
    cleaned = text.lower().replace(",", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        pass
    if cleaned in _SMALL:
        return float(_SMALL[cleaned])
    parts = re.split(r"[- ]", cleaned)
    if all(part in _SMALL for part in parts):
        return float(sum(_SMALL[part] for part in parts))
    return None


def _round(value: float) -> float:
    return float(f"{value:.6g}")


def _span_overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)


def parse_quantities(text: str, *, skip: list[tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    """Every number in the text with its unit; numbers inside `skip` (dates) are left out."""
    results: list[dict[str, Any]] = []
    for match in _QUANTITY.finditer(text):
        if skip and _span_overlaps(match.start("number"), match.end("number"), skip):
            continue
        quantity = _quantity_from_match(match)
        if quantity is not None:
            results.append(quantity)
    return results


def _quantity_from_match(match: re.Match[str]) -> dict[str, Any] | None:
    number = words_to_number(match["number"])
    if number is None:
        return None
    scale_word = (match["scale"] or "").lower()
    unit_word = (match["unit"] or "").lower()
    if match["number"].lower() == "one" and not (
        scale_word or unit_word or match["currency"] or match["age"]
    ):
        return None  # "one defector said": a determiner, not a figure to check
    value = number * _SCALES.get(scale_word, 1)
    quantity: dict[str, Any] = {"text": match.group().strip(), "value": _round(value)}
    currency = _CURRENCIES.get((match["currency"] or "").lower()) or _CURRENCY_WORDS.get(
        (match["currency_word"] or "").lower()
    )
    if currency is None and unit_word in {"pounds", "pound"} and scale_word in {"million", "billion", "bn"}:
        currency = "GBP"  # "3 million pounds" is money, "180 pounds" a weight
    if currency:
        quantity["text"] = _text_until(match, "scale" if match["scale"] else "number")
        if match["currency_word"]:
            quantity["text"] = _text_until(match, "currency_word")
        quantity.update(unit=currency, si_value=quantity["value"], si_unit=currency)
    elif match["age"] or (unit_word in {"year", "years"} and match.string[match.end() :].startswith(" old")):
        quantity.update(unit="year", si_value=quantity["value"], si_unit="year", kind="age")
        if not match["age"]:
            quantity["text"] += " old"
    elif unit_word:
        _apply_unit(quantity, value, unit_word, match)
    else:
        noun = (match["noun"] or "").lower()
        if noun in _NOT_COUNTED or not noun:
            quantity["text"] = _text_until(match, "scale" if match["scale"] else "number")
            noun = ""
        unit = _singular(noun)
        quantity.update(unit=unit, si_value=quantity["value"], si_unit=unit)
    if match["qualifier"]:
        quantity["qualifier"] = match["qualifier"].lower()
    return quantity


def _text_until(match: re.Match[str], group: str) -> str:
    return match.group()[: match.end(group) - match.start()].strip()


def _apply_unit(quantity: dict[str, Any], value: float, unit_word: str, match: re.Match[str]) -> None:
    unit, si_unit, factor, offset = _UNITS[unit_word]
    si_value = value * factor + offset
    if match["number2"] and match["unit2"]:  # "6 ft 2 in", "14 st 3 lb"
        extra_unit = _UNITS["inch" if match["unit2"].lower() == "in" else match["unit2"].lower()]
        si_value += float(match["number2"]) * extra_unit[2]
        value = si_value / factor
    quantity.update(value=_round(value), unit=unit, si_value=_round(si_value), si_unit=si_unit)


def _singular(noun: str) -> str:
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "sses", "xes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith("ss") and len(noun) > 3:
        return noun[:-1]
    return noun


# ---------------------------------------------------------------- dates

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_HEDGE = (
    r"(?:just|nearly|almost|about|around|some|roughly|more than|over|less than|under|only|at least)"
    r"(?:\s+(?:over|under|more than|less than))?"
)
_HEDGES = re.compile(rf"^{_HEDGE}\s+", re.IGNORECASE)
_PREPOSITION = re.compile(r"^(?:in|on|since|by|from|until|during|of)\s+", re.IGNORECASE)
# "just over 13 years ago", "a year and a half ago", "13 years ago this month"
_AGO = re.compile(
    rf"(?:(?P<hedge>{_HEDGE})\s+)?(?P<count>half an?|a couple of|a few|an?|{_NUMBER})"
    r"(?P<half>\s+and\s+a\s+half)?\s+(?P<unit>day|week|month|year|decade|centur(?:y|ie))s?"
    r"(?P<half_after>\s+and\s+a\s+half)?\s+ago(?:\s+(?P<anchor>today|this\s+month))?",
    re.IGNORECASE,
)
# "the past decade", "the last year": the unit up to the reference ("last year" is the calendar year)
_TRAILING = re.compile(r"(?:the\s+(?:past|last)|past)\s+(week|month|year|decade)|last\s+(decade)", re.I)
_NAMED_MONTH = re.compile(rf"(last|this|next)\s+({_MONTHS})", re.IGNORECASE)
_MONTHS_IN_UNIT = {"month": 1, "year": 12, "decade": 120}
_SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASON = re.compile(
    r"(?:the\s+)?(?:(this|last|next)\s+)?(spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(\d{4}))?", re.I
)
_RANGE = re.compile(r"\s+(?:to|until|till|through|and)\s+|\s*[-\u2013]\s*(?=[A-Za-z]|\d{4})")
_LEADING_DURATION = re.compile(
    rf"^(?:{_NUMBER}\s+(?:days?|weeks?|months?|years?|hours?)\s+(?!ago\b|later\b|earlier\b|before\b|after\b|old\b)"
    r"|\d{1,3}\s+(?=(?:last|this|next|earlier|later)\b))",
    re.IGNORECASE,
)
_PART_OF = re.compile(r"^(?:the\s+)?(?:end|start|beginning|middle|turn|first half|second half)\s+of\s+", re.I)
_DECADE = re.compile(r"\b(?:the\s+)?(\d{3})0s\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d,.$£€])\b(1[5-9]\d\d|20\d\d)\b(?![\d,%]|\.\d)")
_EXPLICIT_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_RELATIVE = re.compile(r"\b(ago|last|next|this|yesterday|today|tomorrow|earlier|later|previous)\b", re.I)
_ANCHORED = re.compile(
    r"\b(?:ago|last|next|this|yesterday|today|tomorrow|earlier|later|previous|past|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
_DURATION_ONLY = re.compile(
    rf"^(?:the\s+)?(?:(?:past|last|first|next|{_QUALIFIERS})\s+)?{_NUMBER}\s+(?:days?|weeks?|months?|years?|decades?|hours?)"
    r"(?:\s+old)?$",
    re.IGNORECASE,
)
_DATE_WORD = re.compile(
    rf"\b(?:{_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|ago|yesterday|today|"
    r"tomorrow|(?:last|next|this|previous) (?:year|month|week|decade|spring|summer|autumn|fall|winter)|"
    r"1[5-9]\d\d|20\d\d|\d{3}0s)\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"^(?:on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$", re.I)
_MONTH_ONLY = re.compile(rf"^(?:in\s+)?(?:early|mid|late)?-?\s*({_MONTHS})\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class DateContext:
    """What relative and partial dates are resolved against."""

    # published_at, else the latest fully explicit date in the article; dates without a year are
    # the latest such date before it (news reports the recent past).
    reference: date | None
    # The year a "June 8" belongs to: the last year the article named before it. Used when the
    # reference is not the publication date.
    year: int | None
    from_publication: bool = False
    # A planned event ("the vote is scheduled for March 12") lies after the reference, not before.
    future: bool = False


@lru_cache(maxsize=16)
def _parser(base: date, future: bool = False) -> Any:
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "future" if future else "past",
        "PREFER_DAY_OF_MONTH": "first",
    }
    return DateDataParser(languages=["en"], settings=settings)


def parse_date(expression: str, context: DateContext) -> dict[str, Any] | None:
    """One date expression ("March 3, 2015", "June 8", "five years ago") → {text, date, precision,
    start, end}."""
    text = expression.strip()
    core = _HEDGES.sub("", text).strip()
    core = _PREPOSITION.sub("", core)
    core = re.sub(r"^(?:the\s+)?(?:early|mid|late)[- ]+", "", core, flags=re.IGNORECASE)
    core = _PART_OF.sub("", core)
    if not core:
        return None
    if _counted_back(text, core):
        return _from_reference(text, core, context.reference) if context.reference else None
    if _DURATION_ONLY.match(core) or not _DATE_WORD.search(core):
        return None
    season = _SEASON.fullmatch(core)
    if season:
        return _season(text, season, context)
    decade = _DECADE.search(core)
    if decade:
        first = date(int(decade.group(1) + "0"), 1, 1)
        return _dated(text, first, _end_of_period(first, "decade"), "decade")
    if re.fullmatch(r"(1[5-9]\d\d|20\d\d)", core):
        return parse_year(text, int(core))
    explicit_year = _EXPLICIT_YEAR.search(core)
    relative = bool(_RELATIVE.search(core)) or bool(_WEEKDAY.match(core))
    if relative and context.reference is None:
        return None
    if not explicit_year and not relative and context.year is None:
        return None
    return _parse_with_dateparser(text, core, context, explicit_year is not None, relative)


def parse_year(text: str, year: int) -> dict[str, Any]:
    """ "2015" → the whole year."""
    first = date(year, 1, 1)
    return _dated(text, first, _end_of_period(first, "year"), "year")


def _counted_back(text: str, core: str) -> bool:
    """Counted back from the reference ("13 years ago", "the past decade", "last March"): dateparser
    would round these to a calendar period or miss them."""
    ago = _AGO.fullmatch(_PREPOSITION.sub("", text))
    return bool(ago or _TRAILING.fullmatch(core) or _NAMED_MONTH.fullmatch(core))


def _from_reference(text: str, core: str, reference: date) -> dict[str, Any] | None:
    ago = _AGO.fullmatch(_PREPOSITION.sub("", text))
    if ago:
        try:
            return _ago(text, ago, reference)
        except (ValueError, OverflowError):  # "5,000 years ago": before the first day `date` knows
            return None
    trailing = _TRAILING.fullmatch(core)
    if trailing:  # "the past decade": from a decade before the reference up to it
        unit = (trailing.group(1) or trailing.group(2)).lower()
        return _dated(text, _before(reference, 1, unit), reference, unit)
    named_month = _NAMED_MONTH.fullmatch(core)
    return _named_month(text, named_month, reference) if named_month else None


def _ago(text: str, match: re.Match[str], reference: date) -> dict[str, Any] | None:
    counted = _count_and_unit(match)
    if counted is None:
        return None
    count, unit = counted
    if match["anchor"]:
        return _anniversary(text, match["anchor"].lower(), count, unit, reference)
    hedge = " ".join((match["hedge"] or "").lower().split())
    few = match["count"].lower() == "a few"  # two to five
    most, least = (5.0, 2.0) if few else _units_back(count, hedge, unit)
    start, end = _before(reference, most, unit), min(_before(reference, max(least, 0), unit), reference)
    if hedge in {"", "just", "only"} and unit in {"month", "year"} and count.is_integer():
        # "13 years ago" is also said, counting calendar years, of any day of 2011 in 2024
        first = _start_of_period(_before(reference, count, unit), unit)
        start, end = min(start, first), min(max(end, _end_of_period(first, unit)), reference)
    return _dated(text, start, end, "day" if start == end else "approximate")


def _count_and_unit(match: re.Match[str]) -> tuple[float, str] | None:
    """ "a year and a half" → (1.5, "year"); "half a decade" → (5, "year")."""
    unit = match["unit"].lower()
    count_text = match["count"].lower()
    count = _COUNT_WORDS.get(count_text) or words_to_number(count_text)
    if not count:
        return None
    count += 0.5 if match["half"] or match["half_after"] else 0
    if unit.startswith("centur"):  # "a century ago" is said of 95 to 105 years, not of 50 to 150
        unit, count = "decade", count * 10
    if count < 1 and unit in _SMALLER_UNIT:
        unit, times = _SMALLER_UNIT[unit]
        count *= times
    return count, unit


_COUNT_WORDS = {"a": 1.0, "an": 1.0, "a couple of": 2.0, "a few": 3.0, "half a": 0.5, "half an": 0.5}
_SMALLER_UNIT = {"decade": ("year", 10), "year": ("month", 12), "week": ("day", 7)}


def _units_back(count: float, hedge: str, unit: str) -> tuple[float, float]:
    """How many units back the event lies, at most and at least ("just over 13 years ago": 14, 13)."""
    if hedge.startswith("just") and hedge.endswith(("over", "more than")):
        return count + 1, count
    if hedge in {"nearly", "almost", "just under", "just less than"}:
        return count, count - 0.5
    if hedge in {"more than", "over", "at least"}:  # open-ended; twice the count is as far as it reaches
        return max(2 * count, count + 1), count
    if hedge in {"less than", "under"}:
        return count, 0
    if hedge in {"about", "around", "some", "roughly"}:
        return count + 1, count - 1
    if unit == "day" and count.is_integer():
        return count, count
    return count + 0.5, count - 0.5  # "13 years ago", rounded


def _anniversary(text: str, anchor: str, count: float, unit: str, reference: date) -> dict[str, Any] | None:
    """ "13 years ago today", "five years ago this month": that day, that month."""
    if unit != "year" or not count.is_integer():
        return None
    day = _before(reference, count, unit)
    if anchor == "today":
        return _dated(text, day, day, "day")
    first = date(day.year, day.month, 1)
    return _dated(text, first, _end_of_period(first, "month"), "month")


def _named_month(text: str, match: re.Match[str], reference: date) -> dict[str, Any]:
    """ "last March": the latest March before the reference's month; "next March", "this March"."""
    which, month = match.group(1).lower(), _MONTH_NUMBERS[match.group(2).lower()[:3]]
    year = reference.year
    if which == "last" and month >= reference.month:
        year -= 1
    elif which == "next" and month <= reference.month:
        year += 1
    first = date(year, month, 1)
    return _dated(text, first, _end_of_period(first, "month"), "month")


_MONTH_NUMBERS = {name[:3]: number for number, name in enumerate(_MONTHS.split("|")[:12], start=1)}


def _season(text: str, match: re.Match[str], context: DateContext) -> dict[str, Any] | None:
    """ "this summer", "last winter", "spring 2021" (northern-hemisphere seasons): three months."""
    which, name, year_text = (match.group(1) or "").lower(), match.group(2).lower(), match.group(3)
    month = _SEASON_MONTHS[name]
    if year_text:
        year = int(year_text)
    elif context.reference is None:
        return None
    else:
        now = context.reference
        if which == "this":
            year = now.year
        elif which == "last":  # the latest season of that name already over
            year = now.year if month + 3 <= now.month else now.year - 1
        elif which == "next":
            year = now.year if month > now.month else now.year + 1
        else:  # the latest one begun
            year = now.year if month <= now.month else now.year - 1
    first = date(year, month, 1)
    return _dated(text, first, _end_of_period(first, "season"), "season")


def parse_dates(expression: str, context: DateContext) -> list[dict[str, Any]]:
    """A date or a range of two ("March 2019 to June 2020"): every date the expression names."""
    # "11 days this year": the duration is a quantity, the date is "this year".
    expression = _LEADING_DURATION.sub("", expression.strip())
    single = parse_date(expression, context)
    if single is not None:
        return [single]
    parts = _RANGE.split(re.sub(r"^between\s+", "", expression.strip(), flags=re.IGNORECASE), maxsplit=1)
    if len(parts) != 2:
        return []
    first, second = (parse_date(part, context) for part in parts)
    if first is None or second is None:
        return []
    return [first, second]


def _parse_with_dateparser(
    text: str, core: str, context: DateContext, has_year: bool, relative: bool
) -> dict[str, Any] | None:
    base = context.reference or date(context.year or 2000, 12, 31)
    part = re.match(r"(earlier|later)\b", core, flags=re.IGNORECASE)
    core = _number_words_to_digits(core)
    core = re.sub(r"\bthis year\b", str(base.year), core, flags=re.IGNORECASE)
    core = re.sub(r"\b(earlier|later) (in\s+)?", "", core, flags=re.IGNORECASE)
    data = _parser(base, context.future).get_date_data(core)
    if data.date_obj is None:
        return None
    found: date = data.date_obj.date()
    precision = data.period or "day"
    weekday = _WEEKDAY.match(core)
    if weekday and context.reference and context.reference.strftime("%A").lower() == weekday.group(1).lower():
        found = context.reference  # "on Thursday" in an article published on a Thursday: that day
    if not context.from_publication and not has_year and not relative and context.year is not None:
        try:
            found = found.replace(year=context.year)
        except ValueError:  # February 29 in a non-leap context year
            return None
    if _MONTH_ONLY.match(core):
        precision = "month"
    found = _start_of_period(found, precision)
    end = _end_of_period(found, precision)
    if part and context.reference and found <= context.reference <= end:
        # "earlier this month": from the first of the month to the reference; "later this year": after it
        if part.group(1).lower() == "earlier":
            end = context.reference
        else:
            found = context.reference
    return _dated(text, found, end, precision)


def _dated(text: str, start: date, end: date, precision: str) -> dict[str, Any]:
    return {
        "text": text,
        "date": start.isoformat(),
        "precision": precision,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def interval(found: dict[str, Any]) -> tuple[date, date]:
    """First and last day a date dict allows; one stored before intervals has only date and precision."""
    if found.get("start") and found.get("end"):
        return date.fromisoformat(found["start"]), date.fromisoformat(found["end"])
    start = date.fromisoformat(found["date"])
    return start, _end_of_period(start, found.get("precision") or "day")


def names_a_year(found: dict[str, Any]) -> bool:
    """ "in 2015", "March 3, 2015", "the 1990s": a date that does not depend on when it was written."""
    return bool(_EXPLICIT_YEAR.search(found["text"]) or _DECADE.search(found["text"]))


def counted_from_reference(found: dict[str, Any]) -> bool:
    """ "13 years ago", "last Thursday", "earlier this month": a date that depends on when it was written."""
    return not names_a_year(found) and bool(_ANCHORED.search(found["text"]))


def _number_words_to_digits(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        number = words_to_number(match.group())
        return str(int(number)) if number is not None and number >= 1 else match.group()

    return re.sub(rf"\b(?:{_WORD_NUMBER})(?:-(?:{_WORD_NUMBER}))?\b", replace, text, flags=re.IGNORECASE)


def _start_of_period(day: date, precision: str) -> date:
    if precision == "year":
        return date(day.year, 1, 1)
    if precision == "month":
        return date(day.year, day.month, 1)
    if precision == "week":
        return day - timedelta(days=day.weekday())
    return day


def _end_of_period(start: date, precision: str) -> date:
    """The last day of the period that begins on `start`."""
    months = {"month": 1, "season": 3, "year": 12, "decade": 120}.get(precision)
    if months:
        return _add_months(start, months) - timedelta(days=1)
    return start + timedelta(days=6) if precision == "week" else start


def _add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), or the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _before(reference: date, count: float, unit: str) -> date:
    """The day `count` units (a fraction allowed) before the reference."""
    if unit in {"day", "week"}:
        return reference - timedelta(days=round(count * (7 if unit == "week" else 1)))
    months = count * _MONTHS_IN_UNIT[unit]
    whole = math.floor(months)
    return _add_months(reference, -whole) - timedelta(days=round((months - whole) * 30.44))


def bare_years(text: str) -> list[tuple[int, int]]:
    """Spans of four-digit years the named-entity tagger may have missed ("in 2019")."""
    return [match.span() for match in _YEAR.finditer(text)]
