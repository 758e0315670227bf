import pytest
from django.test import override_settings

from claims import services
from claims.models import AuditRecord, Claim
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/claims/"


@pytest.fixture
def claim(team):
    return ClaimFactory(article=ArticleFactory(team=team), text="The council approved 6 new bus lines.")


def test_it_lists_claims_across_the_teams_articles_only(claim, alice, charlie):
    ClaimFactory()  # another team's
    ClaimFactory(article=ArticleFactory(team=claim.article.team), checkworthiness=0.1)  # below threshold
    data = api_client_for(alice).get(URL).json()
    assert [row["id"] for row in data["results"]] == [claim.pk]
    assert data["results"][0]["version"] == 1
    assert api_client_for(charlie).get(URL).json()["count"] == 0
    assert api_client_for(alice).get(URL, {"min_checkworthiness": 0}).json()["count"] == 2


def test_it_filters_by_status_verdict_rating_article_and_text(team, alice):
    article = ArticleFactory(team=team)
    rated = ClaimFactory(article=article, text="Unemployment fell to 4%.")
    ClaimFactory(article=article, text="The stadium seats 40,000.", status="dismissed")
    VerdictFactory(claim=rated, rating="false", author=alice)
    client = api_client_for(alice)

    def ids(**params):
        return [row["id"] for row in client.get(URL, params).json()["results"]]

    assert ids(has_verdict="true") == [rated.pk]
    assert len(ids(has_verdict="false")) == 1
    assert ids(rating="false") == [rated.pk]
    assert ids(rating="true") == []
    assert len(ids(status="dismissed")) == 1
    assert ids(q="unemployment") == [rated.pk]
    assert len(ids(article=article.pk)) == 2
    response = client.get(URL, {"rating": "pants-on-fire"})
    assert response.status_code == 400
    assert "rating" in response.json()["error"]["fields"]


def test_it_gives_two_editors_one_409_and_keeps_the_first_edit(claim, alice, team):
    from tests.factories import UserFactory

    dana = UserFactory(username="dana", roles=["editor"], teams=[team])
    first, second = api_client_for(alice), api_client_for(dana)
    read_first = first.get(f"{URL}{claim.pk}/").json()["version"]
    read_second = second.get(f"{URL}{claim.pk}/").json()["version"]
    ok = first.patch(f"{URL}{claim.pk}/", {"version": read_first, "text": "Six new lines."}, format="json")
    stale = second.patch(f"{URL}{claim.pk}/", {"version": read_second, "text": "Seven."}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("Six new lines.", 2)


def test_it_takes_the_version_from_if_match(claim, alice):
    client = api_client_for(alice)
    etag = client.get(f"{URL}{claim.pk}/")["ETag"]
    assert etag == '"1"'
    ok = client.patch(f"{URL}{claim.pk}/", {"status": "dismissed"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = client.patch(f"{URL}{claim.pk}/", {"status": "new"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "x"}, "version"),
        ({"version": "one", "text": "x"}, "version"),
        ({"version": 1, "text": ""}, "text"),
        ({"version": 1, "status": "done"}, "status"),
        ({"version": 1, "assigned_to": 999999}, "assigned_to"),
        ({"version": 1, "text": "x" * 5001}, "text"),
    ],
)
def test_it_rejects_bad_edits_with_field_messages(claim, alice, payload, field):
    response = api_client_for(alice).patch(f"{URL}{claim.pk}/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    claim.refresh_from_db()
    assert claim.version == 1


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000)
def test_it_refuses_an_oversize_body_with_413(claim, alice):
    response = api_client_for(alice).patch(
        f"{URL}{claim.pk}/", {"version": 1, "text": "x" * 3000}, format="json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_it_lets_only_editors_of_the_team_edit(claim, bob, charlie):
    assert (
        api_client_for(bob).patch(f"{URL}{claim.pk}/", {"version": 1, "text": "x"}, format="json").status_code
        == 403
    )
    assert (
        api_client_for(charlie)
        .patch(f"{URL}{claim.pk}/", {"version": 1, "text": "x"}, format="json")
        .status_code
        == 404
    )


def test_it_merges_and_unmerges_and_shows_the_history(claim, alice):
    repeat = ClaimFactory(article=claim.article)
    client = api_client_for(alice)
    merged = client.post(f"{URL}{repeat.pk}/merge/", {"into": claim.pk}, format="json")
    assert merged.status_code == 200 and merged.json()["duplicate_of"] == claim.pk
    assert client.post(f"{URL}{repeat.pk}/merge/", {"into": 0}, format="json").status_code == 400
    assert client.post(f"{URL}{repeat.pk}/merge/", {}, format="json").json()["error"]["fields"] == {
        "into": ["This field is required."]
    }
    assert client.post(f"{URL}{repeat.pk}/unmerge/").json()["duplicate_of"] is None
    history = client.get(f"{URL}{repeat.pk}/history/").json()
    assert [row["action"] for row in history["results"]] == ["claim_unmerged", "claim_merged"]
    assert history["results"][0]["actor"] == "alice"


def test_it_refuses_merging_into_an_invisible_claim(claim, alice):
    elsewhere = ClaimFactory()
    response = api_client_for(alice).post(f"{URL}{claim.pk}/merge/", {"into": elsewhere.pk}, format="json")
    assert response.status_code == 400
    assert not Claim.objects.exclude(duplicate_of=None).exists()


def test_it_shows_the_current_verdict_of_a_duplicate(claim, alice, bob):
    repeat = ClaimFactory(article=claim.article)
    services.claim_merge(into=claim, duplicate=repeat, by=alice)
    services.verdict_create(claim=claim, author=alice, rating="false", summary="No.")
    data = api_client_for(bob).get(f"{URL}{repeat.pk}/").json()
    assert data["verdict"]["rating"] == "false"
    assert AuditRecord.objects.filter(claim=repeat).exists()


def test_it_opens_and_edits_a_claim_below_the_list_threshold(team, alice):
    low = ClaimFactory(article=ArticleFactory(team=team), checkworthiness=0.1)
    client = api_client_for(alice)
    assert client.get(f"{URL}{low.pk}/").status_code == 200
    assert (
        client.patch(f"{URL}{low.pk}/", {"version": 1, "status": "dismissed"}, format="json").status_code
        == 200
    )
    assert client.get(f"{URL}{low.pk}/history/").json()["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_simultaneous_edits_win(team, alice):
    import threading

    from django.db import connection

    claim = ClaimFactory(article=ArticleFactory(team=team))
    barrier = threading.Barrier(2)
    statuses = []

    clients = {"First": api_client_for(alice), "Second": api_client_for(alice)}

    def edit(text):
        try:
            client = clients[text]
            barrier.wait()
            response = client.patch(f"{URL}{claim.pk}/", {"version": 1, "text": text}, format="json")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(text,)) for text in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 409]
    claim.refresh_from_db()
    assert claim.version == 2 and claim.text in {"First", "Second"}
    assert AuditRecord.objects.filter(claim=claim, action="claim_updated").count() == 1
