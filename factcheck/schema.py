"""The API's one error shape in the OpenAPI schema: the serializer and examples endpoints name, and
the post-processing hook that documents it for every operation's 4xx answers."""

from typing import Any

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of the API.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string", "example": "Some fields are invalid: rating."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {},
                    "example": {"rating": ['"maybe" is not a valid choice.']},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorResponse"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/ErrorResponse"}
    error = {
        "description": "An error: see `error.code` and `error.message`.",
        "content": {"application/json": {"schema": reference}},
    }
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("4XX", error)
    return result


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
