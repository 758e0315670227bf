"""Suggestions made when an article is stored: duplicates and related claims across the team's
earlier articles, for an editor to confirm or reject."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.db.models import Q

from claims.models import Article, Claim, ClaimSuggestion
from claims.similarity import embeddings
from claims.similarity.duplicates import DUPLICATE, claim_facts, relation_between
from claims.similarity.search import (
    CANDIDATE_FIELDS,
    EF_SEARCH_MARGIN,
    _fetch_with_ef_search,
    candidate_claim,
    matchable_articles,
)

if TYPE_CHECKING:
    pass


# For each new claim, its nearest claims in the team's other articles, all in one statement.
# Duplicates need a close meaning, so the nearest few by vector suffice.
SUGGESTION_CANDIDATES_SQL = """
SELECT new.id, nearest.id, nearest.article_id, nearest.text, nearest.duplicate_of_id, nearest.facts,
    1 - nearest.distance
FROM claims_claim AS new
CROSS JOIN LATERAL (
    SELECT other.id, other.article_id, other.text, other.duplicate_of_id, other.facts,
        other.embedding <=> new.embedding AS distance
    FROM claims_claim AS other
    WHERE other.embedding IS NOT NULL AND other.article_id = ANY(%(articles)s)
    ORDER BY distance
    LIMIT %(per_claim)s
) AS nearest
WHERE new.id = ANY(%(claims)s) AND new.embedding IS NOT NULL AND nearest.distance <= %(max_distance)s
"""


# Up to this many team claims, comparing a new claim with each costs less than an HNSW scan.
EXACT_SCAN_MAX_CLAIMS = 1000


# An HNSW scan filtered to the team steps over other teams' claims: from this share of the
# table on, it meets the team's nearest within a few hundred.
MIN_INDEX_SHARE = 0.01


# How each scan is asked of the planner, for one query: no index scan leaves only comparing
# with every team claim (HNSW has no bitmap scan); no sort leaves only the HNSW order.
SCAN_SETTINGS = {"exact": ("enable_indexscan", "off"), "index": ("enable_sort", "off")}


# The team's claims, counted only as far as the choice needs (this runs at every ingest): past
# both thresholds, the answer is "index" however many more there are.
TEAM_CLAIMS_SQL = """
WITH estimate AS (SELECT reltuples FROM pg_class WHERE oid = 'claims_claim'::regclass)
SELECT (
    SELECT count(*) FROM (
        SELECT 1 FROM claims_claim WHERE article_id = ANY(%(articles)s)
        LIMIT (SELECT greatest(%(exact)s + 1, ceil(%(share)s * reltuples))::bigint FROM estimate)
    ) AS team
), reltuples
FROM estimate
"""


SUGGESTIONS_PER_CLAIM = 3


def suggestions_create(*, article: Article, claims: Sequence[Claim]) -> list[ClaimSuggestion]:
    """Suggest, for each new claim, the duplicates it has in the team's other articles.

    Pairs an editor already decided on (either way round) are not suggested again.
    """
    probes = {
        claim.pk: claim for claim in claims if claim.duplicate_of_id is None and claim.embedding is not None
    }
    others = list(
        matchable_articles(
            Article.objects.filter(team_id=article.team_id).exclude(pk=article.pk)
        ).values_list("pk", flat=True)
    )
    if not probes or not others or not embeddings.covers_language(article.language):
        return []
    suggestions = []
    for claim_id, candidate, score in _nearest_in(others, list(probes), SUGGESTIONS_PER_CLAIM):
        claim = probes[claim_id]
        # Suggest the claim that carries the verdict, not one of its repeats.
        candidate_id = candidate.duplicate_of_id or candidate.pk
        if candidate_id != claim.pk and relation_between(score, claim_facts(claim), candidate) == DUPLICATE:
            suggestions.append(
                ClaimSuggestion(
                    claim=claim, candidate_id=candidate_id, score=round(score, 4), relation=DUPLICATE
                )
            )
    return _suggestions_store(suggestions)


def _nearest_in(
    article_ids: list[int], claim_ids: list[int], per_claim: int
) -> list[tuple[int, Claim, float]]:
    fields = CANDIDATE_FIELDS
    rows = _fetch_with_ef_search(
        SUGGESTION_CANDIDATES_SQL,
        {
            "articles": article_ids,
            "claims": claim_ids,
            "per_claim": per_claim,
            # Only a pair this close can be a duplicate (relation_between).
            "max_distance": 1 - settings.FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD,
        },
        per_claim + EF_SEARCH_MARGIN,
        planner=SCAN_SETTINGS.get(_suggestion_scan(article_ids)),
    )
    return [(row[0], candidate_claim(row[1 : 1 + len(fields)]), float(row[-1])) for row in rows]


def _suggestion_scan(article_ids: list[int]) -> str:
    """How to find new claims' nearest among the team's: "exact", "index" or "planner".

    PostgreSQL's cost model rates pgvector's HNSW scan far above what it costs here: left to
    itself, it compared each new claim with every team claim up to about 6,000 of them
    (measured in a bulk import: 200 ms an article, against 10-20 ms with the index). So the
    choice is made from the team's number of claims. A team that is a small share of a large
    table is left to the planner: there a filtered HNSW scan may step over many other teams'
    claims before it meets the team's.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            TEAM_CLAIMS_SQL,
            {"articles": article_ids, "exact": EXACT_SCAN_MAX_CLAIMS, "share": MIN_INDEX_SHARE},
        )
        team_claims, table_claims = cursor.fetchone()
    return suggestion_scan(team_claims, table_claims)


def suggestion_scan(team_claims: int, table_claims: float) -> str:
    """`table_claims` is the planner's estimate: -1 before the table was first analysed."""
    if team_claims <= EXACT_SCAN_MAX_CLAIMS:
        return "exact"
    if team_claims >= MIN_INDEX_SHARE * table_claims:
        return "index"
    return "planner"


def _suggestions_store(suggestions: list[ClaimSuggestion]) -> list[ClaimSuggestion]:
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
