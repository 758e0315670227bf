"""A claim's verdict in the panel: save a draft, submit, publish, reject."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from claims import selectors, services
from claims.errors import DomainError
from claims.models import Verdict
from claims.web.claims import after_write, panel_response, visible_claim_or_404
from claims.web.forms import ReviewRejectForm, VerdictForm
from claims.web.shortcuts import INVALID, with_field_errors


@login_required
@require_POST
def verdict_save(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    form = VerdictForm(request.POST)
    if form.is_valid():
        verdict = selectors.current_verdict(claim)
        try:
            if verdict is not None and verdict.state == Verdict.State.DRAFT:
                services.verdict_update(verdict=verdict, by=request.user, **form.cleaned_data)
            else:
                services.verdict_create(claim=claim, author=request.user, **form.cleaned_data)
        except DomainError as error:
            return panel_response(
                request,
                claim,
                status=INVALID,
                error=error.message,
                verdict_form=with_field_errors(form, error),
            )
        else:
            return after_write(request, claim, "Verdict draft saved.")
    return panel_response(request, claim, status=INVALID, verdict_form=form)


def _verdict_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    verdict = selectors.current_verdict(claim)
    if verdict is None:
        return panel_response(request, claim, status=INVALID, error="This claim has no verdict yet.")
    reject_form = ReviewRejectForm(request.POST) if action == "reject" else None
    try:
        if action == "submit":
            services.verdict_submit(verdict=verdict, by=request.user)
        elif action == "publish":
            services.verdict_publish(verdict=verdict, by=request.user)
        elif reject_form is not None and reject_form.is_valid():
            services.verdict_reject(
                verdict=verdict, by=request.user, comment=reject_form.cleaned_data["comment"]
            )
        else:
            return panel_response(request, claim, status=INVALID, reject_form=reject_form)
    except DomainError as error:
        return panel_response(request, claim, status=INVALID, error=error.message, reject_form=reject_form)
    done = {"submit": "Submitted for review.", "publish": "Verdict published.", "reject": "Sent back."}
    return after_write(request, claim, done[action])


@login_required
@require_POST
def verdict_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _verdict_action(request, pk, "submit")


@login_required
@require_POST
def verdict_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _verdict_action(request, pk, "publish")


@login_required
@require_POST
def verdict_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _verdict_action(request, pk, "reject")
