import pytest

from claims import access
from claims.models import AuditRecord, Verdict
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/verdicts/"


@pytest.fixture
def claim(team):
    return ClaimFactory(article=ArticleFactory(team=team))


def draft(client, claim, **kwargs):
    payload = {"claim": claim.pk, "rating": "false", "summary": "Minutes show 3 lines."} | kwargs
    return client.post(URL, payload, format="json")


def test_it_runs_the_review_workflow(claim, alice, bob):
    editor, reviewer = api_client_for(alice), api_client_for(bob)
    created = draft(editor, claim, explanation="The 6 counts planned lines.")
    assert created.status_code == 201
    verdict = created.json()
    assert (verdict["state"], verdict["revision"], verdict["author"]) == ("draft", 1, "alice")
    patched = editor.patch(f"{URL}{verdict['id']}/", {"rating": "mostly_false"}, format="json")
    assert patched.json()["rating"] == "mostly_false"
    assert editor.post(f"{URL}{verdict['id']}/submit/").json()["state"] == "in_review"
    rejected = reviewer.post(f"{URL}{verdict['id']}/reject/", {"comment": "Cite the minutes."}, format="json")
    assert rejected.json()["state"] == "draft" and rejected.json()["review_comment"] == "Cite the minutes."
    editor.post(f"{URL}{verdict['id']}/submit/")
    published = reviewer.post(f"{URL}{verdict['id']}/publish/")
    assert published.status_code == 200
    assert (published.json()["state"], published.json()["reviewer"]) == ("published", "bob")
    actions = list(AuditRecord.objects.filter(claim=claim).values_list("action", flat=True))
    assert actions.count("verdict_published") == 1 and "verdict_rejected" in actions


def test_it_refuses_publishing_your_own_verdict_with_a_message(claim, team):
    dana = UserFactory(username="dana", roles=[access.EDITOR, access.REVIEWER], teams=[team])
    client = api_client_for(dana)
    verdict_id = draft(client, claim).json()["id"]
    client.post(f"{URL}{verdict_id}/submit/")
    response = client.post(f"{URL}{verdict_id}/publish/")
    assert response.status_code == 403
    assert "four eyes" in response.json()["error"]["message"]
    assert Verdict.objects.get(pk=verdict_id).state == "in_review"


def test_it_locks_published_verdicts_and_revises(claim, alice, bob):
    editor = api_client_for(alice)
    verdict_id = draft(editor, claim).json()["id"]
    editor.post(f"{URL}{verdict_id}/submit/")
    api_client_for(bob).post(f"{URL}{verdict_id}/publish/")
    assert editor.patch(f"{URL}{verdict_id}/", {"summary": "Changed"}, format="json").status_code == 409
    second = draft(editor, claim, rating="mostly_false")
    assert second.status_code == 201 and second.json()["revision"] == 2
    assert draft(editor, claim).status_code == 409  # revision 2 is still open
    public = api_client_for().get("/api/v1/public/verdicts/").json()["results"]
    assert [(row["id"], row["rating"]) for row in public] == [(verdict_id, "false")]


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"claim", "rating", "summary"}),
        ({"rating": "maybe", "summary": ""}, {"rating", "summary"}),
        ({"summary": "x" * 1001}, {"summary"}),
        ({"claim": 999999}, {"claim"}),
    ],
)
def test_it_rejects_bad_drafts_with_field_messages(claim, alice, payload, fields):
    base = {"claim": claim.pk, "rating": "false", "summary": "ok"}
    body = {key: value for key, value in (base | payload).items()} if payload else {}
    response = api_client_for(alice).post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= fields
    assert not Verdict.objects.exists()


def test_it_rejects_bad_edits_and_blank_reject_comments(claim, alice, bob):
    editor = api_client_for(alice)
    verdict_id = draft(editor, claim).json()["id"]
    response = editor.patch(f"{URL}{verdict_id}/", {"rating": "maybe"}, format="json")
    assert response.status_code == 400 and "rating" in response.json()["error"]["fields"]
    editor.post(f"{URL}{verdict_id}/submit/")
    response = api_client_for(bob).post(f"{URL}{verdict_id}/reject/", {"comment": ""}, format="json")
    assert response.status_code == 400 and "comment" in response.json()["error"]["fields"]


def test_it_lets_reviewers_not_draft_and_outsiders_not_see(claim, bob, charlie, alice):
    assert draft(api_client_for(bob), claim).status_code == 403
    assert draft(api_client_for(charlie), claim).status_code == 400  # the claim is not theirs to see
    verdict_id = draft(api_client_for(alice), claim).json()["id"]
    assert api_client_for(charlie).get(f"{URL}{verdict_id}/").status_code == 404
    assert api_client_for(charlie).get(URL).json()["count"] == 0
