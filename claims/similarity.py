"""Similar claims: candidates from pgvector HNSW (cosine) and Postgres full-text search, fused
by reciprocal rank fusion, re-ranked by exact cosine similarity, each labelled `duplicate`
(the same checkable claim) or `related` (same subject, a different fact).

Thresholds (settings): below FACTCHECK_SIMILARITY_RELATED_THRESHOLD nothing is shown; from
FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD a claim whose facts agree is a duplicate and is
suggested to an editor; from FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD a duplicate in the same
article is linked without asking, if both texts are long enough to be unambiguous.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from claims import access, embeddings
from claims.facts import Facts, entities_in, facts_agree, facts_of, token_count
from claims.fields import vector_text
from claims.models import Article, Claim, ClaimSuggestion

if TYPE_CHECKING:
    from claims.extraction import ExtractedClaim

logger = logging.getLogger(__name__)

DUPLICATE = ClaimSuggestion.Relation.DUPLICATE.value
RELATED = ClaimSuggestion.Relation.RELATED.value
# Reciprocal rank fusion constant (Cormack et al. 2009): damps the weight of the first ranks.
RRF_K = 60
MIN_CANDIDATES = 30
# Room for the few rows the filters drop (the probe itself, other teams), so the index rarely
# has to resume its scan (hnsw.iterative_scan) to fill the candidate list.
EF_SEARCH_MARGIN = 10
MAX_KEYWORDS = 32
# Shorter texts ("He denied it.") match too much to be linked without an editor.
MIN_AUTO_LINK_TOKENS = 8
_KEYWORD = re.compile(r"[^\W_]+")
_FIGURE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_PLACEHOLDER = re.compile(r"(?<!%)%s")


@dataclass(frozen=True)
class SimilarClaim:
    claim: Claim
    score: float
    relation: str


@dataclass(frozen=True)
class Probe:
    """What is being matched: a stored claim (its vector stays in the database) or a free text
    and its vector; the text and its facts."""

    text: str
    facts: Facts
    claim_id: int | None = None
    vector: np.ndarray | None = None


def claim_facts(claim: Claim | ExtractedClaim) -> Facts:
    # Parsing costs ~0.1 ms a claim and the same claims come up in search after search, and at
    # ingest in the repeats check and then in the suggestions.
    return _cached_facts(claim.text, json.dumps(claim.quantities or []), json.dumps(claim.dates or []))


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
    return (
        score >= settings.FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD
        and min(token_count(first_text), token_count(second_text)) >= MIN_AUTO_LINK_TOKENS
        and facts_agree(first, second)
    )


def matchable_articles(articles: QuerySet[Article]) -> QuerySet[Article]:
    """The articles whose claims may be matched: in a language the model covers ("" = unknown)."""
    languages = [*embeddings.UNKNOWN_LANGUAGES, *settings.FACTCHECK_EMBEDDING_LANGUAGES]
    return articles.filter(language__in=languages)


def article_ids_sql(articles: QuerySet[Article]) -> tuple[str, dict[str, Any]] | None:
    """A subquery selecting the articles' ids, with named parameters, to search in the same
    statement; None when the queryset can match nothing.

    `article_id IN (subquery)`, not `= ANY(ARRAY(subquery))`: the planner estimates a subquery
    from the tables' statistics, so it walks the HNSW index when most claims may be searched and
    reads one small team's claims by article when few may. For an array it can only guess 1%,
    and at a million claims it sorted them all (0.7 s instead of 5 ms).
    """
    try:
        sql, values = articles.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    params = {f"article_param_{index}": value for index, value in enumerate(values)}
    names = iter(params)
    return _PLACEHOLDER.sub(lambda _: f"%({next(names)})s", sql), params


ArticlesSql = tuple[str, dict[str, Any]]


def searchable_articles_sql(user: access.AnyUser, *, article_id: int | None = None) -> ArticlesSql | None:
    """article_ids_sql of the matchable articles `user` may see (only `article_id`, if given).

    Building and compiling that queryset was an eighth of a search. The SQL depends only on who
    the user is (id, admin or not), the article and the model's languages; which articles it
    selects (teams, memberships) the database reads at each search. So the text is kept.
    """
    found = _searchable_articles_sql(
        user, access.is_admin(user), article_id, settings.FACTCHECK_EMBEDDING_LANGUAGES
    )
    return None if found is None else (found[0], dict(found[1]))


@lru_cache(maxsize=4096)
def _searchable_articles_sql(
    user: access.AnyUser, is_admin: bool, article_id: int | None, languages: frozenset[str]
) -> ArticlesSql | None:
    articles = access.visible_articles(user)
    if article_id is not None:
        articles = articles.filter(pk=article_id)
    return article_ids_sql(matchable_articles(articles))


# --- candidates ---

# Both candidate lists and their reciprocal rank fusion in one statement: the HNSW index orders
# `nearest`, the GIN index (the same to_tsvector expression as claim_text_search_gin) answers
# `keyword`; both see the same filters. Exact cosine distance comes back for every candidate.
# {probe} selects the probe's vector (probe_sql); {articles} selects the ids of the articles the
# caller may search (article_ids_sql).
CANDIDATES_SQL = """
WITH probe AS MATERIALIZED ({probe}),
nearest AS (
    SELECT id, row_number() OVER (ORDER BY distance, id) AS rank
    FROM (
        SELECT id, embedding <=> (SELECT vector FROM probe) AS distance
        FROM claims_claim
        WHERE embedding IS NOT NULL AND article_id IN ({articles})
            AND id <> %(exclude)s
        ORDER BY distance
        LIMIT %(count)s
    ) AS by_meaning
),
keyword AS (
    SELECT id, row_number() OVER (ORDER BY relevance DESC, id) AS rank
    FROM (
        SELECT id, ts_rank_cd(
            to_tsvector('english'::regconfig, COALESCE(text, '')),
            plainto_tsquery('english'::regconfig, %(keywords)s)
        ) AS relevance
        FROM claims_claim
        WHERE to_tsvector('english'::regconfig, COALESCE(text, ''))
                @@ plainto_tsquery('english'::regconfig, %(keywords)s)
            AND embedding IS NOT NULL AND article_id IN ({articles})
            AND id <> %(exclude)s
        ORDER BY relevance DESC, id
        LIMIT %(count)s
    ) AS by_words
),
fused AS (
    SELECT id, SUM(1.0 / (%(rrf_k)s + rank)) AS fusion
    FROM (SELECT id, rank FROM nearest UNION ALL SELECT id, rank FROM keyword) AS ranked
    GROUP BY id
)
SELECT claim.id, claim.article_id, claim.text, claim.duplicate_of_id, claim.quantities, claim.dates,
    claim.embedding <=> (SELECT vector FROM probe) AS distance,
    EXISTS (
        SELECT 1 FROM claims_claimsuggestion AS decided
        WHERE decided.status = 'rejected' AND (
            (decided.claim_id = claim.id AND decided.candidate_id = %(exclude)s)
            OR (decided.candidate_id = claim.id AND decided.claim_id = %(exclude)s)
        )
    ) AS rejected
FROM fused JOIN claims_claim AS claim ON claim.id = fused.id
ORDER BY fused.fusion DESC, claim.id
LIMIT %(count)s
"""


def keywords_of(text: str) -> str:
    """The text's names and figures, the words a fact-checker would search for, all required;
    without any, all of its words. Stemmed by the English dictionary, as the index is."""
    terms = sorted(entities_in(text)) + _FIGURE.findall(text)
    if not terms:
        terms = _KEYWORD.findall(text)
    return " ".join(terms[:MAX_KEYWORDS])


def probe_sql(probe: Probe) -> tuple[str, Any]:
    """SQL selecting the probe's vector, and its parameter: a stored claim's vector is read where
    it is rather than sent back as 384 numbers in text."""
    if probe.claim_id is not None:
        return "SELECT embedding AS vector FROM claims_claim WHERE id = %(probe)s", probe.claim_id
    assert probe.vector is not None
    return "SELECT %(probe)s::vector AS vector", vector_text(probe.vector.astype(np.float32, copy=False))


@dataclass(frozen=True)
class Candidate:
    claim: Claim
    score: float
    # An editor rejected this pair as duplicates (only known when the probe is a stored claim).
    rejected: bool


CANDIDATE_FIELDS = ["id", "article_id", "text", "duplicate_of_id", "quantities", "dates"]


def candidates(probe: Probe, articles: ArticlesSql, *, count: int, exclude: int | None) -> list[Candidate]:
    """Up to `count` claims of these articles (article_ids_sql), best fused rank first, with
    their cosine similarity to the probe."""
    articles_sql, params = articles
    vector, params["probe"] = probe_sql(probe)
    params |= {"exclude": exclude or 0, "count": count, "keywords": keywords_of(probe.text), "rrf_k": RRF_K}
    sql = CANDIDATES_SQL.format(probe=vector, articles=articles_sql)
    rows = _fetch_with_ef_search(sql, params, count + EF_SEARCH_MARGIN)
    width = len(CANDIDATE_FIELDS)
    return [
        Candidate(
            claim=Claim.from_db(connection.alias, CANDIDATE_FIELDS, row[:width]),
            score=1.0 - float(row[width]),
            rejected=row[width + 1],
        )
        for row in rows
    ]


def _fetch_with_ef_search(
    sql: str, params: dict[str, Any], ef_search: int, *, planner: tuple[str, str] | None = None
) -> list[tuple[Any, ...]]:
    """Rows of an HNSW query that needs `ef_search` candidates from the index. Connections start
    with the configured ef_search (settings.py); only a larger need costs a SET LOCAL.

    `planner`: a planner setting and value for this query only (see SCAN_SETTINGS).
    """
    if ef_search <= settings.FACTCHECK_SIMILARITY_EF_SEARCH and planner is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    ef = str(max(ef_search, settings.FACTCHECK_SIMILARITY_EF_SEARCH))
    with transaction.atomic(), connection.cursor() as cursor:
        # SET LOCAL: ends with this transaction, or the caller's, so the planner setting is put
        # back after the query.
        if planner is None:
            cursor.execute("SELECT set_config('hnsw.ef_search', %s, true)", [ef])
            cursor.execute(sql, params)
            return cursor.fetchall()
        name, value = planner
        cursor.execute(
            "SELECT set_config('hnsw.ef_search', %s, true), current_setting(%s), set_config(%s, %s, true)",
            [ef, name, name, value],
        )
        before = cursor.fetchone()[1]
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.execute("SELECT set_config(%s, %s, true)", [name, before])
        return rows


# --- search ---


def search(
    probe: Probe, articles: ArticlesSql | None, *, limit: int, exclude: int | None = None
) -> list[SimilarClaim]:
    """The `limit` claims of these articles (article_ids_sql) most like the probe: duplicates
    first, then by similarity."""
    if articles is None or limit < 1:
        return []
    results = []
    for found in candidates(probe, articles, count=max(MIN_CANDIDATES, 3 * limit), exclude=exclude):
        relation = relation_between(found.score, probe.facts, found.claim)
        if relation is not None:
            # An editor's word beats the model.
            relation = RELATED if found.rejected else relation
            results.append(SimilarClaim(claim=found.claim, score=round(found.score, 4), relation=relation))
    return best_first(results)[:limit]


def best_first(results: list[SimilarClaim]) -> list[SimilarClaim]:
    return sorted(results, key=lambda found: (found.relation != DUPLICATE, -found.score, found.claim.pk))


def claim_probe(claim: Claim) -> Probe | None:
    """None when the claim cannot be matched: no vector, or a language the model does not cover."""
    if claim.embedding is None or not embeddings.covers_language(claim.article.language):
        return None
    return Probe(text=claim.text, facts=claim_facts(claim), claim_id=claim.pk)


def text_probe(text: str) -> Probe:
    return Probe(vector=embeddings.embed_text(text), text=text, facts=facts_of(text))


def similar_claims(
    *, claim: Claim, user: access.AnyUser, scope: str = "all", limit: int = 10
) -> list[SimilarClaim]:
    """Claims like `claim` that `user` may see: in its article (`scope="article"`) or anywhere."""
    probe = claim_probe(claim)
    if probe is None:
        return []
    articles = searchable_articles_sql(user, article_id=claim.article_id if scope == "article" else None)
    results = search(probe, articles, limit=limit, exclude=claim.pk)
    return _merged_are_duplicates(claim, results)


def _merged_are_duplicates(claim: Claim, results: list[SimilarClaim]) -> list[SimilarClaim]:
    """Claims an editor merged with this one are duplicates, whatever the model says."""
    canonical = claim.duplicate_of_id or claim.pk
    decided = [
        SimilarClaim(claim=found.claim, score=found.score, relation=DUPLICATE)
        if (found.claim.duplicate_of_id or found.claim.pk) == canonical
        else found
        for found in results
    ]
    return best_first(decided)


def match_text(*, text: str, user: access.AnyUser, limit: int = 10) -> list[SimilarClaim]:
    """ "Has this been checked before?": claims like a free text, among those `user` may see."""
    if not matchable_articles(access.visible_articles(user)).exists():  # spare the model
        return []
    return search(text_probe(text), searchable_articles_sql(user), limit=limit)


def search_claims(*, user: access.AnyUser, text: str, limit: int = 20) -> list[Claim]:
    """Claims closest in meaning to a free text, for the search page."""
    return [found.claim for found in match_text(text=text, user=user, limit=limit)]


# --- at ingest ---


def near_duplicates(claims: Sequence[ExtractedClaim], vectors: np.ndarray) -> list[int | None]:
    """For each claim, the index of the first earlier claim it repeats (same meaning and facts),
    or None."""
    found: list[int | None] = [None] * len(claims)
    if not len(claims):
        return found
    similarity = vectors @ vectors.T
    threshold = settings.FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD
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


# For each new claim, its nearest claims in the team's other articles, all in one statement.
# Duplicates need a close meaning, so the nearest few by vector suffice.
SUGGESTION_CANDIDATES_SQL = """
SELECT new.id, nearest.id, nearest.article_id, nearest.text, nearest.duplicate_of_id, nearest.quantities,
    nearest.dates, 1 - nearest.distance
FROM claims_claim AS new
CROSS JOIN LATERAL (
    SELECT other.id, other.article_id, other.text, other.duplicate_of_id, other.quantities, other.dates,
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
    return [
        (row[0], Claim.from_db(connection.alias, fields, row[1 : 1 + len(fields)]), float(row[-1]))
        for row in rows
    ]


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
    repeats = near_duplicates(extracted, vectors)
    for item, first in zip(extracted, repeats, strict=True):
        if item.duplicate_of is None and first is not None:
            item.duplicate_of = (
                extracted[first].duplicate_of if extracted[first].duplicate_of is not None else first
            )
    return vectors
