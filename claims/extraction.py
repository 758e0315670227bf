"""Article text to check-worthy claims.

The interface the rest of the product uses is `extract_claims(body, published_at=...)`,
returning `ExtractedClaim`s whose `start`/`end` always satisfy `body[start:end] == quote`.

This first version is sentence-level: each sentence of the article is one claim, found by
pysbd's rule-based segmenter and located back in the body so offsets are exact. The
atomic, self-contained pipeline replaces `split_claims` and `score_checkworthiness`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import pysbd


@dataclass
class ExtractedClaim:
    text: str
    quote: str
    start: int
    end: int
    checkworthiness: float = 0.0
    reason: str = ""
    quantities: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    # Index, in the returned list, of an earlier claim this one repeats (e.g. a photo caption).
    duplicate_of: int | None = None


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@lru_cache(maxsize=4)
def _segmenter(language: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=language, clean=False)


def paragraphs(body: str) -> list[Span]:
    """Lines are paragraphs: headlines and photo captions often carry no final full stop."""
    spans = []
    for match in re.finditer(r"[^\n]+", body):
        text = match.group()
        stripped = text.strip()
        if stripped:
            start = match.start() + (len(text) - len(text.lstrip()))
            spans.append(Span(start, start + len(stripped), stripped))
    return spans


def sentences(body: str, language: str = "en") -> list[Span]:
    """Sentences with exact offsets: each segment is found in the body after the previous one."""
    result = []
    for paragraph in paragraphs(body):
        cursor = paragraph.start
        for segment in _segmenter(language).segment(paragraph.text):
            segment = segment.strip()
            if not segment:
                continue
            start = body.find(segment, cursor, paragraph.end)
            if start < 0:  # the segmenter altered the text; fall back to the rest of the paragraph
                start = cursor
                segment = body[cursor : paragraph.end].strip()
                if not segment:
                    continue
                start = body.index(segment, cursor)
            end = start + len(segment)
            result.append(Span(start, end, segment))
            cursor = end
    return result


_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion)\b", re.I
)
_ATTRIBUTION = re.compile(r"\b(said|says|told|according to|reported|announced|estimated)\b", re.I)
_OPINION = re.compile(
    r"\b(I|we) (feel|hope|think|believe|wish)\b|\b(perhaps|maybe|wishful|speculation)\b", re.I
)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")


def score_checkworthiness(sentence: str) -> tuple[float, str]:
    """A transparent first heuristic: specific, verifiable details raise the score."""
    score = 0.2
    reasons = []
    if _NUMBER.search(sentence):
        score += 0.35
        reasons.append("contains a number or date")
    if _NAME.search(sentence):
        score += 0.2
        reasons.append("names a person, place or organisation")
    if _ATTRIBUTION.search(sentence):
        score += 0.1
        reasons.append("attributed statement")
    if len(sentence.split()) < 6:
        score -= 0.2
        reasons.append("too short to check")
    if _OPINION.search(sentence) or sentence.rstrip().endswith("?"):
        score -= 0.3
        reasons.append("opinion, hope or question")
    score = min(1.0, max(0.0, score))
    return round(score, 3), "; ".join(reasons) or "no specific, verifiable detail"


def extract_claims(
    body: str, *, published_at: datetime | None = None, language: str = "en"
) -> list[ExtractedClaim]:
    claims: list[ExtractedClaim] = []
    first_index: dict[str, int] = {}
    for span in sentences(body, language):
        score, reason = score_checkworthiness(span.text)
        claim = ExtractedClaim(
            text=span.text,
            quote=span.text,
            start=span.start,
            end=span.end,
            checkworthiness=score,
            reason=reason,
        )
        key = " ".join(span.text.lower().split())
        if key in first_index:
            claim.duplicate_of = first_index[key]
        else:
            first_index[key] = len(claims)
        claims.append(claim)
    return claims
