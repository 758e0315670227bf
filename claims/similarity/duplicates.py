"""Duplicate or related: the relation two claims' similarity and facts give, and the duplicates
found at ingest, before anything is stored."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings

from claims.models import Claim, ClaimSuggestion
from claims.similarity import checkworthiness, embeddings
from claims.similarity.facts import (
    FACTS_VERSION,
    Facts,
    facts_agree,
    facts_from_json,
    facts_of,
    facts_to_json,
    restates,
    token_count,
)

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from claims.extraction.claim import ExtractedClaim


DUPLICATE = ClaimSuggestion.Relation.DUPLICATE.value


RELATED = ClaimSuggestion.Relation.RELATED.value


# Shorter texts ("He denied it.") match too much to be linked without an editor.
MIN_AUTO_LINK_TOKENS = 8


def claim_facts(claim: Claim | ExtractedClaim) -> Facts:
    """The facts stored with the claim; parsed, for a claim not stored yet or stored before
    facts were (or by an older FACTS_VERSION)."""
    stored = getattr(claim, "facts", None)
    if stored is not None and stored.get("version") == FACTS_VERSION:
        return facts_from_json(stored)
    # Parsing costs ~0.1 ms a claim; at ingest the same claims come up in the repeats check,
    # then when stored, then in the suggestions.
    return _cached_facts(claim.text, json.dumps(claim.quantities or []), json.dumps(claim.dates or []))


def facts_to_store(*, text: str, quantities: list[Any], dates: list[Any]) -> dict[str, Any]:
    """Claim.facts for a claim with this text, quantities and dates: to be set wherever a claim is
    created or any of the three changes, so that a search reads them instead of parsing."""
    return facts_to_json(_cached_facts(text, json.dumps(quantities or []), json.dumps(dates or [])))


@lru_cache(maxsize=20_000)
def _cached_facts(text: str, quantities: str, dates: str) -> Facts:
    return facts_of(text, quantities=json.loads(quantities), dates=json.loads(dates))


def relation_between(score: float, first: Facts, second: Facts | Claim) -> str | None:
    """`duplicate`, `related`, or None when too far apart to show. Facts are parsed only when
    the meaning is close enough for them to matter."""
    if score < settings.FACTCHECK_SIMILARITY_RELATED_THRESHOLD:
        return None
    if score < settings.FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD:
        return RELATED
    if isinstance(second, Claim):
        second = claim_facts(second)
    return DUPLICATE if facts_agree(first, second) else RELATED


def may_auto_link(score: float, first: Facts, second: Facts, first_text: str, second_text: str) -> bool:
    """Whether two claims of one article are sure enough to be the same claim to be linked
    without an editor: very close in meaning with the same facts, or one restating the other in
    the same words with a clause dropped or a phrase added (a photo caption: "..., see picture
    above"), close enough in meaning to be suggested as a duplicate."""
    if min(token_count(first_text), token_count(second_text)) < MIN_AUTO_LINK_TOKENS:
        return False
    if score >= settings.FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD and facts_agree(first, second):
        return True
    return score >= settings.FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD and (
        restates(first, second) or restates(second, first)
    )


def near_duplicates(claims: Sequence[ExtractedClaim], vectors: np.ndarray) -> list[int | None]:
    """For each claim, the index of the first earlier claim it repeats (same meaning and facts),
    or None."""
    found: list[int | None] = [None] * len(claims)
    if not len(claims):
        return found
    similarity = vectors @ vectors.T
    # A caption restating a sentence with a clause dropped links from the suggest threshold on.
    threshold = min(
        settings.FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD, settings.FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD
    )
    # Only pairs close enough in meaning are worth the fact check: pairs (earlier, later), by later.
    close = sorted(
        (int(later), int(earlier)) for earlier, later in np.argwhere(np.triu(similarity, 1) >= threshold)
    )
    for later, earlier in close:
        first, second = claims[earlier], claims[later]
        if (
            found[later] is None
            and found[earlier] is None
            and may_auto_link(
                float(similarity[earlier, later]),
                claim_facts(first),
                claim_facts(second),
                first.text,
                second.text,
            )
        ):
            found[later] = earlier
    return found


def vector_or_none(text: str) -> np.ndarray | None:
    """The text's vector; None when the model is unavailable (`embed_claims` fills it in later)."""
    try:
        return embeddings.embed_text(text)
    except embeddings.EmbeddingModelUnavailable as error:
        logger.warning("Claim stored without an embedding: %s", error.message)
        return None


def ingest_vectors(
    extracted: Sequence[ExtractedClaim], *, vectors: np.ndarray | None = None
) -> np.ndarray | None:
    """Vectors for an article's new claims, in one batch, before its write transaction; a later
    claim that repeats an earlier one in other words (a photo caption) is marked its duplicate.

    None when the model is unavailable: the claims are stored anyway and `embed_claims` fills in.
    `vectors`, when given, are the claims' vectors already encoded (one row per claim, in order).
    """
    if vectors is None:  # a bulk import passes vectors encoded for many articles at once
        try:
            vectors = embeddings.embed_texts([item.text for item in extracted])
        except embeddings.EmbeddingModelUnavailable as error:
            logger.warning("Claims stored without embeddings: %s", error.message)
            return None
    # The vectors are here anyway: the learned check-worthiness costs no second encoder pass.
    checkworthiness.score_claims(extracted, vectors)
    repeats = near_duplicates(extracted, vectors)
    for item, first in zip(extracted, repeats, strict=True):
        if item.duplicate_of is None and first is not None:
            item.duplicate_of = (
                extracted[first].duplicate_of if extracted[first].duplicate_of is not None else first
            )
    return vectors
