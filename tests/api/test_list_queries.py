"""List endpoints run the same number of queries for a page of 2 rows as for a page of 20, and the
article list never loads an article's body."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import WebhookDelivery
from tests.conftest import api_client_for
from tests.factories import (
    ArticleFactory,
    AuditRecordFactory,
    ClaimFactory,
    EvidenceFactory,
    UserFactory,
    VerdictFactory,
    WebhookFactory,
)

pytestmark = pytest.mark.django_db

# Whatever the page size, at most this many queries: authentication, the count, the page, and one
# query per related list prefetched.
MAX_QUERIES = 10


def fill(team, alice, rows: int) -> dict:
    """`rows` of everything a list shows, in the team's articles (people made once: hashing a
    password is slow on purpose)."""
    reviewer = UserFactory(username="reviewer-of-all")
    hook = WebhookFactory(team=team)
    article = ArticleFactory(team=team, submitted_by=alice)
    first_claim = None
    for n in range(rows):
        other = ArticleFactory(team=team, submitted_by=alice)
        claim = ClaimFactory(article=article if n % 2 else other, assigned_to=alice)
        first_claim = first_claim or claim
        ClaimFactory(article=other)
        EvidenceFactory(claim=first_claim)
        VerdictFactory(claim=claim, author=alice, reviewer=reviewer, published=True)
        WebhookFactory(team=team)
        WebhookDelivery.objects.create(
            webhook=hook,
            delivery_id=f"00000000-0000-0000-0000-{n:012d}",
            event="verdict.published",
            started_at="2026-03-01T00:00:00Z",
        )
        AuditRecordFactory(claim=first_claim, actor=alice)
    return {"article": article.pk, "claim": first_claim.pk, "webhook": hook.pk}


LISTS = [
    "/api/v1/articles/",
    "/api/v1/articles/{article}/claims/?min_checkworthiness=0",
    "/api/v1/claims/?min_checkworthiness=0",
    "/api/v1/claims/{claim}/evidence/",
    "/api/v1/claims/{claim}/history/",
    "/api/v1/sources/",
    "/api/v1/verdicts/",
    "/api/v1/public/verdicts/",
    "/api/v1/webhooks/",
    "/api/v1/webhooks/{webhook}/deliveries/",
]


def loads_article_bodies(sql: str) -> bool:
    return '"claims_article"."body"' in sql.split(" FROM ")[0]


def queries_for(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 500})
    assert response.status_code == 200, response.content[:500]
    assert not [query["sql"] for query in captured if loads_article_bodies(query["sql"])]
    body = response.json()
    rows = len(body["results"] if isinstance(body, dict) and "results" in body else body)
    return len(captured), rows


@pytest.mark.parametrize("path", LISTS)
def test_it_runs_as_many_queries_for_many_rows_as_for_few(team, alice, path, django_assert_max_num_queries):
    client = api_client_for(alice)
    client.get("/api/v1/articles/")  # the token is looked up and cached sessions settle once
    few = fill(team, alice, 2)
    few_queries, few_rows = queries_for(client, path.format(**few))
    many = fill(team, alice, 20)
    with django_assert_max_num_queries(MAX_QUERIES):
        many_queries, many_rows = queries_for(client, path.format(**many))

    assert many_rows > few_rows
    assert many_queries == few_queries


def test_the_article_list_does_not_load_bodies(team, alice):
    ArticleFactory(team=team, body="A body of its own. " * 1000)

    with CaptureQueriesContext(connection) as captured:
        response = api_client_for(alice).get("/api/v1/articles/")

    assert response.status_code == 200 and "body" not in response.json()["results"][0]
    selects = [query["sql"] for query in captured if 'FROM "claims_article"' in query["sql"]]
    assert selects and not any(loads_article_bodies(sql) for sql in selects)
