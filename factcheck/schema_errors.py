"""The API's error body in the OpenAPI schema, shared by every app's endpoints."""

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
)
from rest_framework import serializers

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
