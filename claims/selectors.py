"""Reads that join: what views and API endpoints list."""

import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from claims import access
from claims.models import Article, Claim, Verdict

# A claim's current verdict, the rule written once: the newest revision (then the newest row) among
# the verdicts of its canonical claim (a duplicate shows the verdict of the claim it duplicates).
# `published` narrows it to published revisions, which is what reports and the public see.
NEWEST_FIRST = ("-revision", "-id")
NEWEST_FIRST_SQL = "verdict.revision DESC, verdict.id DESC"


def article_claims(*, article: Article, min_checkworthiness: float | None = None) -> QuerySet[Claim]:
    # Vectors are not shown, and decoding 384 floats a claim is most of a list's cost.
    claims = article.claims.defer("embedding").order_by("start", "id")
    if min_checkworthiness is not None:
        claims = claims.filter(checkworthiness__gte=min_checkworthiness)
    return claims


# One JSON document per page, built by PostgreSQL: Django turning 50 rows into dicts and decoding
# each JSON field on the way cost six times as much. Keys are model field names (a foreign key
# gives its id); `verdict` is the one current_verdicts picks, as {rating, summary, state}.
CLAIM_LIST_PAGE_SQL = f"""
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
            ORDER BY {NEWEST_FIRST_SQL}
            LIMIT 1
        ),
        'version', claim.version
    ) AS item
    FROM claims_claim claim
    WHERE claim.article_id = %(article)s AND claim.checkworthiness >= %(threshold)s
    ORDER BY claim.start, claim.id
    LIMIT %(limit)s OFFSET %(offset)s
) page
"""  # noqa: S608 (formatted with a constant)
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


def _verdicts(*, published: bool) -> QuerySet[Verdict]:
    return access.public_verdicts() if published else Verdict.objects.all()


def current_verdicts(claims: Iterable[Claim], *, published: bool = False) -> dict[int, Verdict]:
    """Claim id -> its current verdict (see NEWEST_FIRST), in one query; claims without one are left out."""
    canonical_of = {claim.pk: claim.duplicate_of_id or claim.pk for claim in claims}
    latest = (
        _verdicts(published=published)
        .filter(claim_id__in=set(canonical_of.values()))
        .order_by("claim_id", *NEWEST_FIRST)
        .distinct("claim_id")
    )
    by_canonical = {verdict.claim_id: verdict for verdict in latest}
    return {
        claim_id: by_canonical[canonical]
        for claim_id, canonical in canonical_of.items()
        if canonical in by_canonical
    }


def current_verdict(claim: Claim, *, published: bool = False) -> Verdict | None:
    return current_verdicts([claim], published=published).get(claim.pk)


def with_current_verdict(claims: QuerySet[Claim], *, published: bool = False, prefix: str) -> QuerySet[Claim]:
    """Annotate each claim with its current verdict's `<prefix>_verdict_id`, `<prefix>_rating` and
    `<prefix>_published_at`, for filtering and ordering in SQL."""
    latest = _verdicts(published=published).filter(claim_id=OuterRef("canonical_id")).order_by(*NEWEST_FIRST)
    return claims.annotate(canonical_id=Coalesce(F("duplicate_of_id"), F("id"))).annotate(
        **{
            f"{prefix}_verdict_id": Subquery(latest.values("id")[:1]),
            f"{prefix}_rating": Subquery(latest.values("rating")[:1]),
            f"{prefix}_published_at": Subquery(latest.values("published_at")[:1]),
        }
    )


def public_verdicts() -> QuerySet[Verdict]:
    """Published verdicts with what their public page and ClaimReview show."""
    return (
        access.public_verdicts()
        .select_related("claim__article")
        .prefetch_related("claim__duplicates__article")
    )


def current_public_verdicts() -> QuerySet[Verdict]:
    """The public feed: each claim's latest published revision (a revision replaces the one before),
    newest first. Claims here are the verdicts' own: a duplicate has no verdict of its own to list."""
    latest = access.public_verdicts().order_by("claim_id", *NEWEST_FIRST).distinct("claim_id").values("id")
    return public_verdicts().filter(pk__in=latest).order_by("-published_at", "-id")


def newer_published_revision(verdict: Verdict) -> Verdict | None:
    return (
        access.public_verdicts()
        .filter(claim_id=verdict.claim_id, revision__gt=verdict.revision)
        .order_by(*NEWEST_FIRST)
        .first()
    )
