"""JSON export: streamed, and always valid against the shipped schema."""

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from django.http import StreamingHttpResponse

from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory, VerdictFactory

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "claims" / "schemas" / "claims-export.schema.json"
HOSTILE = '"quoted" </script><script>alert(1)</script> & more'


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def body_of(response) -> dict:
    assert isinstance(response, StreamingHttpResponse)
    return json.loads(b"".join(response.streaming_content))


def test_it_matches_the_documented_shape(team, alice, bob):
    article = ArticleFactory(team=team, body=HOSTILE + ". Unrated claim.", url="https://n.example.org/a")
    rated = ClaimFactory(article=article, start=0, end=len(HOSTILE), text=HOSTILE)
    ClaimFactory(article=article, start=len(HOSTILE) + 2, end=len(article.body))
    EvidenceFactory(claim=rated, source=SourceFactory(url="https://data.example.org/x"), quote="東京 €")
    verdict = VerdictFactory(claim=rated, author=alice, reviewer=bob, rating="unverifiable", published=True)

    response = api_client_for(alice).get(f"/api/v1/articles/{article.pk}/reports/json/")
    body = body_of(response)

    assert response["Content-Type"] == "application/json"
    validator().validate(body)
    assert body["scope"] == {
        "kind": "article",
        "article_id": article.pk,
        "from": None,
        "to": None,
        "rating": None,
        "status": None,
    }
    first, second = body["claims"]
    assert first["text"] == HOSTILE
    assert first["verdict"]["id"] == verdict.pk
    assert first["verdict"]["rating_value"] is None
    assert first["verdict"]["url"] == f"http://testserver/verdicts/{verdict.pk}/"
    assert first["evidence"][0]["quote"] == "東京 €"
    assert first["evidence"][0]["source"]["url"] == "https://data.example.org/x"
    assert second["verdict"] is None


def test_the_schema_rejects_a_wrong_shape():
    # The schema has teeth: a verdict rated outside the scale does not validate.
    claim = {
        "id": 1,
        "article": {"id": 1, "title": "", "url": "", "publisher": "", "published_at": None},
        "text": "x",
        "quote": "x",
        "start": 0,
        "end": 1,
        "checkworthiness": 0.5,
        "status": "new",
        "duplicate_of": None,
        "verdict": {
            "id": 1,
            "rating": "pants_on_fire",
            "rating_label": "",
            "rating_value": 9,
            "summary": "",
            "explanation": "",
            "published_at": "2026-03-04T00:00:00Z",
            "url": "http://x.example/",
        },
        "evidence": [],
    }
    document = {"generated_at": "2026-03-04T00:00:00Z", "scope": {}, "claims": [claim]}

    errors = list(validator().iter_errors(document))

    assert errors


def test_it_exports_a_period_with_filters(team, alice, bob):
    article = ArticleFactory(team=team, body="First claim here. Second claim there. Third one too.")
    inside = ClaimFactory(article=article, start=0, end=17)
    other_rating = ClaimFactory(article=article, start=18, end=37)
    outside = ClaimFactory(article=article, start=38, end=52)
    VerdictFactory(
        claim=inside,
        author=alice,
        reviewer=bob,
        rating="false",
        published_at=datetime(2026, 3, 31, 23, tzinfo=UTC),
        published=True,
    )
    VerdictFactory(
        claim=other_rating,
        author=alice,
        reviewer=bob,
        rating="true",
        published_at=datetime(2026, 3, 2, tzinfo=UTC),
        published=True,
    )
    VerdictFactory(
        claim=outside,
        author=alice,
        reviewer=bob,
        rating="false",
        published_at=datetime(2026, 4, 1, tzinfo=UTC),
        published=True,
    )

    response = api_client_for(alice).get("/api/v1/reports/json/?from=2026-03-01&to=2026-03-31&rating=false")
    body = body_of(response)

    validator().validate(body)
    assert [claim["id"] for claim in body["claims"]] == [inside.pk]
    assert body["scope"]["kind"] == "period"
    assert (body["scope"]["from"], body["scope"]["to"]) == ("2026-03-01", "2026-03-31")


def test_it_exports_only_what_the_caller_may_see(team, alice, bob, charlie):
    claim = ClaimFactory(article=ArticleFactory(team=team))
    VerdictFactory(claim=claim, author=alice, reviewer=bob, rating="mixed", published=True)

    mine = body_of(api_client_for(alice).get("/api/v1/reports/json/?from=2026-03-01&to=2026-03-31"))
    theirs = body_of(api_client_for(charlie).get("/api/v1/reports/json/?from=2026-03-01&to=2026-03-31"))

    assert [item["id"] for item in mine["claims"]] == [claim.pk]
    assert theirs["claims"] == []
