"""Fuzz every /api/v1/ operation from the live OpenAPI schema: no 5xx, and every response
(status, content type, body) conforms to the schema. Runs in-process on the WSGI app."""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claims import access, services
from factcheck.wsgi import application
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, TeamFactory, UserFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def token(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }
    from rest_framework.authtoken.models import Token

    team = TeamFactory(name="Metro desk")
    alice = UserFactory(username="alice", roles=[access.EDITOR], teams=[team])
    bob = UserFactory(username="bob", roles=[access.REVIEWER], teams=[team])
    claim = ClaimFactory(article=ArticleFactory(team=team, submitted_by=alice))
    EvidenceFactory(claim=claim)
    verdict = services.verdict_create(claim=claim, author=alice, rating="false", summary="No.")
    services.verdict_publish(verdict=services.verdict_submit(verdict=verdict, by=alice), by=bob)
    return Token.objects.create(user=alice).key


@pytest.fixture
def keep_test_transaction():
    """Like Django's test client: a finished request must not close the test's connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_it_survives_fuzzing_every_operation(token, keep_test_transaction):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    headers = {"Authorization": f"Token {token}"}
    counts: Counter[str] = Counter()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith("/api/v1/")]
    assert len(operations) > 40
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            failure = _fuzz(operation, mode, examples, headers, counts)
            if failure:
                failures.append(failure)
    print(f"schemathesis: {sum(counts.values())} cases over {len(operations)} operations; {dict(counts)}")
    assert not failures, "\n\n".join(failures)


def _fuzz(operation, mode, examples, headers, counts) -> str | None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        response = case.call(headers=headers)
        counts[f"{response.status_code // 100}xx"] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # one operation's failure must not hide another's
        return f"{operation.method.upper()} {operation.path} ({mode}): {error}"[:3000]
    return None
