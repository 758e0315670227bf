"""A claim's verdict in the panel: save a draft, submit, publish, reject."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from claims import selectors, services
from claims.errors import InvalidInput
from claims.models import Claim, Verdict
from claims.web.claims import after_write, panel_invalid, visible_claim_or_404
from claims.web.forms import ReviewRejectForm, VerdictForm
from claims.web.shortcuts import domain_errors


@login_required
@require_POST
def verdict_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Saves the draft, or starts one (after a published verdict, as its next revision)."""
    claim = visible_claim_or_404(request, pk)
    form = VerdictForm(request.POST)
    with domain_errors(form) as refused:
        if form.is_valid():
            services.verdict_save(claim=claim, by=request.user, **form.cleaned_data)
            return after_write(request, claim, "Verdict draft saved.")
    return panel_invalid(request, claim, refused.message, verdict_form=form)


@login_required
@require_POST
def verdict_submit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    with domain_errors() as refused:
        services.verdict_submit(verdict=_current_verdict(claim), by=request.user)
        return after_write(request, claim, "Submitted for review.")
    return panel_invalid(request, claim, refused.message)


@login_required
@require_POST
def verdict_publish(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    with domain_errors() as refused:
        services.verdict_publish(verdict=_current_verdict(claim), by=request.user)
        return after_write(request, claim, "Verdict published.")
    return panel_invalid(request, claim, refused.message)


@login_required
@require_POST
def verdict_reject(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    form = ReviewRejectForm(request.POST)
    with domain_errors() as refused:
        verdict = _current_verdict(claim)
        if form.is_valid():
            services.verdict_reject(verdict=verdict, by=request.user, comment=form.cleaned_data["comment"])
            return after_write(request, claim, "Sent back.")
    return panel_invalid(request, claim, refused.message, reject_form=form)


def _current_verdict(claim: Claim) -> Verdict:
    verdict = selectors.current_verdict(claim)
    if verdict is None:
        raise InvalidInput("This claim has no verdict yet.")
    return verdict
