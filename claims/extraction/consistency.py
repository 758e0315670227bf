"""Stage 6 of extraction: facts within one article that cannot all be true.

Checks ages against birth years and against each other, "since YEAR … for N years" durations,
"N years ago" against an explicit year in the same claim, an event dated relative to publication
in one claim and by its year in another ("opened just over 13 years ago" … "opened in 2015"), and
past events dated after publication. Dates are compared as intervals (`normalisation.interval`):
two dates contradict each other only when their intervals do not overlap. A finding is a flag
`{kind, message, related_quotes}` on every claim involved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from claims.extraction import normalisation

_NAME = r"(?P<name>[A-Z][\w'\u2019-]+(?:\s+(?:[A-Z][\w'\u2019-]+|de|van|von|bin|al))*)"
_NOT_NAMES = {"The", "A", "An", "In", "On", "At", "But", "And", "When", "After", "Before", "Since", "Last"}
_AGE_PATTERNS = [
    re.compile(rf"{_NAME},\s+(?:aged\s+)?(?P<age>\d{{1,3}})(?:,|\s+(?:said|says|was|is|has|had)\b)"),
    re.compile(rf"(?P<age>\d{{1,3}})-year-old\s+(?:[a-z]+\s+){{0,2}}{_NAME}"),
    re.compile(rf"{_NAME},\s+an?\s+(?P<age>\d{{1,3}})-year-old\b"),
    re.compile(
        rf"{_NAME}\s+(?:is|was|turned|turns)\s+(?P<age>\d{{1,3}})(?:\s+years\s+old|\s*[,.;]|\s+when\b)"
    ),
    re.compile(rf"{_NAME}\s+(?:turned|turns)\s+(?P<age>\d{{1,3}})\b(?!\s*(?:%|per|years? ago))"),
]
_BORN = re.compile(
    rf"{_NAME}(?:,[^,]{{1,80}},)?\s+(?:was\s+)?born\s+(?:in|on)\s+[^.;]*?\b(?P<year>1[89]\d\d|20\d\d)\b"
)
_SINCE = re.compile(r"\bsince\s+(?:[A-Z][a-z]+\s+)?(?:\d{1,2},?\s+)?(?P<year>1[89]\d\d|20\d\d)\b")
_FOR_YEARS = re.compile(
    r"\bfor\s+(?:(?:more than|over|nearly|almost|about|some)\s+)?(?P<n>\d{1,3})\s+years\b"
)
_FUTURE_WORDS = re.compile(
    r"\b(will|would|plans?|planned|scheduled|expected|due|set to|intends?|aims?|by|until|next)\b", re.I
)


@dataclass
class ClaimFacts:
    index: int
    text: str
    quote: str
    dates: list[dict[str, Any]]
    quantities: list[dict[str, Any]]
    past_tense: bool


@dataclass
class Finding:
    kind: str
    message: str
    claims: list[int]


def check(
    facts: list[ClaimFacts],
    *,
    published: date | None,
    reference: date | None,
    full_name: Callable[[str], str],
) -> dict[int, list[dict[str, Any]]]:
    """Flags by claim index."""
    year = published.year if published else reference.year if reference else None
    findings = _age_findings(facts, year, full_name)
    findings += _duration_findings(facts, year)
    if published is not None:
        findings += _after_publication_findings(facts, published)
        findings += _event_date_findings(facts)
    flags: dict[int, list[dict[str, Any]]] = {}
    quotes = {fact.index: fact.quote for fact in facts}
    for finding in findings:
        for index in finding.claims:
            related = [quotes[other] for other in finding.claims if other != index]
            flag = {"kind": finding.kind, "message": finding.message, "related_quotes": related}
            if flag not in flags.setdefault(index, []):
                flags[index].append(flag)
    return flags


def _clean_name(name: str, full_name: Callable[[str], str]) -> str | None:
    words = name.split()
    while words and words[0] in _NOT_NAMES:
        words = words[1:]
    if not words:
        return None
    # "Health Minister Ana Ruiz" and "Ruiz" are the same person: the article's full name for the surname.
    known = full_name(words[-1])
    return known if known != words[-1] else " ".join(words)


def _age_findings(
    facts: list[ClaimFacts], year: int | None, full_name: Callable[[str], str]
) -> list[Finding]:
    ages: dict[str, list[tuple[int, int]]] = {}
    births: dict[str, list[tuple[int, int]]] = {}
    for fact in facts:
        for pattern in _AGE_PATTERNS:
            for match in pattern.finditer(fact.text):
                name = _clean_name(match["name"], full_name)
                if name and 0 < int(match["age"]) < 125:
                    ages.setdefault(name, []).append((int(match["age"]), fact.index))
        for match in _BORN.finditer(fact.text):
            name = _clean_name(match["name"], full_name)
            if name:
                births.setdefault(name, []).append((int(match["year"]), fact.index))
    findings = []
    for name, stated in ages.items():
        distinct = sorted({age for age, _ in stated})
        if len(distinct) > 1:
            findings.append(
                Finding(
                    "conflicting_ages",
                    f"{name} is given different ages in the article: {', '.join(map(str, distinct))}.",
                    sorted({index for _, index in stated}),
                )
            )
        if year is None:
            continue
        for born, born_index in births.get(name, []):
            for age, age_index in stated:
                if age not in {year - born - 1, year - born}:
                    findings.append(
                        Finding(
                            "age_birth_year_mismatch",
                            f"{name} is said to be {age}, but someone born in {born} would be "
                            f"{year - born - 1} or {year - born} in {year}.",
                            sorted({age_index, born_index}),
                        )
                    )
    return findings


def _duration_findings(facts: list[ClaimFacts], year: int | None) -> list[Finding]:
    findings = []
    for fact in facts:
        since, duration = _SINCE.search(fact.text), _FOR_YEARS.search(fact.text)
        if since and duration and year is not None:
            elapsed = year - int(since["year"])
            if abs(elapsed - int(duration["n"])) > 1:
                findings.append(
                    Finding(
                        "duration_mismatch",
                        f"From {since['year']} to {year} is {elapsed} years, not {duration['n']}.",
                        [fact.index],
                    )
                )
        findings += _ago_versus_year(fact)
    return findings


def _ago_versus_year(fact: ClaimFacts) -> list[Finding]:
    relative = [d for d in fact.dates if "ago" in d["text"].lower()]
    explicit = [d for d in fact.dates if normalisation.names_a_year(d)]
    return [
        Finding(
            "date_mismatch",
            f"“{ago['text']}” points to {_described(ago)}, but the claim also says {stated['text']}.",
            [fact.index],
        )
        for ago in relative
        for stated in explicit
        if not _overlap(ago, stated)
    ]


def _event_date_findings(facts: list[ClaimFacts]) -> list[Finding]:
    """One event dated from publication in one claim and by its year in another, the two apart."""
    by_event: dict[frozenset[str], list[ClaimFacts]] = {}
    for fact in facts:
        words = _event_words(fact)
        # a claim with two dates may tell of two events
        if len(fact.dates) == 1 and len(words) >= 2 and words & _ONCE_ONLY:
            by_event.setdefault(words, []).append(fact)
    return [
        _event_date_mismatch(relative, explicit)
        for same_event in by_event.values()
        for relative in same_event
        for explicit in same_event
        if normalisation.counted_from_reference(relative.dates[0])
        and normalisation.names_a_year(explicit.dates[0])
        and not _overlap(relative.dates[0], explicit.dates[0])
    ]


def _event_date_mismatch(relative: ClaimFacts, explicit: ClaimFacts) -> Finding:
    told, stated = relative.dates[0], explicit.dates[0]
    return Finding(
        "event_date_mismatch",
        f"“{told['text']}” dates this to {_described(told)}, but the article also dates it to "
        f"{stated['text']} ({_described(stated)}).",
        sorted({relative.index, explicit.index}),
    )


_FUNCTION_WORDS = {
    "a", "an", "the", "in", "on", "at", "of", "for", "to", "from", "by", "with", "as", "and", "or", "but",
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "it",
    "its", "this", "that", "these", "those", "there", "then", "than", "also", "which", "who", "whose",
}  # fmt: skip
# Events that happen once to what they happen to: prices rose last year and in 2019 without
# contradiction, but a plant opened only once. Stems, as `_stem` leaves them.
_ONCE_ONLY = {
    "born", "died", "die", "found", "open", "clos", "close", "launch", "establish", "built", "complet",
    "creat", "began", "begun", "start", "marri", "retir", "resign", "form", "inaugurat", "demolish",
    "abolish", "discover", "invent", "sign", "ratifi", "introduc", "collaps", "sank", "sunk", "crash",
    "explod", "kill", "murder", "shut", "merg", "acquir", "bought", "sold", "debut", "unveil", "elect",
    "appoint", "join", "left", "arriv", "releas", "publish", "approv", "enact", "end", "finish",
}  # fmt: skip


def _event_words(fact: ClaimFacts) -> frozenset[str]:
    """The claim's words besides its dates: claims with the same ones tell of the same event."""
    text = fact.text.lower()
    for found in fact.dates:
        text = text.replace(found["text"].lower(), " ")
    words = re.findall(r"[a-z][a-z'\u2019-]*", text)
    return frozenset(_stem(word) for word in words if word not in _FUNCTION_WORDS)


def _stem(word: str) -> str:
    """ "opened", "opens", "opening" → "open"."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _overlap(first: dict[str, Any], second: dict[str, Any]) -> bool:
    first_start, first_end = normalisation.interval(first)
    second_start, second_end = normalisation.interval(second)
    return first_start <= second_end and second_start <= first_end


def _described(found: dict[str, Any]) -> str:
    start, end = normalisation.interval(found)
    return start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"


def _after_publication_findings(facts: list[ClaimFacts], published: date) -> list[Finding]:
    findings = []
    for fact in facts:
        if not fact.past_tense or _FUTURE_WORDS.search(fact.text):
            continue
        for found in fact.dates:
            if _starts_after(found, published):
                findings.append(
                    Finding(
                        "date_after_publication",
                        f"The claim reports as past an event on {found['text']} ({found['date']}), "
                        f"after the article's publication on {published.isoformat()}.",
                        [fact.index],
                    )
                )
    return findings


def _starts_after(found: dict[str, Any], published: date) -> bool:
    return normalisation.interval(found)[0] > published
