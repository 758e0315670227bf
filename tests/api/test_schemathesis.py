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
from tests.test_permission_matrix import World

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}
# Operations whose bodies are not checked against the schema (none at present).
SCHEMA_CONFORMANCE_GAPS: set[tuple[str, str]] = set()

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


def test_it_survives_fuzzing_on_real_objects(keep_test_transaction, settings):
    """Random bodies and queries, but path ids of objects that exist, sent by an admin, who may do
    everything: this reaches the code past the 404s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from rest_framework.authtoken.models import Token

    world = World()
    headers = {"Authorization": f"Token {Token.objects.create(user=world.users['admin']).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    counts: Counter[str] = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        known = _known_ids(operation.method, operation.path, world)
        if not operation.path.startswith("/api/v1/") or known is None:
            continue
        failure = _fuzz(operation, GenerationMode.POSITIVE, 8, headers, counts, path_parameters=known)
        if failure:
            failures.append(failure)
    print(f"schemathesis on real objects: {sum(counts.values())} cases; {dict(counts)}")
    assert counts["2xx"] > 50
    assert not failures, "\n\n".join(failures)


def _known_ids(method: str, path: str, world: World) -> dict[str, int] | None:
    """Path ids of existing objects for an operation; None for operations without ids."""
    verdict = world.in_review if path.endswith(("/publish/", "/reject/")) else world.draft
    by_prefix = [
        ("/api/v1/articles/{article_pk}/", {"article_pk": world.article.pk}),
        ("/api/v1/articles/{id}/", {"id": world.article.pk}),
        ("/api/v1/claims/{claim_pk}/evidence/{id}/", {"claim_pk": world.claim.pk, "id": world.evidence.pk}),
        ("/api/v1/claims/{claim_pk}/", {"claim_pk": world.claim.pk}),
        ("/api/v1/claims/{id}/unmerge/", {"id": world.duplicate.pk}),
        ("/api/v1/claims/{id}/", {"id": world.claim.pk}),
        ("/api/v1/verdicts/{id}/claimreview/", {"id": world.published.pk}),
        ("/api/v1/verdicts/{id}/", {"id": verdict.pk}),
        ("/api/v1/public/verdicts/{id}/", {"id": world.published.pk}),
        ("/api/v1/sources/{id}/", {"id": world.source.pk}),
        ("/api/v1/webhooks/{id}/", {"id": world.webhook.pk}),
        ("/api/v1/suggestions/{id}/", {"id": world.suggestion.pk}),
    ]
    return next((ids for prefix, ids in by_prefix if path.startswith(prefix)), None if "{" in path else {})


def _fuzz(operation, mode, examples, headers, counts, path_parameters=None) -> str | None:
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
        case.path_parameters.update(path_parameters or {})
        response = case.call(headers=headers)
        counts[f"{response.status_code // 100}xx"] += 1
        checks = CHECKS
        if (operation.method.upper(), operation.path) in SCHEMA_CONFORMANCE_GAPS:
            checks = [check for check in CHECKS if check is not response_schema_conformance]
        case.validate_response(response, checks=checks, headers=headers)

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # one operation's failure must not hide another's
        return f"{operation.method.upper()} {operation.path} ({mode}): {error}"[:3000]
    return None
