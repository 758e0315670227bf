"""The claim panel: status, text, assignment, evidence, similar claims and suggested duplicates."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from claims import access, selectors, services
from claims.errors import DomainError
from claims.models import Claim, ClaimSuggestion, Verdict
from claims.similarity.search import similar_claims
from claims.web import highlights
from claims.web.forms import (
    ClaimStatusForm,
    ClaimTextForm,
    EvidenceForm,
    ReviewRejectForm,
    VerdictForm,
)
from claims.web.shortcuts import (
    INVALID,
    checkworthiness_threshold,
    is_htmx,
    reverse_or_none,
    with_field_errors,
)
from sources import services as source_services
from sources.models import Evidence


def visible_claim_or_404(request: HttpRequest, pk: int) -> Claim:
    claims = access.visible_claims(request.user).select_related(
        "article", "article__team", "assigned_to", "duplicate_of"
    )
    return get_object_or_404(claims, pk=pk)


@dataclass(frozen=True)
class Related:
    """Another claim shown in the panel: how it relates to this one, and its verdict."""

    other: Claim
    relation: str
    verdict: Verdict | None


def _related(claim: Claim, user: Any) -> list[Related]:
    """Confirmed duplicate links first, then what the similarity search finds."""
    visible = access.visible_claims(user)
    linked = [(claim.duplicate_of, "this claim repeats it")] if claim.duplicate_of else []
    linked += [(c, "repeats this claim") for c in claim.duplicates.select_related("article")]
    found = [(c, relation) for c, relation in linked if c is not None and visible.filter(pk=c.pk).exists()]
    seen = {claim.pk} | {c.pk for c, _ in found}
    for similar in similar_claims(claim=claim, user=user, limit=6):
        if similar.claim.pk not in seen:
            found.append((similar.claim, f"{similar.relation}, similarity {round(similar.score * 100)}%"))
            seen.add(similar.claim.pk)
    verdicts = selectors.current_verdicts([c for c, _ in found])
    return [Related(other=c, relation=relation, verdict=verdicts.get(c.pk)) for c, relation in found]


def _panel_context(request: HttpRequest, claim: Claim, **forms: Any) -> dict[str, Any]:
    user = request.user
    verdict = selectors.current_verdict(claim)
    return {
        "claim": claim,
        "tone": highlights.claim_tone(claim, verdict),
        "label": highlights.claim_label(claim, verdict),
        "low": claim.checkworthiness < checkworthiness_threshold(),
        "evidence": claim.evidence.select_related("source", "added_by"),
        "related": _related(claim, user),
        "suggestions": _suggestions(claim, user),
        "history": access.visible_audit_records(user).filter(claim=claim).select_related("actor")[:50],
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
        "verdict_history": claim.canonical.verdicts.select_related("author", "reviewer"),
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
        return panel_response(request, claim, status=INVALID, error="Choose a valid status.")
    try:
        services.claim_update(
            claim=claim,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
        )
    except DomainError as error:
        claim.refresh_from_db()
        return panel_response(request, claim, status=INVALID, error=error.message)
    return after_write(request, claim, "Status changed.")


@login_required
@require_POST
def claim_text(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    form = ClaimTextForm(request.POST)
    if not form.is_valid():
        return panel_response(request, claim, status=INVALID, text_form=form)
    try:
        services.claim_update(
            claim=claim,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
        )
    except DomainError as error:
        claim.refresh_from_db()
        return panel_response(
            request, claim, status=INVALID, error=error.message, text_form=with_field_errors(form, error)
        )
    return after_write(request, claim, "Wording saved.")


@login_required
@require_POST
def claim_assign_me(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    try:
        services.claims_assign(claims=[claim], assignee=request.user, by=request.user)
    except DomainError as error:
        return panel_response(request, claim, status=INVALID, error=error.message)
    return after_write(request, claim, "Assigned to you.")


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            source_services.evidence_add(
                claim=claim,
                by=request.user,
                stance=data["stance"],
                url=data["url"],
                quote=data["quote"],
                note=data["note"],
            )
        except DomainError as error:
            return panel_response(
                request,
                claim,
                status=INVALID,
                error=error.message,
                evidence_form=with_field_errors(form, error),
            )
        else:
            return after_write(request, claim, "Evidence added.")
    return panel_response(request, claim, status=INVALID, evidence_form=form)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, claim=claim)
    try:
        source_services.evidence_remove(evidence=evidence, by=request.user)
    except DomainError as error:
        return panel_response(request, claim, status=INVALID, error=error.message)
    return after_write(request, claim, "Evidence removed.")


@dataclass(frozen=True)
class Suggestion:
    """A pending duplicate suggestion as the panel shows it: the other claim and its verdict."""

    pk: int
    other: Claim
    score: float
    relation: str
    verdict: Verdict | None


def _pending_suggestions(claim: Claim, user: Any) -> QuerySet[ClaimSuggestion]:
    visible = access.visible_claims(user)
    return (
        ClaimSuggestion.objects.filter(status=ClaimSuggestion.Status.SUGGESTED)
        .filter(Q(claim=claim, candidate__in=visible) | Q(candidate=claim, claim__in=visible))
        .select_related("claim__article", "candidate__article")
    )


def _suggestions(claim: Claim, user: Any) -> list[Suggestion]:
    pending = list(_pending_suggestions(claim, user)[:20])
    others = [s.candidate if s.claim_id == claim.pk else s.claim for s in pending]
    verdicts = selectors.current_verdicts(others)
    return [
        Suggestion(pk=s.pk, other=other, score=s.score, relation=s.relation, verdict=verdicts.get(other.pk))
        for s, other in zip(pending, others, strict=True)
    ]


@login_required
@require_POST
def suggestion_decide(request: HttpRequest, pk: int, suggestion_pk: int, decision: str) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    suggestion = _pending_suggestions(claim, request.user).filter(pk=suggestion_pk).first()
    if suggestion is None or decision not in {"confirm", "reject"}:
        return panel_response(
            request, claim, status=404, error="That suggestion was already decided or is gone."
        )
    try:
        if decision == "confirm":
            services.suggestion_confirm(suggestion=suggestion, by=request.user)
        else:
            services.suggestion_reject(suggestion=suggestion, by=request.user)
    except DomainError as error:
        return panel_response(request, claim, status=INVALID, error=error.message)
    return after_write(
        request, claim, "Duplicate confirmed." if decision == "confirm" else "Not a duplicate."
    )
