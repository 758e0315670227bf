""" "Checked before?": claims like a free text (a pasted post, a sentence), best first, each with the
scores that placed it.

Three candidate lists come from one SQL statement, within the articles the user may see:

  nearest  HNSW cosine search over the claims' embeddings;
  keyword  Postgres full-text search over the claim text, any of the query's rarest words
           (keywords.py: every word of a long post matched much of the corpus, and ranking
           all those rows made its statement cost twice a short post's);
  title    the same over the article's title (a fact-check's title often carries the words a
           post uses), each title's claims ordered by meaning.

They are merged by weighted reciprocal-rank fusion, then a learned re-ranker (`rerank.py`) orders
the fused candidates from the scores and the overlap of words, names and figures. Without a
re-ranker file the fused order stands.

`bench/checkthat_eval.py` measures each stage on CLEF CheckThat! 2022 task 2A.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings

from claims import access
from claims.fields import vector_text
from claims.models import Claim
from claims.similarity import embeddings, keywords, rerank
from claims.similarity.duplicates import RELATED, relation_between
from claims.similarity.facts import facts_of
from claims.similarity.queries import clean_query
from claims.similarity.search import (
    CANDIDATE_FIELDS,
    ArticlesSql,
    SimilarClaim,
    _fetch_with_ef_search,
    candidate_claim,
    matchable_articles,
    searchable_articles_sql,
)

KEYWORD = "keyword"
VECTOR = "vector"
FUSED = "fused"
RERANKED = "reranked"
MODES = (KEYWORD, VECTOR, FUSED, RERANKED)

# Reciprocal rank fusion constant (Cormack et al. 2009).
RRF_K = 60
MAX_QUERY_WORDS = 48
_WORD = re.compile(r"[^\W_]+")
# The full-text lists search the query's rarest lexemes only (keywords.py): at most this many,
# none in more than this share of the rows (unless that is only a few rows). Tuned on the
# CheckThat! 2022 train queries (bench/checkthat_eval.py --split train).
KEYWORD_LEXEMES = 16
MAX_LEXEME_SHARE = 0.01
COMMON_LEXEME_ROWS = 100
# A re-ranker probability from which a match is shown however far its meaning.
CONFIDENT = 0.5


MATCH_SQL = """
WITH probe AS MATERIALIZED (SELECT %(vector)s::vector AS vector),
query AS MATERIALIZED (
    SELECT %(claim_words)s::tsquery AS claim_words, %(title_words)s::tsquery AS title_words
),
nearest AS (
    SELECT id, row_number() OVER (ORDER BY distance, id) AS rank
    FROM (
        SELECT id, embedding <=> (SELECT vector FROM probe) AS distance
        FROM claims_claim
        WHERE embedding IS NOT NULL AND article_id IN ({articles})
        ORDER BY distance
        LIMIT %(depth_nearest)s
    ) AS by_meaning
),
keyword AS (
    SELECT id, relevance, row_number() OVER (ORDER BY relevance DESC, id) AS rank
    FROM (
        SELECT id, ts_rank(text_search, (SELECT claim_words FROM query)) AS relevance
        FROM claims_claim
        WHERE text_search @@ (SELECT claim_words FROM query)
            AND embedding IS NOT NULL AND article_id IN ({articles})
        ORDER BY relevance DESC, id
        LIMIT %(depth_keyword)s
    ) AS by_words
),
title AS (
    SELECT claim.id, by_title.relevance,
        row_number() OVER (
            ORDER BY by_title.relevance DESC, claim.embedding <=> (SELECT vector FROM probe), claim.id
        ) AS rank
    FROM (
        SELECT id, ts_rank(title_search, (SELECT title_words FROM query)) AS relevance
        FROM claims_article
        WHERE title_search @@ (SELECT title_words FROM query)
            AND id IN ({articles})
        ORDER BY relevance DESC, id
        LIMIT %(depth_title)s
    ) AS by_title
    JOIN claims_claim AS claim ON claim.article_id = by_title.id AND claim.embedding IS NOT NULL
    ORDER BY rank
    LIMIT %(depth_title)s
),
fused AS (
    SELECT id, SUM(weight / (%(rrf_k)s + rank)) AS fusion
    FROM (
        SELECT id, rank, %(weight_nearest)s AS weight FROM nearest
        UNION ALL SELECT id, rank, %(weight_keyword)s FROM keyword
        UNION ALL SELECT id, rank, %(weight_title)s FROM title
    ) AS ranked
    GROUP BY id
    ORDER BY fusion DESC, id
    LIMIT %(depth)s
)
SELECT claim.id, claim.article_id, claim.text, claim.duplicate_of_id, claim.facts,
    article.title,
    1 - (claim.embedding <=> (SELECT vector FROM probe)) AS cosine,
    fused.fusion,
    nearest.rank AS nearest_rank,
    keyword.rank AS keyword_rank, COALESCE(keyword.relevance, 0) AS keyword_relevance,
    title.rank AS title_rank, COALESCE(title.relevance, 0) AS title_relevance
FROM fused
JOIN claims_claim AS claim ON claim.id = fused.id
JOIN claims_article AS article ON article.id = claim.article_id
LEFT JOIN nearest ON nearest.id = fused.id
LEFT JOIN keyword ON keyword.id = fused.id
LEFT JOIN title ON title.id = fused.id
ORDER BY fused.fusion DESC, claim.id
"""


@dataclass
class Match:
    """A candidate and the scores that placed it: `cosine` of the meaning, the rank it had in each
    list (None: not in that list), the fused score and, once re-ranked, the re-ranker's."""

    claim: Claim
    title: str
    cosine: float
    fusion: float
    nearest_rank: int | None
    keyword_rank: int | None
    keyword_relevance: float
    title_rank: int | None
    title_relevance: float
    rerank: float | None = None
    relation: str | None = None
    features: list[float] = field(default_factory=list)

    def why(self) -> dict[str, float | int | None]:
        return {
            "cosine": round(self.cosine, 4),
            "nearest_rank": self.nearest_rank,
            "keyword_rank": self.keyword_rank,
            "title_rank": self.title_rank,
            "fusion": round(self.fusion, 6),
            "rerank": None if self.rerank is None else round(self.rerank, 4),
        }


def any_words(text: str) -> str:
    """A to_tsquery text matching any of the text's words (at most MAX_QUERY_WORDS); the English
    configuration drops stop words and stems the rest, as it does for the index. (The reference
    figures' search, sources/matching.py, uses it; matches search only the rarest words.)"""
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))[:MAX_QUERY_WORDS]
    return " | ".join(words) if words else "''"


def searched_words(text: str, *, claims: bool, titles: bool) -> tuple[str | None, str | None]:
    """tsquery texts for the claim and the title lists: the text's rarest lexemes in the claims'
    texts and in the articles' titles (keywords.py); None for a list not searched or when no
    word is rare enough."""
    if not (claims or titles):
        return None, None
    lexemes = keywords.query_lexemes(text)

    def rarest(column: keywords.CommonLexemes) -> str | None:
        return keywords.any_of(
            keywords.rarest(
                lexemes,
                column.statistics(),
                count=KEYWORD_LEXEMES,
                max_share=MAX_LEXEME_SHARE,
                min_rows=COMMON_LEXEME_ROWS,
            )
        )

    return (
        rarest(keywords.CLAIM_TEXT) if claims else None,
        rarest(keywords.ARTICLE_TITLE) if titles else None,
    )


def weights(mode: str) -> tuple[float, float, float]:
    """(nearest, keyword, title) weights of the fusion for a mode."""
    if mode == VECTOR:
        return 1.0, 0.0, 0.0
    if mode == KEYWORD:
        return 0.0, 1.0, settings.FACTCHECK_MATCH_WEIGHT_TITLE
    return (
        settings.FACTCHECK_MATCH_WEIGHT_NEAREST,
        settings.FACTCHECK_MATCH_WEIGHT_KEYWORD,
        settings.FACTCHECK_MATCH_WEIGHT_TITLE,
    )


def candidates_statement(
    text: str, vector: np.ndarray, articles: ArticlesSql, *, fusion: tuple[float, float, float], depth: int
) -> tuple[str, dict[str, Any]]:
    """MATCH_SQL and its parameters for the (cleaned) text and its vector (see `candidates`)."""
    articles_sql, params = articles
    params = dict(params)
    nearest, keyword, title = fusion
    claim_words, title_words = searched_words(text, claims=bool(keyword), titles=bool(title))
    params |= {
        "vector": vector_text(vector.astype(np.float32, copy=False)),
        "claim_words": claim_words,
        "title_words": title_words,
        "depth": depth,
        # A list that does not count in this mode, or has no word to search, is not searched.
        "depth_nearest": depth if nearest else 0,
        "depth_keyword": depth if claim_words else 0,
        "depth_title": depth if title_words else 0,
        "weight_nearest": nearest,
        "weight_keyword": keyword,
        "weight_title": title,
        "rrf_k": RRF_K,
    }
    return MATCH_SQL.format(articles=articles_sql), params


def candidates(
    text: str, vector: np.ndarray, articles: ArticlesSql, *, fusion: tuple[float, float, float], depth: int
) -> list[Match]:
    """Up to `depth` candidates for the (cleaned) text and its vector, best fused first;
    `fusion` weighs the (nearest, keyword, title) lists, and a list weighed 0 is not searched."""
    sql, params = candidates_statement(text, vector, articles, fusion=fusion, depth=depth)
    rows = _fetch_with_ef_search(sql, params, depth)
    width = len(CANDIDATE_FIELDS)
    return [
        Match(
            claim=candidate_claim(row[:width]),
            title=row[width],
            cosine=float(row[width + 1]),
            fusion=float(row[width + 2]),
            nearest_rank=row[width + 3],
            keyword_rank=row[width + 4],
            keyword_relevance=float(row[width + 5]),
            title_rank=row[width + 6],
            title_relevance=float(row[width + 7]),
        )
        for row in rows
    ]


def match_ranked(
    text: str, articles: ArticlesSql | None, *, mode: str = RERANKED, limit: int = 10
) -> list[Match]:
    """The `limit` best candidates for a free text in one mode (see MODES), best first."""
    if articles is None or limit < 1:
        return []
    query = clean_query(text) or text
    vector = embeddings.embed_text(query)
    depth = max(settings.FACTCHECK_MATCH_DEPTH, limit)
    found = candidates(query, vector, articles, fusion=weights(mode), depth=depth)
    if mode == RERANKED:
        found = rerank.reranked(query, found)
    return found[:limit]


def match_text(*, text: str, user: access.AnyUser, limit: int = 10) -> list[SimilarClaim]:
    """ "Has this been checked before?": claims like a free text, among those `user` may see,
    best first, each with its relation to the text and the scores that placed it.

    A candidate far in meaning (below the related threshold) is shown only when the re-ranker
    is confident in it from its words, names and figures.
    """
    if not matchable_articles(access.visible_articles(user)).exists():  # spare the model
        return []
    found = match_ranked(text, searchable_articles_sql(user), limit=limit)
    facts = facts_of(clean_query(text) or text)
    results = []
    for item in found:
        relation = relation_between(item.cosine, facts, item.claim)
        if relation is None and (item.rerank or 0.0) < CONFIDENT:
            continue
        results.append(
            SimilarClaim(
                claim=item.claim, score=round(item.cosine, 4), relation=relation or RELATED, why=item.why()
            )
        )
    return results
