"""Webhooks a team's tools register, and their delivery log."""

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from claims import access, services
from claims.api.filters import WebhookDeliveryFilter, WebhookFilter
from claims.models import Team, Webhook, WebhookDelivery
from claims.pipeline.delivery import registration_refusal

# --- shared schema pieces ---


class WebhookSerializer(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, help_text="Default: your first team."
    )
    secret = serializers.CharField(
        write_only=True,
        required=False,
        min_length=16,
        max_length=200,
        help_text="Signs payloads. Leave it out on registration to have one generated; it is in the "
        "registration's answer and never shown again.",
    )
    url = serializers.URLField(max_length=2000)

    class Meta:
        model = Webhook
        fields = ["id", "team", "url", "secret", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("An http(s) URL.")
        refusal = registration_refusal(value)
        if refusal:
            raise serializers.ValidationError(refusal)
        return value


class RegisteredWebhookSerializer(WebhookSerializer):
    """The answer to a registration: the one time the signing secret is shown."""

    secret = serializers.CharField(read_only=True, help_text="Signs payloads; shown this once only.")


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
# An example in the API docs, not a secret of anyone's.
REGISTERED_EXAMPLE = {**WEBHOOK_EXAMPLE, "secret": "q9c1yq3MZ0vB0yQ2p7m1xk0c8Jr3nHqz5fWb6sD4eTg"}  # nosec B105


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
        "the secret, in `X-Factcheck-Signature: sha256=<hex>`, retried with exponential backoff. "
        "The answer carries the secret (generated when left out): keep it, it is never shown again.",
        request=WebhookSerializer,
        responses={201: RegisteredWebhookSerializer},
        examples=[
            OpenApiExample(
                "Register",
                value={
                    "team": 1,
                    "url": "https://cms.example.org/hooks/factcheck",
                    "secret": "a-long-random-secret",  # an example in the API docs  # nosec B105
                },
                request_only=True,
            ),
            OpenApiExample("Registered", value=REGISTERED_EXAMPLE, response_only=True, status_codes=["201"]),
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

    # The serializer only parses; writes go through the services, which check access and audit them.
    # Setting `serializer.instance` lets the mixins answer with the stored webhook as before.
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(RegisteredWebhookSerializer(serializer.instance).data, status=status.HTTP_201_CREATED)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        team = data.pop("team", None) or services.team_for_submission(user=self.request.user)
        serializer.instance = services.webhook_create(team=team, by=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.webhook_update(
            webhook=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Webhook) -> None:
        services.webhook_delete(webhook=instance, by=self.request.user)

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
