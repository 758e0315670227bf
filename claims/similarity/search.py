"""Finding claims: similar claims by HNSW cosine search and Postgres full-text search, fused by
reciprocal rank, and claims by keywords alone; always within the articles a user may see."""

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
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from claims import access
from claims.fields import vector_text
from claims.models import Article, Claim
from claims.similarity import embeddings
from claims.similarity.duplicates import DUPLICATE, RELATED, claim_facts, relation_between
from claims.similarity.facts import Facts

if TYPE_CHECKING:
    pass


logger = logging.getLogger(__name__)


# Reciprocal rank fusion constant (Cormack et al. 2009): damps the weight of the first ranks.
RRF_K = 60


MIN_CANDIDATES = 30


# Room for the few rows the filters drop (the probe itself, other teams), so the index rarely
# has to resume its scan (hnsw.iterative_scan) to fill the candidate list.
EF_SEARCH_MARGIN = 10


MAX_KEYWORDS = 32


_KEYWORD = re.compile(r"[^\W_]+")


_FIGURE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")


_PLACEHOLDER = re.compile(r"(?<!%)%s")


@dataclass(frozen=True)
class SimilarClaim:
    claim: Claim
    score: float
    relation: str
    # The scores that placed a match (matching.Match.why); None for similar claims.
    why: dict[str, float | int | None] | None = None


@dataclass(frozen=True)
class Probe:
    """What is being matched: a stored claim (its vector stays in the database) or a free text
    and its vector; the text and its facts."""

    text: str
    facts: Facts
    claim_id: int | None = None
    vector: np.ndarray | None = None


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


# Both candidate lists and their reciprocal rank fusion in one statement: the HNSW index orders
# `nearest`, the GIN index over the stored text_search (claim_text_search_gin) answers
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
        SELECT id, ts_rank_cd(text_search, plainto_tsquery('english'::regconfig, %(keywords)s)) AS relevance
        FROM claims_claim
        WHERE text_search @@ plainto_tsquery('english'::regconfig, %(keywords)s)
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
SELECT claim.id, claim.article_id, claim.text, claim.duplicate_of_id, claim.facts,
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


def keywords_of(probe: Probe) -> str:
    """The probe's names and figures, the words a fact-checker would search for, all required;
    without any, all of its words. Stemmed by the English dictionary, as the index is. The names
    are those of its facts (a stored claim's were parsed when it was stored)."""
    terms = sorted({word for chunk in probe.facts.entities for word in chunk}) + _FIGURE.findall(probe.text)
    if not terms:
        terms = _KEYWORD.findall(probe.text)
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


# With the facts stored at ingest (Claim.facts), so that no candidate is parsed at search time.
CANDIDATE_FIELDS = ["id", "article_id", "text", "duplicate_of_id", "facts"]


def candidate_claim(values: Sequence[Any]) -> Claim:
    """A Claim of the CANDIDATE_FIELDS from a raw row, as the ORM would load it: the connection
    hands JSON over as text, for JSONField to decode."""
    values = list(values)
    if isinstance(values[_FACTS], str):
        values[_FACTS] = json.loads(values[_FACTS])
    return Claim.from_db(connection.alias, CANDIDATE_FIELDS, values)


_FACTS = CANDIDATE_FIELDS.index("facts")


def candidates(probe: Probe, articles: ArticlesSql, *, count: int, exclude: int | None) -> list[Candidate]:
    """Up to `count` claims of these articles (article_ids_sql), best fused rank first, with
    their cosine similarity to the probe."""
    articles_sql, params = articles
    vector, params["probe"] = probe_sql(probe)
    params |= {"exclude": exclude or 0, "count": count, "keywords": keywords_of(probe), "rrf_k": RRF_K}
    sql = CANDIDATES_SQL.format(probe=vector, articles=articles_sql)
    rows = _fetch_with_ef_search(sql, params, count + EF_SEARCH_MARGIN)
    width = len(CANDIDATE_FIELDS)
    return [
        Candidate(
            claim=candidate_claim(row[:width]),
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


KEYWORD_RESULT_LIMIT = 50


def claims_by_keywords(*, user: access.AnyUser, text: str, limit: int = KEYWORD_RESULT_LIMIT) -> list[Claim]:
    """Full-text match on the claim text (its stored, indexed text_search), best first; a substring
    match on text and quote as fallback for what the English dictionary does not stem (numbers,
    partial words)."""
    visible = access.visible_claims(user).select_related("article")
    query = SearchQuery(text, search_type="websearch", config="english")
    ranked: list[Claim] = list(
        visible.annotate(rank=SearchRank(F("text_search"), query))
        .filter(text_search=query)
        .order_by("-rank", "-checkworthiness", "id")[:limit]
    )
    if ranked:
        return ranked
    return list(
        visible.filter(Q(text__icontains=text) | Q(quote__icontains=text)).order_by("-checkworthiness", "id")[
            :limit
        ]
    )
