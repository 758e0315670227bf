"""Reads that join: what views and API endpoints list."""

from collections.abc import Iterable

from django.db.models import QuerySet

from claims.models import Article, Claim, Verdict


def article_claims(*, article: Article, min_checkworthiness: float | None = None) -> QuerySet[Claim]:
    # Vectors are not shown, and decoding 384 floats a claim is most of a list's cost.
    claims = article.claims.defer("embedding").order_by("start", "id")
    if min_checkworthiness is not None:
        claims = claims.filter(checkworthiness__gte=min_checkworthiness)
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
