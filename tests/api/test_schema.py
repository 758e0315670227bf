"""The OpenAPI schema documents every /api/v1/ operation with examples and the one error shape."""

import pytest

# Endpoints allowed to go without examples. A new endpoint is not allowed to join this list
# silently: the test names it.
KNOWN_WITHOUT_EXAMPLES: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        if path.startswith("/api/v1/"):
            for method, operation in item.items():
                yield method, path, operation


def _has_example(content: dict) -> bool:
    return any("examples" in media or "example" in media for media in content.values())


def test_it_gives_every_operation_request_and_response_examples(schema):
    missing = set()
    for method, path, operation in _operations(schema):
        request = operation.get("requestBody", {}).get("content", {})
        ok = [
            response.get("content", {}) for code, response in operation["responses"].items() if code[0] == "2"
        ]
        if (request and not _has_example(request)) or (any(ok) and not any(_has_example(c) for c in ok)):
            missing.add((method, path))
    assert missing - KNOWN_WITHOUT_EXAMPLES == set()


def test_it_documents_the_error_shape_on_every_operation(schema):
    for method, path, operation in _operations(schema):
        error = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path)
    fields = schema["components"]["schemas"]["ErrorResponse"]["properties"]["error"]["required"]
    assert fields == ["code", "message", "fields"]


def test_it_documents_the_version_on_every_claim_representation(schema):
    for name in ("Claim", "ClaimOutput"):
        assert "version" in schema["components"]["schemas"][name]["properties"]


def test_it_serves_swagger_ui(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
