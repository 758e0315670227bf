"""Search claims by keyword or meaning."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from claims import selectors
from claims.errors import DomainError
from claims.models import Claim, Verdict
from claims.similarity import lookup as claim_search
from claims.web.forms import SearchForm
from claims.web.shortcuts import is_htmx


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
    template = "claims/search.html#results" if is_htmx(request) else "claims/search.html"
    return TemplateResponse(request, template, context)
