"""REST API for articles and their claims. Views parse input, check access, call a service."""

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from claims import access, selectors, services, webhooks
from claims.filters import (
    ArticleFilter,
    ClaimFilter,
    PublicVerdictFilter,
    VerdictFilter,
    WebhookDeliveryFilter,
    WebhookFilter,
)
from claims.models import Article, AuditRecord, Claim, Rating, Team, Verdict, Webhook, WebhookDelivery
from claims.tasks import processing_is_asynchronous
from factcheck.errors import InvalidInput

# --- shared schema pieces ---


class ErrorDetailSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # A declared field called `fields` would shadow Serializer.fields.
        return {
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": serializers.DictField(child=serializers.JSONField(), help_text="Messages per field."),
        }


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    error = ErrorDetailSerializer()


def error_example(status_code: int, code: str, message: str, fields: Any = None) -> OpenApiExample:
    return OpenApiExample(
        f"{status_code} {code}",
        value={"error": {"code": code, "message": message, "fields": fields or {}}},
        response_only=True,
        status_codes=[str(status_code)],
    )


CONFLICT_EXAMPLE = error_example(
    409,
    "conflict",
    "The claim changed since you read it (you sent version 3, it is now 4). "
    "Reload it and apply your change again.",
    {"version": ["Current version is 4."]},
)
FOUR_EYES_EXAMPLE = error_example(
    403, "permission_denied", "You wrote this verdict; another reviewer must publish it (four eyes)."
)
INVALID_EXAMPLE = error_example(
    400, "invalid", "Some fields are invalid: rating.", {"rating": ['"maybe" is not a valid choice.']}
)


def _user_or_none(request: Request) -> Any:
    return request.user if request.user.is_authenticated else None


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


CLAIM_EXAMPLE = {
    "id": 42,
    "article": 7,
    "text": "The mayor cut the transit budget by 12% in 2025.",
    "quote": "cut the transit budget by 12%",
    "start": 31,
    "end": 60,
    "checkworthiness": 0.86,
    "reason": "a quantity",
    "status": "in_review",
    "duplicate_of": None,
    "quantities": [{"text": "12%", "value": 12, "unit": "percent"}],
    "dates": [],
    "flags": [],
    "verdict": {"rating": "false", "summary": "The cut was 2%.", "state": "draft"},
    "version": 4,
    "assigned_to": 3,
    "updated_at": "2026-03-03T10:15:00Z",
}
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
        threshold = _min_checkworthiness(request)
        claims = selectors.ClaimList(article=article, min_checkworthiness=threshold)
        # Django's paginator needs only count() and slicing, which ClaimList has.
        page = self.paginate_queryset(cast(Any, claims))
        assert page is not None
        # The selector's dicts, not ClaimOutputSerializer: serializing field by field was most of
        # a page's time. The keys and their order are still the serializer's.
        return self.get_paginated_response(
            [_pick(claim, ClaimOutputSerializer.Meta.fields) for claim in page]
        )


def _pick(row: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {key: row[key] for key in keys}


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


# --- claims across articles ---


class ClaimSerializer(ClaimOutputSerializer):
    class Meta(ClaimOutputSerializer.Meta):
        fields = [*ClaimOutputSerializer.Meta.fields, "assigned_to", "updated_at"]


class ClaimUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you read; or send it as If-Match."
    )
    text = serializers.CharField(max_length=5000, required=False)
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False, help_text="A user id, or null."
    )


class ClaimMergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, help_text="The claim this one repeats.")


class AuditRecordSerializer(serializers.ModelSerializer):
    actor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = AuditRecord
        fields = ["id", "action", "actor", "target_type", "target_id", "before", "after", "created_at"]


def _version_from(request: Request, body_version: int | None) -> int:
    """The version the client read: from the body, else from If-Match ("3", W/"3" or 3)."""
    if body_version is not None:
        return body_version
    header = request.headers.get("If-Match", "").strip()
    digits = header.removeprefix("W/").strip('"')
    if digits.isdigit() and int(digits) > 0:
        return int(digits)
    raise InvalidInput(
        "Send the version you read, in the body or as an If-Match header, so no edit is lost.",
        fields={"version": ["This field is required (or send If-Match)."]},
    )


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    # `match` is a path of its own (similar claims), so the detail routes take numbers only.
    lookup_value_regex = r"\d+"

    def filter_queryset(self, queryset: Any) -> Any:
        # List filters only: a claim below the threshold must still open by its id.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_queryset(self) -> Any:
        claims = access.visible_claims(self.request.user).select_related("article").defer("embedding")
        return claims.order_by("-article__created_at", "article_id", "start", "id")

    def _render(self, claims: list[Claim], *, many: bool = True) -> Any:
        context = {**self.get_serializer_context(), "verdicts": selectors.current_verdicts(claims)}
        return ClaimSerializer(claims if many else claims[0], many=many, context=context).data

    @extend_schema(
        summary="List claims across articles",
        responses=ClaimSerializer(many=True),
        examples=[OpenApiExample("A page of claims", value=[CLAIM_EXAMPLE], response_only=True)],
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None
        return self.get_paginated_response(self._render(page))

    @extend_schema(
        summary="One claim",
        description="The `ETag` header carries the version, ready for `If-Match`.",
        responses=ClaimSerializer,
        examples=[OpenApiExample("A claim", value=CLAIM_EXAMPLE, response_only=True)],
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = self.get_object()
        return Response(self._render([claim], many=False), headers={"ETag": f'"{claim.version}"'})

    @extend_schema(
        summary="Edit a claim (optimistic locking)",
        description="Editors of the team change text, status or assignee. Send the `version` you read "
        "(or `If-Match`); if someone changed the claim since, the answer is 409 and nothing changes.",
        request=ClaimUpdateSerializer,
        responses={200: ClaimSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Reword and dismiss", value={"version": 4, "status": "dismissed"}, request_only=True
            ),
            OpenApiExample("Edited", value={**CLAIM_EXAMPLE, "version": 5}, response_only=True),
            CONFLICT_EXAMPLE,
        ],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = self.get_object()
        access.require(
            access.can_edit_claim(request.user, claim), "Only editors of the claim's team may change it."
        )
        serializer = ClaimUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = _version_from(request, data.pop("version", None))
        updated = services.claim_update(
            claim=claim,
            by=request.user,
            expected_version=version,
            text=data.get("text"),
            status=data.get("status"),
            assigned_to=data.get("assigned_to", services.UNCHANGED),
        )
        return Response(self._render([updated], many=False), headers={"ETag": f'"{updated.version}"'})

    @extend_schema(
        summary="Mark this claim a duplicate of another",
        request=ClaimMergeSerializer,
        responses={200: ClaimSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample("Merge into claim 41", value={"into": 41}, request_only=True),
            OpenApiExample("Merged", value={**CLAIM_EXAMPLE, "duplicate_of": 41}, response_only=True),
        ],
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        duplicate = self.get_object()
        serializer = ClaimMergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        into = access.visible_claims(request.user).filter(pk=serializer.validated_data["into"]).first()
        if into is None:
            raise InvalidInput("No such claim to merge into.", fields={"into": ["No claim with this id."]})
        merged = services.claim_merge(into=into, duplicate=duplicate, by=request.user)
        return Response(self._render([merged], many=False))

    @extend_schema(
        summary="Make a duplicate a claim of its own again",
        request=None,
        responses={200: ClaimSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[OpenApiExample("Unmerged", value=CLAIM_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["post"])
    def unmerge(self, request: Request, pk: str | None = None) -> Response:
        claim = services.claim_unmerge(claim=self.get_object(), by=request.user)
        return Response(self._render([claim], many=False))

    @extend_schema(
        summary="Audit trail of a claim",
        description="Every change to the claim, its evidence and its verdicts, newest first.",
        filters=False,
        responses=AuditRecordSerializer(many=True),
        examples=[
            OpenApiExample(
                "Published",
                value=[
                    {
                        "id": 9,
                        "action": "verdict_published",
                        "actor": "bob",
                        "target_type": "verdict",
                        "target_id": 12,
                        "before": {"state": "in_review"},
                        "after": {"state": "published"},
                        "created_at": "2026-03-03T11:00:00Z",
                    }
                ],
                response_only=True,
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        records = access.visible_audit_records(request.user).filter(claim=claim).select_related("actor")
        page = self.paginate_queryset(records)
        assert page is not None
        return self.get_paginated_response(AuditRecordSerializer(page, many=True).data)


# --- verdicts ---


class VerdictSerializer(serializers.ModelSerializer):
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    reviewer: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    rating_value = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "revision",
            "rating",
            "rating_value",
            "summary",
            "explanation",
            "state",
            "author",
            "reviewer",
            "review_comment",
            "submitted_at",
            "published_at",
            "created_at",
            "updated_at",
        ]


VERDICT_EXAMPLE = {
    "id": 12,
    "claim": 42,
    "revision": 1,
    "rating": "false",
    "rating_value": 1,
    "summary": "The cut was 2%, not 12%.",
    "explanation": "The 12% figure is the capital budget; operating funds fell 2%.",
    "state": "draft",
    "author": "alice",
    "reviewer": None,
    "review_comment": "",
    "submitted_at": None,
    "published_at": None,
    "created_at": "2026-03-03T10:00:00Z",
    "updated_at": "2026-03-03T10:00:00Z",
}


class VerdictCreateSerializer(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1)
    rating = serializers.ChoiceField(choices=Rating.choices)
    summary = serializers.CharField(max_length=1000)
    explanation = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class VerdictUpdateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    summary = serializers.CharField(max_length=1000, required=False)
    explanation = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class VerdictRejectSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000, help_text="Why the verdict goes back to draft.")


class VerdictViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = VerdictSerializer
    filterset_class = VerdictFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        verdicts = access.visible_verdicts(self.request.user)
        return verdicts.select_related("claim__article__team", "author", "reviewer").order_by("-id")

    @extend_schema(
        summary="List verdicts of your teams' claims",
        responses=VerdictSerializer(many=True),
        examples=[OpenApiExample("A page", value=[VERDICT_EXAMPLE], response_only=True)],
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One verdict", examples=[OpenApiExample("Draft", value=VERDICT_EXAMPLE)])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Draft a verdict",
        description="Editors of the claim's team draft the next revision. A published verdict is never "
        "changed: a new revision goes through review again, and the public keeps seeing the published "
        "one until then. 409 while another revision is still open.",
        request=VerdictCreateSerializer,
        responses={201: VerdictSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Draft",
                value={
                    "claim": 42,
                    "rating": "false",
                    "summary": "The cut was 2%, not 12%.",
                    "explanation": "The 12% figure is the capital budget; operating funds fell 2%.",
                },
                request_only=True,
            ),
            OpenApiExample("Created", value=VERDICT_EXAMPLE, response_only=True, status_codes=["201"]),
            INVALID_EXAMPLE,
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = VerdictCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        claim = access.visible_claims(request.user).filter(pk=data.pop("claim")).first()
        if claim is None:
            raise InvalidInput("No such claim.", fields={"claim": ["No claim with this id."]})
        verdict = services.verdict_create(claim=claim, author=request.user, **data)
        return Response(VerdictSerializer(verdict).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a draft",
        request=VerdictUpdateSerializer,
        responses={200: VerdictSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample("Change the rating", value={"rating": "mostly_false"}, request_only=True),
            OpenApiExample("Edited", value={**VERDICT_EXAMPLE, "rating": "mostly_false"}, response_only=True),
        ],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        verdict = self.get_object()
        serializer = VerdictUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verdict = services.verdict_update(verdict=verdict, by=request.user, **serializer.validated_data)
        return Response(VerdictSerializer(verdict).data)

    @extend_schema(
        summary="Ask for review",
        request=None,
        responses={200: VerdictSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample("In review", value={**VERDICT_EXAMPLE, "state": "in_review"}, response_only=True)
        ],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        verdict = services.verdict_submit(verdict=self.get_object(), by=request.user)
        return Response(VerdictSerializer(verdict).data)

    @extend_schema(
        summary="Publish (four eyes)",
        description="A reviewer of the team who did not write the verdict publishes it; the claim "
        "becomes `checked` and the team's webhooks are called. The author gets 403.",
        request=None,
        responses={200: VerdictSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Published",
                value={
                    **VERDICT_EXAMPLE,
                    "state": "published",
                    "reviewer": "bob",
                    "published_at": "2026-03-03T11:00:00Z",
                },
                response_only=True,
            ),
            FOUR_EYES_EXAMPLE,
        ],
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        verdict = services.verdict_publish(verdict=self.get_object(), by=request.user)
        return Response(VerdictSerializer(verdict).data)

    @extend_schema(
        summary="Send back to draft",
        request=VerdictRejectSerializer,
        responses={200: VerdictSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample("Reject", value={"comment": "Cite the budget document."}, request_only=True),
            OpenApiExample(
                "Back to draft",
                value={**VERDICT_EXAMPLE, "review_comment": "Cite the budget document."},
                response_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        verdict = self.get_object()
        serializer = VerdictRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verdict = services.verdict_reject(verdict=verdict, by=request.user, **serializer.validated_data)
        return Response(VerdictSerializer(verdict).data)


# --- public: published verdicts, no sign-in ---


class PublicVerdictSerializer(serializers.ModelSerializer):
    rating_value = serializers.IntegerField(read_only=True, allow_null=True)
    claim = serializers.SerializerMethodField()
    article = serializers.SerializerMethodField()

    class Meta:
        model = Verdict
        fields = [
            "id",
            "revision",
            "rating",
            "rating_value",
            "summary",
            "explanation",
            "published_at",
            "claim",
            "article",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "text": {"type": "string"},
                "quote": {"type": "string"},
            },
        }
    )
    def get_claim(self, verdict: Verdict) -> dict[str, Any]:
        return {"id": verdict.claim_id, "text": verdict.claim.text, "quote": verdict.claim.quote}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "url": {"type": "string"},
                "publisher": {"type": "string"},
                "language": {"type": "string"},
                "published_at": {"type": "string", "format": "date-time", "nullable": True},
            },
        }
    )
    def get_article(self, verdict: Verdict) -> dict[str, Any]:
        article = verdict.claim.article
        return {
            "title": article.title,
            "url": article.url,
            "publisher": article.publisher,
            "language": article.language,
            "published_at": article.published_at.isoformat() if article.published_at else None,
        }


def current_published_verdicts() -> Any:
    """The published revision the public sees: the latest published one of each claim."""
    later = access.public_verdicts().filter(claim_id=OuterRef("claim_id"), revision__gt=OuterRef("revision"))
    return (
        access.public_verdicts()
        .filter(~Exists(later))
        .select_related("claim__article")
        .order_by("-published_at", "-id")
    )


PUBLIC_VERDICT_EXAMPLE = {
    "id": 12,
    "revision": 1,
    "rating": "false",
    "rating_value": 1,
    "summary": "The cut was 2%, not 12%.",
    "explanation": "The 12% figure is the capital budget.",
    "published_at": "2026-03-03T11:00:00Z",
    "claim": {
        "id": 42,
        "text": "The mayor cut the transit budget by 12%.",
        "quote": "cut the transit budget by 12%",
    },
    "article": {
        "title": "Council cuts transit budget",
        "url": "https://news.example.org/transit",
        "publisher": "Example News",
        "language": "en",
        "published_at": "2026-03-03T09:00:00Z",
    },
}


@extend_schema_view(
    list=extend_schema(
        summary="Published verdicts (no sign-in)",
        description="The current published revision of each claim's verdict, newest first. Throttled.",
        auth=[],
        examples=[
            OpenApiExample(
                "A page",
                value=[PUBLIC_VERDICT_EXAMPLE],
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One published verdict (no sign-in)",
        auth=[],
        examples=[OpenApiExample("Published verdict", value=PUBLIC_VERDICT_EXAMPLE, response_only=True)],
    ),
)
class PublicVerdictViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PublicVerdictSerializer
    filterset_class = PublicVerdictFilter
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        return current_published_verdicts()


# --- webhooks ---


class WebhookSerializer(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, help_text="Default: your first team."
    )
    secret = serializers.CharField(
        write_only=True, min_length=16, max_length=200, help_text="Signs payloads; never shown again."
    )
    url = serializers.URLField(max_length=2000)

    class Meta:
        model = Webhook
        fields = ["id", "team", "url", "secret", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("An http(s) URL.")
        if webhooks.host_refused(value):
            raise serializers.ValidationError(
                "Webhooks may not call private or loopback addresses (FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS)."
            )
        return value


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "delivery_id",
            "event",
            "attempt",
            "succeeded",
            "status_code",
            "error",
            "started_at",
            "finished_at",
            "next_attempt_at",
        ]


WEBHOOK_EXAMPLE = {
    "id": 3,
    "team": 1,
    "url": "https://cms.example.org/hooks/factcheck",
    "is_active": True,
    "created_at": "2026-03-01T08:00:00Z",
}


@extend_schema_view(
    list=extend_schema(
        summary="Your teams' webhooks",
        examples=[OpenApiExample("A page", value=[WEBHOOK_EXAMPLE], response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One webhook", examples=[OpenApiExample("Webhook", value=WEBHOOK_EXAMPLE)]
    ),
    create=extend_schema(
        summary="Register a webhook",
        description="On every publish, factcheck POSTs JSON signed with HMAC-SHA256 of the body using "
        "the secret, in `X-Factcheck-Signature: sha256=<hex>`, retried with exponential backoff.",
        examples=[
            OpenApiExample(
                "Register",
                value={
                    "team": 1,
                    "url": "https://cms.example.org/hooks/factcheck",
                    "secret": "a-long-random-secret",
                },
                request_only=True,
            ),
            OpenApiExample("Registered", value=WEBHOOK_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    ),
    partial_update=extend_schema(
        summary="Change a webhook",
        examples=[
            OpenApiExample("Pause", value={"is_active": False}, request_only=True),
            OpenApiExample("Paused", value={**WEBHOOK_EXAMPLE, "is_active": False}, response_only=True),
        ],
    ),
    destroy=extend_schema(summary="Remove a webhook"),
)
class WebhookViewSet(viewsets.ModelViewSet):
    serializer_class = WebhookSerializer
    filterset_class = WebhookFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        return access.visible_webhooks(self.request.user).order_by("id")

    def perform_create(self, serializer: Any) -> None:
        team = serializer.validated_data.get("team")
        if team is None:
            team = services.team_for_submission(user=self.request.user)
        access.require(
            access.can_manage_webhooks(self.request.user, team), "Only editors of the team may add webhooks."
        )
        serializer.save(team=team, created_by=_user_or_none(self.request))

    def perform_update(self, serializer: Any) -> None:
        team = serializer.validated_data.get("team", serializer.instance.team)
        access.require(
            access.can_manage_webhooks(self.request.user, team),
            "Only editors of the team may change webhooks.",
        )
        serializer.save()

    @extend_schema(
        summary="Delivery log",
        description="Every attempt to call this webhook, newest first.",
        filters=False,
        parameters=[OpenApiParameter("succeeded", bool), OpenApiParameter("event", str)],
        responses=WebhookDeliverySerializer(many=True),
        examples=[
            OpenApiExample(
                "A retried delivery",
                value=[
                    {
                        "id": 31,
                        "delivery_id": "5b0e8f4e-3c1a-4d2b-9f7e-2a6c1d8e9b30",
                        "event": "verdict.published",
                        "attempt": 2,
                        "succeeded": True,
                        "status_code": 200,
                        "error": "",
                        "started_at": "2026-03-03T11:00:31Z",
                        "finished_at": "2026-03-03T11:00:31Z",
                        "next_attempt_at": None,
                    },
                    {
                        "id": 30,
                        "delivery_id": "5b0e8f4e-3c1a-4d2b-9f7e-2a6c1d8e9b30",
                        "event": "verdict.published",
                        "attempt": 1,
                        "succeeded": False,
                        "status_code": 503,
                        "error": "HTTP 503 Service Unavailable",
                        "started_at": "2026-03-03T11:00:00Z",
                        "finished_at": "2026-03-03T11:00:01Z",
                        "next_attempt_at": "2026-03-03T11:00:31Z",
                    },
                ],
                response_only=True,
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        hook = self.get_object()
        filterset = WebhookDeliveryFilter(request.query_params, queryset=hook.deliveries.all())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        deliveries = filterset.qs
        page = self.paginate_queryset(deliveries)
        assert page is not None
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
