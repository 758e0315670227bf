"""GET /api/v1/claims/{id}/similar/, POST /api/v1/claims/match/, suggestion confirm / reject."""

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from claims.models import ClaimSuggestion
from claims.similarity import embeddings
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="session")
def embedding_model():
    return embeddings.get_model()


def claim_with_vector(article, text):
    claim = ClaimFactory(article=article, text=text)
    claim.embedding = embeddings.embed_text(text)
    claim.save(update_fields=["embedding"])
    return claim


@pytest.fixture
def claims(team, embedding_model):
    first = ArticleFactory(team=team, language="en")
    second = ArticleFactory(team=team, language="en")
    return {
        "probe": claim_with_vector(first, "The city council approved two new bus lines on Monday."),
        "duplicate": claim_with_vector(second, "On Monday, the city council approved 2 new bus routes."),
        "related": claim_with_vector(second, "The city council approved five new bus lines on Monday."),
        "unrelated": claim_with_vector(second, "Rain is expected across the north this weekend."),
    }


def similar_url(claim, **query):
    suffix = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/api/v1/claims/{claim.pk}/similar/" + (f"?{suffix}" if suffix else "")


def test_it_lists_duplicates_then_related_claims_with_their_verdicts(alice, bob, claims):
    VerdictFactory(
        claim=claims["duplicate"],
        author=alice,
        reviewer=bob,
        rating="true",
        state="published",
        published_at=timezone.now(),
    )

    response = api_client_for(alice).get(similar_url(claims["probe"]))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["id"] for item in results] == [claims["duplicate"].pk, claims["related"].pk]
    first = results[0]
    assert set(first) == {"id", "article_id", "text", "score", "relation", "verdict"}
    assert first["article_id"] == claims["duplicate"].article_id
    assert first["relation"] == "duplicate" and 0.7 <= first["score"] <= 1
    assert first["verdict"] == {
        "rating": "true",
        "summary": "Council minutes confirm the figure.",
        "state": "published",
    }
    assert results[1]["relation"] == "related" and results[1]["verdict"] is None


def test_it_limits_results_and_scopes_them_to_the_article(alice, claims):
    client = api_client_for(alice)

    assert len(client.get(similar_url(claims["probe"], limit=1)).json()["results"]) == 1
    assert client.get(similar_url(claims["probe"], scope="article")).json()["results"] == []


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 51}, {"limit": "many"}, {"scope": "world"}])
def test_it_refuses_bad_parameters_with_the_error_shape(alice, claims, query):
    response = api_client_for(alice).get(similar_url(claims["probe"], **query))

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"] and set(error["fields"]) == set(query)


def test_it_hides_another_teams_claims_from_an_outsider(charlie, claims):
    client = api_client_for(charlie)

    assert client.get(similar_url(claims["probe"])).status_code == 404
    response = client.post(
        "/api/v1/claims/match/", {"text": "The council approved two new bus lines."}, format="json"
    )
    assert response.status_code == 200 and response.json()["results"] == []


def test_it_refuses_anonymous_callers(claims):
    client = api_client_for(None)

    assert client.get(similar_url(claims["probe"])).status_code in {401, 403}
    assert client.post("/api/v1/claims/match/", {"text": "Bus lines."}, format="json").status_code in {
        401,
        403,
    }


def test_it_matches_free_text_with_published_verdicts_first(alice, bob, claims):
    VerdictFactory(
        claim=claims["related"], author=alice, reviewer=bob, state="published", published_at=timezone.now()
    )
    VerdictFactory(claim=claims["duplicate"], author=alice, state="draft")

    response = api_client_for(alice).post(
        "/api/v1/claims/match/",
        {"text": "The city council approved two new bus lines on Monday."},
        format="json",
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["id"] == claims["related"].pk and results[0]["verdict"]["state"] == "published"
    # Then duplicates by similarity: the identical wording first.
    assert [item["id"] for item in results[1:3]] == [claims["probe"].pk, claims["duplicate"].pk]
    assert results[1]["score"] == pytest.approx(1.0, abs=1e-3) and results[2]["relation"] == "duplicate"
    # Each says why it matched: the cosine (the score), its ranks in the lists, the fusion.
    why = results[1]["why"]
    assert why["cosine"] == results[1]["score"] and why["nearest_rank"] == 1 and why["fusion"] > 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": "Bus lines.", "limit": 0}, "limit"),
    ],
)
def test_it_refuses_empty_or_oversize_text_with_a_message(alice, body, field):
    response = api_client_for(alice).post("/api/v1/claims/match/", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] and field in error["fields"]


@pytest.fixture
def suggestion(claims):
    return ClaimSuggestion.objects.create(claim=claims["duplicate"], candidate=claims["probe"], score=0.9)


def test_it_lists_and_confirms_a_suggestion(alice, claims, suggestion):
    client = api_client_for(alice)

    listed = client.get(f"/api/v1/claims/{claims['duplicate'].pk}/suggestions/").json()["results"]
    confirmed = client.post(f"/api/v1/suggestions/{suggestion.pk}/confirm/")

    assert [item["candidate"] for item in listed] == [claims["probe"].pk]
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    claims["duplicate"].refresh_from_db()
    assert claims["duplicate"].duplicate_of == claims["probe"]
    assert client.post(f"/api/v1/suggestions/{suggestion.pk}/reject/").status_code == 409


def test_it_rejects_a_suggestion_for_editors_of_the_team_only(alice, bob, charlie, suggestion):
    assert api_client_for(charlie).post(f"/api/v1/suggestions/{suggestion.pk}/reject/").status_code == 404
    assert api_client_for(bob).post(f"/api/v1/suggestions/{suggestion.pk}/reject/").status_code == 403

    response = api_client_for(alice).post(f"/api/v1/suggestions/{suggestion.pk}/reject/")

    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_it_documents_the_endpoints_in_the_openapi_schema():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    assert "get" in paths["/api/v1/claims/{id}/similar/"]
    match = paths["/api/v1/claims/match/"]["post"]
    assert "examples" in str(match)
