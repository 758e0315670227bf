"""The checkable facts of a claim, for deciding whether two similar claims are the same claim.

Two claims are duplicates only if their numbers, dates, named entities and negation agree:
"fled five years ago" and "fled 15 years ago" read alike but are different claims. The
normalised quantities and dates from extraction are used where both claims have them; the
text itself is always parsed too, so claims without them (and free text) are compared alike.

A photo caption repeats a sentence with an aside ("(pictured)"), a clause dropped or a phrase
added: `facts_agree` reads past an aside on one side, `restates` sees the rest. Facts are parsed
once, when a claim is stored (`facts_to_json`, Claim.facts), and read back at search time.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS: dict[str, float] = {word: float(index) for index, word in enumerate(_UNITS)}
NUMBER_WORDS.update({word: float(20 + 10 * index) for index, word in enumerate(_TENS)})
NUMBER_WORDS.update({"a dozen": 12.0, "dozen": 12.0, "half": 0.5, "a hundred": 100.0})
SCALES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
RELATIVE_DAYS = {"yesterday", "today", "tomorrow", "tonight"}
NEGATIONS = {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
# "The company denied that it polluted the river" says the opposite of "The company polluted the
# river", in the same words.
DENIALS = {"deny", "denies", "denied", "denying"}
_RULED_OUT = re.compile(r"\brul(?:e|es|ed|ing) out\b", re.IGNORECASE)
# Capitalised for grammar or rank, not because they name someone or something.
NOT_ENTITIES = set(
    [
        "i",
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "you",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "in",
        "on",
        "at",
        "of",
        "for",
        "to",
        "from",
        "by",
        "with",
        "without",
        "after",
        "before",
        "during",
        "since",
        "until",
        "as",
        "and",
        "but",
        "or",
        "so",
        "if",
        "when",
        "while",
        "where",
        "who",
        "what",
        "which",
        "how",
        "why",
        "because",
        "although",
        "though",
        "however",
        "according",
        "more",
        "most",
        "some",
        "many",
        "much",
        "few",
        "all",
        "both",
        "each",
        "every",
        "any",
        "no",
        "not",
        "never",
        "also",
        "only",
        "even",
        "just",
        "still",
        "yet",
        "then",
        "now",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sir",
        "dame",
        "president",
        "minister",
        "senator",
        "governor",
        "mayor",
        "chancellor",
        "secretary",
        "general",
        "judge",
        "officer",
        "doctor",
        "professor",
        "chief",
        "director",
        "ceo",
        "chairman",
        "chairwoman",
        "lady",
        "lord",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        *MONTHS,
    ]
)

APOSTROPHES = "'\u2019"
# A change said to go one way or the other: "rose 15%" and "fell 15%" are different claims.
UPWARD = frozenset(
    [
        "rose",
        "rise",
        "rises",
        "rising",
        "risen",
        "increased",
        "increase",
        "increases",
        "increasing",
        "grew",
        "grow",
        "grows",
        "growing",
        "gained",
        "climbed",
        "jumped",
        "soared",
        "surged",
        "doubled",
        "tripled",
        "higher",
        "more",
    ]
)
DOWNWARD = frozenset(
    [
        "fell",
        "fall",
        "falls",
        "falling",
        "fallen",
        "decreased",
        "decrease",
        "decreases",
        "decreasing",
        "declined",
        "decline",
        "declines",
        "dropped",
        "drop",
        "drops",
        "shrank",
        "shrunk",
        "plunged",
        "halved",
        "lower",
        "less",
        "fewer",
    ]
)

_APOSTROPHE = re.compile(f"[{APOSTROPHES}]")
_SPELLED_NUMBER_WORDS = frozenset(word for key in NUMBER_WORDS for word in key.split() if word != "a")
# Between two words of one name: spaces, an initial's full stop, a hyphen.
_NAME_GAP = re.compile(r"[\s.\-]*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?:;])\s+|\n+|[\"\u201c\u201d]")
_WORD = re.compile(rf"[^\W_]+(?:[{APOSTROPHES}][^\W_]+)?")
_DIGITS = re.compile(
    r"(?<![\w.])(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?"
    r"(?:\s*(?P<scale>hundred|thousand|million|billion|trillion|bn|mn|tn|k|m|b)\b)?"
)
_NUMBER_WORD_RUN = re.compile(
    r"\b(?:a\s+dozen|a\s+hundred|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")(?:[\s-]+(?:and\s+)?(?:"
    + "|".join([*sorted(NUMBER_WORDS, key=len, reverse=True), *SCALES])
    + r")\b)*",
    re.IGNORECASE,
)
_RELATIVE_PERIOD = re.compile(r"\b(last|next|this|past)\s+(week|month|year|decade|century)\b", re.IGNORECASE)
# A parenthesis and the space before it: "Soyeon Lee (pictured) said ..." -> "Soyeon Lee said ...".
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
# Words that carry no content of their own: a caption that says "via" where the body says
# "through", or drops an "also", restates the same claim.
FUNCTION_WORDS = frozenset(
    [
        *("a", "an", "the", "this", "that", "these", "those", "some", "also", "then", "here", "there"),
        *("of", "in", "on", "at", "to", "for", "from", "by", "with", "via", "through", "into", "onto"),
        *("as", "and", "or", "but", "so", "who", "whom", "whose", "which", "where", "when", "while"),
        *("it", "its", "he", "she", "they", "him", "her", "his", "them", "their", "we", "us", "our"),
        *("is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did"),
    ]
)


@dataclass(frozen=True)
class Facts:
    numbers: frozenset[float]
    dates: frozenset[str]
    entities: frozenset[frozenset[str]]
    words: frozenset[str]
    negated: bool
    direction: str = ""
    structured_numbers: frozenset[float] | None = None
    structured_dates: frozenset[str] | None = None
    # The facts of the text outside its parentheses, when it has any: a photo caption repeats a
    # sentence with an aside, "(pictured)" or "(pictured here with Pastor Kim)".
    outside_parentheses: Facts | None = None


def words_of(text: str) -> list[str]:
    return [word.lower().replace("\u2019", "'") for word in _WORD.findall(text)]


def token_count(text: str) -> int:
    return len(_WORD.findall(text))


def _round(value: float) -> float:
    return float(f"{value:.6g}")


def _words_value(run: str) -> float | None:
    """ "twenty-five" -> 25, "three million" -> 3e6, "two hundred and forty" -> 240."""
    total, current = 0.0, 0.0
    seen = False
    for word in re.split(r"[\s-]+", run.lower()):
        if word in {"and", "a"}:
            continue
        if word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
            seen = True
        elif word == "dozen":
            current = (current or 1) * 12
            seen = True
        elif word in SCALES and seen:
            scale = SCALES[word]
            if scale == 100:
                current *= scale
            else:
                total += current * scale
                current = 0.0
    return _round(total + current) if seen else None


def numbers_in(text: str) -> set[float]:
    numbers: set[float] = set()
    for match in _DIGITS.finditer(text):
        value = float(
            match["number"].replace(",", "") + ("." + match["fraction"] if match["fraction"] else "")
        )
        scale = (match["scale"] or "").lower()
        # A lone "m"/"b" after a number is a unit only in money-like contexts; "5 m" may be metres.
        if scale in {"m", "b"} and text[max(0, match.start() - 1) : match.start()].strip() not in {
            "$",
            "£",
            "€",
        }:
            scale = ""
        numbers.add(_round(value * SCALES.get(scale, 1.0)))
    if not _SPELLED_NUMBER_WORDS.intersection(words_of(text)):
        return numbers  # the word pattern is slow; most claims spell no number
    for match in _NUMBER_WORD_RUN.finditer(text):
        spelled = _words_value(match.group())
        if spelled is not None:
            numbers.add(spelled)
    return numbers


def dates_in(text: str, words: Iterable[str]) -> set[str]:
    found = {word for word in words if word in WEEKDAYS or word in RELATIVE_DAYS}
    found.update(_month_name(word) for word in words if word in MONTHS and word != "may")
    # "may" is a month only next to a number: "May 3", "3 May", "May 2020".
    if re.search(r"\bMay\s+\d|\d\s+May\b", text):
        found.add("may")
    found.update(f"{when.lower()} {unit.lower()}" for when, unit in _RELATIVE_PERIOD.findall(text))
    return found


def _month_name(word: str) -> str:
    for month in MONTHS[:12]:
        if month.startswith(word):
            return month
    return word


def entity_chunks(text: str) -> list[frozenset[str]]:
    """Names as runs of capitalised words ("Dr Maria Lopez" -> {"maria", "lopez"}), lower-cased,
    skipping a sentence's first word unless a name follows it."""
    chunks: list[frozenset[str]] = []
    for sentence in _SENTENCE_BREAK.split(text):
        matches = list(_WORD.finditer(sentence))
        tokens = [match.group() for match in matches]
        current: list[str] = []
        for index, token in enumerate(tokens):
            # "Photo: Maria Lopez / City Press": a slash or comma ends a name.
            if current and not _NAME_GAP.fullmatch(
                sentence[matches[index - 1].end() : matches[index].start()]
            ):
                chunks.append(frozenset(current))
                current = []
            lowered = _APOSTROPHE.split(token.lower(), maxsplit=1)[0]
            next_is_name = index + 1 < len(tokens) and tokens[index + 1][0].isupper()
            is_name = token[0].isupper() and lowered not in NOT_ENTITIES and not lowered.isdigit()
            if is_name and (index > 0 or next_is_name):
                current.append(lowered)
            elif current:
                chunks.append(frozenset(current))
                current = []
        if current:
            chunks.append(frozenset(current))
    return chunks


def entities_in(text: str) -> set[str]:
    """Lower-cased words of the names in a text."""
    return {word for chunk in entity_chunks(text) for word in chunk}


def _structured_numbers(quantities: Iterable[Mapping[str, Any]]) -> frozenset[float]:
    values = set()
    for quantity in quantities:
        if not isinstance(quantity, Mapping):
            continue
        value = quantity.get("si_value", quantity.get("value"))
        if isinstance(value, int | float):
            values.add(_round(float(value)))
    return frozenset(values)


def _structured_dates(dates: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Each date as "start/end" (ISO, inclusive): "five years ago" in two articles published days
    apart are overlapping intervals, not two different days. Dates stored before intervals had
    only `date` and `precision`: the period they name is rebuilt from those."""
    found = set()
    for item in dates:
        if not isinstance(item, Mapping) or not item.get("date"):
            continue
        start = str(item.get("start") or item["date"])
        end = str(item.get("end") or _period_end(start, str(item.get("precision", "day"))))
        found.add(f"{start}/{end}")
    return frozenset(found)


def _period_end(start: str, precision: str) -> str:
    year, month = start[:4], start[5:7]
    if precision == "year":
        return f"{year}-12-31"
    if precision == "decade":
        return f"{int(year) + 9}-12-31"
    if precision == "month":
        return f"{year}-{month}-{calendar.monthrange(int(year), int(month))[1]:02d}"
    return start


def _dates_agree(first: frozenset[str], second: frozenset[str]) -> bool:
    """As many dates on each side, each overlapping one on the other side."""

    def overlaps(one: str, other: str) -> bool:
        (start, end), (other_start, other_end) = one.split("/"), other.split("/")
        return start <= other_end and other_start <= end

    return (
        len(first) == len(second)
        and all(any(overlaps(a, b) for b in second) for a in first)
        and all(any(overlaps(b, a) for a in first) for b in second)
    )


def facts_of(
    text: str,
    *,
    quantities: Iterable[Mapping[str, Any]] | None = None,
    dates: Iterable[Mapping[str, Any]] | None = None,
) -> Facts:
    quantities, dates = list(quantities or []), list(dates or [])
    outside = _PARENTHESES.sub("", text)
    return replace(
        _text_facts(text),
        structured_numbers=_structured_numbers(quantities) if quantities else None,
        structured_dates=_structured_dates(dates) if dates else None,
        # Extraction's quantities and dates are not tied to places in the text: outside the
        # parentheses, the numbers and dates read from the text are compared alone.
        outside_parentheses=_text_facts(outside) if outside != text else None,
    )


def _text_facts(text: str) -> Facts:
    words = words_of(text)
    word_set = frozenset(words)
    return Facts(
        numbers=frozenset(numbers_in(text)),
        dates=frozenset(dates_in(text, words)),
        entities=frozenset(entity_chunks(text)),
        words=word_set,
        negated=bool(word_set & (NEGATIONS | DENIALS))
        or any(word.endswith("n't") for word in words)
        or bool(_RULED_OUT.search(text)),
        direction=_direction(word_set),
    )


def _direction(words: frozenset[str]) -> str:
    up, down = bool(words & UPWARD), bool(words & DOWNWARD)
    return "up" if up and not down else "down" if down and not up else ""


def facts_agree(first: Facts, second: Facts, *, second_may_add_names: bool = False) -> bool:
    """Whether two claims state the same numbers, dates, names, polarity and direction of change.

    A parenthesis only one side has is an aside ("(pictured)", "(pictured here with Pastor Kim)"):
    the two also agree when that side agrees without it. Only one side at a time: "the bridge
    (built in 1932)" and "the bridge (built in 1952)" still differ. `second_may_add_names`:
    names only `second` has are no disagreement (see `restates`)."""
    add = second_may_add_names
    return (
        _agree(first, second, add)
        or (first.outside_parentheses is not None and _agree(first.outside_parentheses, second, add))
        or (second.outside_parentheses is not None and _agree(first, second.outside_parentheses, add))
    )


def _agree(first: Facts, second: Facts, second_may_add_names: bool) -> bool:
    if first.negated != second.negated:
        return False
    if first.direction and second.direction and first.direction != second.direction:
        return False
    if first.numbers != second.numbers or first.dates != second.dates:
        return False
    numbers, dates = (
        (first.structured_numbers, second.structured_numbers),
        (first.structured_dates, second.structured_dates),
    )
    if numbers[0] is not None and numbers[1] is not None and numbers[0] != numbers[1]:
        return False
    if dates[0] is not None and dates[1] is not None and not _dates_agree(dates[0], dates[1]):
        return False
    return _names_agree(first, second) and (second_may_add_names or _names_agree(second, first))


def _names_agree(first: Facts, second: Facts) -> bool:
    """Each name of `first` appears on the other side, if only in part ("Dr Maria Lopez" /
    "Lopez"): a name swapped for another, or a person only one side mentions, is a different
    claim. So is a name sharing a word with one on the other side but differing in another
    ("Maria Santos" / "Ana Santos", "South Korea" / "North Korea"), unless the other side also
    names it compatibly (one name's words within the other's)."""
    for name in first.entities:
        if name.isdisjoint(second.words):
            return False
        overlapping = [other for other in second.entities if _shared(name, other)]
        if overlapping and not any(_one_within_other(name, other) for other in overlapping):
            return False
    return True


def _same_name_word(word: str, other: str) -> bool:
    # "Korea" / "Korean", "Roh" / "Rohs": the same name in another form.
    shorter, longer = sorted((word, other), key=len)
    return longer.startswith(shorter) and (len(shorter) >= 4 or shorter == longer)


def _shared(name: frozenset[str], other: frozenset[str]) -> bool:
    return any(_same_name_word(word, word_other) for word in name for word_other in other)


def _one_within_other(name: frozenset[str], other: frozenset[str]) -> bool:
    def within(words: frozenset[str], of: frozenset[str]) -> bool:
        return all(any(_same_name_word(word, word_of) for word_of in of) for word in words)

    return within(name, other) or within(other, name)


def content_words(facts: Facts) -> frozenset[str]:
    """The words that carry the meaning, outside parentheses: no function words, no "'s"."""
    words = (facts.outside_parentheses or facts).words
    return frozenset(word.removesuffix("'s") for word in words) - FUNCTION_WORDS


def restates(part: Facts, whole: Facts) -> bool:
    """Whether `whole` says what `part` says in the same words, and perhaps more: a caption
    that drops a clause of the body's sentence, or repeats it with a phrase added ("..., see
    picture above", "also featured in the film"). The numbers, dates, polarity and direction
    must still agree, and every name of `part` must be in `whole`; the words `part` drops may
    name a place or a person ("... before he escaped across the Tumen River"), not a number
    or a date."""
    return content_words(part) <= content_words(whole) and facts_agree(part, whole, second_may_add_names=True)


# Stored facts (Claim.facts) older than this are parsed again from the text: bump it whenever
# facts_of may find other facts in the same text, or facts_to_json writes another shape.
FACTS_VERSION = 1


def facts_to_json(facts: Facts) -> dict[str, Any]:
    """The facts as JSON, to be stored with the claim: read back by facts_from_json, equal."""
    return {"version": FACTS_VERSION, **_facts_json(facts)}


def _facts_json(facts: Facts) -> dict[str, Any]:
    def optional(values: frozenset[Any] | None) -> list[Any] | None:
        return None if values is None else sorted(values)

    return {
        "numbers": sorted(facts.numbers),
        "dates": sorted(facts.dates),
        "entities": sorted(sorted(name) for name in facts.entities),
        "words": sorted(facts.words),
        "negated": facts.negated,
        "direction": facts.direction,
        "structured_numbers": optional(facts.structured_numbers),
        "structured_dates": optional(facts.structured_dates),
        "outside_parentheses": None
        if facts.outside_parentheses is None
        else _facts_json(facts.outside_parentheses),
    }


def facts_from_json(data: Mapping[str, Any]) -> Facts:
    structured_numbers, structured_dates = data["structured_numbers"], data["structured_dates"]
    outside = data["outside_parentheses"]
    return Facts(
        # JSON may give back 1e16 as an integer: the same number, but Facts hold floats.
        numbers=frozenset(float(number) for number in data["numbers"]),
        dates=frozenset(data["dates"]),
        entities=frozenset(frozenset(name) for name in data["entities"]),
        words=frozenset(data["words"]),
        negated=data["negated"],
        direction=data["direction"],
        structured_numbers=None
        if structured_numbers is None
        else frozenset(float(number) for number in structured_numbers),
        structured_dates=None if structured_dates is None else frozenset(structured_dates),
        outside_parentheses=None if outside is None else facts_from_json(outside),
    )
