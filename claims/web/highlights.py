"""The article body cut into segments for highlighting claims at their offsets.

Atomic claims may share or overlap spans, so the body is split at every claim boundary; each
segment lists every claim covering it (outermost first) and the template nests one element per
claim around it. Every claim thus keeps its own `data-claim-id` elements, and a tag after its
last character names it in text, so colour is never the only signal.

A claim's rewrites point into the same body: the panel lists them with their offsets, and the
page's script highlights the mention each one names.
"""

import itertools
from dataclasses import dataclass, field

from claims.models import Claim, Verdict


@dataclass(frozen=True)
class Mark:
    claim: Claim
    number: int
    tone: str
    label: str
    low: bool


@dataclass
class Segment:
    text: str
    marks: list[Mark] = field(default_factory=list)
    tags: list[Mark] = field(default_factory=list)


def claim_tone(claim: Claim, verdict: Verdict | None) -> str:
    """A CSS class: the published rating if there is one, else the claim's status."""
    if verdict is not None and verdict.state == Verdict.State.PUBLISHED:
        return f"rating-{verdict.rating}"
    return f"status-{claim.status}"


def claim_label(claim: Claim, verdict: Verdict | None) -> str:
    label = claim.get_status_display()
    if verdict is None:
        return label
    if verdict.state == Verdict.State.PUBLISHED:
        return f"{label} · {verdict.get_rating_display()}"
    return f"{label} · verdict {verdict.get_state_display().lower()}"


def marks_for(claims: list[Claim], verdicts: dict[int, Verdict], threshold: float) -> list[Mark]:
    return [
        Mark(
            claim=claim,
            number=number,
            tone=claim_tone(claim, verdicts.get(claim.pk)),
            label=claim_label(claim, verdicts.get(claim.pk)),
            low=claim.checkworthiness < threshold,
        )
        for number, claim in enumerate(claims, start=1)
    ]


@dataclass(frozen=True)
class RewriteShown:
    """One rewrite of a claim as its panel lists it: its position, words and the mention it names."""

    index: int
    original: str
    replacement: str
    start: int
    end: int
    antecedent: str
    antecedent_start: int
    antecedent_end: int


def rewrites_shown(claim: Claim) -> list[RewriteShown]:
    body = claim.article.body
    return [
        RewriteShown(
            index=index,
            original=rewrite["original"],
            replacement=rewrite["replacement"],
            start=rewrite["start"],
            end=rewrite["end"],
            antecedent=body[rewrite["antecedent_start"] : rewrite["antecedent_end"]],
            antecedent_start=rewrite["antecedent_start"],
            antecedent_end=rewrite["antecedent_end"],
        )
        for index, rewrite in enumerate(claim.rewrites)
    ]


def segments(body: str, marks: list[Mark]) -> list[Segment]:
    spans = [mark for mark in marks if 0 <= mark.claim.start < mark.claim.end <= len(body)]
    cuts = sorted({0, len(body)} | {m.claim.start for m in spans} | {m.claim.end for m in spans})
    result: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        covering = [m for m in spans if m.claim.start <= start and end <= m.claim.end]
        covering.sort(key=lambda m: (m.claim.start, -m.claim.end, m.number))
        ending = [m for m in spans if m.claim.end == end]
        result.append(Segment(text=body[start:end], marks=covering, tags=ending))
    return result
