"""Web UI for sources: each shown only through the claims a user may see."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from claims import access
from sources.models import Evidence, Source


@login_required
@require_GET
def source_list(request: HttpRequest) -> TemplateResponse:
    visible = access.visible_claims(request.user)
    sources = (
        Source.objects.filter(evidence__claim__in=visible)
        .annotate(claim_count=Count("evidence__claim", filter=Q(evidence__claim__in=visible), distinct=True))
        .order_by("-claim_count", "url")
    )
    return TemplateResponse(request, "sources/source_list.html", {"sources": sources})


@login_required
@require_GET
def source_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    source = get_object_or_404(Source, pk=pk)
    evidence = Evidence.objects.filter(source=source, claim__in=access.visible_claims(request.user))
    evidence = evidence.select_related("claim", "claim__article").order_by(
        "claim__article_id", "claim__start"
    )
    if not evidence.exists():
        # A source nobody on your teams cites is not yours to see.
        raise Http404("No such source.")
    return TemplateResponse(request, "sources/source_detail.html", {"source": source, "evidence": evidence})
