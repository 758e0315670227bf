"""Verdicts: drafts, submission and four-eyes review."""

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims import access, services
from claims.api.filters import VerdictFilter
from claims.errors import InvalidInput
from claims.models import Rating, Verdict
from factcheck.schema import FOUR_EYES_EXAMPLE, INVALID_EXAMPLE, ErrorSerializer

# --- shared schema pieces ---


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
        verdicts = verdicts.select_related("claim__article__team", "author", "reviewer")
        return verdicts.defer("claim__embedding", "claim__article__body").order_by("-id")  # large, not shown

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
