"""Every web UI page x {anonymous, outsider, editor, reviewer, admin}.

The pages come from the URL conf (every route served by `claims.web` or `sources.views`), so a
new page without an expectation here fails `test_it_has_an_expectation_for_every_page` instead
of going unchecked. Anonymous users are sent to sign in, except on the public verdict page; an
outsider (an editor of another team) gets 404 for the team's objects; pages that only take
POST are checked with POST, and `test_it_refuses_the_methods_a_page_does_not_take` checks
that they do refuse GET (and GET pages POST).

Web writes answer differently from the API: a refused write redraws the claim panel with the
error (422) and a done one redirects back to the page (302).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from claims.models import Claim
from sources.models import Evidence, ReferenceTable
from tests.test_permission_matrix import ROLES, World

WEB_MODULES = ("claims.web.", "sources.views", "sources.reference_views")
LOGIN = 0  # in place of a status: a redirect to the sign-in page
METHODS = ("GET", "POST")


def _walk(patterns: list[Any]) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns)
        else:
            yield pattern


def web_pages() -> list[str]:
    """The url name of every page the web UI serves."""
    return sorted(
        {
            pattern.name
            for pattern in _walk(get_resolver().url_patterns)
            if pattern.name and pattern.callback.__module__.startswith(WEB_MODULES)
        }
    )


@dataclass
class Expect:
    statuses: tuple[int, int, int, int, int]  # in ROLES order; LOGIN for a redirect to sign in
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    body: Callable[[World], dict[str, Any]] = lambda world: {}
    query: dict[str, Any] = field(default_factory=dict)
    # For writes that redirect whether or not they happened: did it happen, per role?
    done: Callable[[World, Any], bool] | None = None
    done_for: tuple[bool, bool, bool, bool, bool] | None = None


def claim_of(world: World) -> dict[str, Any]:
    return {"pk": world.claim.pk}


SIGNED_IN = (LOGIN, 200, 200, 200, 200)
TEAM_ONLY = (LOGIN, 404, 200, 200, 200)
EDITORS_WRITE = (LOGIN, 404, 302, 422, 302)
REVIEWERS_WRITE = (LOGIN, 404, 422, 302, 302)

EXPECTED: dict[tuple[str, str], Expect] = {
    # public
    ("verdict-public", "GET"): Expect((200, 200, 200, 200, 200), lambda w: {"pk": w.published.pk}),
    # the queue and search
    ("queue", "GET"): Expect(SIGNED_IN),
    ("queue-assign", "POST"): Expect(
        (LOGIN, 302, 302, 302, 302),
        body=lambda w: {"mine": w.claim.pk},
        done=lambda w, user: Claim.objects.get(pk=w.claim.pk).assigned_to_id == user.pk,
        done_for=(False, False, True, False, True),
    ),
    ("search", "GET"): Expect(SIGNED_IN, query={"q": "council", "mode": "keyword"}),
    # articles
    ("article-new", "GET"): Expect(SIGNED_IN),
    ("article-new", "POST"): Expect(
        (LOGIN, 302, 302, 422, 302),
        body=lambda w: {"body": f"The council hired {w.serial} new drivers in 2025."},
    ),
    ("article-detail", "GET"): Expect(TEAM_ONLY, lambda w: {"pk": w.article.pk}),
    ("article-status", "GET"): Expect(TEAM_ONLY, lambda w: {"pk": w.article.pk}),
    # the claim panel
    ("claim-detail", "GET"): Expect(TEAM_ONLY, claim_of),
    ("claim-status", "POST"): Expect(
        EDITORS_WRITE, claim_of, body=lambda w: {"status": "dismissed", "version": 1}
    ),
    ("claim-text", "POST"): Expect(
        EDITORS_WRITE, claim_of, body=lambda w: {"text": "The council approved bus lines.", "version": 1}
    ),
    ("claim-assign-me", "POST"): Expect(EDITORS_WRITE, claim_of),
    ("claim-rewrite-drop", "POST"): Expect(
        EDITORS_WRITE,
        lambda w: {"pk": w.rewritten.pk, "index": 0},
        body=lambda w: {"version": 1},
        done=lambda w, user: Claim.objects.get(pk=w.rewritten.pk).rewrites == [],
        done_for=(False, False, True, False, True),
    ),
    ("evidence-add", "POST"): Expect(
        EDITORS_WRITE, claim_of, body=lambda w: {"url": "https://stats.example.org/t", "stance": "refutes"}
    ),
    ("evidence-remove", "POST"): Expect(
        EDITORS_WRITE, lambda w: {"pk": w.claim.pk, "evidence_pk": w.evidence.pk}
    ),
    ("suggestion-decide", "POST"): Expect(
        EDITORS_WRITE,
        lambda w: {"pk": w.other.pk, "suggestion_pk": w.suggestion.pk, "decision": "reject"},
    ),
    # verdicts in the panel
    ("verdict-save", "POST"): Expect(
        EDITORS_WRITE, claim_of, body=lambda w: {"rating": "true", "summary": "Yes."}
    ),
    ("verdict-submit", "POST"): Expect(EDITORS_WRITE, claim_of),
    ("verdict-publish", "POST"): Expect(REVIEWERS_WRITE, lambda w: {"pk": w.in_review.claim_id}),
    ("verdict-reject", "POST"): Expect(
        REVIEWERS_WRITE, lambda w: {"pk": w.in_review.claim_id}, body=lambda w: {"comment": "Cite it."}
    ),
    # sources: the team's (cited by its evidence) are hidden from other teams
    ("source-list", "GET"): Expect(SIGNED_IN),
    ("source-detail", "GET"): Expect(TEAM_ONLY, lambda w: {"pk": w.evidence.source.pk}),
    # reference tables: a team's are hidden from other teams; editors upload for their own team
    ("figure-evidence-add", "POST"): Expect(
        EDITORS_WRITE,
        lambda w: {"pk": w.claim.pk, "row_pk": w.reference_row.pk},
        done=lambda w, user: Evidence.objects.filter(
            claim=w.claim, quote__startswith="Metro (2023)"
        ).exists(),
        done_for=(False, False, True, False, True),
    ),
    ("reference-table-list", "GET"): Expect(SIGNED_IN),
    ("reference-table-new", "GET"): Expect(SIGNED_IN),
    ("reference-table-new", "POST"): Expect(
        (LOGIN, 302, 302, 422, 302),
        body=lambda w: {
            "file": SimpleUploadedFile("t.csv", b"label,period,value,unit\nMetro,2024,1.3,million people\n"),
            "name": "Population 2024",
            "publisher": "Statistics office",
            "source_url": "https://stats.example.org/population-2024",
            "retrieved_at": "2025-01-02",
            "tolerance": "5",
        },
    ),
    ("reference-table-detail", "GET"): Expect(TEAM_ONLY, lambda w: {"pk": w.reference_table.pk}),
    ("reference-table-delete", "POST"): Expect(
        (LOGIN, 404, 302, 302, 302),
        lambda w: {"pk": w.reference_table.pk},
        done=lambda w, user: not ReferenceTable.objects.filter(pk=w.reference_table.pk).exists(),
        done_for=(False, False, True, False, True),
    ),
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Five users per case: the production hasher would make this matrix take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_it_has_an_expectation_for_every_page():
    pages = set(web_pages())
    expected = {name for name, _ in EXPECTED}
    assert pages - expected == set(), "add these pages to EXPECTED"
    assert expected - pages == set(), "these pages are gone: remove them from EXPECTED"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(EXPECTED))
def test_it_answers_each_role_as_expected(name, method, role):
    expect = EXPECTED[(name, method)]
    world = World()
    user = world.users[role]
    response = _request(world, user, name, method, expect)
    wanted = expect.statuses[ROLES.index(role)]
    location = response.get("Location", "")
    if wanted == LOGIN:
        assert response.status_code == 302 and location.startswith(settings.LOGIN_URL), (name, role)
        return
    assert response.status_code == wanted, (method, name, role, response.content[:300])
    assert not location.startswith(settings.LOGIN_URL), (name, role, location)
    if expect.done is not None and expect.done_for is not None:
        assert expect.done(world, user) == expect.done_for[ROLES.index(role)], (name, role)


# Pages that still take methods they should not: each fails on purpose until it is fixed.
@pytest.mark.django_db
@pytest.mark.parametrize("name", web_pages())
def test_it_refuses_the_methods_a_page_does_not_take(name):
    taken = {method for page, method in EXPECTED if page == name}
    world = World()
    for method in set(METHODS) - taken:
        # Any expectation of the page gives the URL; the admin may see everything.
        expect = next(expect for (page, _), expect in EXPECTED.items() if page == name)
        response = _request(world, world.users["admin"], name, method, expect)
        assert response.status_code == 405, (method, name, response.status_code)


def _request(world: World, user: Any, name: str, method: str, expect: Expect) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=expect.kwargs(world))
    if method == "GET":
        return client.get(url, expect.query)
    return client.post(url, expect.body(world))
