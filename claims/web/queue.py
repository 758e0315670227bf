"""The review queue: claims most check-worthy first, with filters and assignment."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from claims import access, selectors, services
from claims.errors import DomainError
from claims.models import Claim, ClaimSuggestion
from claims.web import highlights
from claims.web.forms import (
    AssignForm,
    QueueFilterForm,
)
from claims.web.shortcuts import is_htmx

QUEUE_PAGE_SIZE = 50


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
    template = "claims/queue.html#results" if is_htmx(request) else "claims/queue.html"
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
