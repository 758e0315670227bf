"""GET /api/v1/articles/{id}/claims/: the exact bytes and headers of a page, and what a page costs."""

import json

import pytest

from claims import selectors, services
from claims.api.serializers import ClaimOutputSerializer
from claims.models import Verdict
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "Le maire a dit « 12 % ». Ridership fell to 3.1 million. It rained. The end."


@pytest.fixture
def article(team, alice):
    article = ArticleFactory(team=team, body=BODY)
    spans = [(0, 24), (25, 56), (57, 66), (67, 75)]
    scores = [0.9, 0.75, 0.0, 0.6]
    claims = [
        ClaimFactory(
            article=article, start=start, end=end, checkworthiness=score, reason="a quantity", flags=[]
        )
        for (start, end), score in zip(spans, scores, strict=True)
    ]
    first, second, _, fourth = claims
    first.quantities = [{"text": "12 %", "value": 12.0, "unit": "percent", "si": None}]
    first.dates = [{"text": "2025", "value": "2025-01-01", "resolved": True}]
    first.flags = ["age mismatch"]
    first.save()
    Verdict.objects.create(claim=first, rating="true", summary="First take.", author=alice)
    Verdict.objects.create(claim=first, revision=2, rating="false", summary="Non — « 2 % ».", author=alice)
    services.claim_merge(into=first, duplicate=fourth, by=alice)
    # A repeat of a claim in another article of the team shows that claim's verdict.
    elsewhere = ClaimFactory(article=ArticleFactory(team=team))
    Verdict.objects.create(
        claim=elsewhere, rating="mixed", summary="Partly.", author=alice, state="in_review"
    )
    services.claim_merge(into=elsewhere, duplicate=second, by=alice)
    return article


def expected_claim(claim_id, article, start, end, score, *, verdict=None, duplicate_of=None, version=1):
    return {
        "id": claim_id,
        "article": article.pk,
        "text": BODY[start:end],
        "quote": BODY[start:end],
        "start": start,
        "end": end,
        "checkworthiness": score,
        "checkworthiness_source": "cues",
        "reason": "a quantity",
        "reasons": [],
        "status": "new",
        "duplicate_of": duplicate_of,
        "quantities": [],
        "dates": [],
        "flags": [],
        "rewrites": [],
        "needs_context": False,
        "verdict": verdict,
        "version": version,
    }


def compact(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def test_it_answers_a_page_with_exact_bytes_links_and_headers(article, alice):
    claims = list(article.claims.order_by("start"))
    first, second, third, fourth = claims
    url = f"/api/v1/articles/{article.pk}/claims/"
    response = api_client_for(alice).get(url, {"min_checkworthiness": 0, "page_size": 3})
    latest = {"rating": "false", "summary": "Non — « 2 % ».", "state": "draft"}
    row = expected_claim(first.pk, article, 0, 24, 0.9, verdict=latest)
    # jsonb keeps object keys shortest first, so that is their order in the response too.
    row.update(
        quantities=[{"si": None, "text": "12 %", "unit": "percent", "value": 12.0}],
        dates=[{"text": "2025", "value": "2025-01-01", "resolved": True}],
        flags=["age mismatch"],
    )
    expected = {
        "count": 4,
        "next": f"http://testserver{url}?min_checkworthiness=0&page=2&page_size=3",
        "previous": None,
        "results": [
            row,
            expected_claim(
                second.pk,
                article,
                25,
                56,
                0.75,
                verdict={"rating": "mixed", "summary": "Partly.", "state": "in_review"},
                duplicate_of=second.duplicate_of_id,
                version=2,
            ),
            expected_claim(third.pk, article, 57, 66, 0.0),
        ],
    }
    assert response.status_code == 200
    assert response.content == compact(expected)
    headers = dict(response.headers.items())
    # The Content-Security-Policy is tested on its own (tests/project/test_content_security_policy.py).
    assert "script-src 'self'" in headers.pop("Content-Security-Policy")
    assert headers == {
        "Content-Type": "application/json",
        "Vary": "Accept",
        "Allow": "GET, HEAD, OPTIONS",
        "X-Frame-Options": "DENY",
        "Content-Length": str(len(response.content)),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    last = api_client_for(alice).get(expected["next"])
    assert last.content == compact(
        {
            "count": 4,
            "next": None,
            "previous": f"http://testserver{url}?min_checkworthiness=0&page_size=3",
            "results": [
                expected_claim(
                    fourth.pk, article, 67, 75, 0.6, verdict=latest, duplicate_of=first.pk, version=2
                )
            ],
        }
    )


def test_it_shows_each_claim_as_the_claim_serializer_does(article, alice):
    """The list builds its rows without ClaimOutputSerializer; they must not drift apart."""
    claims = list(article.claims.order_by("start", "id"))
    context = {"verdicts": selectors.current_verdicts(claims)}
    expected = [ClaimOutputSerializer(claim, context=context).data for claim in claims]
    url = f"/api/v1/articles/{article.pk}/claims/?min_checkworthiness=0"
    rows = api_client_for(alice).get(url).json()["results"]
    assert [list(row) for row in rows] == [list(data) for data in expected]
    assert rows == json.loads(compact(expected))


def test_it_hides_claims_below_the_threshold_by_default(article, alice):
    response = api_client_for(alice).get(f"/api/v1/articles/{article.pk}/claims/")
    assert [claim["start"] for claim in response.json()["results"]] == [0, 25, 67]
    assert response.json()["count"] == 3


def test_it_reads_a_page_in_four_queries(article, alice, django_assert_num_queries):
    client = api_client_for(alice)
    # Token and user, the article, the claim count, the page of claims with their verdicts.
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/articles/{article.pk}/claims/?min_checkworthiness=0")
    assert len(response.json()["results"]) == 4


def test_it_keeps_page_errors_and_the_last_page(article, alice):
    client = api_client_for(alice)
    url = f"/api/v1/articles/{article.pk}/claims/"
    for page in ["3", "0", "x"]:
        response = client.get(url, {"min_checkworthiness": 0, "page_size": 2, "page": page})
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "Invalid page."
    last = client.get(url, {"min_checkworthiness": 0, "page_size": 3, "page": "last"}).json()
    assert [claim["start"] for claim in last["results"]] == [67]
    assert last["previous"].endswith("?min_checkworthiness=0&page_size=3")


def test_it_lists_an_article_without_claims(team, alice, django_assert_num_queries):
    article = ArticleFactory(team=team)
    client = api_client_for(alice)
    # No page query when there is nothing to show.
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/articles/{article.pk}/claims/")
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert client.get(f"/api/v1/articles/{article.pk}/claims/?page=2").status_code == 404


def test_it_answers_an_outsider_404_before_checking_the_threshold(article, charlie):
    client = api_client_for(charlie)
    for query in ["", "?min_checkworthiness=0", "?min_checkworthiness=2"]:
        response = client.get(f"/api/v1/articles/{article.pk}/claims/{query}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_it_refuses_a_threshold_outside_0_to_1(article, alice):
    response = api_client_for(alice).get(f"/api/v1/articles/{article.pk}/claims/?min_checkworthiness=2")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"min_checkworthiness": ["A number from 0 to 1."]}


def test_it_lets_an_admin_read_any_team(article):
    admin = UserFactory(username="root", is_superuser=True)
    response = api_client_for(admin).get(f"/api/v1/articles/{article.pk}/claims/")
    assert response.json()["count"] == 3
