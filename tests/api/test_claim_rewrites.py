"""A claim's rewrites and needs_context in the API, and POST /api/v1/claims/{id}/rewrites/{index}/drop/."""

import pytest
from django.test import Client

from claims import selectors
from claims.api.serializers import ClaimOutputSerializer
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/claims/"


@pytest.fixture
def claim(team):
    """ "It will cost $4 million." named as "The new bus lines will cost $4 million."."""
    return ClaimFactory(article=ArticleFactory(team=team), rewritten=True)


def drop_url(claim, index=0):
    return f"{URL}{claim.pk}/rewrites/{index}/drop/"


def test_it_shows_rewrites_and_needs_context_in_the_list_and_the_detail(claim, alice):
    unsure = ClaimFactory(article=claim.article, needs_context=True)
    client = api_client_for(alice)
    detail = client.get(f"{URL}{claim.pk}/").json()
    body = claim.article.body
    (rewrite,) = detail["rewrites"]
    assert (rewrite["original"], rewrite["replacement"]) == ("It", "The new bus lines")
    assert body[rewrite["start"] : rewrite["end"]] == "It"
    assert body[rewrite["antecedent_start"] : rewrite["antecedent_end"]] == "new bus lines"
    assert detail["needs_context"] is False
    rows = {row["id"]: row for row in client.get(URL).json()["results"]}
    assert rows[claim.pk]["rewrites"] == [rewrite]
    assert (rows[unsure.pk]["rewrites"], rows[unsure.pk]["needs_context"]) == ([], True)


def test_it_filters_the_list_on_needs_context(claim, alice):
    unsure = ClaimFactory(article=claim.article, needs_context=True)
    client = api_client_for(alice)

    def ids(**params):
        return [row["id"] for row in client.get(URL, params).json()["results"]]

    assert ids(needs_context="true") == [unsure.pk]
    assert ids(needs_context="false") == [claim.pk]


def test_it_gives_the_article_claims_page_the_same_rewrites_as_the_serializer(claim, alice):
    ClaimFactory(article=claim.article, needs_context=True)
    claims = list(claim.article.claims.order_by("start", "id"))
    context = {"verdicts": selectors.current_verdicts(claims)}
    expected = [ClaimOutputSerializer(each, context=context).data for each in claims]
    rows = api_client_for(alice).get(f"/api/v1/articles/{claim.article_id}/claims/").json()["results"]
    assert [list(row) for row in rows] == [list(data) for data in expected]
    assert rows == expected
    assert [row["needs_context"] for row in rows] == [True, False]
    assert rows[1]["rewrites"] == claim.rewrites


def test_it_drops_a_rewrite_and_shows_it_in_the_history(claim, alice):
    client = api_client_for(alice)
    response = client.post(drop_url(claim), {"version": 1}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["text"] == "It will cost $4 million."
    assert (data["rewrites"], data["needs_context"], data["version"]) == ([], True, 2)
    assert response["ETag"] == '"2"'
    history = client.get(f"{URL}{claim.pk}/history/").json()["results"]
    assert [(row["action"], row["actor"]) for row in history] == [("claim_rewrite_dropped", "alice")]
    assert history[0]["before"]["text"] == "The new bus lines will cost $4 million."


def test_it_takes_the_version_from_if_match(claim, alice):
    client = api_client_for(alice)
    assert client.post(drop_url(claim)).status_code == 400
    response = client.post(drop_url(claim), HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["version"] == 2


def test_it_answers_a_stale_version_or_a_reworded_text_with_409(claim, alice):
    client = api_client_for(alice)
    stale = client.post(drop_url(claim), {"version": 2}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["fields"] == {"version": ["Current version is 1."]}
    reworded = client.patch(f"{URL}{claim.pk}/", {"version": 1, "text": "It will cost $4m."}, format="json")
    assert reworded.status_code == 200
    refused = client.post(drop_url(claim), {"version": 2}, format="json")
    assert refused.status_code == 409
    assert "The new bus lines" in refused.json()["error"]["message"]
    assert set(refused.json()["error"]["fields"]) == {"text"}


def test_it_answers_404_for_a_rewrite_the_claim_does_not_have(claim, alice):
    response = api_client_for(alice).post(drop_url(claim, 1), {"version": 1}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_lets_only_editors_of_the_team_drop_a_rewrite(claim, bob, charlie):
    assert api_client_for(bob).post(drop_url(claim), {"version": 1}, format="json").status_code == 403
    assert api_client_for(charlie).post(drop_url(claim), {"version": 1}, format="json").status_code == 404
    claim.refresh_from_db()
    assert (claim.version, len(claim.rewrites)) == (1, 1)


def test_it_documents_rewrites_needs_context_and_the_drop_action():
    schema = Client().get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert set(components["Rewrite"]["properties"]) == {
        "start", "end", "original", "replacement", "antecedent_start", "antecedent_end",
    }  # fmt: skip
    for name in ("Claim", "ClaimOutput"):
        properties = components[name]["properties"]
        assert properties["rewrites"]["items"] == {"$ref": "#/components/schemas/Rewrite"}
        assert properties["needs_context"]["type"] == "boolean"
    drop = schema["paths"]["/api/v1/claims/{id}/rewrites/{index}/drop/"]["post"]
    assert {param["name"] for param in drop["parameters"]} == {"id", "index"}
    assert {"200", "409"} <= set(drop["responses"])
    listing = schema["paths"]["/api/v1/claims/"]["get"]
    assert "needs_context" in {param["name"] for param in listing["parameters"]}
