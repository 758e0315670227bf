import pytest
from django.test import override_settings

from claims.models import Article
from tests.conftest import SEED_ARTICLE, api_client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/articles/"
BODY = (
    "The mayor, who took office in 2019, cut the transit budget by 12%. "
    "Ridership fell to 3.1 million trips in March, the agency said.\n"
    "I hope things get better."
)


def test_it_requires_a_token():
    response = api_client_for().post(URL, {"body": BODY}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_it_stores_an_article_and_returns_its_claims_url(alice):
    response = api_client_for(alice).post(URL, {"title": "Transit", "body": BODY}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "done"
    assert data["claims_url"].endswith(f"/api/v1/articles/{data['id']}/claims/")
    article = Article.objects.get(pk=data["id"])
    assert article.submitted_by == alice
    assert article.language == "en"
    # The relative clause "who took office in 2019" is a claim of its own: 3 sentences, 4 claims.
    assert list(article.claims.values_list("text", flat=True)) == [
        "The mayor took office in 2019.",
        "The mayor cut the transit budget by 12%.",
        "Ridership fell to 3.1 million trips in March, the agency said.",
        "I hope things get better.",
    ]


def test_it_returns_the_existing_article_for_the_same_text(alice):
    client = api_client_for(alice)
    first = client.post(URL, {"body": BODY}, format="json").json()
    again = client.post(URL, {"body": BODY + "\n\n"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert Article.objects.count() == 1


@pytest.mark.parametrize("payload", [{}, {"body": ""}, {"body": "   \n "}, {"title": "No body"}])
def test_it_rejects_an_empty_or_missing_body_with_field_errors(alice, payload):
    response = api_client_for(alice).post(URL, payload, format="json")
    assert response.status_code == 400
    assert "body" in response.json()["error"]["fields"]
    assert Article.objects.count() == 0


def test_it_rejects_a_bad_url_and_date_with_field_errors(alice):
    response = api_client_for(alice).post(
        URL, {"body": BODY, "url": "not a url", "published_at": "yesterday"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"url", "published_at"}


@override_settings(FACTCHECK_MAX_ARTICLE_BYTES=1000)
def test_it_refuses_an_oversize_body_with_413_and_stores_nothing(alice):
    response = api_client_for(alice).post(URL, {"body": "Too long. " * 101}, format="json")
    assert response.status_code == 413
    assert "1,000 bytes" in response.json()["error"]["message"]
    assert Article.objects.count() == 0


def test_it_refuses_the_default_limit_of_200_kb(alice):
    response = api_client_for(alice).post(URL, {"body": "a" * (200 * 1024 + 1)}, format="json")
    assert response.status_code == 413


def test_it_lets_only_editors_submit(bob, charlie):
    assert api_client_for(bob).post(URL, {"body": BODY}, format="json").status_code == 403


def test_it_lists_claims_paginated_by_offset_with_exact_quotes(alice):
    client = api_client_for(alice)
    body = SEED_ARTICLE.read_text()
    article_id = client.post(URL, {"body": body, "title": "Beyond Utopia"}, format="json").json()["id"]
    article = Article.objects.get(pk=article_id)
    response = client.get(f"/api/v1/articles/{article_id}/claims/?page_size=500&min_checkworthiness=0")
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == article.claims.count() > 20
    assert page["next"] is None and page["previous"] is None
    starts = [claim["start"] for claim in page["results"]]
    assert starts == sorted(starts)
    for claim in page["results"]:
        assert article.body[claim["start"] : claim["end"]] == claim["quote"]
        assert set(claim) >= {
            "id",
            "text",
            "quote",
            "start",
            "end",
            "checkworthiness",
            "status",
            "duplicate_of",
            "verdict",
            "version",
        }
        assert claim["verdict"] is None


def test_it_caps_page_size_at_500_and_pages_through(alice):
    client = api_client_for(alice)
    body = "\n".join(f"Line {n} says the port handled {n} ships in 2024." for n in range(520))
    article_id = client.post(URL, {"body": body}, format="json").json()["id"]
    first = client.get(f"/api/v1/articles/{article_id}/claims/?page_size=1000&min_checkworthiness=0").json()
    assert first["count"] == 520
    assert len(first["results"]) == 500
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 20


def test_it_hides_low_checkworthiness_claims_by_default(alice):
    client = api_client_for(alice)
    article_id = client.post(URL, {"body": BODY}, format="json").json()["id"]
    everything = client.get(f"/api/v1/articles/{article_id}/claims/?min_checkworthiness=0").json()
    default = client.get(f"/api/v1/articles/{article_id}/claims/").json()
    assert default["count"] < everything["count"]
    assert all(claim["checkworthiness"] >= 0.5 for claim in default["results"])
    bad = client.get(f"/api/v1/articles/{article_id}/claims/?min_checkworthiness=2")
    assert bad.status_code == 400


def test_it_hides_another_teams_articles(alice, charlie):
    article_id = api_client_for(alice).post(URL, {"body": BODY}, format="json").json()["id"]
    outsider = api_client_for(charlie)
    assert outsider.get(f"{URL}{article_id}/").status_code == 404
    assert outsider.get(f"{URL}{article_id}/claims/").status_code == 404
    assert outsider.get(URL).json()["count"] == 0


def test_it_shows_article_detail_with_body(alice):
    client = api_client_for(alice)
    article_id = client.post(URL, {"body": BODY, "publisher": "Metro Daily"}, format="json").json()["id"]
    data = client.get(f"{URL}{article_id}/").json()
    assert data["body"] == BODY
    assert data["publisher"] == "Metro Daily"
    assert data["claim_count"] == 4


def test_it_serves_the_openapi_schema_and_swagger_ui(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/articles/{article_pk}/claims/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
