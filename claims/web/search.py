"""Search claims by keyword or meaning."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from claims import selectors
from claims.access import AnyUser
from claims.models import Claim
from claims.similarity import matching
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
    found: list[tuple[Claim, str]] = []
    with domain_errors() as refused:
        found = _found(request.user, query, form.cleaned_data.get("mode")) if query else []
    verdicts = selectors.current_verdicts([claim for claim, _ in found])
    context = {
        "form": form,
        "results": [(claim, verdicts.get(claim.pk), why) for claim, why in found],
        "searched": bool(query),
        "error": refused.message,
    }
    template = "claims/search.html#results" if is_htmx(request) else "claims/search.html"
    return TemplateResponse(request, template, context)


def _found(user: AnyUser, query: str, mode: str | None) -> list[tuple[Claim, str]]:
    """Claims, best first, each with why it matched (in words; empty for a keyword search)."""
    if mode == SearchForm.MEANING:
        return [
            (found.claim, why_in_words(found.why))
            for found in matching.match_text(user=user, text=query, limit=20)
        ]
    return [(claim, "") for claim in claim_search.claims_by_keywords(user=user, text=query)]


def why_in_words(why: dict[str, float | int | None] | None) -> str:
    """ "meaning 0.82 · words of the claim #2 · words of the title #1 · re-ranker 0.91"."""
    if not why:
        return ""
    parts = [f"meaning {why['cosine']:.2f}"]
    if why.get("keyword_rank"):
        parts.append(f"words of the claim #{why['keyword_rank']}")
    if why.get("title_rank"):
        parts.append(f"words of the title #{why['title_rank']}")
    if why.get("rerank") is not None:
        parts.append(f"re-ranker {why['rerank']:.2f}")
    return " · ".join(parts)
