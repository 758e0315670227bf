"""Re-ranking "checked before?" candidates with a model learned on public queries.

The fused list finds the right claim among its first twenty almost always; which one comes first
is better told by a few scores together than by any one of them: the cosine (and how far it is
below the best candidate's), the full-text relevance of the claim and of its article's title, and
how many of the candidate's words, names and figures the query has. A logistic regression over
those features, learned by `bench/train_rerank.py` on the CheckThat! 2022 train queries, gives each
candidate the probability that it is the claim the query repeats.

The parameters ship in `rerank_model.json`, read once. Without the file (or with a broken one)
one log line says so and the fused order stands. Pure Python and numpy.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from claims.models import Claim
from claims.similarity.duplicates import claim_facts
from claims.similarity.facts import entities_in, numbers_in

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("rerank_model.json")
VERSION = 1
RRF_K = 60

FEATURES = (
    "cosine",
    "cosine_gap",
    "nearest",
    "keyword",
    "keyword_relevance",
    "title",
    "title_relevance",
    "fusion_gap",
    "claim_words",
    "title_words",
    "query_words",
    "names",
    "figures",
    "figures_differ",
)

_WORD = re.compile(r"[^\W_]+")
# The commonest English words carry no evidence that two texts say the same thing.
STOP_WORDS = frozenset(
    """a about after all also an and any are as at be been but by can could did do does for from had
    has have he her his how i if in into is it its just more most my no not now of on one or our out
    over she so some than that the their them then there these they this to up us was we were what
    when which who will with would you your""".split()  # noqa: SIM905
)


class Candidate(Protocol):
    """What the re-ranker reads of a candidate (matching.Match), and the score it sets."""

    claim: Claim
    title: str
    cosine: float
    fusion: float
    nearest_rank: int | None
    keyword_rank: int | None
    keyword_relevance: float
    title_rank: int | None
    title_relevance: float
    rerank: float | None


AnyCandidate = TypeVar("AnyCandidate", bound=Candidate)


def content_words(text: str) -> set[str]:
    return {word for word in (token.lower() for token in _WORD.findall(text)) if word not in STOP_WORDS}


def _share(part: set[Any], whole: set[Any]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def _reciprocal(rank: int | None) -> float:
    return 0.0 if rank is None else RRF_K / (RRF_K + rank)


def features(query: str, found: Sequence[Candidate]) -> np.ndarray:
    """One row of FEATURES per candidate; some are relative to the best candidate of the list."""
    if not found:
        return np.zeros((0, len(FEATURES)))
    query_words = content_words(query)
    query_names = entities_in(query)
    query_figures = numbers_in(query)
    best_cosine = max(item.cosine for item in found)
    best_fusion = max(item.fusion for item in found)
    rows = []
    for item in found:
        claim_words = content_words(item.claim.text)
        title_words = content_words(item.title)
        # The claim's facts were parsed when it was stored; only the title is read here.
        facts = claim_facts(item.claim)
        names = {word for chunk in facts.entities for word in chunk} | entities_in(item.title)
        figures = set(facts.numbers)
        rows.append(
            [
                item.cosine,
                best_cosine - item.cosine,
                _reciprocal(item.nearest_rank),
                _reciprocal(item.keyword_rank),
                item.keyword_relevance,
                _reciprocal(item.title_rank),
                item.title_relevance,
                (best_fusion - item.fusion) * RRF_K,
                _share(claim_words, query_words),
                _share(title_words, query_words),
                _share(query_words, claim_words | title_words),
                _share(names, query_names),
                _share(figures, query_figures),
                float(bool(figures and query_figures and not figures & query_figures)),
            ]
        )
    return np.asarray(rows, dtype=np.float64)


class RerankModel:
    """Standardised features → logistic regression."""

    def __init__(self, parameters: dict[str, Any]) -> None:
        if parameters.get("version") != VERSION or tuple(parameters.get("features", ())) != FEATURES:
            raise ValueError(f"expected version {VERSION} with features {', '.join(FEATURES)}")
        self.mean = np.asarray(parameters["mean"], dtype=np.float64)
        self.scale = np.asarray(parameters["scale"], dtype=np.float64)
        self.coef = np.asarray(parameters["coef"], dtype=np.float64)
        self.intercept = float(parameters["intercept"])
        if not (self.mean.shape == self.scale.shape == self.coef.shape == (len(FEATURES),)):
            raise ValueError("mean, scale and coef must have one number per feature")

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        logits = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))


@lru_cache(maxsize=1)
def model() -> RerankModel | None:
    """The shipped re-ranker, loaded once; None (with one log line) when it is missing or broken."""
    try:
        return RerankModel(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
    except FileNotFoundError:
        logger.warning("No re-ranker at %s: matches keep the fused order.", MODEL_FILE)
    except (ValueError, KeyError, TypeError) as error:
        logger.error("Re-ranker %s is unusable (%s): matches keep the fused order.", MODEL_FILE, error)
    return None


def reranked(query: str, found: list[AnyCandidate]) -> list[AnyCandidate]:
    """The candidates ordered by the re-ranker's probability (kept on each), or as they came
    when there is no re-ranker."""
    ranker = model()
    if ranker is None or not found:
        return found
    for item, probability in zip(found, ranker.probabilities(features(query, found)), strict=True):
        item.rerank = float(probability)
    return sorted(found, key=lambda item: (-(item.rerank or 0.0), item.claim.pk))
