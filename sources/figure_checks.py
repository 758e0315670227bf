"""Stored comparisons of claims with reference figures (FigureCheck): what the queue filters on and
reports cite. Written when a table is uploaded or deleted (for the claims it concerns) and when
an article's claims are stored (for the new claims)."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet

from claims.models import Claim
from sources import matching
from sources.models import FigureCheck, ReferenceTable

# Comparisons kept per claim; the first is the claim's hint.
STORED_FIGURES = 3


def claim_figures_store(claim: Claim) -> list[FigureCheck]:
    """Replace the claim's stored comparisons with its best compared figures now."""
    compared = [
        (figure, figure.claim_value)
        for figure in matching.claim_figures(claim)
        if figure.claim_value is not None
    ]
    with transaction.atomic():
        FigureCheck.objects.filter(claim=claim).delete()
        return FigureCheck.objects.bulk_create(
            [
                FigureCheck(
                    claim=claim,
                    row=figure.row,
                    rank=rank,
                    hint=figure.hint,
                    claim_value=claim_value,
                    difference=figure.difference or 0.0,
                    relative_difference=figure.relative_difference,
                )
                for rank, (figure, claim_value) in enumerate(compared[:STORED_FIGURES], start=1)
            ]
        )


def new_claims_check(*, claims: Iterable[Claim]) -> None:
    """Compare newly stored claims with the tables of their team and the shared ones, if any."""
    with_figures = [claim for claim in claims if claim.quantities and claim.duplicate_of_id is None]
    if not with_figures:
        return
    teams = {claim.article.team_id for claim in with_figures}
    if not ReferenceTable.objects.filter(Q(team_id__in=teams) | Q(team__isnull=True)).exists():
        return
    for claim in with_figures:
        claim_figures_store(claim)


def differing_checks(claims: QuerySet[Claim]) -> list[FigureCheck]:
    """The claims among these whose best reference figure differs, with the row and its table."""
    checks = FigureCheck.objects.filter(claim__in=claims, rank=1, hint=FigureCheck.Hint.DIFFERS)
    return list(checks.select_related("row", "row__table", "claim").order_by("claim__start", "claim_id"))
