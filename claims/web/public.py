"""The public verdict page, with its ClaimReview JSON-LD."""

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from claims import selectors
from claims.reports.claimreview import claim_review, verdict_public_url


@require_GET
def verdict_public(request: HttpRequest, pk: int) -> TemplateResponse:
    """The public page of a published verdict, with its ClaimReview embedded as JSON-LD."""
    verdict = get_object_or_404(selectors.public_verdicts(), pk=pk)
    claim = verdict.claim
    newer = selectors.newer_published_revision(verdict)
    context = {
        "verdict": verdict,
        "claim": claim,
        "article": claim.article,
        "evidence": selectors.claim_evidence(claim=claim),
        "newer": newer,
        "organisation": settings.FACTCHECK_ORGANISATION_NAME,
        "claim_review": claim_review(verdict=verdict, url=verdict_public_url(request, verdict)),
    }
    return TemplateResponse(request, "public/verdict.html", context)
