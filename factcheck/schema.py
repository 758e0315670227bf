"""OpenAPI post-processing: every operation documents the one error shape for its 4xx answers."""

from typing import Any

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
