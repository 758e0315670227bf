"""Reads that join: what views and API endpoints list."""

import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from claims.models import Article, Claim, Verdict


def article_claims(*, article: Article, min_checkworthiness: float | None = None) -> QuerySet[Claim]:
    # Vectors are not shown, and decoding 384 floats a claim is most of a list's cost.
    claims = article.claims.defer("embedding").order_by("start", "id")
    if min_checkworthiness is not None:
        claims = claims.filter(checkworthiness__gte=min_checkworthiness)
    return claims


# One JSON document per page, built by PostgreSQL: Django turning 50 rows into dicts and decoding
# each JSON field on the way cost six times as much. Keys are model field names (a foreign key
# gives its id); `verdict` is the one current_verdicts picks, as {rating, summary, state}.
CLAIM_LIST_PAGE_SQL = """
SELECT COALESCE(json_agg(page.item ORDER BY page.start, page.id), '[]')::text
FROM (
    SELECT claim.start, claim.id, json_build_object(
        'id', claim.id, 'article', claim.article_id, 'text', claim.text, 'quote', claim.quote,
        'start', claim.start, 'end', claim."end", 'checkworthiness', claim.checkworthiness,
        'reason', claim.reason, 'status', claim.status, 'duplicate_of', claim.duplicate_of_id,
        'quantities', claim.quantities, 'dates', claim.dates, 'flags', claim.flags,
        'verdict', (
            SELECT json_build_object(
                'rating', verdict.rating, 'summary', verdict.summary, 'state', verdict.state
            )
            FROM claims_verdict verdict
            WHERE verdict.claim_id = COALESCE(claim.duplicate_of_id, claim.id)
            ORDER BY verdict.revision DESC, verdict.id DESC
            LIMIT 1
        ),
        'version', claim.version
    ) AS item
    FROM claims_claim claim
    WHERE claim.article_id = %(article)s AND claim.checkworthiness >= %(threshold)s
    ORDER BY claim.start, claim.id
    LIMIT %(limit)s OFFSET %(offset)s
) page
"""
CLAIM_LIST_COUNT_SQL = """
SELECT count(*) FROM claims_claim claim
WHERE claim.article_id = %(article)s AND claim.checkworthiness >= %(threshold)s
"""


class ClaimList:
    """An article's claims as article_claims filters and orders them, as dicts, for a paginator:
    count() and a slice are a query each. The caller has checked access to the article."""

    def __init__(self, *, article: Article, min_checkworthiness: float) -> None:
        self.params = {"article": article.pk, "threshold": min_checkworthiness}

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(CLAIM_LIST_COUNT_SQL, self.params)
            return int(cursor.fetchone()[0])

    def __getitem__(self, rows: slice) -> list[dict[str, Any]]:
        start, stop = rows.start or 0, rows.stop
        if stop <= start:
            return []
        with connection.cursor() as cursor:
            cursor.execute(CLAIM_LIST_PAGE_SQL, {**self.params, "limit": stop - start, "offset": start})
            claims: list[dict[str, Any]] = json.loads(cursor.fetchone()[0])
        for claim in claims:
            # JSON writes a float column's 0.0 as 0.
            claim["checkworthiness"] = float(claim["checkworthiness"])
        return claims


def current_verdicts(claims: Iterable[Claim]) -> dict[int, Verdict]:
    """Claim id -> latest verdict revision of its canonical claim, in one query.

    A duplicate shows the verdict of the claim it duplicates.
    """
    canonical_of = {claim.pk: claim.duplicate_of_id or claim.pk for claim in claims}
    latest = (
        Verdict.objects.filter(claim_id__in=set(canonical_of.values()))
        .order_by("claim_id", "-revision", "-id")
        .distinct("claim_id")
    )
    by_canonical = {verdict.claim_id: verdict for verdict in latest}
    return {
        claim_id: by_canonical[canonical]
        for claim_id, canonical in canonical_of.items()
        if canonical in by_canonical
    }
