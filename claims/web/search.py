"""Search claims by keyword or meaning."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from claims import selectors
from claims.access import AnyUser
from claims.models import Claim
from claims.similarity import search as claim_search
from claims.web.forms import SearchForm
from claims.web.shortcuts import domain_errors, is_htmx


@login_required
@require_GET
def search(request: HttpRequest) -> TemplateResponse:
    data = request.GET.copy()
    data.setdefault("mode", SearchForm.KEYWORD)
    form = SearchForm(data if "q" in data else None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found: list[Claim] = []
    with domain_errors() as refused:
        found = _found(request.user, query, form.cleaned_data.get("mode")) if query else []
    verdicts = selectors.current_verdicts(found)
    context = {
        "form": form,
        "results": [(claim, verdicts.get(claim.pk)) for claim in found],
        "searched": bool(query),
        "error": refused.message,
    }
    template = "claims/search.html#results" if is_htmx(request) else "claims/search.html"
    return TemplateResponse(request, template, context)


def _found(user: AnyUser, query: str, mode: str | None) -> list[Claim]:
    if mode == SearchForm.MEANING:
        return claim_search.search_claims(user=user, text=query)
    return claim_search.claims_by_keywords(user=user, text=query)
