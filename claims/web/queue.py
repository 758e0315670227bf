"""The review queue: claims most check-worthy first, with filters and assignment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from claims import access, selectors, services
from claims.models import Claim, Verdict
from claims.web import highlights
from claims.web.forms import AssignForm, QueueFilterForm
from claims.web.shortcuts import domain_errors, is_htmx

QUEUE_PAGE_SIZE = 50


@login_required
@require_GET
def queue(request: HttpRequest) -> TemplateResponse:
    user = request.user
    form = QueueFilterForm(request.GET or None, articles=access.visible_articles(user))
    claims = selectors.queue_claims(user=user, **form.queue_filters())
    page = Paginator(claims, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {
        "form": form,
        "rows": _rows(list(page.object_list)),
        "page": page,
        "filters": filters.urlencode(),
        "counts": selectors.claim_status_counts(user=user),
        "editors": selectors.team_editors(user=user),
        "can_edit": access.has_role(user, access.EDITOR),
        "recent_articles": selectors.recent_articles(user=user),
    }
    template = "claims/queue.html#results" if is_htmx(request) else "claims/queue.html"
    return TemplateResponse(request, template, context)


def _rows(claims: list[Claim]) -> list[tuple[Claim, str, Verdict | None]]:
    verdicts = selectors.current_verdicts(claims)
    return [
        (claim, highlights.claim_tone(claim, verdicts.get(claim.pk)), verdicts.get(claim.pk))
        for claim in claims
    ]


@login_required
@require_POST
def queue_assign(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AssignForm(
        request.POST, claims=access.visible_claims(user), editors=selectors.team_editors(user=user)
    )
    if not form.is_valid():
        for problems in form.errors.values():
            messages.error(request, " ".join(str(problem) for problem in problems))
        return redirect(_back_to_queue(request))
    chosen, assignee = form.assignment(me=user)
    with domain_errors() as refused:
        services.claims_assign(claims=chosen, assignee=assignee, by=user)
        who = "you" if assignee == user else (assignee.username if assignee else "nobody")
        messages.success(request, f"Assigned {len(chosen)} claim(s) to {who}.")
    if refused:
        messages.error(request, refused.message)
    return redirect(_back_to_queue(request))


def _back_to_queue(request: HttpRequest) -> str:
    # Re-encoded, so only a query string of our own making ends up in the Location header.
    query = QueryDict(request.POST.get("next_query", "")).urlencode()
    return f"{reverse('queue')}?{query}" if query else reverse("queue")
