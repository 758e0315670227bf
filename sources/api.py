"""REST API for sources (a shared library of normalised URLs) and the evidence under each claim."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from claims import access
from claims.errors import InvalidInput
from factcheck.schema import ErrorSerializer
from sources import services
from sources.models import Evidence, Source


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "url", "title", "publisher", "published_at", "created_at"]
        read_only_fields = ["id", "url", "created_at"]


class SourceInputSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=2000, help_text="Stored normalised; the same page twice is one source."
    )
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    publisher = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class SourceUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, required=False)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    publisher = serializers.CharField(max_length=300, required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)


class SourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", help_text="Words in the URL, title or publisher.")
    publisher = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Source
        fields = ["publisher"]

    def search(self, queryset: QuerySet[Source], name: str, value: str) -> QuerySet[Source]:
        words = value.strip()
        if not words:
            return queryset
        return queryset.filter(
            Q(url__icontains=words) | Q(title__icontains=words) | Q(publisher__icontains=words)
        )


SOURCE_EXAMPLE = {
    "id": 5,
    "url": "https://budget.example.gov/2025/transit",
    "title": "Transit budget 2025",
    "publisher": "City of Example",
    "published_at": "2025-11-02T00:00:00Z",
    "created_at": "2026-03-03T10:05:00Z",
}


@extend_schema_view(
    list=extend_schema(summary="Sources", examples=[OpenApiExample("A page", value=[SOURCE_EXAMPLE])]),
    retrieve=extend_schema(summary="One source", examples=[OpenApiExample("Source", value=SOURCE_EXAMPLE)]),
)
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        return access.visible_sources(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        summary="Add a source",
        description="The URL is normalised (case, www, tracking parameters, fragment, trailing slash); "
        "an existing source with the same normalised URL is returned with 200 instead of a duplicate.",
        request=SourceInputSerializer,
        responses={201: SourceSerializer, 200: SourceSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Add",
                value={
                    "url": "https://www.budget.example.gov/2025/transit/?utm_source=mail",
                    "title": "Transit budget 2025",
                },
                request_only=True,
            ),
            OpenApiExample("Stored", value=SOURCE_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request: Request) -> Response:
        access.require(access.can_add_sources(request.user), "Only editors may add sources.")
        serializer = SourceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # One row per URL, so a URL stored before is answered with that row, even when only other
        # teams cite it (and GET then says 404): whoever sends the URL already knows the page.
        existed = Source.objects.filter(url=_normalised(serializer)).exists()
        source = services.source_get_or_create(**serializer.validated_data)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(SourceSerializer(source).data, status=code)

    @extend_schema(
        summary="Fix a source",
        request=SourceUpdateSerializer,
        responses={200: SourceSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample("Retitle", value={"title": "Transit budget 2025 (final)"}, request_only=True),
            OpenApiExample(
                "Retitled",
                value={**SOURCE_EXAMPLE, "title": "Transit budget 2025 (final)"},
                response_only=True,
            ),
        ],
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        source = self.get_object()
        serializer = SourceUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source = services.source_update(source=source, by=request.user, **serializer.validated_data)
        return Response(SourceSerializer(source).data)

    @extend_schema(
        summary="Delete an uncited source",
        responses={204: None, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.source_delete(source=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _normalised(serializer: SourceInputSerializer) -> str:
    return services.source_url_validate(serializer.validated_data["url"])


# --- evidence under a claim ---


class EvidenceSerializer(serializers.ModelSerializer):
    source = SourceSerializer(read_only=True)  # type: ignore[assignment]  # a field named like Field.source
    added_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Evidence
        fields = ["id", "claim", "source", "stance", "quote", "note", "added_by", "created_at"]


class EvidenceInputSerializer(serializers.Serializer):
    source = serializers.IntegerField(min_value=1, required=False, help_text="An existing source id, or")  # type: ignore[assignment]
    url = serializers.CharField(max_length=2000, required=False, help_text="a URL (stored as a source).")
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)
    quote = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if ("source" in data) == ("url" in data):
            raise serializers.ValidationError({"source": ["Send exactly one of source and url."]})
        return data


EVIDENCE_EXAMPLE = {
    "id": 8,
    "claim": 42,
    "source": SOURCE_EXAMPLE,
    "stance": "refutes",
    "quote": "Operating funds: -2.1%",
    "note": "Table 4",
    "added_by": "alice",
    "created_at": "2026-03-03T10:06:00Z",
}


@extend_schema_view(
    list=extend_schema(
        summary="Evidence of a claim", examples=[OpenApiExample("A page", value=[EVIDENCE_EXAMPLE])]
    ),
    retrieve=extend_schema(
        summary="One piece of evidence", examples=[OpenApiExample("Evidence", value=EVIDENCE_EXAMPLE)]
    ),
)
class EvidenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EvidenceSerializer
    filterset_class = None
    queryset = Evidence.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        evidence = access.visible_evidence(self.request.user).filter(claim_id=self.kwargs["claim_pk"])
        return evidence.select_related("source", "added_by").order_by("created_at", "id")

    def _claim(self) -> Any:
        return get_object_or_404(access.visible_claims(self.request.user), pk=self.kwargs["claim_pk"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._claim()
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Attach evidence",
        description="Give an existing `source` id or a `url` (deduplicated into a source), a stance "
        "(supports, refutes, context), and optionally the quote and a note.",
        request=EvidenceInputSerializer,
        responses={201: EvidenceSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample(
                "By URL",
                value={
                    "url": "https://budget.example.gov/2025/transit",
                    "stance": "refutes",
                    "quote": "Operating funds: -2.1%",
                    "note": "Table 4",
                },
                request_only=True,
            ),
            OpenApiExample("Attached", value=EVIDENCE_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = self._claim()
        serializer = EvidenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        source = None
        if "source" in data:
            source = access.visible_sources(request.user).filter(pk=data.pop("source")).first()
            if source is None:
                raise InvalidInput("No such source.", fields={"source": ["No source with this id."]})
        evidence = services.evidence_add(claim=claim, by=request.user, source=source, **data)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove evidence", responses={204: None, 403: ErrorSerializer})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.evidence_remove(evidence=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
