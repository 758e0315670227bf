"""Check-worthiness learned from public labels: a logistic model over the claim's embedding and cues.

The embedding stage already encodes every claim; this turns that vector, plus a few cues read
from the text alone (numbers, names, comparisons, attribution, hedges and opinion words, tense,
quotation, caption markers), into the probability that the claim is worth checking, and the cues
that pushed it most, in words. Pure Python and numpy: no second encoder pass, no spaCy, no Django.

`bench/train_checkworthiness.py` reproduces `checkworthiness_model.json` from the ClaimBuster
training split and our own labelled news texts. Without the file (or with a broken one) there is
no model: one log line says so, and claims keep the cue score extraction gave them.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from claims.extraction.captions import PHOTO_CREDIT

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("checkworthiness_model.json")
MODEL = "model"
CUES = "cues"
# A cue is named as a reason when it moves the log-odds by at least this much.
MIN_REASON_WEIGHT = 0.15
MAX_REASONS = 3
# Claim.reason's length.
REASON_LENGTH = 300
NO_REASON = "no specific, verifiable detail"

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_NUMBER = re.compile(
    r"\d|%|\$|£|€|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|"
    r"dozen|dozens|half|twice|double|doubled|triple|tripled|percent|per cent|quarter|third)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|january|february|march|april|june|july|august|september|october|"
    r"november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|"
    r"last (?:year|month|week)|this (?:year|month|week)|since|decade|century)\b",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|most|least|than|best|worst|highest|lowest|largest|biggest|smallest|"
    r"record|ever|first|increase[sd]?|decrease[sd]?|rose|risen|fell|fallen|cut|grew|grown|"
    r"higher|lower|larger|bigger|smaller|doubled|tripled|only)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|tells|according to|reported|reports|announced|estimated|confirmed|"
    r"stated|claimed|admitted|testified|found|showed|shows|revealed|figures|data|statistics|study|"
    r"survey|census|report)\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(?:hope|hoped|wish|feel|feels|felt|believe|believes|think|thinks|thought|love|loved|hate|"
    r"fear|afraid|sad|happy|proud|glad|sorry|excited|worried|terrible|amazing|wonderful|awful|"
    r"horrible|beautiful|great|incredible|unbelievable|shocking|brave|devastated|thrilled|"
    r"delighted|pray|dream|disgusting|outrageous|shameful|tragic|deserve|deserves|furious|angry|"
    r"scared|nightmare|disaster|upset|heartbroken|fantastic|excellent|awesome|shame|disgrace|"
    r"grateful|thankful|blessed|miracle|lucky|fair|unfair|good|bad|right|wrong|important|need|"
    r"needs|want|wants|wanted)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:may|might|could|perhaps|maybe|possibly|probably|should|must|would|seems?|likely|"
    r"hopefully|going to|will)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:I|I['\u2019]m|I['\u2019]ve|me|my|we|we['\u2019]re|us|our)\b")
_SECOND_PERSON = re.compile(r"\b(?:you|your|you['\u2019]re)\b", re.IGNORECASE)
_PAST = re.compile(r"\b(?:was|were|had|did|been|\w{3,}ed)\b", re.IGNORECASE)
_QUOTE_MARKS = re.compile(r"[\"“”]")
# A credit line (shared with extraction), or words that point at a picture.
_PICTURE_WORDS = re.compile(
    r"\b(?:pictured|in this photo|seen here|left to right|\(left\)|\(right\)|\(centre\)|\(center\))",
    re.IGNORECASE,
)
# What each cue says when present, for the editor.
CUE_WORDS = {
    "number": "a number or quantity",
    "date": "a date or time span",
    "named": "names a person, place or organisation",
    "named_action": "names someone and what they did",
    "comparison": "a comparison, change or superlative",
    "attribution": "attributed to a source",
    "opinion": "an opinion or feeling",
    "hedge": "speculation, advice or a prediction",
    "first_person": "a personal statement",
    "second_person": "addresses the reader",
    "question": "a question or exclamation",
    "past": "a reported past event",
    "quotation": "a quotation",
    "quoted_opinion": "a quoted opinion",
    "caption": "a picture caption or credit",
    "no_full_stop": "a headline or caption line",
    "short": "too short to check",
    "length": "a long, detailed sentence",
}
CUE_NAMES = tuple(CUE_WORDS)


def cue_features(text: str) -> dict[str, float]:
    """The cues of one claim's text, each 0..1 (`length` grows slowly with the word count)."""
    words = _WORD.findall(text)
    count = len(words)
    # Capitalised words after the first: names, mostly ("I" and sentence starts are not).
    names = [word for word in words[1:] if word[0].isupper() and word not in {"I", "I'm", "I\u2019m"}]
    quote_marks = len(_QUOTE_MARKS.findall(text))
    stripped = text.rstrip().rstrip("\"\u201d\u2019'")
    past = bool(_PAST.search(text))
    opinion = bool(_OPINION.search(text))
    quotation = quote_marks >= 2 or text.lstrip().startswith(("“", '"'))
    return {
        "number": float(bool(_NUMBER.search(text))),
        "date": float(bool(_DATE.search(text))),
        "named": min(1.0, len(names) / 3),
        "named_action": float(bool(names) and past),
        "comparison": float(bool(_COMPARISON.search(text))),
        "attribution": float(bool(_ATTRIBUTION.search(text))),
        "opinion": float(opinion),
        "hedge": float(bool(_HEDGE.search(text))),
        "first_person": float(bool(_FIRST_PERSON.search(text))),
        "second_person": float(bool(_SECOND_PERSON.search(text))),
        "question": float(stripped.endswith(("?", "!"))),
        "past": float(past),
        "quotation": float(quotation),
        "quoted_opinion": float(quotation and opinion),
        "caption": float(bool(PHOTO_CREDIT.search(text) or _PICTURE_WORDS.search(text))),
        "no_full_stop": float(not stripped.endswith((".", "?", "!", "…", ":", ";"))),
        "short": float(count < 6),
        "length": min(1.0, math.log1p(count) / math.log1p(60)),
    }


@dataclass(frozen=True)
class Model:
    version: int
    embedding_weights: np.ndarray  # one per embedding dimension
    cue_weights: dict[str, float]
    intercept: float
    embedding_mean: float  # the training claims' mean embedding term, to say when it pushed up or down
    cue_means: dict[str, float]

    def score(self, vector: np.ndarray, text: str) -> tuple[float, list[str]]:
        """The probability that the claim is worth checking, and the cues that moved it most, in words."""
        cues = cue_features(text)
        embedding_term = float(np.dot(self.embedding_weights, np.asarray(vector, dtype=np.float64)))
        cue_terms = {name: self.cue_weights.get(name, 0.0) * value for name, value in cues.items()}
        logit = self.intercept + embedding_term + sum(cue_terms.values())
        probability = 1 / (1 + math.exp(-max(-30.0, min(30.0, logit))))
        return round(probability, 3), self.reasons(cues, embedding_term, probability)

    def reasons(self, cues: dict[str, float], embedding_term: float, probability: float) -> list[str]:
        """The present cues that pushed the score the way it went, strongest first; then how the
        wording reads overall, when it mattered more than any cue."""
        direction = 1.0 if probability >= 0.5 else -1.0
        moves = {
            CUE_WORDS[name]: self.cue_weights.get(name, 0.0) * (value - self.cue_means.get(name, 0.0))
            for name, value in cues.items()
            if value > 0
        }
        wording = embedding_term - self.embedding_mean
        moves["reads like a factual statement" if wording > 0 else "reads like opinion or talk"] = wording
        chosen = sorted(
            (move * direction, words)
            for words, move in moves.items()
            if move * direction >= MIN_REASON_WEIGHT
        )
        return [words for _, words in reversed(chosen)][:MAX_REASONS]


def model_from(data: dict[str, Any]) -> Model:
    weights = np.asarray(data["embedding_weights"], dtype=np.float64)
    if weights.ndim != 1 or not len(weights):
        raise ValueError("embedding_weights must be a list of numbers")
    return Model(
        version=int(data["version"]),
        embedding_weights=weights,
        cue_weights={name: float(data["cue_weights"][name]) for name in CUE_NAMES},
        intercept=float(data["intercept"]),
        embedding_mean=float(data["embedding_mean"]),
        cue_means={name: float(data["cue_means"][name]) for name in CUE_NAMES},
    )


@lru_cache(maxsize=1)
def model() -> Model | None:
    """The shipped model, read once; None (and one warning) when the file is missing or broken."""
    try:
        return model_from(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        logger.warning(
            "Check-worthiness model %s cannot be used (%s): claims keep their cue scores.", MODEL_FILE, error
        )
        return None


def model_scores(vectors: np.ndarray | None, texts: list[str]) -> list[tuple[float, list[str]]] | None:
    """One (probability, reasons) per text, from its embedding row; None without vectors or model."""
    learned = model()
    if learned is None or vectors is None:
        return None
    if len(vectors) and vectors.shape[1] != len(learned.embedding_weights):
        logger.warning(
            "Check-worthiness model expects %d-d vectors: cue scores kept.", len(learned.embedding_weights)
        )
        return None
    return [learned.score(vector, text) for vector, text in zip(vectors, texts, strict=True)]


class Scorable(Protocol):
    """An extracted or a stored claim."""

    text: str
    checkworthiness: float
    checkworthiness_source: str
    reason: str
    reasons: list[str]


def score_claims(claims: Sequence[Scorable], vectors: np.ndarray | None) -> bool:
    """Give each claim the model's score and reasons from its embedding row (one per claim, in
    order); whether it did. Without vectors or model, the claims keep their cue scores."""
    scores = model_scores(vectors, [claim.text for claim in claims])
    if scores is None:
        return False
    for claim, (probability, reasons) in zip(claims, scores, strict=True):
        claim.checkworthiness = probability
        claim.reasons = reasons or [NO_REASON]
        claim.reason = "; ".join(claim.reasons)[:REASON_LENGTH]
        claim.checkworthiness_source = MODEL
    return True
