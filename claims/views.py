"""Web UI: function-based views returning TemplateResponse.

htmx requests get a template partial; the same URLs answer plain GET/POST with full pages and
redirects, so every page works without JavaScript. Views parse input, check access through
`claims.access`, call a service and render; domain errors become messages on the form.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh, trigger_client_event

from claims import access, highlights, selectors, services, similarity
from claims import search as claim_search
from claims.forms import (
    ArticleForm,
    AssignForm,
    ClaimStatusForm,
    ClaimTextForm,
    EvidenceForm,
    QueueFilterForm,
    ReviewRejectForm,
    SearchForm,
    VerdictForm,
)
from claims.models import Article, Claim, ClaimSuggestion, Verdict
from factcheck.errors import DomainError
from sources import services as source_services
from sources.models import Evidence

INVALID = 422
QUEUE_PAGE_SIZE = 50


def _is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a partial; restoring history needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def _threshold() -> float:
    return float(settings.FACTCHECK_CHECKWORTHINESS_THRESHOLD)


def _reverse_or_none(name: str, *args: object) -> str | None:
    """A link to a page another engineer owns, or None while its route does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- queue ---


def _queue_claims(request: HttpRequest, form: QueueFilterForm) -> QuerySet[Claim]:
    claims = access.visible_claims(request.user).select_related("article", "assigned_to")
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or QueueFilterForm.NEEDS_WORK
    if status == QueueFilterForm.NEEDS_WORK:
        claims = claims.filter(status__in=[Claim.Status.NEW, Claim.Status.IN_REVIEW])
    elif status != QueueFilterForm.ANY:
        claims = claims.filter(status=status)
    if data.get("article"):
        claims = claims.filter(article=data["article"])
    if data.get("mine"):
        claims = claims.filter(assigned_to_id=request.user.pk)
    if data.get("has_flags"):
        claims = claims.exclude(flags=[])
    if data.get("has_suggestions"):
        pending = ClaimSuggestion.Status.SUGGESTED
        claims = claims.filter(Q(suggestions__status=pending) | Q(suggested_for__status=pending)).distinct()
    return claims.order_by("-checkworthiness", "article_id", "start")


def _status_counts(user: Any) -> list[tuple[str, str, int]]:
    counts = dict(
        access.visible_claims(user).values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [(value, label, counts.get(value, 0)) for value, label in Claim.Status.choices]


def _team_editors(user: Any) -> QuerySet[User]:
    return (
        User.objects.filter(teams__in=access.teams_of(user), is_active=True)
        .filter(Q(groups__name=access.EDITOR) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


@login_required
@require_GET
def queue(request: HttpRequest) -> TemplateResponse:
    form = QueueFilterForm(request.GET or None, articles=access.visible_articles(request.user))
    page = Paginator(_queue_claims(request, form), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    claims = list(page.object_list)
    verdicts = selectors.current_verdicts(claims)
    rows = [
        (claim, highlights.claim_tone(claim, verdicts.get(claim.pk)), verdicts.get(claim.pk))
        for claim in claims
    ]
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "filters": filters.urlencode(),
        "counts": _status_counts(request.user),
        "editors": _team_editors(request.user),
        "can_edit": access.has_role(request.user, access.EDITOR),
        "recent_articles": access.visible_articles(request.user)
        .annotate(claim_count=Count("claims"))
        .order_by("-created_at", "-id")[:8],
    }
    template = "claims/queue.html#results" if _is_htmx(request) else "claims/queue.html"
    return TemplateResponse(request, template, context)


@login_required
@require_POST
def queue_assign(request: HttpRequest) -> HttpResponse:
    editable = access.visible_claims(request.user)
    form = AssignForm(request.POST, claims=editable, editors=_team_editors(request.user))
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(problem) for problem in error))
        return redirect(_back_to_queue(request))
    if form.cleaned_data["mine"] is not None:
        chosen, assignee = [form.cleaned_data["mine"]], request.user
    else:
        chosen, assignee = list(form.cleaned_data["claims"]), form.cleaned_data["assignee"]
    try:
        services.claims_assign(claims=chosen, assignee=assignee, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        who = "you" if assignee == request.user else (assignee.username if assignee else "nobody")
        messages.success(request, f"Assigned {len(chosen)} claim(s) to {who}.")
    return redirect(_back_to_queue(request))


def _back_to_queue(request: HttpRequest) -> str:
    # Re-encoded, so only a query string of our own making ends up in the Location header.
    query = QueryDict(request.POST.get("next_query", "")).urlencode()
    return f"{reverse('queue')}?{query}" if query else reverse("queue")


# --- articles ---


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    teams = access.teams_of(request.user)
    allowed = access.can_submit_articles(request.user)
    form = ArticleForm(request.POST or None, request.FILES or None, teams=teams)
    if request.method == "POST" and allowed and form.is_valid():
        article = _submit_article(request, form)
        if article is not None:
            url = reverse("article-detail", args=[article.pk])
            return HttpResponseClientRedirect(url) if _is_htmx(request) else redirect(url)
    status = INVALID if request.method == "POST" else 200
    context = {"form": form, "allowed": allowed}
    template = "claims/article_new.html#form" if _is_htmx(request) else "claims/article_new.html"
    return TemplateResponse(request, template, context, status=status)


def _submit_article(request: HttpRequest, form: ArticleForm) -> Article | None:
    data = form.cleaned_data
    try:
        team = services.team_for_submission(
            user=request.user, team_id=data["team"].pk if data.get("team") else None
        )
        article, created = services.article_submit(
            team=team,
            submitted_by=request.user,
            title=data["title"],
            body=data["text"],
            url=data["url"],
            publisher=data["publisher"],
            published_at=form.published_at(),
        )
    except DomainError as error:
        _form_errors(form, error)
        return None
    if not created:
        messages.info(request, "This text was submitted before; here is the existing article.")
    return article


def _with_field_errors(form: Any, error: DomainError) -> Any:
    """The form with a domain error's field messages on its fields (the panel shows the message)."""
    for name, problems in error.fields.items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, problem)
    return form


def _form_errors(form: Any, error: DomainError) -> None:
    """Show a domain error on the form: on its fields when it names them, else on top."""
    placed = False
    for name, problems in error.fields.items():
        target = "body" if name == "body" and "body" in form.fields else name
        if target in form.fields:
            for problem in problems:
                form.add_error(target, problem)
            placed = True
    if not placed or error.message:
        form.add_error(None, error.message)


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    article = get_object_or_404(access.visible_articles(request.user).select_related("team"), pk=pk)
    show_low = request.GET.get("low") == "1"
    claims = list(selectors.article_claims(article=article))
    verdicts = selectors.current_verdicts(claims)
    marks = highlights.marks_for(claims, verdicts, _threshold())
    shown = [mark for mark in marks if show_low or not mark.low]
    context = {
        "article": article,
        "segments": highlights.segments(article.body, shown),
        "marks": shown,
        "hidden_count": len(marks) - len(shown),
        "show_low": show_low,
        "threshold": _threshold(),
        "processing": article.status in {Article.Status.PENDING, Article.Status.PROCESSING},
        "reports": _report_links(article),
    }
    return TemplateResponse(request, "claims/article_detail.html", context)


REPORT_FORMATS = {"html": "HTML", "pdf": "PDF", "csv": "CSV", "json": "JSON", "claimreview": "ClaimReview"}


def _report_links(article: Article) -> list[tuple[str, str]]:
    links = [
        (label, _reverse_or_none("api:article-report", article.pk, name))
        for name, label in REPORT_FORMATS.items()
    ]
    return [(label, url) for label, url in links if url is not None]


@login_required
@require_GET
def article_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the article page while claims are being extracted."""
    article = get_object_or_404(access.visible_articles(request.user), pk=pk)
    if article.status not in {Article.Status.PENDING, Article.Status.PROCESSING}:
        return HttpResponseClientRefresh()
    return TemplateResponse(
        request, "claims/article_detail.html#status", {"article": article, "processing": True}
    )


# --- the claim panel ---


def _visible_claim(request: HttpRequest, pk: int) -> Claim:
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
    for similar in similarity.similar_claims(claim=claim, user=user, limit=6):
        if similar.claim.pk not in seen:
            found.append((similar.claim, f"{similar.relation}, similarity {round(similar.score * 100)}%"))
            seen.add(similar.claim.pk)
    verdicts = selectors.current_verdicts([c for c, _ in found])
    return [Related(other=c, relation=relation, verdict=verdicts.get(c.pk)) for c, relation in found]


def _panel_context(request: HttpRequest, claim: Claim, **forms: Any) -> dict[str, Any]:
    user = request.user
    verdict = claim.current_verdict()
    return {
        "claim": claim,
        "tone": highlights.claim_tone(claim, verdict),
        "label": highlights.claim_label(claim, verdict),
        "low": claim.checkworthiness < _threshold(),
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
    return _reverse_or_none("verdict-public", verdict.pk)


def _panel(request: HttpRequest, claim: Claim, *, status: int = 200, **forms: Any) -> TemplateResponse:
    template = "claims/claim_detail.html#panel" if _is_htmx(request) else "claims/claim_detail.html"
    return TemplateResponse(request, template, _panel_context(request, claim, **forms), status=status)


def _after_write(request: HttpRequest, claim: Claim, message: str) -> HttpResponse:
    """htmx gets the fresh panel; a plain form post is redirected back to the claim page."""
    messages.success(request, message)
    if _is_htmx(request):
        claim.refresh_from_db()
        # The article page listens for this to redraw its highlights.
        return trigger_client_event(_panel(request, claim), "claim-changed", {"id": claim.pk})
    return HttpResponseRedirect(reverse("claim-detail", args=[claim.pk]))


@login_required
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    return _panel(request, _visible_claim(request, pk))


@login_required
@require_POST
def claim_status(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _visible_claim(request, pk)
    form = ClaimStatusForm(request.POST)
    if not form.is_valid():
        return _panel(request, claim, status=INVALID, error="Choose a valid status.")
    try:
        services.claim_update(
            claim=claim,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
        )
    except DomainError as error:
        claim.refresh_from_db()
        return _panel(request, claim, status=INVALID, error=error.message)
    return _after_write(request, claim, "Status changed.")


@login_required
@require_POST
def claim_text(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _visible_claim(request, pk)
    form = ClaimTextForm(request.POST)
    if not form.is_valid():
        return _panel(request, claim, status=INVALID, text_form=form)
    try:
        services.claim_update(
            claim=claim,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
        )
    except DomainError as error:
        claim.refresh_from_db()
        return _panel(
            request, claim, status=INVALID, error=error.message, text_form=_with_field_errors(form, error)
        )
    return _after_write(request, claim, "Wording saved.")


@login_required
@require_POST
def claim_assign_me(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _visible_claim(request, pk)
    try:
        services.claims_assign(claims=[claim], assignee=request.user, by=request.user)
    except DomainError as error:
        return _panel(request, claim, status=INVALID, error=error.message)
    return _after_write(request, claim, "Assigned to you.")


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _visible_claim(request, pk)
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
            return _panel(
                request,
                claim,
                status=INVALID,
                error=error.message,
                evidence_form=_with_field_errors(form, error),
            )
        else:
            return _after_write(request, claim, "Evidence added.")
    return _panel(request, claim, status=INVALID, evidence_form=form)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = _visible_claim(request, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, claim=claim)
    try:
        source_services.evidence_remove(evidence=evidence, by=request.user)
    except DomainError as error:
        return _panel(request, claim, status=INVALID, error=error.message)
    return _after_write(request, claim, "Evidence removed.")


@login_required
@require_POST
def verdict_save(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _visible_claim(request, pk)
    form = VerdictForm(request.POST)
    if form.is_valid():
        verdict = claim.current_verdict()
        try:
            if verdict is not None and verdict.state == Verdict.State.DRAFT:
                services.verdict_update(verdict=verdict, by=request.user, **form.cleaned_data)
            else:
                services.verdict_create(claim=claim, author=request.user, **form.cleaned_data)
        except DomainError as error:
            return _panel(
                request,
                claim,
                status=INVALID,
                error=error.message,
                verdict_form=_with_field_errors(form, error),
            )
        else:
            return _after_write(request, claim, "Verdict draft saved.")
    return _panel(request, claim, status=INVALID, verdict_form=form)


def _verdict_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    claim = _visible_claim(request, pk)
    verdict = claim.current_verdict()
    if verdict is None:
        return _panel(request, claim, status=INVALID, error="This claim has no verdict yet.")
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
            return _panel(request, claim, status=INVALID, reject_form=reject_form)
    except DomainError as error:
        return _panel(request, claim, status=INVALID, error=error.message, reject_form=reject_form)
    done = {"submit": "Submitted for review.", "publish": "Verdict published.", "reject": "Sent back."}
    return _after_write(request, claim, done[action])


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
    claim = _visible_claim(request, pk)
    suggestion = _pending_suggestions(claim, request.user).filter(pk=suggestion_pk).first()
    if suggestion is None or decision not in {"confirm", "reject"}:
        return _panel(request, claim, status=404, error="That suggestion was already decided or is gone.")
    try:
        if decision == "confirm":
            services.suggestion_confirm(suggestion=suggestion, by=request.user)
        else:
            services.suggestion_reject(suggestion=suggestion, by=request.user)
    except DomainError as error:
        return _panel(request, claim, status=INVALID, error=error.message)
    return _after_write(
        request, claim, "Duplicate confirmed." if decision == "confirm" else "Not a duplicate."
    )


# --- search ---


@login_required
@require_GET
def search(request: HttpRequest) -> TemplateResponse:
    data = request.GET.copy()
    data.setdefault("mode", SearchForm.KEYWORD)
    form = SearchForm(data if "q" in data else None)
    results: list[tuple[Claim, Verdict | None]] = []
    error = None
    searched = form.is_valid() and bool(form.cleaned_data["q"].strip())
    if searched:
        query = form.cleaned_data["q"].strip()
        try:
            if form.cleaned_data.get("mode") == SearchForm.MEANING:
                found = claim_search.claims_by_meaning(user=request.user, text=query)
            else:
                found = claim_search.claims_by_keywords(user=request.user, text=query)
        except DomainError as domain_error:
            found, error = [], domain_error.message
        verdicts = selectors.current_verdicts(found)
        results = [(claim, verdicts.get(claim.pk)) for claim in found]
    context = {"form": form, "results": results, "searched": searched, "error": error}
    template = "claims/search.html#results" if _is_htmx(request) else "claims/search.html"
    return TemplateResponse(request, template, context)
