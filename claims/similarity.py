"""Similar claims: candidates from pgvector HNSW (cosine) and Postgres full-text search, fused
by reciprocal rank fusion, re-ranked by exact cosine similarity, each labelled `duplicate`
(the same checkable claim) or `related` (same subject, a different fact).

Thresholds (settings): below FACTCHECK_SIMILARITY_RELATED_THRESHOLD nothing is shown; from
FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD a claim whose facts agree is a duplicate and is
suggested to an editor; from FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD a duplicate in the same
article is linked without asking, if both texts are long enough to be unambiguous.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from pgvector.django import CosineDistance

from claims import access, embeddings
from claims.facts import Facts, entities_in, facts_agree, facts_of, token_count
from claims.models import Article, Claim, ClaimSuggestion

if TYPE_CHECKING:
    from claims.extraction import ExtractedClaim

logger = logging.getLogger(__name__)

DUPLICATE = ClaimSuggestion.Relation.DUPLICATE.value
RELATED = ClaimSuggestion.Relation.RELATED.value
# Reciprocal rank fusion constant (Cormack et al. 2009): damps the weight of the first ranks.
RRF_K = 60
MIN_CANDIDATES = 40
MAX_KEYWORDS = 32
# Shorter texts ("He denied it.") match too much to be linked without an editor.
MIN_AUTO_LINK_TOKENS = 8
_KEYWORD = re.compile(r"[^\W_]+")
_FIGURE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class SimilarClaim:
    claim: Claim
    score: float
    relation: str


@dataclass(frozen=True)
class Probe:
    """What is being matched: a claim's or a free text's vector, text and facts."""

    vector: np.ndarray
    text: str
    facts: Facts


def claim_facts(claim: Claim) -> Facts:
    return facts_of(claim.text, quantities=claim.quantities, dates=claim.dates)


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
    return (
        score >= settings.FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD
        and min(token_count(first_text), token_count(second_text)) >= MIN_AUTO_LINK_TOKENS
        and facts_agree(first, second)
    )


def matchable_articles(articles: QuerySet[Article]) -> list[int]:
    """Ids of the articles whose claims may be matched: in a language the model covers ("" = unknown).

    A plain id list, not a subquery, so the planner can walk the HNSW index and filter as it goes.
    """
    languages = [*embeddings.UNKNOWN_LANGUAGES, *settings.FACTCHECK_EMBEDDING_LANGUAGES]
    return list(articles.filter(language__in=languages).values_list("pk", flat=True))


# --- candidates ---


def _vector_candidates(probe: Probe, claims: QuerySet[Claim], count: int) -> list[Claim]:
    """The nearest claims by the HNSW index, each with its cosine `distance`.

    Runs inside the caller's transaction: the index settings are SET LOCAL.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('hnsw.ef_search', %s, true), set_config('hnsw.iterative_scan', %s, true)",
            [str(max(settings.FACTCHECK_SIMILARITY_EF_SEARCH, count)), "relaxed_order"],
        )
    nearest = _with_distance(claims.filter(embedding__isnull=False), probe).order_by(F("distance"))
    return list(nearest[:count])


def _with_distance(claims: QuerySet[Claim], probe: Probe) -> QuerySet[Claim]:
    return claims.defer("embedding").annotate(distance=CosineDistance("embedding", probe.vector))


def keyword_query(text: str) -> SearchQuery | None:
    """All of the text's names and figures, the words a fact-checker would search for; without
    any, all of its words. Stemmed by the English dictionary, as the index is."""
    terms = sorted(entities_in(text)) + _FIGURE.findall(text)
    if not terms:
        terms = _KEYWORD.findall(text)[:MAX_KEYWORDS]
    if not terms:
        return None
    return SearchQuery(" ".join(terms[:MAX_KEYWORDS]), search_type="plain", config="english")


def _keyword_candidates(probe: Probe, claims: QuerySet[Claim], count: int) -> list[int]:
    query = keyword_query(probe.text)
    if query is None:
        return []
    # The same expression as the claim_text_search_gin index, so the index answers the match.
    vector = SearchVector("text", config="english")
    ranked = (
        claims.filter(embedding__isnull=False)
        .annotate(search=vector)
        .filter(search=query)
        .annotate(rank=SearchRank(vector, query, cover_density=True))
        .order_by("-rank", "pk")
        .values_list("pk", flat=True)[:count]
    )
    return list(ranked)


def fuse(*rankings: Sequence[int]) -> list[int]:
    """Reciprocal rank fusion: ids in order of the sum of 1 / (k + rank) over the rankings."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, pk in enumerate(ranking, start=1):
            scores[pk] = scores.get(pk, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores, key=lambda pk: (-scores[pk], pk))


# --- search ---


def search(
    probe: Probe, article_ids: Sequence[int], *, limit: int, exclude: int | None = None
) -> list[SimilarClaim]:
    """The `limit` claims of these articles most like the probe: duplicates first, then by similarity."""
    if not article_ids or limit < 1:
        return []
    claims = Claim.objects.filter(article_id__in=list(article_ids))
    if exclude is not None:
        claims = claims.exclude(pk=exclude)
    count = max(MIN_CANDIDATES, 3 * limit)
    with transaction.atomic():
        nearest = {claim.pk: claim for claim in _vector_candidates(probe, claims, count)}
        fused = fuse(list(nearest), _keyword_candidates(probe, claims, count))[:count]
        # Keyword-only candidates still need their exact cosine, computed where the vectors are.
        missing = [pk for pk in fused if pk not in nearest]
        rows = [nearest[pk] for pk in fused if pk in nearest]
        rows += list(_with_distance(Claim.objects.filter(pk__in=missing), probe)) if missing else []
    results = []
    for claim in rows:
        score = 1.0 - float(claim.distance)  # type: ignore[attr-defined]
        relation = relation_between(score, probe.facts, claim)
        if relation is not None:
            results.append(SimilarClaim(claim=claim, score=round(score, 4), relation=relation))
    return best_first(results)[:limit]


def best_first(results: list[SimilarClaim]) -> list[SimilarClaim]:
    return sorted(results, key=lambda found: (found.relation != DUPLICATE, -found.score, found.claim.pk))


def claim_probe(claim: Claim) -> Probe | None:
    """None when the claim cannot be matched: no vector, or a language the model does not cover."""
    if claim.embedding is None or not embeddings.covers_language(claim.article.language):
        return None
    vector = np.asarray(claim.embedding, dtype=np.float32)
    return Probe(vector=vector, text=claim.text, facts=claim_facts(claim))


def text_probe(text: str) -> Probe:
    return Probe(vector=embeddings.embed_text(text), text=text, facts=facts_of(text))


def similar_claims(
    *, claim: Claim, user: access.AnyUser, scope: str = "all", limit: int = 10
) -> list[SimilarClaim]:
    """Claims like `claim` that `user` may see: in its article (`scope="article"`) or anywhere."""
    probe = claim_probe(claim)
    if probe is None:
        return []
    articles = access.visible_articles(user)
    if scope == "article":
        articles = articles.filter(pk=claim.article_id)
    results = search(probe, matchable_articles(articles), limit=limit, exclude=claim.pk)
    return _respect_decisions(claim, results)


def _respect_decisions(claim: Claim, results: list[SimilarClaim]) -> list[SimilarClaim]:
    """An editor's word beats the model: merged claims are duplicates, rejected pairs related."""
    rejected = ClaimSuggestion.objects.filter(status=ClaimSuggestion.Status.REJECTED).filter(
        Q(claim=claim) | Q(candidate=claim)
    )
    rejected_ids = {pk for pair in rejected.values_list("claim_id", "candidate_id") for pk in pair}
    canonical = claim.duplicate_of_id or claim.pk
    decided = []
    for found in results:
        relation = found.relation
        if (found.claim.duplicate_of_id or found.claim.pk) == canonical:
            relation = DUPLICATE
        elif found.claim.pk in rejected_ids:
            relation = RELATED
        decided.append(SimilarClaim(claim=found.claim, score=found.score, relation=relation))
    return best_first(decided)


def match_text(*, text: str, user: access.AnyUser, limit: int = 10) -> list[SimilarClaim]:
    """ "Has this been checked before?": claims like a free text, among those `user` may see."""
    articles = matchable_articles(access.visible_articles(user))
    if not articles:
        return []
    return search(text_probe(text), articles, limit=limit)


def search_claims(*, user: access.AnyUser, text: str, limit: int = 20) -> list[Claim]:
    """Claims closest in meaning to a free text, for the search page."""
    return [found.claim for found in match_text(text=text, user=user, limit=limit)]


# --- at ingest ---


def near_duplicates(texts: Sequence[str], facts: Sequence[Facts], vectors: np.ndarray) -> list[int | None]:
    """For each text, the index of the first earlier text it repeats (same meaning and facts), or None."""
    similarity = vectors @ vectors.T if len(texts) else np.zeros((0, 0))
    found: list[int | None] = []
    for later in range(len(texts)):
        first = None
        for earlier in range(later):
            if found[earlier] is None and may_auto_link(
                float(similarity[earlier, later]), facts[earlier], facts[later], texts[earlier], texts[later]
            ):
                first = earlier
                break
        found.append(first)
    return found


def suggestions_create(*, article: Article, claims: Sequence[Claim]) -> list[ClaimSuggestion]:
    """Suggest, for each new claim, the duplicates it has in the team's other articles.

    Pairs an editor already decided on (either way round) are not suggested again.
    """
    if not embeddings.covers_language(article.language):
        return []
    others = matchable_articles(Article.objects.filter(team_id=article.team_id).exclude(pk=article.pk))
    suggestions = []
    for claim in claims:
        if claim.duplicate_of_id is not None or claim.embedding is None:
            continue
        probe = Probe(
            vector=np.asarray(claim.embedding, dtype=np.float32), text=claim.text, facts=claim_facts(claim)
        )
        for found in search(probe, others, limit=3):
            # Suggest the claim that carries the verdict, not one of its repeats.
            candidate_id = found.claim.duplicate_of_id or found.claim.pk
            if found.relation == DUPLICATE and candidate_id != claim.pk:
                suggestions.append(
                    ClaimSuggestion(
                        claim=claim, candidate_id=candidate_id, score=found.score, relation=DUPLICATE
                    )
                )
    decided = _decided_pairs(suggestions)
    fresh = list(
        {
            (item.claim_id, item.candidate_id): item
            for item in suggestions
            if (item.claim_id, item.candidate_id) not in decided
        }.values()
    )
    # A concurrent ingest may have stored the same pair a moment ago: keep that one.
    ClaimSuggestion.objects.bulk_create(fresh, ignore_conflicts=True)
    keys = {(item.claim_id, item.candidate_id) for item in fresh}
    stored = ClaimSuggestion.objects.filter(claim_id__in={claim_id for claim_id, _ in keys})
    return [
        item for item in stored.order_by("claim_id", "-score") if (item.claim_id, item.candidate_id) in keys
    ]


def _decided_pairs(suggestions: Sequence[ClaimSuggestion]) -> set[tuple[int, int]]:
    ids = {item.claim_id for item in suggestions} | {item.candidate_id for item in suggestions}
    pairs = ClaimSuggestion.objects.filter(Q(claim_id__in=ids) | Q(candidate_id__in=ids)).values_list(
        "claim_id", "candidate_id"
    )
    return {
        pair
        for claim_id, candidate_id in pairs
        for pair in ((claim_id, candidate_id), (candidate_id, claim_id))
    }


def ingest_vectors(extracted: Sequence[ExtractedClaim]) -> np.ndarray | None:
    """Vectors for an article's new claims, in one batch, before its write transaction; a later
    claim that repeats an earlier one in other words (a photo caption) is marked its duplicate.

    None when the model is unavailable: the claims are stored anyway and `embed_claims` fills in.
    """
    try:
        vectors = embeddings.embed_texts([item.text for item in extracted])
    except embeddings.EmbeddingModelUnavailable as error:
        logger.warning("Claims stored without embeddings: %s", error.message)
        return None
    facts = [facts_of(item.text, quantities=item.quantities, dates=item.dates) for item in extracted]
    repeats = near_duplicates([item.text for item in extracted], facts, vectors)
    for item, first in zip(extracted, repeats, strict=True):
        if item.duplicate_of is None and first is not None:
            item.duplicate_of = (
                extracted[first].duplicate_of if extracted[first].duplicate_of is not None else first
            )
    return vectors
