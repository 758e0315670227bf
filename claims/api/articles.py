"""Articles: submit, list, read, reprocess, delete; an article's claims."""

from typing import Any, cast

from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims import access, selectors, services
from claims.api.filters import (
    ArticleFilter,
)
from claims.api.serializers import CLAIM_EXAMPLE, ClaimOutputSerializer, min_checkworthiness_param, pick
from claims.models import Article
from claims.pipeline.queueing import processing_is_asynchronous
from factcheck.schema import ErrorSerializer

# --- shared schema pieces ---


class ArticleOutputSerializer(serializers.ModelSerializer):
    claims_url = serializers.SerializerMethodField()
    claim_count = serializers.IntegerField(read_only=True, help_text="How many claims were found.")

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "url",
            "publisher",
            "published_at",
            "language",
            "status",
            "error",
            "content_hash",
            "created_at",
            "updated_at",
            "claim_count",
            "claims_url",
        ]

    def get_claims_url(self, article: Article) -> str:
        return reverse("api:article-claims", args=[article.pk], request=self.context.get("request"))


class ArticleDetailSerializer(ArticleOutputSerializer):
    class Meta(ArticleOutputSerializer.Meta):
        fields = [*ArticleOutputSerializer.Meta.fields, "body", "team", "submitted_by"]


class ArticleInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    # Size is checked by the service, so an oversize body is a 413, not a field error.
    body = serializers.CharField(trim_whitespace=False)
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    publisher = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    team = serializers.IntegerField(required=False, allow_null=True, default=None)


class ArticleCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_url = serializers.URLField()
    claims_url = serializers.URLField()
    created = serializers.BooleanField()


ARTICLE_EXAMPLE = {
    "id": 7,
    "title": "Council cuts transit budget",
    "url": "https://news.example.org/transit",
    "publisher": "Example News",
    "published_at": "2026-03-03T09:00:00Z",
    "language": "en",
    "status": "done",
    "error": "",
    "content_hash": "9f2c0a7d3e8b4c1f6a5d2e9b8c7f0a1d3e4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d",
    "created_at": "2026-03-03T09:05:00Z",
    "updated_at": "2026-03-03T09:05:02Z",
    "claim_count": 12,
    "claims_url": "https://factcheck.example.org/api/v1/articles/7/claims/",
}


ARTICLE_DETAIL_EXAMPLE = {
    **ARTICLE_EXAMPLE,
    "body": "The mayor, who took office in 2019, cut the transit budget by 12%.",
    "team": 1,
    "submitted_by": 3,
}


@extend_schema_view(
    list=extend_schema(
        summary="Articles of your teams",
        examples=[OpenApiExample("A page", value=[ARTICLE_EXAMPLE], response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One article, with its text",
        examples=[OpenApiExample("Article", value=ARTICLE_DETAIL_EXAMPLE, response_only=True)],
    ),
)
class ArticleViewSet(mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ArticleOutputSerializer
    filterset_class = ArticleFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        # One query for a page, whatever its size: the claims are counted in it, and a list never
        # loads the bodies (up to FACTCHECK_MAX_ARTICLE_BYTES each) that it does not show.
        articles = access.visible_articles(self.request.user).select_related("team")
        # A GROUP BY query ignores Meta.ordering, so the order is said again.
        articles = articles.annotate(claim_count=Count("claims", distinct=True)).order_by(
            "-created_at", "-id"
        )
        return articles.defer("body") if self.action == "list" else articles

    def get_serializer_class(self) -> Any:
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleOutputSerializer

    @extend_schema(
        request=ArticleInputSerializer,
        responses={
            201: ArticleCreatedSerializer,
            202: ArticleCreatedSerializer,
            200: ArticleCreatedSerializer,
        },
        examples=[
            OpenApiExample(
                "Submit an article",
                request_only=True,
                value={
                    "title": "Council cuts transit budget",
                    "body": "The mayor, who took office in 2019, cut the transit budget by 12%.",
                    "url": "https://news.example.org/transit",
                    "publisher": "Example News",
                    "published_at": "2026-03-03T09:00:00Z",
                },
            ),
            OpenApiExample(
                "Stored and processed",
                response_only=True,
                status_codes=["201"],
                value={
                    "id": 7,
                    "status": "done",
                    "status_url": "https://factcheck.example.org/api/v1/articles/7/",
                    "claims_url": "https://factcheck.example.org/api/v1/articles/7/claims/",
                    "created": True,
                },
            ),
        ],
        description="Store an article and extract its claims. 201 when processed at once; 202 when a "
        "worker processes it (poll `status_url` until `status` is `done` or `failed`). The same text "
        "again returns the existing article with 200. A body over the size limit is refused with 413; "
        "503 when the processing queue is down (nothing is stored).",
    )
    def create(self, request: Request) -> Response:
        access.require(
            access.can_submit_articles(request.user), "Only editors of a team may submit articles."
        )
        # Check size before field validation, so an oversize body is always a 413.
        raw_body = request.data.get("body") if isinstance(request.data, dict) else None
        if isinstance(raw_body, str) and raw_body.strip():
            services.article_body_validate(raw_body)
        serializer = ArticleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = services.team_for_submission(user=request.user, team_id=data.pop("team"))  # type: ignore[arg-type]
        article, created = services.article_submit(team=team, submitted_by=request.user, **data)  # type: ignore[arg-type]
        article.refresh_from_db()
        body = {
            "id": article.pk,
            "status": article.status,
            "status_url": reverse("api:article-detail", args=[article.pk], request=request),
            "claims_url": reverse("api:article-claims", args=[article.pk], request=request),
            "created": created,
        }
        return Response(body, status=_created_status(article, created))

    @extend_schema(
        summary="Delete an article",
        description="The submitter or an admin deletes the article with its claims. Refused with 409 "
        "while it has published verdicts.",
        responses={204: None, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.article_delete(article=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Extract the article's claims again",
        request=None,
        responses={
            200: ArticleDetailSerializer,
            202: ArticleDetailSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
        description="Editors of the team re-run claim extraction (200 when done at once, 202 when a "
        "worker does it). Refused with 409 once claims have evidence or verdicts.",
        examples=[OpenApiExample("Reprocessed", value=ARTICLE_DETAIL_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, pk: str | None = None) -> Response:
        article = services.article_reprocess(article=self.get_object(), by=request.user)
        article = self.get_queryset().get(pk=article.pk)  # with its new claim count
        code = status.HTTP_202_ACCEPTED if processing_is_asynchronous() else status.HTTP_200_OK
        return Response(ArticleDetailSerializer(article, context={"request": request}).data, status=code)


class ArticleClaimsViewSet(viewsets.GenericViewSet):
    serializer_class = ClaimOutputSerializer

    def get_queryset(self) -> Any:
        return access.visible_claims(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "min_checkworthiness",
                float,
                description="Hide claims scoring below this (0..1). "
                "Default: the threshold setting; 0 shows all.",
            ),
            OpenApiParameter("page_size", int, description="Up to 500."),
        ],
        responses=ClaimOutputSerializer(many=True),
        examples=[
            OpenApiExample(
                "A page of claims",
                value=[{k: v for k, v in CLAIM_EXAMPLE.items() if k not in {"assigned_to", "updated_at"}}],
                response_only=True,
            )
        ],
    )
    def list(self, request: Request, article_pk: str) -> Response:
        article = get_object_or_404(access.visible_articles(request.user).only("pk"), pk=article_pk)
        threshold = min_checkworthiness_param(request)
        claims = selectors.ClaimList(article=article, min_checkworthiness=threshold)
        # Django's paginator needs only count() and slicing, which ClaimList has.
        page = self.paginate_queryset(cast(Any, claims))
        assert page is not None
        # The selector's dicts, not ClaimOutputSerializer: serializing field by field was most of
        # a page's time. The keys and their order are still the serializer's.
        return self.get_paginated_response([pick(claim, ClaimOutputSerializer.Meta.fields) for claim in page])


def _created_status(article: Article, created: bool) -> int:
    if not created:
        return status.HTTP_200_OK
    if processing_is_asynchronous() and article.status in (Article.Status.PENDING, Article.Status.PROCESSING):
        return status.HTTP_202_ACCEPTED
    return status.HTTP_201_CREATED
