import pytest

from claims.models import AuditRecord
from sources.models import Evidence, Source
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/sources/"


@pytest.fixture
def claim(team):
    return ClaimFactory(article=ArticleFactory(team=team))


def test_it_normalises_and_deduplicates_source_urls(alice):
    client = api_client_for(alice)
    first = client.post(URL, {"url": "HTTPS://www.Example.org/report/?utm_source=x#p2"}, format="json")
    again = client.post(URL, {"url": "https://example.org/report", "title": "Report"}, format="json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["url"] == "https://example.org/report"
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://e.org", "published_at": "soon"}, "published_at"),
    ],
)
def test_it_rejects_bad_sources_with_field_messages(alice, payload, field):
    response = api_client_for(alice).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_it_updates_and_deletes_sources_with_rules(alice, bob, charlie, claim):
    cited = EvidenceFactory(claim=claim).source
    loose = SourceFactory()
    assert api_client_for(bob).post(URL, {"url": "https://e.org"}, format="json").status_code == 403
    # Only alice's team cites it: to charlie, of another team, it does not exist.
    assert (
        api_client_for(charlie).patch(f"{URL}{cited.pk}/", {"title": "x"}, format="json").status_code == 404
    )
    editor = api_client_for(alice)
    assert editor.patch(f"{URL}{cited.pk}/", {"title": "Minutes"}, format="json").json()["title"] == "Minutes"
    clash = editor.patch(f"{URL}{loose.pk}/", {"url": cited.url + "/"}, format="json")
    assert clash.status_code == 409
    assert editor.delete(f"{URL}{cited.pk}/").status_code == 409
    assert editor.delete(f"{URL}{loose.pk}/").status_code == 204
    assert api_client_for().get(URL).status_code == 401


def test_it_adds_lists_and_removes_evidence_under_a_claim(claim, alice, charlie):
    client = api_client_for(alice)
    url = f"/api/v1/claims/{claim.pk}/evidence/"
    by_url = client.post(
        url, {"url": "https://stats.example.org/t4", "stance": "refutes", "quote": "q"}, format="json"
    )
    assert by_url.status_code == 201
    source_id = by_url.json()["source"]["id"]
    by_id = client.post(url, {"source": source_id, "stance": "context", "note": "n"}, format="json")
    assert by_id.status_code == 201
    assert [row["stance"] for row in client.get(url).json()["results"]] == ["refutes", "context"]
    assert api_client_for(charlie).get(url).status_code == 404
    assert client.delete(f"{url}{by_id.json()['id']}/").status_code == 204
    assert Evidence.objects.count() == 1
    actions = sorted(AuditRecord.objects.filter(claim=claim).values_list("action", flat=True))
    assert actions == ["evidence_added", "evidence_added", "evidence_removed"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"stance": "refutes"}, "source"),
        ({"url": "https://e.org", "source": 1, "stance": "refutes"}, "source"),
        ({"url": "https://e.org", "stance": "maybe"}, "stance"),
        ({"url": "nope", "stance": "refutes"}, "url"),
        ({"source": 999999, "stance": "refutes"}, "source"),
        ({"url": "https://e.org", "stance": "refutes", "note": "x" * 20001}, "note"),
    ],
)
def test_it_rejects_bad_evidence_with_field_messages(claim, alice, payload, field):
    response = api_client_for(alice).post(f"/api/v1/claims/{claim.pk}/evidence/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Evidence.objects.exists()
