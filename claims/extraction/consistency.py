"""Stage 6 of extraction: facts within one article that cannot all be true.

Checks ages against birth years and against each other, "since YEAR … for N years" durations,
"N years ago" against an explicit year, and past events dated after publication. A finding is a
flag `{kind, message, related_quotes}` on every claim involved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

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
    explicit = [d for d in fact.dates if re.search(r"\b(1[5-9]\d\d|20\d\d)\b", d["text"])]
    findings = []
    for ago in relative:
        for stated in explicit:
            gap = abs(int(ago["date"][:4]) - int(stated["date"][:4]))
            if gap > 1:
                findings.append(
                    Finding(
                        "date_mismatch",
                        f"“{ago['text']}” points to {ago['date'][:4]}, but the claim also says "
                        f"{stated['text']}.",
                        [fact.index],
                    )
                )
    return findings


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
    start = date.fromisoformat(found["date"])
    if found["precision"] == "year":
        return start.year > published.year
    if found["precision"] == "month":
        return (start.year, start.month) > (published.year, published.month)
    if found["precision"] == "day":
        return start > published
    return False
