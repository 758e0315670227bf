"""Stage 5 of extraction: quantities and dates in a claim, normalised so claims can be compared.

Quantities: `{text, value, unit, si_value, si_unit}` (+ `qualifier` such as "more than", and
`kind` "age" for a person's age). Dates: `{text, date, precision}` with `date` the ISO date of
the start of the period the expression names ("March 2021" → 2021-03-01, precision "month").

quantulum3 was tried and dropped: it read "14 stone" as a bare 14, took 2.8 s on its first call
and its unit classifier does not load with the installed scikit-learn. The unit table below is
small, explicit English.
"""

from __future__ import annotations

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
_HEDGES = re.compile(
    r"^(?:just|nearly|almost|about|around|some|roughly|more than|over|less than|under|only|at least)"
    r"(?:\s+(?:over|under|more than|less than))?\s+",
    re.IGNORECASE,
)
_SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASON = re.compile(r"(?:(this|last|next)\s+)?(spring|summer|autumn|fall|winter)(?:\s+(\d{4}))?", re.I)
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
    """One date expression ("March 3, 2015", "June 8", "five years ago") → {text, date, precision}."""
    text = expression.strip()
    core = _HEDGES.sub("", text).strip()
    core = re.sub(r"^(?:in|on|since|by|from|until|during|of)\s+", "", core, flags=re.IGNORECASE)
    core = re.sub(r"^(?:the\s+)?(?:early|mid|late)[- ]+", "", core, flags=re.IGNORECASE)
    core = _PART_OF.sub("", core)
    if not core or _DURATION_ONLY.match(core) or not _DATE_WORD.search(core):
        return None
    season = _SEASON.fullmatch(core)
    if season:
        return _season(text, season, context)
    decade = _DECADE.search(core)
    if decade:
        return {"text": text, "date": f"{decade.group(1)}0-01-01", "precision": "decade"}
    if re.fullmatch(r"(1[5-9]\d\d|20\d\d)", core):
        return {"text": text, "date": f"{core}-01-01", "precision": "year"}
    explicit_year = _EXPLICIT_YEAR.search(core)
    relative = bool(_RELATIVE.search(core)) or bool(_WEEKDAY.match(core))
    if relative and context.reference is None:
        return None
    if not explicit_year and not relative and context.year is None:
        return None
    return _parse_with_dateparser(text, core, context, explicit_year is not None, relative)


def _season(text: str, match: re.Match[str], context: DateContext) -> dict[str, Any] | None:
    """ "this summer", "last winter", "spring 2021" (northern-hemisphere seasons) → month precision."""
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
    return {"text": text, "date": date(year, month, 1).isoformat(), "precision": "season"}


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
    return {"text": text, "date": found.isoformat(), "precision": precision}


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


def bare_years(text: str) -> list[tuple[int, int]]:
    """Spans of four-digit years the named-entity tagger may have missed ("in 2019")."""
    return [match.span() for match in _YEAR.finditer(text)]
