"""Claims: list, read, edit, drop a rewrite, assign, merge, history."""

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims import access, selectors, services
from claims.api.filters import ClaimFilter
from claims.api.serializers import CLAIM_EXAMPLE, ClaimOutputSerializer, version_from
from claims.errors import InvalidInput
from claims.models import AuditRecord, Claim
from factcheck.schema import CONFLICT_EXAMPLE, ErrorSerializer

# --- shared schema pieces ---


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


class ClaimVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you read; or send it as If-Match."
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
        claims = access.visible_claims(self.request.user).select_related("article")
        claims = claims.defer("embedding", "article__body")  # neither is shown, both are large
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
        version = version_from(request, data.pop("version", None))
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
        summary="Drop a rewrite: the claim says the article's words again",
        description="Editors of the team undo one of the claim's `rewrites` (by its position, from 0): "
        "the replacement in the text goes back to the article's words, the rewrite leaves the list, "
        "`needs_context` becomes true and the version goes up; the change is in the claim's history. "
        "Send the `version` you read (or `If-Match`): 409 if the claim changed since, or if its "
        "wording was edited so that it no longer holds the replacement; 404 for no such rewrite.",
        parameters=[
            OpenApiParameter(
                "index", int, OpenApiParameter.PATH, description="Position in `rewrites`, from 0."
            )
        ],
        request=ClaimVersionSerializer,
        responses={
            200: ClaimSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        examples=[
            OpenApiExample("Drop rewrite 0 of version 4", value={"version": 4}, request_only=True),
            OpenApiExample(
                "Dropped",
                value={
                    **CLAIM_EXAMPLE,
                    "text": "She cut the transit budget by 12% in 2025.",
                    "rewrites": [],
                    "needs_context": True,
                    "version": 5,
                },
                response_only=True,
            ),
            CONFLICT_EXAMPLE,
        ],
    )
    @action(detail=True, methods=["post"], url_path=r"rewrites/(?P<index>\d+)/drop", url_name="rewrite-drop")
    def rewrite_drop(self, request: Request, pk: str | None = None, index: str = "0") -> Response:
        claim = self.get_object()
        access.require(
            access.can_edit_claim(request.user, claim), "Only editors of the claim's team may change it."
        )
        serializer = ClaimVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = version_from(request, serializer.validated_data.get("version"))
        updated = services.claim_rewrite_drop(
            claim=claim, index=int(index), by=request.user, expected_version=version
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
