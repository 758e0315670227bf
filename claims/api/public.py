"""Published verdicts, readable without a token."""

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from claims import selectors
from claims.api.filters import PublicVerdictFilter
from claims.models import Verdict

# --- shared schema pieces ---


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
        return selectors.current_public_verdicts()
