"""Report endpoints: an article's or a period's report in any registered format, and the public
ClaimReview feed."""

from typing import Any

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, content_negotiation_class, permission_classes
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from claims import access, selectors
from claims.models import Verdict
from claims.reports.claimreview import claim_review, verdict_public_url
from claims.reports.exporters import EXPORTERS, Exporter, exporter_for
from claims.reports.scopes import ReportFilters, article_scope, parse_period, period_scope
from factcheck.pagination import Pagination

NAME_PARAMETER = OpenApiParameter(
    "name", str, location=OpenApiParameter.PATH, enum=sorted(EXPORTERS), description="The format."
)


FILTER_PARAMETERS = [
    OpenApiParameter("rating", str, description="Only claims whose published verdict has this rating."),
    OpenApiParameter("status", str, description="Only claims with this status (new, in_review, ...)."),
]


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day, inclusive. Default: 30 days before `to`."
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, inclusive. Default: today."),
]


REPORT_DESCRIPTION = (
    "Report `name`: claimreview (JSON-LD array), csv, json (shape: claims-export.schema.json), "
    "html or pdf. Published verdicts only. CSV and JSON are streamed."
)


CLAIM_REVIEW_EXAMPLE = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/verdicts/7/",
    "claimReviewed": "The council cut the transit budget by 12% in 2024.",
    "datePublished": "2026-11-20",
    "author": {"@type": "Organization", "name": "Factcheck Newsroom", "url": "https://factcheck.example.org"},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly true",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "Metro Daily"},
        "appearance": {"@type": "CreativeWork", "url": "https://metrodaily.example.org/transit"},
        "datePublished": "2026-11-18",
    },
}


JSON_EXPORT_EXAMPLE = {
    "generated_at": "2026-11-27T10:00:00+00:00",
    "scope": {"article": 8},
    "claims": [
        {
            "id": 97,
            "article": {
                "id": 8,
                "title": "Transit",
                "url": "",
                "publisher": "Metro Daily",
                "published_at": None,
            },
            "text": "The council cut the transit budget by 12% in 2024.",
            "quote": "cut the transit budget by 12% in 2024",
            "start": 4,
            "end": 41,
            "checkworthiness": 0.91,
            "status": "checked",
            "duplicate_of": None,
            "verdict": None,
            "evidence": [],
        }
    ],
}


# One entry per format the `name` path parameter selects.
REPORT_RESPONSES = {
    (200, "application/ld+json"): {"type": "array", "items": {"type": "object"}},
    (200, "application/json"): {"type": "object"},
    (200, "text/csv"): {"type": "string"},
    (200, "text/html"): {"type": "string"},
    (200, "application/pdf"): {"type": "string", "format": "binary"},
}


REPORT_EXAMPLES = [
    OpenApiExample(
        "claimreview", value=[CLAIM_REVIEW_EXAMPLE], response_only=True, media_type="application/ld+json"
    ),
    OpenApiExample("json", value=JSON_EXPORT_EXAMPLE, response_only=True, media_type="application/json"),
    OpenApiExample(
        "csv",
        value="claim_id,article_id,article_title,...\r\n97,8,Transit,...\r\n",
        response_only=True,
        media_type="text/csv",
    ),
    OpenApiExample("html", value="<!doctype html>...", response_only=True, media_type="text/html"),
]


class AnyFormat(BaseContentNegotiation):
    """Exporters choose their own content type; the Accept header must not turn a PDF into a 406."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0]

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        return (renderers[0], renderers[0].media_type)


def _respond(exporter: Exporter) -> HttpResponseBase:
    filename, content_type, body = exporter.render()
    response: HttpResponseBase
    if isinstance(body, bytes):
        response = HttpResponse(body, content_type=content_type)
    else:
        response = StreamingHttpResponse(body, content_type=content_type)
    disposition = "inline" if exporter.inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@extend_schema(
    parameters=FILTER_PARAMETERS,
    responses=REPORT_RESPONSES,
    examples=REPORT_EXAMPLES,
    description=REPORT_DESCRIPTION,
)
@api_view(["GET"])
@content_negotiation_class(AnyFormat)
def article_report(request: Request, article_pk: int, name: str) -> HttpResponseBase:
    exporter_class = exporter_for(name)
    article = get_object_or_404(access.visible_articles(request.user), pk=article_pk)
    filters = ReportFilters.parse(request.query_params)
    scope = article_scope(article=article, filters=filters)
    return _respond(exporter_class(scope=scope, request=request))


@extend_schema(
    parameters=[NAME_PARAMETER, *PERIOD_PARAMETERS, *FILTER_PARAMETERS],
    responses=REPORT_RESPONSES,
    examples=REPORT_EXAMPLES,
    description=REPORT_DESCRIPTION + " Covers the verdicts published in the period that the caller may see.",
)
@api_view(["GET"])
@content_negotiation_class(AnyFormat)
def period_report(request: Request, name: str) -> HttpResponseBase:
    exporter_class = exporter_for(name)
    date_from, date_to = parse_period(request.query_params)
    filters = ReportFilters.parse(request.query_params)
    scope = period_scope(user=request.user, date_from=date_from, date_to=date_to, filters=filters)
    return _respond(exporter_class(scope=scope, request=request))


@extend_schema(
    responses={(200, "application/ld+json"): OpenApiTypes.OBJECT},
    examples=[
        OpenApiExample(
            "ClaimReview", value=CLAIM_REVIEW_EXAMPLE, response_only=True, media_type="application/ld+json"
        )
    ],
    auth=[],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def verdict_claimreview(request: Request, pk: int) -> Response:
    """schema.org ClaimReview of one published verdict. No sign-in needed."""
    verdict = get_object_or_404(selectors.public_verdicts(), pk=pk)
    review = claim_review(verdict=verdict, url=verdict_public_url(request, verdict))
    return Response(review, content_type="application/ld+json")


@extend_schema(
    parameters=[OpenApiParameter("page_size", int, description="Up to 500.")],
    responses={200: OpenApiTypes.OBJECT},
    examples=[
        OpenApiExample(
            "Feed",
            value={"count": 1, "next": None, "previous": None, "results": [CLAIM_REVIEW_EXAMPLE]},
            response_only=True,
        )
    ],
    auth=[],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def claimreview_feed(request: Request) -> Response:
    """Every claim's current published verdict as ClaimReview, newest first, paginated
    (`results` is the array of ClaimReviews)."""
    paginator: PageNumberPagination = Pagination()
    page: list[Verdict] | None = paginator.paginate_queryset(selectors.current_public_verdicts(), request)
    assert page is not None
    reviews = [claim_review(verdict=verdict, url=verdict_public_url(request, verdict)) for verdict in page]
    return paginator.get_paginated_response(reviews)
