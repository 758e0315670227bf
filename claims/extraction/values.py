"""Stage 6: the dates and quantities of one claim, resolved against the article's own dates."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Any

from spacy.tokens import Doc

from claims.extraction import normalisation
from claims.extraction.atoms import AtomicClaim


def claim_dates(doc: Doc, atom: AtomicClaim, context: normalisation.DateContext) -> list[dict[str, Any]]:
    """Stage 5a: DATE entities and bare years among the claim's words."""
    indexes = {token.i for token in atom.tokens}
    if not atom.past_tense and any(
        token.lower_ in _FUTURE_MARKERS or (token.lemma_ in _SCHEDULE_VERBS and token.tag_ in {"VBZ", "VBP"})
        for token in atom.tokens
    ):
        context = dataclasses.replace(context, future=True)
    found: list[dict[str, Any]] = []
    covered: list[tuple[int, int]] = []
    for entity in doc.ents:
        if entity.label_ in {"DATE", "TIME"} and any(token.i in indexes for token in entity):
            covered.append((entity.start_char, entity.end_char))
            found += normalisation.parse_dates(entity.text, context)
    text = doc.text
    for start, end in normalisation.bare_years(text):
        inside = any(start >= s and end <= e for s, e in covered)
        token = doc.char_span(start, end, alignment_mode="expand")
        if not inside and token is not None and token.root.i in indexes:
            found.append(normalisation.parse_year(text[start:end], int(text[start:end])))
    return found


_FUTURE_MARKERS = {"will", "scheduled", "due", "expected", "plans", "planned", "next", "upcoming", "'ll"}


# "Wimbledon begins on June 30": a present-tense schedule points forward.
_SCHEDULE_VERBS = {"begin", "start", "open", "close", "end", "run", "launch", "resume", "kick", "take"}


_AGE_AFTER_NAME = re.compile(r"[A-Z][\w'\u2019-]+,\s+(?:aged\s+)?(\d{1,3})\s*,")


_AGE_AFTER_VERB = re.compile(r"\b(?:turned|turns|aged)\s+(\d{1,3})\b")


def occurrences(part: str, text: str) -> list[tuple[int, int]]:
    """(start, end) of each occurrence of `part` in `text`, without overlaps."""
    spans = []
    start = text.find(part) if part else -1
    while start >= 0:
        spans.append((start, start + len(part)))
        start = text.find(part, start + len(part))
    return spans


def claim_quantities(atom: AtomicClaim, dates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stage 5b: quantities in the claim's own words, leaving out the numbers that are dates."""
    source = atom.source_text()
    skip = [span for found in dates for span in occurrences(found["text"], source)]
    skip += normalisation.bare_years(source)
    quantities = normalisation.parse_quantities(source, skip=skip)
    ages = {match.group(1) for match in _AGE_AFTER_NAME.finditer(source)}
    ages |= {match.group(1) for match in _AGE_AFTER_VERB.finditer(source)}
    nouns = {token.lower_ for token in atom.tokens if token.pos_ in {"NOUN", "PROPN"}}
    for quantity in quantities:
        counted = quantity["text"].rsplit(" ", 1)[-1].lower()
        counted_noun = (
            quantity["unit"] == quantity["si_unit"]
            and quantity["unit"] not in normalisation.MEASURE_UNITS
            and not quantity["unit"].isupper()
            and "kind" not in quantity
        )
        if quantity["unit"] and counted_noun and counted not in nouns:
            # "a family of five documents their journey": the next word is a verb, not what is counted
            quantity.update(text=quantity["text"].rsplit(" ", 1)[0], unit="", si_unit="")
        if not quantity["unit"] and quantity["text"] in ages:
            quantity.update(unit="year", si_unit="year", kind="age")
    return quantities


def latest_explicit_date(docs: list[Doc]) -> date | None:
    """The article's own latest full date ("March 3, 2015"), to resolve "two years ago" against."""
    latest = None
    empty = normalisation.DateContext(reference=None, year=None)
    for doc in docs:
        for entity in doc.ents:
            if entity.label_ == "DATE":
                parsed = normalisation.parse_date(entity.text, empty)
                if parsed and parsed["precision"] == "day":
                    day = date.fromisoformat(parsed["date"])
                    latest = day if latest is None or day > latest else latest
    return latest


def last_explicit_year(doc: Doc) -> int | None:
    text = doc.text
    years = [int(text[start:end]) for start, end in normalisation.bare_years(text)]
    return years[-1] if years else None
