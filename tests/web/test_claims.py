import pytest

from claims import access, services
from claims.models import AuditRecord, ClaimSuggestion, Verdict
from sources.models import Evidence
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, UserFactory, VerdictFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def claim(team):
    return ClaimFactory(
        article=ArticleFactory(team=team, title="Bus lines"),
        quantities=[{"text": "$4 million", "value": 4000000, "unit": "USD"}],
        dates=[{"text": "on Monday", "date": "2026-03-02", "precision": "day"}],
        flags=[{"kind": "inconsistent_number", "message": "The caption says 3 lines."}],
        reason="A number about public spending",
    )


@pytest.fixture
def in_review(claim, alice):
    verdict = services.verdict_create(claim=claim, author=alice, rating="false", summary="No such vote.")
    return services.verdict_submit(verdict=verdict, by=alice)


def test_it_shows_the_claim_panel_as_a_full_page(client, alice, claim):
    client.force_login(alice)
    response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    html = response.text
    assert "<html" in html
    for expected in [
        claim.text,
        "80%",
        "A number about public spending",
        "$4 million",
        "on Monday",
        "The caption says 3 lines.",
        "Add evidence",
        "Draft a verdict",
        "No changes recorded yet.",
    ]:
        assert expected in html


def test_it_answers_htmx_with_the_panel_partial_only(client, alice, claim):
    client.force_login(alice)
    response = client.get(f"/claims/{claim.pk}/", headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="claim-panel"')
    assert "<html" not in response.text


def test_it_hides_another_teams_claim_from_an_outsider(client, charlie, claim):
    client.force_login(charlie)
    assert client.get(f"/claims/{claim.pk}/").status_code == 404
    response = client.post(f"/claims/{claim.pk}/evidence/", {"url": "https://x.org", "stance": "supports"})
    assert response.status_code == 404
    assert client.post(f"/claims/{claim.pk}/verdict/", {"rating": "true", "summary": "x"}).status_code == 404
    assert not Evidence.objects.exists() and not Verdict.objects.exists()


def test_it_adds_evidence_with_a_plain_post_and_redirects(client, alice, claim):
    client.force_login(alice)
    response = client.post(
        f"/claims/{claim.pk}/evidence/",
        {
            "url": "https://www.records.example.org/minutes?utm_source=x",
            "quote": "Approved 4 lines",
            "stance": "supports",
            "note": "Page 3",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/"
    evidence = Evidence.objects.get()
    assert (evidence.source.url, evidence.quote, evidence.added_by) == (
        "https://records.example.org/minutes",
        "Approved 4 lines",
        alice,
    )
    page = client.get(response["Location"]).text
    assert "Evidence added." in page and "Approved 4 lines" in page and "evidence added" in page


def test_it_adds_evidence_over_htmx_and_returns_the_fresh_panel(client, alice, claim):
    client.force_login(alice)
    response = client.post(
        f"/claims/{claim.pk}/evidence/", {"url": "https://a.example.org/x", "stance": "refutes"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="claim-panel"')
    assert "Refutes" in response.text and "Evidence added." in response.text


def test_it_shows_evidence_form_errors(client, alice, claim):
    client.force_login(alice)
    response = client.post(f"/claims/{claim.pk}/evidence/", {"url": "ftp://x", "stance": "maybe"})
    assert response.status_code == 422
    assert "Enter a valid URL." in response.text
    assert "Select a valid choice." in response.text
    assert not Evidence.objects.exists()


def test_it_removes_evidence(client, alice, claim):
    evidence = EvidenceFactory(claim=claim)
    client.force_login(alice)
    assert client.post(f"/claims/{claim.pk}/evidence/{evidence.pk}/remove/").status_code == 302
    assert not Evidence.objects.exists()


def test_it_refuses_evidence_from_a_reviewer_with_a_message(client, bob, claim):
    client.force_login(bob)
    response = client.post(
        f"/claims/{claim.pk}/evidence/", {"url": "https://a.example.org", "stance": "context"}
    )
    assert response.status_code == 422
    assert "Only editors of the claim&#x27;s team may add evidence." in response.text


def test_it_drafts_edits_and_submits_a_verdict_without_javascript(client, alice, claim):
    client.force_login(alice)
    assert (
        client.post(f"/claims/{claim.pk}/verdict/", {"rating": "mixed", "summary": "Partly."}).status_code
        == 302
    )
    assert (
        client.post(
            f"/claims/{claim.pk}/verdict/",
            {"rating": "false", "summary": "No vote took place.", "explanation": "Minutes."},
        ).status_code
        == 302
    )
    verdict = Verdict.objects.get()
    assert (verdict.rating, verdict.summary, verdict.state) == ("false", "No vote took place.", "draft")
    assert client.post(f"/claims/{claim.pk}/verdict/submit/").status_code == 302
    verdict.refresh_from_db()
    claim.refresh_from_db()
    assert (verdict.state, claim.status) == ("in_review", "in_review")
    assert "Waiting for a reviewer" in client.get(f"/claims/{claim.pk}/").text


def test_it_shows_verdict_form_errors(client, alice, claim):
    client.force_login(alice)
    response = client.post(f"/claims/{claim.pk}/verdict/", {"rating": "probably", "summary": ""})
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert not Verdict.objects.exists()


def test_it_lets_a_reviewer_publish_and_the_claim_shows_the_rating(client, bob, claim, in_review):
    client.force_login(bob)
    page = client.get(f"/claims/{claim.pk}/").text
    assert "Publish verdict" in page and "Send back with comment" in page
    assert client.post(f"/claims/{claim.pk}/verdict/publish/").status_code == 302
    in_review.refresh_from_db()
    assert (in_review.state, in_review.reviewer) == ("published", bob)
    article_page = client.get(f"/articles/{claim.article_id}/").text
    assert f'<span class="hl rating-false" data-claim-id="{claim.pk}">' in article_page
    assert "1 · Checked · False</a>" in article_page


def test_it_does_not_let_an_author_publish_their_own_verdict(client, team, claim):
    both = UserFactory(username="erin", roles=[access.EDITOR, access.REVIEWER], teams=[team])
    verdict = services.verdict_create(claim=claim, author=both, rating="true", summary="Confirmed.")
    services.verdict_submit(verdict=verdict, by=both)
    client.force_login(both)
    page = client.get(f"/claims/{claim.pk}/").text
    assert "Publish verdict" not in page
    assert "someone other than the author publishes it" in page
    response = client.post(f"/claims/{claim.pk}/verdict/publish/")
    assert response.status_code == 422
    assert "another reviewer must publish it" in response.text
    verdict.refresh_from_db()
    assert verdict.state == "in_review"


def test_it_does_not_let_an_editor_publish(client, alice, claim, in_review):
    client.force_login(alice)
    assert client.post(f"/claims/{claim.pk}/verdict/publish/").status_code == 422
    in_review.refresh_from_db()
    assert in_review.state == "in_review"


def test_it_sends_a_verdict_back_with_a_comment(client, bob, claim, in_review):
    client.force_login(bob)
    response = client.post(f"/claims/{claim.pk}/verdict/reject/", {"comment": ""})
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert (
        client.post(f"/claims/{claim.pk}/verdict/reject/", {"comment": "Cite the minutes."}).status_code
        == 302
    )
    in_review.refresh_from_db()
    assert (in_review.state, in_review.review_comment) == ("draft", "Cite the minutes.")


def test_it_shows_the_reviewers_comment_to_the_author(client, alice, bob, claim, in_review):
    services.verdict_reject(verdict=in_review, by=bob, comment="Cite <b>the</b> minutes.")
    client.force_login(alice)
    page = client.get(f"/claims/{claim.pk}/").text
    assert "Sent back by the reviewer: Cite &lt;b&gt;the&lt;/b&gt; minutes." in page
    assert "Edit the draft verdict" in page


def test_it_changes_the_status_and_refuses_a_stale_version(client, alice, claim):
    client.force_login(alice)
    response = client.post(f"/claims/{claim.pk}/status/", {"status": "dismissed", "version": 1})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("dismissed", 2)
    stale = client.post(f"/claims/{claim.pk}/status/", {"status": "new", "version": 1})
    assert stale.status_code == 422
    assert "The claim changed since you read it" in stale.text
    claim.refresh_from_db()
    assert claim.status == "dismissed"


def test_it_assigns_the_claim_to_me(client, alice, claim):
    client.force_login(alice)
    assert client.post(f"/claims/{claim.pk}/assign-me/").status_code == 302
    claim.refresh_from_db()
    assert claim.assigned_to == alice
    assert AuditRecord.objects.filter(claim=claim, action="claim_assigned").exists()


def test_it_shows_duplicates_with_their_verdicts(client, alice, bob, claim, team):
    repeat = ClaimFactory(article=claim.article, start=0, end=10, duplicate_of=claim)
    VerdictFactory(
        claim=claim,
        rating="false",
        author=alice,
        reviewer=bob,
        state="published",
        published_at="2026-03-03T00:00:00Z",
    )
    client.force_login(alice)
    page = client.get(f"/claims/{repeat.pk}/").text
    assert f"#{claim.pk}</a>" in page and "this claim repeats it" in page and "False (published)" in page
    assert "write the verdict there" not in page and "Write the verdict on <a" in page


def test_it_lists_pending_duplicate_suggestions_with_one_click_decisions(client, alice, claim, team):
    other = ClaimFactory(
        article=ArticleFactory(team=team, title="Earlier story"), text="Council added bus lines."
    )
    suggestion = ClaimSuggestion.objects.create(claim=claim, candidate=other, score=0.93)
    client.force_login(alice)
    page = client.get(f"/claims/{claim.pk}/").text
    assert "Council added bus lines." in page and "similarity 93%" in page
    assert f"/claims/{claim.pk}/suggestions/{suggestion.pk}/confirm/" in page
    assert f"/claims/{claim.pk}/suggestions/{suggestion.pk}/reject/" in page


def test_it_hides_suggestions_pointing_at_another_teams_claims(client, alice, claim):
    foreign = ClaimFactory(text="Sports desk secret")
    ClaimSuggestion.objects.create(claim=claim, candidate=foreign, score=0.99)
    client.force_login(alice)
    assert "Sports desk secret" not in client.get(f"/claims/{claim.pk}/").text


def test_it_records_history_on_the_panel(client, alice, claim):
    services.claims_assign(claims=[claim], assignee=alice, by=alice)
    client.force_login(alice)
    assert "alice: claim assigned" in client.get(f"/claims/{claim.pk}/").text


def test_it_confirms_a_suggested_duplicate_in_one_click(client, alice, claim, team):
    other = ClaimFactory(article=ArticleFactory(team=team), text="Council added bus lines.")
    suggestion = ClaimSuggestion.objects.create(claim=claim, candidate=other, score=0.93)
    client.force_login(alice)
    response = client.post(f"/claims/{claim.pk}/suggestions/{suggestion.pk}/confirm/")
    assert response.status_code == 302
    claim.refresh_from_db()
    suggestion.refresh_from_db()
    assert (claim.duplicate_of, suggestion.status, suggestion.decided_by) == (other, "confirmed", alice)
    assert "Duplicate confirmed." in client.get(f"/claims/{claim.pk}/").text


def test_it_rejects_a_suggestion_over_htmx_and_does_not_decide_twice(client, alice, claim, team):
    other = ClaimFactory(article=ArticleFactory(team=team), text="Council added bus lines.")
    suggestion = ClaimSuggestion.objects.create(claim=claim, candidate=other, score=0.93)
    client.force_login(alice)
    url = f"/claims/{claim.pk}/suggestions/{suggestion.pk}/reject/"
    response = client.post(url, headers=HTMX)
    assert response.status_code == 200 and "Not a duplicate." in response.text
    suggestion.refresh_from_db()
    claim.refresh_from_db()
    assert (suggestion.status, claim.duplicate_of) == ("rejected", None)
    again = client.post(url)
    assert again.status_code == 404
    assert "already decided" in again.text


def test_it_refuses_suggestion_decisions_from_a_reviewer(client, bob, claim, team):
    other = ClaimFactory(article=ArticleFactory(team=team))
    suggestion = ClaimSuggestion.objects.create(claim=claim, candidate=other, score=0.93)
    client.force_login(bob)
    assert client.post(f"/claims/{claim.pk}/suggestions/{suggestion.pk}/confirm/").status_code == 422
    suggestion.refresh_from_db()
    assert suggestion.status == "suggested"


def test_it_edits_the_wording_and_refuses_a_stale_edit(client, alice, claim):
    client.force_login(alice)
    response = client.post(
        f"/claims/{claim.pk}/text/", {"text": "The council approved 7 bus lines.", "version": 1}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("The council approved 7 bus lines.", 2)
    stale = client.post(f"/claims/{claim.pk}/text/", {"text": "Overwritten", "version": 1})
    assert stale.status_code == 422
    assert "The claim changed since you read it" in stale.text
    claim.refresh_from_db()
    assert claim.text == "The council approved 7 bus lines."


def test_it_refuses_blank_wording_on_the_form(client, alice, claim):
    client.force_login(alice)
    response = client.post(f"/claims/{claim.pk}/text/", {"text": "  ", "version": 1})
    assert response.status_code == 422
    assert "This field is required." in response.text


def test_it_starts_a_new_revision_after_publication(client, alice, bob, claim, in_review):
    services.verdict_publish(verdict=in_review, by=bob)
    client.force_login(alice)
    assert "Write a new revision" in client.get(f"/claims/{claim.pk}/").text
    response = client.post(f"/claims/{claim.pk}/verdict/", {"rating": "mixed", "summary": "New minutes."})
    assert response.status_code == 302
    revisions = list(claim.verdicts.order_by("revision").values_list("revision", "state", "rating"))
    assert revisions == [(1, "published", "false"), (2, "draft", "mixed")]
    page = client.get(f"/claims/{claim.pk}/").text
    assert "All verdict revisions" in page and "Edit the draft verdict" in page
