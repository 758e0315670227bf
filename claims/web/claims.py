"""The claim panel: status, text, assignment, evidence, similar claims and suggested duplicates."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from claims import access, selectors, services
from claims.models import Claim, Verdict
from claims.similarity.search import similar_claims
from claims.web import highlights
from claims.web.forms import (
    ClaimStatusForm,
    ClaimTextForm,
    EvidenceForm,
    ReviewRejectForm,
    RewriteDropForm,
    VerdictForm,
)
from claims.web.shortcuts import INVALID, checkworthiness_threshold, domain_errors, is_htmx, reverse_or_none
from sources import services as source_services
from sources.matching import claim_figures


def visible_claim_or_404(request: HttpRequest, pk: int) -> Claim:
    claims = access.visible_claims(request.user).select_related(
        "article", "article__team", "assigned_to", "duplicate_of"
    )
    return get_object_or_404(claims, pk=pk)


def _similar(claim: Claim, user: Any) -> list[tuple[Claim, str]]:
    return [
        (found.claim, f"{found.relation}, similarity {round(found.score * 100)}%")
        for found in similar_claims(claim=claim, user=user, limit=6)
    ]


def _panel_context(request: HttpRequest, claim: Claim, **forms: Any) -> dict[str, Any]:
    user = request.user
    verdict = selectors.current_verdict(claim)
    return {
        "claim": claim,
        "tone": highlights.claim_tone(claim, verdict),
        "label": highlights.claim_label(claim, verdict),
        "low": claim.checkworthiness < checkworthiness_threshold(),
        "evidence": selectors.claim_evidence(claim=claim),
        "related": selectors.related_claims(claim=claim, user=user, similar=_similar(claim, user)),
        "suggestions": selectors.suggested_duplicates(claim=claim, user=user),
        "figures": claim_figures(claim),
        "history": selectors.claim_history(claim=claim, user=user),
        "rewrites": highlights.rewrites_shown(claim),
        "can_edit": access.can_edit_claim(user, claim),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "status_form": ClaimStatusForm(initial={"status": claim.status, "version": claim.version}),
        "text_form": forms.get("text_form")
        or ClaimTextForm(initial={"text": claim.text, "version": claim.version}),
        "error": forms.get("error"),
        **_verdict_context(user, claim, verdict, forms),
    }


def _verdict_context(
    user: Any, claim: Claim, verdict: Verdict | None, forms: dict[str, Any]
) -> dict[str, Any]:
    """The verdict, and what this user may do with it: draft, submit, or (four eyes) review."""
    state = verdict.state if verdict is not None else None
    can_edit = access.can_edit_claim(user, claim)
    draft = verdict if verdict is not None and state == Verdict.State.DRAFT else None
    initial = (
        {"rating": draft.rating, "summary": draft.summary, "explanation": draft.explanation}
        if draft
        else None
    )
    return {
        "verdict": verdict,
        "verdict_history": selectors.verdict_revisions(claim=claim),
        "public_url": _public_url(verdict),
        # A published verdict can be revised: the form then starts the next revision.
        "can_write_verdict": can_edit
        and claim.duplicate_of_id is None
        and state in {None, Verdict.State.DRAFT, Verdict.State.PUBLISHED},
        "can_submit": can_edit and draft is not None,
        "can_review": verdict is not None
        and state == Verdict.State.IN_REVIEW
        and access.can_review_verdict(user, verdict),
        "is_author": verdict is not None and verdict.author_id == user.pk,
        "verdict_form": forms.get("verdict_form") or VerdictForm(initial=initial),
        "reject_form": forms.get("reject_form") or ReviewRejectForm(),
    }


def _public_url(verdict: Verdict | None) -> str | None:
    if verdict is None or verdict.state != Verdict.State.PUBLISHED:
        return None
    return reverse_or_none("verdict-public", verdict.pk)


def panel_response(
    request: HttpRequest, claim: Claim, *, status: int = 200, **forms: Any
) -> TemplateResponse:
    template = "claims/claim_detail.html#panel" if is_htmx(request) else "claims/claim_detail.html"
    return TemplateResponse(request, template, _panel_context(request, claim, **forms), status=status)


def panel_invalid(request: HttpRequest, claim: Claim, error: str = "", **forms: Any) -> TemplateResponse:
    """The panel again, status 422: `error` on top, and `forms` with their errors."""
    return panel_response(request, claim, status=INVALID, error=error, **forms)


def after_write(request: HttpRequest, claim: Claim, message: str) -> HttpResponse:
    """htmx gets the fresh panel; a plain form post is redirected back to the claim page."""
    messages.success(request, message)
    if is_htmx(request):
        claim.refresh_from_db()
        # The article page listens for this to redraw its highlights.
        return trigger_client_event(panel_response(request, claim), "claim-changed", {"id": claim.pk})
    return HttpResponseRedirect(reverse("claim-detail", args=[claim.pk]))


@login_required
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    return panel_response(request, visible_claim_or_404(request, pk))


@login_required
@require_POST
def claim_status(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    form = ClaimStatusForm(request.POST)
    if not form.is_valid():
        return panel_invalid(request, claim, "Choose a valid status.")
    with domain_errors() as refused:
        data = form.cleaned_data
        services.claim_update(
            claim=claim, by=request.user, expected_version=data["version"], status=data["status"]
        )
        return after_write(request, claim, "Status changed.")
    return panel_invalid(request, claim, refused.message)


@login_required
@require_POST
def claim_text(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    form = ClaimTextForm(request.POST)
    with domain_errors(form) as refused:
        if form.is_valid():
            data = form.cleaned_data
            services.claim_update(
                claim=claim, by=request.user, expected_version=data["version"], text=data["text"]
            )
            return after_write(request, claim, "Wording saved.")
    return panel_invalid(request, claim, refused.message, text_form=form)


@login_required
@require_POST
def claim_rewrite_drop(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    form = RewriteDropForm(request.POST)
    if not form.is_valid():
        return panel_invalid(request, claim, "Reload the claim and try again.")
    with domain_errors() as refused:
        services.claim_rewrite_drop(
            claim=claim, index=index, by=request.user, expected_version=form.cleaned_data["version"]
        )
        return after_write(request, claim, "Rewrite dropped: the claim says the article's words again.")
    return panel_invalid(request, claim, refused.message)


@login_required
@require_POST
def claim_assign_me(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    with domain_errors() as refused:
        services.claims_assign(claims=[claim], assignee=request.user, by=request.user)
        return after_write(request, claim, "Assigned to you.")
    return panel_invalid(request, claim, refused.message)


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    form = EvidenceForm(request.POST)
    with domain_errors(form) as refused:
        if form.is_valid():
            source_services.evidence_add(claim=claim, by=request.user, **form.cleaned_data)
            return after_write(request, claim, "Evidence added.")
    return panel_invalid(request, claim, refused.message, evidence_form=form)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    evidence = get_object_or_404(selectors.claim_evidence(claim=claim), pk=evidence_pk)
    with domain_errors() as refused:
        source_services.evidence_remove(evidence=evidence, by=request.user)
        return after_write(request, claim, "Evidence removed.")
    return panel_invalid(request, claim, refused.message)


@login_required
@require_POST
def suggestion_decide(request: HttpRequest, pk: int, suggestion_pk: int, decision: str) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    suggestion = (
        selectors.pending_suggestions(claim=claim, user=request.user).filter(pk=suggestion_pk).first()
    )
    if suggestion is None or decision not in {"confirm", "reject"}:
        return panel_response(
            request, claim, status=404, error="That suggestion was already decided or is gone."
        )
    with domain_errors() as refused:
        if decision == "confirm":
            services.suggestion_confirm(suggestion=suggestion, by=request.user)
            return after_write(request, claim, "Duplicate confirmed.")
        services.suggestion_reject(suggestion=suggestion, by=request.user)
        return after_write(request, claim, "Not a duplicate.")
    return panel_invalid(request, claim, refused.message)
