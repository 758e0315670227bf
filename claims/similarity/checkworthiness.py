"""Check-worthiness learned from public labels: a small stack over the claim's embedding, words and cues.

The embedding stage already encodes every claim; this turns that vector, plus a few cues read
from the text alone (numbers, names, comparisons, attribution, hedges and opinion words, tense,
quotation, caption markers), into the probability that the claim is worth checking, and the cues
that pushed it most, in words. Pure Python and numpy: no second encoder pass, no spaCy, no Django.

Three models each give log-odds, and a last logistic layer (fit on their out-of-fold predictions,
so it also calibrates) weighs them: a logistic regression over the embedding and the cues (whose
cue terms are the reasons), a logistic regression over TF-IDF word unigrams and bigrams (`terms`),
and a small neural network (one ReLU layer, a few seeds averaged) over the embedding and the cues.

`bench/train_checkworthiness.py` reproduces `checkworthiness_model.json` from the ClaimBuster
training split and our own labelled news texts. Without the file (or with a broken one) there is
no model: one log line says so, and claims keep the cue score extraction gave them.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import re
from collections import Counter
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
# Cues whose words speak against checking. A cue is named only when it pushed the way its words
# say: a clause without a full stop is not "a headline" for scoring high, nor a short caption "a
# long, detailed sentence" for scoring low.
LOWERING_CUES = frozenset(
    {
        "opinion",
        "hedge",
        "first_person",
        "second_person",
        "question",
        "quotation",
        "quoted_opinion",
        "caption",
        "no_full_stop",
        "short",
    }
)


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


_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def terms(text: str) -> list[str]:
    """The words of a text for the TF-IDF model, then its bigrams: lower case, curly apostrophes
    straight, and every token starting with a digit read as "0" (a figure is a figure, whichever).
    Training hands this very function to scikit-learn, so both sides cut words alike."""
    tokens = [
        "0" if token[0].isdigit() else token for token in _TOKEN.findall(text.lower().replace("\u2019", "'"))
    ]
    return tokens + [f"{first} {second}" for first, second in itertools.pairwise(tokens)]


def _logistic(logit: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, logit))))


@dataclass(frozen=True)
class Tfidf:
    """A logistic regression over sublinear TF-IDF of `terms`, l2-normalised (scikit-learn's
    TfidfVectorizer(sublinear_tf=True) over the shipped vocabulary)."""

    terms: dict[str, tuple[float, float]]  # term -> (idf, weight); plain floats: read one by one
    intercept: float

    def values(self, text: str) -> dict[str, float]:
        """The text's TF-IDF value of each known term it has."""
        counts = Counter(term for term in terms(text) if term in self.terms)
        values = {term: (1 + math.log(count)) * self.terms[term][0] for term, count in counts.items()}
        norm = math.sqrt(sum(value * value for value in values.values()))
        return {term: value / norm for term, value in values.items()} if norm else values

    def logit(self, text: str) -> float:
        """The log-odds: `values` dotted with the weights, in one pass."""
        known = [
            (count, self.terms[term]) for term, count in Counter(terms(text)).items() if term in self.terms
        ]
        values = [((1 + math.log(count)) * idf, weight) for count, (idf, weight) in known]
        norm = math.sqrt(sum(value * value for value, _ in values))
        return self.intercept + (sum(value * weight for value, weight in values) / norm if norm else 0.0)


@dataclass(frozen=True)
class Network:
    """One ReLU hidden layer and a logistic output; input standardisation is folded into the first
    layer. The log-odds of several such networks (seeds) are averaged."""

    hidden_weights: np.ndarray  # inputs x hidden units
    hidden_bias: np.ndarray
    output_weights: np.ndarray
    output_bias: float

    def logits(self, rows: np.ndarray) -> np.ndarray:
        """The log-odds of each row of inputs (the embedding, then the cues in CUE_NAMES order)."""
        return self.output(rows @ self.hidden_weights + self.hidden_bias)

    def output(self, hidden_inputs: np.ndarray) -> np.ndarray:
        """The log-odds from the hidden layer's inputs (before the ReLU)."""
        return np.asarray(np.maximum(hidden_inputs, 0.0) @ self.output_weights + self.output_bias)


@dataclass(frozen=True)
class Stack:
    """The last logistic layer: the weight of each model's log-odds, fit on out-of-fold predictions."""

    intercept: float
    linear: float
    tfidf: float
    network: float
    mean: float  # the training claims' mean final log-odds, to say when the wording pushed up or down


@dataclass(frozen=True)
class Model:
    version: int
    # The linear model over the embedding and the cues.
    embedding_weights: np.ndarray  # one per embedding dimension
    cue_weights: dict[str, float]
    intercept: float
    cue_means: dict[str, float]  # over the training claims: a cue's move is from its mean
    tfidf: Tfidf
    networks: tuple[Network, ...]
    stack: Stack

    def score(self, vector: np.ndarray, text: str) -> tuple[float, list[str]]:
        """The probability that the claim is worth checking, and the cues that moved it most, in words."""
        return self.scores(np.asarray(vector)[None, :], [text])[0]

    def scores(self, vectors: np.ndarray, texts: list[str]) -> list[tuple[float, list[str]]]:
        """`score` of each (embedding row, text), computed together.

        A cue's move is how much the final log-odds drop when that cue alone is put back to its
        training mean, through the linear model and the networks both. What the cues do not
        explain is the wording's."""
        if not texts:
            return []
        cues = [cue_features(text) for text in texts]
        inputs = np.hstack(
            [np.asarray(vectors, dtype=np.float64), [[values[name] for name in CUE_NAMES] for values in cues]]
        )
        present = [[index for index, name in enumerate(CUE_NAMES) if values[name] > 0] for values in cues]
        # One "cue put back" per claim and cue it has: whose, which input column, by how much.
        owners = np.repeat(np.arange(len(texts)), [len(indices) for indices in present])
        columns = len(self.embedding_weights) + np.array(
            [index for indices in present for index in indices], dtype=int
        )
        means = np.array([self.cue_means[name] for name in CUE_NAMES])
        shifts = means[columns - len(self.embedding_weights)] - inputs[owners, columns]

        weights = np.concatenate([self.embedding_weights, [self.cue_weights[name] for name in CUE_NAMES]])
        linear = self.intercept + inputs @ weights
        linear_put_back = linear[owners] + weights[columns] * shifts
        network = np.zeros(len(texts))
        network_put_back = np.zeros(len(owners))
        for net in self.networks:
            # A changed input moves each hidden unit's input by its weight times the change.
            hidden_inputs = inputs @ net.hidden_weights + net.hidden_bias
            network += net.output(hidden_inputs) / len(self.networks)
            moved = hidden_inputs[owners] + shifts[:, None] * net.hidden_weights[columns]
            network_put_back += net.output(moved) / len(self.networks)
        words = np.array([self.tfidf.logit(text) for text in texts])
        logits = self.combine(linear, words, network)
        put_back = self.combine(linear_put_back, words[owners], network_put_back)

        results = []
        first = 0  # the claim's first row in put_back: owners run in claim order
        for claim, indices in enumerate(present):
            drops = logits[claim] - put_back[first : first + len(indices)]
            first += len(indices)
            moves = {CUE_NAMES[index]: float(drop) for index, drop in zip(indices, drops, strict=True)}
            probability = _logistic(float(logits[claim]))
            wording = float(logits[claim]) - self.stack.mean - sum(moves.values())
            results.append((round(probability, 3), self.reasons(moves, wording, probability)))
        return results

    def combine(self, linear: np.ndarray, words: np.ndarray, network: np.ndarray) -> np.ndarray:
        """The final log-odds from the three models' (the stack)."""
        stack = self.stack
        return np.asarray(
            stack.intercept + stack.linear * linear + stack.tfidf * words + stack.network * network
        )

    @staticmethod
    def reasons(moves: dict[str, float], wording: float, probability: float) -> list[str]:
        """What pushed the score the way it went, strongest first, when it moved the log-odds enough: a
        cue only when it pushed the way its words say (LOWERING_CUES down, the others up)."""
        direction = 1.0 if probability >= 0.5 else -1.0
        named = {
            CUE_WORDS[name]: move for name, move in moves.items() if (move < 0) == (name in LOWERING_CUES)
        }
        named["reads like a factual statement" if wording > 0 else "reads like opinion or talk"] = wording
        chosen = sorted(
            (move * direction, words)
            for words, move in named.items()
            if move * direction >= MIN_REASON_WEIGHT
        )
        return [words for _, words in reversed(chosen)][:MAX_REASONS]


def _vector(values: Any, name: str, length: int | None = None) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or not len(array) or (length is not None and len(array) != length):
        raise ValueError(f"{name} must be a list of {length or 'some'} numbers")
    return array


def tfidf_from(data: dict[str, Any]) -> Tfidf:
    vocabulary = {str(term): (float(idf), float(weight)) for term, (idf, weight) in data["terms"].items()}
    if not vocabulary:
        raise ValueError("tfidf terms must map each term to [idf, weight]")
    return Tfidf(terms=vocabulary, intercept=float(data["intercept"]))


def network_from(data: dict[str, Any], inputs: int) -> Network:
    hidden_weights = np.asarray(data["hidden_weights"], dtype=np.float64)
    if hidden_weights.ndim != 2 or hidden_weights.shape[0] != inputs:
        raise ValueError(f"hidden_weights must be {inputs} rows of numbers")
    units = hidden_weights.shape[1]
    return Network(
        hidden_weights=hidden_weights,
        hidden_bias=_vector(data["hidden_bias"], "hidden_bias", units),
        output_weights=_vector(data["output_weights"], "output_weights", units),
        output_bias=float(data["output_bias"]),
    )


def model_from(data: dict[str, Any]) -> Model:
    weights = _vector(data["embedding_weights"], "embedding_weights")
    networks = tuple(network_from(net, len(weights) + len(CUE_NAMES)) for net in data["networks"])
    if not networks:
        raise ValueError("networks must hold at least one network")
    stack = data["stack"]
    return Model(
        version=int(data["version"]),
        embedding_weights=weights,
        cue_weights={name: float(data["cue_weights"][name]) for name in CUE_NAMES},
        intercept=float(data["intercept"]),
        cue_means={name: float(data["cue_means"][name]) for name in CUE_NAMES},
        tfidf=tfidf_from(data["tfidf"]),
        networks=networks,
        stack=Stack(
            intercept=float(stack["intercept"]),
            linear=float(stack["linear"]),
            tfidf=float(stack["tfidf"]),
            network=float(stack["network"]),
            mean=float(stack["mean"]),
        ),
    )


@lru_cache(maxsize=1)
def model() -> Model | None:
    """The shipped model, read once; None (and one warning) when the file is missing or broken."""
    try:
        return model_from(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
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
    if len(vectors) != len(texts):
        raise ValueError(f"{len(vectors)} embedding rows for {len(texts)} claims")
    return learned.scores(vectors, texts)


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
