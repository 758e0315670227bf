"""REST API for articles and their claims. Views parse input, check access, call a service."""

from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims import access, selectors, services
from claims.models import Article, Claim, Verdict
from claims.tasks import processing_is_asynchronous
from factcheck.errors import InvalidInput


class VerdictBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Verdict
        fields = ["rating", "summary", "state"]


class ClaimOutputSerializer(serializers.ModelSerializer):
    verdict = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "text",
            "quote",
            "start",
            "end",
            "checkworthiness",
            "reason",
            "status",
            "duplicate_of",
            "quantities",
            "dates",
            "flags",
            "verdict",
            "version",
        ]

    @extend_schema_field(VerdictBriefSerializer(allow_null=True))
    def get_verdict(self, claim: Claim) -> dict[str, Any] | None:
        verdicts: dict[int, Verdict] = self.context.get("verdicts", {})
        verdict = verdicts.get(claim.pk)
        return VerdictBriefSerializer(verdict).data if verdict is not None else None


class ArticleOutputSerializer(serializers.ModelSerializer):
    claims_url = serializers.SerializerMethodField()
    claim_count = serializers.IntegerField(source="claims.count", read_only=True)

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


class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ArticleOutputSerializer

    def get_queryset(self) -> Any:
        return access.visible_articles(self.request.user).select_related("team")

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
    )
    def list(self, request: Request, article_pk: str) -> Response:
        article = get_object_or_404(access.visible_articles(request.user), pk=article_pk)
        threshold = _min_checkworthiness(request)
        claims = selectors.article_claims(article=article, min_checkworthiness=threshold)
        page = self.paginate_queryset(claims)
        assert page is not None
        context = {**self.get_serializer_context(), "verdicts": selectors.current_verdicts(page)}
        return self.get_paginated_response(ClaimOutputSerializer(page, many=True, context=context).data)


def _min_checkworthiness(request: Request) -> float:
    raw = request.query_params.get("min_checkworthiness")
    if raw is None or raw == "":
        return float(settings.FACTCHECK_CHECKWORTHINESS_THRESHOLD)
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(
            "min_checkworthiness must be a number from 0 to 1.",
            fields={"min_checkworthiness": ["A number from 0 to 1."]},
        )
    return value


def _created_status(article: Article, created: bool) -> int:
    if not created:
        return status.HTTP_200_OK
    if processing_is_asynchronous() and article.status in (Article.Status.PENDING, Article.Status.PROCESSING):
        return status.HTTP_202_ACCEPTED
    return status.HTTP_201_CREATED
