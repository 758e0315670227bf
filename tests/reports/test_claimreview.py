"""ClaimReview JSON-LD: one published verdict, and the feed of all of them."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyld import jsonld

from claims import services
from claims.models import RATING_VALUES, Rating
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory

pytestmark = pytest.mark.django_db

CONTEXT_FILE = Path(__file__).resolve().parents[1] / "data" / "schemaorg" / "context.jsonld"
SCHEMA = "http://schema.org/"
PUBLISHED = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def local_loader(url: str, options: dict | None = None) -> dict:
    """schema.org's context from tests/data; any other address fails instead of going online."""
    if url.rstrip("/") not in {"https://schema.org", "http://schema.org"}:
        raise jsonld.JsonLdError(f"No network in tests: {url}", "loading document failed")
    document = json.loads(CONTEXT_FILE.read_text())
    return {"contextUrl": None, "documentUrl": url, "document": document}


def expand(document: dict) -> list:
    return jsonld.expand(document, {"documentLoader": local_loader})


def property_iris(node) -> set[str]:
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= property_iris(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("@"):
                found.add(key)
            found |= property_iris(value)
    return found


def terms(node) -> set[str]:
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= terms(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("@"):
                found.add(key)
                found |= terms(value)
    return found


@pytest.fixture
def article(team):
    return ArticleFactory(
        team=team,
        title="Council cuts transit budget",
        url="https://news.example.org/transit",
        publisher="Example News",
        published_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    )


def test_it_expands_with_a_json_ld_processor_and_no_term_is_dropped(article, alice, bob):
    verdict = VerdictFactory(
        claim=ClaimFactory(article=article),
        author=alice,
        reviewer=bob,
        rating="false",
        published_at=PUBLISHED,
        published=True,
    )
    response = api_client_for().get(f"/api/v1/verdicts/{verdict.pk}/claimreview/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    document = response.json()

    expanded = expand(document)

    assert len(expanded) == 1
    review = expanded[0]
    assert review["@type"] == [SCHEMA + "ClaimReview"]
    # Every term we wrote maps to a schema.org property: none was silently dropped.
    assert property_iris(expanded) == {SCHEMA + term for term in terms(document)}
    assert review[SCHEMA + "url"] == [{"@id": f"http://testserver/verdicts/{verdict.pk}/"}]
    assert review[SCHEMA + "datePublished"] == [{"@type": SCHEMA + "Date", "@value": "2026-03-04"}]
    item = review[SCHEMA + "itemReviewed"][0]
    assert item["@type"] == [SCHEMA + "Claim"]
    assert item[SCHEMA + "appearance"][0][SCHEMA + "url"] == [{"@id": "https://news.example.org/transit"}]


def test_it_has_the_fields_google_requires(article, alice, bob, settings):
    settings.FACTCHECK_ORGANISATION_NAME = "Metro Fact Desk"
    settings.FACTCHECK_ORGANISATION_URL = "https://facts.example.org"
    claim = ClaimFactory(article=article)
    verdict = VerdictFactory(
        claim=claim, rating="mostly_false", author=alice, reviewer=bob, published_at=PUBLISHED, published=True
    )

    review = api_client_for().get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()

    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text
    assert review["url"] == f"http://testserver/verdicts/{verdict.pk}/"
    assert review["datePublished"] == "2026-03-04"
    assert review["author"] == {
        "@type": "Organization",
        "name": "Metro Fact Desk",
        "url": "https://facts.example.org",
    }
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly false",
    }
    item = review["itemReviewed"]
    assert item["author"] == {"@type": "Organization", "name": "Example News"}
    assert item["datePublished"] == "2026-03-01"
    assert item["appearance"]["url"] == "https://news.example.org/transit"
    assert "firstAppearance" not in item


@pytest.mark.parametrize(
    ("rating", "value", "label"),
    [
        ("true", 5, "True"),
        ("mostly_true", 4, "Mostly true"),
        ("mixed", 3, "Mixed"),
        ("mostly_false", 2, "Mostly false"),
        ("false", 1, "False"),
    ],
)
def test_it_maps_each_numeric_rating(article, alice, bob, rating, value, label):
    verdict = VerdictFactory(
        claim=ClaimFactory(article=article),
        rating=rating,
        author=alice,
        reviewer=bob,
        published_at=PUBLISHED,
        published=True,
    )

    rating_json = api_client_for().get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()["reviewRating"]

    assert rating_json == {
        "@type": "Rating",
        "ratingValue": value,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": label,
    }
    assert expand({"@context": "https://schema.org", **rating_json})[0][SCHEMA + "ratingValue"] == [
        {"@value": value}
    ]


def test_it_gives_unverifiable_a_name_and_no_number(article, alice, bob):
    verdict = VerdictFactory(
        claim=ClaimFactory(article=article),
        rating="unverifiable",
        author=alice,
        reviewer=bob,
        published_at=PUBLISHED,
        published=True,
    )

    rating_json = api_client_for().get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()["reviewRating"]

    assert rating_json == {"@type": "Rating", "alternateName": "Unverifiable"}


def test_it_covers_the_whole_rating_scale():
    # A new rating without a mapping decision would fail here rather than ship half-described.
    assert set(RATING_VALUES) | {Rating.UNVERIFIABLE} == set(Rating.values)
    assert sorted(RATING_VALUES.values()) == [1, 2, 3, 4, 5]


def test_it_names_the_first_appearance_when_the_claim_was_seen_earlier(team, article, alice, bob):
    earlier = ArticleFactory(
        team=team,
        url="https://blog.example.net/origin",
        publisher="Origin Blog",
        published_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    claim = ClaimFactory(article=article)
    ClaimFactory(article=earlier, duplicate_of=claim)
    verdict = VerdictFactory(
        claim=claim, author=alice, reviewer=bob, rating="false", published_at=PUBLISHED, published=True
    )

    item = api_client_for().get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()["itemReviewed"]

    assert item["appearance"]["url"] == "https://news.example.org/transit"
    assert item["firstAppearance"]["url"] == "https://blog.example.net/origin"
    assert item["firstAppearance"]["datePublished"] == "2026-02-01"


@pytest.mark.parametrize("state", ["draft", "in_review"])
def test_it_hides_unpublished_verdicts(article, alice, state):
    verdict = VerdictFactory(claim=ClaimFactory(article=article), author=alice, state=state)

    assert api_client_for().get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").status_code == 404
    assert api_client_for(alice).get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").status_code == 404
    assert api_client_for().get("/api/v1/claimreviews/").json()["results"] == []


def test_it_404s_for_an_unknown_verdict():
    response = api_client_for().get("/api/v1/verdicts/999999/claimreview/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_feeds_each_claims_current_published_verdict_newest_first(article, alice, bob):
    first, second, drafted = (ClaimFactory(article=article) for _ in range(3))
    VerdictFactory(
        claim=first,
        rating="true",
        author=alice,
        reviewer=bob,
        published_at=datetime(2026, 3, 1, tzinfo=UTC),
        published=True,
    )
    revised = VerdictFactory(
        claim=first,
        rating="false",
        author=alice,
        reviewer=bob,
        revision=2,
        published_at=PUBLISHED,
        published=True,
    )
    older = VerdictFactory(
        claim=second,
        author=alice,
        reviewer=bob,
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
        rating="false",
        published=True,
    )
    VerdictFactory(claim=drafted, author=alice, state="draft")

    body = api_client_for().get("/api/v1/claimreviews/").json()

    assert body["count"] == 2
    urls = [review["url"] for review in body["results"]]
    assert urls == [f"http://testserver/verdicts/{revised.pk}/", f"http://testserver/verdicts/{older.pk}/"]
    assert body["results"][0]["reviewRating"]["alternateName"] == "False"


def test_it_paginates_the_feed(article, alice, bob):
    for _ in range(3):
        VerdictFactory(
            claim=ClaimFactory(article=article),
            author=alice,
            reviewer=bob,
            rating="false",
            published_at=PUBLISHED,
            published=True,
        )

    page_one = api_client_for().get("/api/v1/claimreviews/?page_size=2").json()
    page_two = api_client_for().get(page_one["next"]).json()

    assert page_one["count"] == 3
    assert len(page_one["results"]) == 2
    assert len(page_two["results"]) == 1
    assert page_two["next"] is None
    for review in page_one["results"] + page_two["results"]:
        assert expand(review)[0]["@type"] == [SCHEMA + "ClaimReview"]


def test_it_appears_once_the_reviewer_publishes_it_through_the_service(article, alice, bob):
    verdict = VerdictFactory(claim=ClaimFactory(article=article), author=alice, state="in_review")
    url = f"/api/v1/verdicts/{verdict.pk}/claimreview/"
    assert api_client_for().get(url).status_code == 404

    services.verdict_publish(verdict=verdict, by=bob)

    review = api_client_for().get(url).json()
    assert review["url"] == f"http://testserver/verdicts/{verdict.pk}/"
    assert api_client_for().get("/api/v1/claimreviews/").json()["count"] == 1
