"""Every write endpoint of the API (from the URL conf): malformed JSON is a 400 and an oversize
body a 413, both in the one error shape, and neither changes anything."""

import pytest
from django.test import override_settings
from django.urls import reverse

from claims.models import Article, AuditRecord, Claim, Verdict
from sources.models import Evidence, Source
from tests.conftest import api_client_for
from tests.test_permission_matrix import EXPECTED, Expect, World, api_endpoints

pytestmark = pytest.mark.django_db

WRITES = [(name, method) for name, method in api_endpoints() if method in {"POST", "PATCH", "PUT"}]
# Writes that read a body (the rest, e.g. publish, take none and never parse one).
NO_BODY = Expect.__dataclass_fields__["body"].default
WRITES_WITH_BODY = [key for key in WRITES if EXPECTED[key].body is not NO_BODY]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _snapshot() -> tuple[int, ...]:
    counts = [model.objects.count() for model in (Article, Claim, Verdict, Evidence, Source, AuditRecord)]
    versions = sum(Claim.objects.values_list("version", flat=True))
    return (*counts, versions)


def _request(name, method, body, content_type="application/json"):
    world = World()
    url = reverse(f"api:{name}", kwargs=EXPECTED[(name, method)].kwargs(world))
    before = _snapshot()
    response = api_client_for(world.users["admin"]).generic(method, url, data=body, content_type=content_type)
    return response, before


@pytest.mark.parametrize(("name", "method"), WRITES_WITH_BODY)
def test_it_answers_malformed_json_with_400(name, method):
    response, before = _request(name, method, '{"text": ')
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["code"] == "parse_error"
    assert _snapshot() == before


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=4096)
@pytest.mark.parametrize(("name", "method"), WRITES)
def test_it_answers_an_oversize_body_with_413(name, method):
    response, before = _request(name, method, '{"note": "' + "x" * 5000 + '"}')
    assert response.status_code == 413, response.content[:300]
    assert response.json()["error"]["code"] == "payload_too_large"
    assert _snapshot() == before
