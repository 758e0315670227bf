"""Web UI for sources: the sources `access.visible_sources` lets a user see, as the API does,
each with the claims citing it that the user may see."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from claims import access


@login_required
@require_GET
def source_list(request: HttpRequest) -> TemplateResponse:
    visible = access.visible_claims(request.user)
    sources = (
        access.visible_sources(request.user)
        .annotate(claim_count=Count("evidence__claim", filter=Q(evidence__claim__in=visible), distinct=True))
        .order_by("-claim_count", "url")
    )
    return TemplateResponse(request, "sources/source_list.html", {"sources": sources})


@login_required
@require_GET
def source_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    source = get_object_or_404(access.visible_sources(request.user), pk=pk)
    evidence = access.visible_evidence(request.user).filter(source=source)
    evidence = evidence.select_related("claim", "claim__article").order_by(
        "claim__article_id", "claim__start"
    )
    return TemplateResponse(request, "sources/source_detail.html", {"source": source, "evidence": evidence})
