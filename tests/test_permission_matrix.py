"""Every /api/v1/ endpoint x {anonymous, outsider, editor, reviewer, admin}.

The endpoints come from the URL conf, so a new endpoint without an expectation here fails
`test_it_has_an_expectation_for_every_endpoint` (and its matrix cases) instead of going unchecked.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from claims import access
from claims.models import ClaimSuggestion, Webhook
from sources.models import ReferenceLabel, ReferenceRow, ReferenceTable
from tests.conftest import api_client_for
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    SourceFactory,
    TeamFactory,
    UserFactory,
    VerdictFactory,
)

ROLES = ("anonymous", "outsider", "editor", "reviewer", "admin")
SKIPPED_METHODS = {"options", "head"}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _methods(pattern: URLPattern) -> list[str]:
    callback = pattern.callback
    view_class = getattr(callback, "cls", None)
    allowed = set(getattr(view_class, "http_method_names", []))
    actions = getattr(callback, "actions", None)
    if actions:
        return sorted(method for method in actions if method in allowed and method not in SKIPPED_METHODS)
    return sorted(
        method for method in allowed if hasattr(view_class, method) and method not in SKIPPED_METHODS
    )


def api_endpoints() -> list[tuple[str, str]]:
    """(url name, METHOD) for every /api/v1/ route, format-suffix twins folded into one."""
    found = set()
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or "format" in pattern.pattern.regex.groupindex:
            continue
        for method in _methods(pattern):
            found.add((pattern.name, method.upper()))
    return sorted(found)


@dataclass
class Expect:
    statuses: tuple[int, int, int, int, int]  # in ROLES order
    kwargs: Callable[["World"], dict[str, Any]] = lambda world: {}
    body: Callable[["World"], dict[str, Any]] = lambda world: {}
    query: dict[str, Any] = field(default_factory=dict)


def claim_of(world: "World") -> dict[str, Any]:
    return {"pk": world.claim.pk}


EXPECTED: dict[tuple[str, str], Expect] = {
    ("api-root", "GET"): Expect((401, 200, 200, 200, 200)),
    # articles
    ("article-list", "GET"): Expect((401, 200, 200, 200, 200)),
    ("article-list", "POST"): Expect(
        (401, 201, 201, 403, 201),
        body=lambda w: {"body": f"The council hired {w.serial} new drivers in 2025."},
    ),
    ("article-detail", "GET"): Expect((401, 404, 200, 200, 200), lambda w: {"pk": w.article.pk}),
    ("article-detail", "DELETE"): Expect((401, 404, 204, 403, 204), lambda w: {"pk": w.fresh_article.pk}),
    ("article-reprocess", "POST"): Expect((401, 404, 200, 403, 200), lambda w: {"pk": w.fresh_article.pk}),
    ("article-claims", "GET"): Expect((401, 404, 200, 200, 200), lambda w: {"article_pk": w.article.pk}),
    ("article-report", "GET"): Expect(
        (401, 404, 200, 200, 200), lambda w: {"article_pk": w.article.pk, "name": "csv"}
    ),
    ("period-report", "GET"): Expect((401, 200, 200, 200, 200), lambda w: {"name": "csv"}),
    ("claimreview-feed", "GET"): Expect((200, 200, 200, 200, 200)),
    ("verdict-claimreview", "GET"): Expect((200, 200, 200, 200, 200), lambda w: {"pk": w.published.pk}),
    # claims
    ("claim-list", "GET"): Expect((401, 200, 200, 200, 200)),
    ("claim-detail", "GET"): Expect((401, 404, 200, 200, 200), claim_of),
    ("claim-detail", "PATCH"): Expect(
        (401, 404, 200, 403, 200), claim_of, body=lambda w: {"version": 1, "status": "dismissed"}
    ),
    ("claim-history", "GET"): Expect((401, 404, 200, 200, 200), claim_of),
    ("claim-rewrite-drop", "POST"): Expect(
        (401, 404, 200, 403, 200), lambda w: {"pk": w.rewritten.pk, "index": 0}, body=lambda w: {"version": 1}
    ),
    ("claim-merge", "POST"): Expect((401, 404, 200, 403, 200), claim_of, body=lambda w: {"into": w.other.pk}),
    ("claim-unmerge", "POST"): Expect((401, 404, 200, 403, 200), lambda w: {"pk": w.duplicate.pk}),
    ("claim-similar", "GET"): Expect((401, 404, 200, 200, 200), claim_of),
    ("claim-match", "POST"): Expect(
        (401, 200, 200, 200, 200), body=lambda w: {"text": "New bus lines approved."}
    ),
    ("claim-suggestions", "GET"): Expect((401, 404, 200, 200, 200), claim_of),
    ("suggestion-confirm", "POST"): Expect((401, 404, 200, 403, 200), lambda w: {"pk": w.suggestion.pk}),
    ("suggestion-reject", "POST"): Expect((401, 404, 200, 403, 200), lambda w: {"pk": w.suggestion.pk}),
    # evidence
    ("claim-evidence", "GET"): Expect((401, 404, 200, 200, 200), lambda w: {"claim_pk": w.claim.pk}),
    ("claim-evidence", "POST"): Expect(
        (401, 404, 201, 403, 201),
        lambda w: {"claim_pk": w.claim.pk},
        body=lambda w: {"url": "https://stats.example.org/table", "stance": "refutes"},
    ),
    ("claim-evidence-detail", "GET"): Expect(
        (401, 404, 200, 200, 200), lambda w: {"claim_pk": w.claim.pk, "pk": w.evidence.pk}
    ),
    ("claim-evidence-detail", "DELETE"): Expect(
        (401, 404, 204, 403, 204), lambda w: {"claim_pk": w.claim.pk, "pk": w.evidence.pk}
    ),
    # verdicts
    ("verdict-list", "GET"): Expect((401, 200, 200, 200, 200)),
    ("verdict-list", "POST"): Expect(
        (401, 400, 201, 403, 201), body=lambda w: {"claim": w.other.pk, "rating": "true", "summary": "Yes."}
    ),
    ("verdict-detail", "GET"): Expect((401, 404, 200, 200, 200), lambda w: {"pk": w.draft.pk}),
    ("verdict-detail", "PATCH"): Expect(
        (401, 404, 200, 403, 200), lambda w: {"pk": w.draft.pk}, body=lambda w: {"summary": "Edited."}
    ),
    ("verdict-submit", "POST"): Expect((401, 404, 200, 403, 200), lambda w: {"pk": w.draft.pk}),
    ("verdict-publish", "POST"): Expect((401, 404, 403, 200, 200), lambda w: {"pk": w.in_review.pk}),
    ("verdict-reject", "POST"): Expect(
        (401, 404, 403, 200, 200), lambda w: {"pk": w.in_review.pk}, body=lambda w: {"comment": "Cite it."}
    ),
    ("public-verdict-list", "GET"): Expect((200, 200, 200, 200, 200)),
    ("public-verdict-detail", "GET"): Expect((200, 200, 200, 200, 200), lambda w: {"pk": w.published.pk}),
    # sources
    ("source-list", "GET"): Expect((401, 200, 200, 200, 200)),
    ("source-list", "POST"): Expect(
        (401, 201, 201, 403, 201), body=lambda w: {"url": "https://new.example.org/a"}
    ),
    # A source the team cites is hidden from other teams; an uncited one (w.source) is not.
    ("source-detail", "GET"): Expect((401, 404, 200, 200, 200), lambda w: {"pk": w.evidence.source.pk}),
    ("source-detail", "PATCH"): Expect(
        (401, 200, 200, 403, 200), lambda w: {"pk": w.source.pk}, body=lambda w: {"title": "Renamed"}
    ),
    ("source-detail", "DELETE"): Expect((401, 204, 204, 403, 204), lambda w: {"pk": w.source.pk}),
    # webhooks (editors and admins of the team)
    ("webhook-list", "GET"): Expect((401, 200, 200, 200, 200)),
    ("webhook-list", "POST"): Expect(
        (401, 201, 201, 403, 201),
        body=lambda w: {"url": "https://cms.example.org/hook", "secret": "sixteen-chars-or-more"},
    ),
    ("webhook-detail", "GET"): Expect((401, 404, 200, 404, 200), lambda w: {"pk": w.webhook.pk}),
    ("webhook-detail", "PATCH"): Expect(
        (401, 404, 200, 404, 200), lambda w: {"pk": w.webhook.pk}, body=lambda w: {"is_active": False}
    ),
    ("webhook-detail", "DELETE"): Expect((401, 404, 204, 404, 204), lambda w: {"pk": w.webhook.pk}),
    ("webhook-deliveries", "GET"): Expect((401, 404, 200, 404, 200), lambda w: {"pk": w.webhook.pk}),
    # reference tables (the team's, hidden from other teams) and a claim's figures
    ("reference-table-list", "GET"): Expect((401, 200, 200, 200, 200)),
    # Multipart only: who may upload is checked with files in tests/sources/test_reference_api.py.
    ("reference-table-list", "POST"): Expect((401, 415, 415, 415, 415)),
    ("reference-table-detail", "GET"): Expect(
        (401, 404, 200, 200, 200), lambda w: {"pk": w.reference_table.pk}
    ),
    ("reference-table-detail", "DELETE"): Expect(
        (401, 404, 204, 403, 204), lambda w: {"pk": w.reference_table.pk}
    ),
    ("claim-figures", "GET"): Expect((401, 404, 200, 200, 200), claim_of),
}


class World:
    """One team's data: an article with claims (one with a rewrite), evidence, verdicts in each state,
    a webhook."""

    serial = 0

    def __init__(self) -> None:
        World.serial += 1
        self.serial = World.serial
        team = TeamFactory(name="Metro desk")
        self.users = {
            "anonymous": None,
            "outsider": UserFactory(
                username="charlie", roles=[access.EDITOR], teams=[TeamFactory(name="Sports")]
            ),
            "editor": UserFactory(username="alice", roles=[access.EDITOR], teams=[team]),
            "reviewer": UserFactory(username="bob", roles=[access.REVIEWER], teams=[team]),
            "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
        }
        alice = self.users["editor"]
        self.article = ArticleFactory(team=team, submitted_by=alice)
        self.fresh_article = ArticleFactory(team=team, submitted_by=alice)
        self.claim = ClaimFactory(article=self.article)
        self.rewritten = ClaimFactory(article=self.article, rewritten=True)
        self.other = ClaimFactory(article=self.article)
        self.duplicate = ClaimFactory(article=self.article, duplicate_of=self.claim)
        self.evidence = EvidenceFactory(claim=self.claim)
        self.source = SourceFactory()
        self.draft = VerdictFactory(claim=self.claim, author=alice)
        self.in_review = VerdictFactory(
            claim=ClaimFactory(article=self.article), author=alice, state="in_review"
        )
        self.published = VerdictFactory(
            claim=ClaimFactory(article=self.article),
            author=alice,
            reviewer=self.users["reviewer"],
            state="published",
            published_at=timezone.now(),
        )
        candidate = ClaimFactory(article=ArticleFactory(team=team))
        self.suggestion = ClaimSuggestion.objects.create(claim=self.other, candidate=candidate, score=0.9)
        self.webhook = Webhook.objects.create(team=team, url="http://127.0.0.1:9/none", secret="s" * 16)
        self.reference_table = ReferenceTable.objects.create(
            team=team,
            name="Population",
            publisher="Statistics office",
            source_url="https://stats.example.org/population",
            retrieved_at=timezone.localdate(),
            row_count=1,
        )
        self.reference_row = ReferenceRow.objects.create(
            table=self.reference_table,
            series=ReferenceLabel.objects.create(
                table=self.reference_table, label="Metro", text="Population: Metro"
            ),
            row_number=2,
            label="Metro",
            period="2023",
            period_start=timezone.datetime(2023, 1, 1).date(),
            period_end=timezone.datetime(2023, 12, 31).date(),
            value=1.2,
            unit="million people",
            si_value=1_200_000,
            dimension="count",
        )


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Five users per case: the production hasher would make this matrix take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_it_has_an_expectation_for_every_endpoint():
    endpoints = set(api_endpoints())
    assert endpoints - set(EXPECTED) == set(), "add these endpoints to EXPECTED"
    assert set(EXPECTED) - endpoints == set(), "these endpoints are gone: remove them from EXPECTED"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), api_endpoints())
def test_it_answers_each_role_as_expected(name, method, role):
    expect = EXPECTED.get((name, method))
    assert expect is not None, f"no expected statuses for {method} {name}: add it to EXPECTED"
    world = World()
    url = reverse(f"api:{name}", kwargs=expect.kwargs(world))
    client = api_client_for(world.users[role])
    response = client.generic(method, url, data=_json(expect.body(world)), content_type="application/json")
    wanted = expect.statuses[ROLES.index(role)]
    assert response.status_code == wanted, (method, url, role, _text(response))
    if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body)


def _text(response: Any) -> str:
    return response.content[:300].decode("utf-8", "replace")
