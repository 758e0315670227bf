import pytest

from claims import access
from claims.models import ClaimSuggestion
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(team):
    return ArticleFactory(team=team, title="Bus lines")


def _claim(article, text, **fields):
    return ClaimFactory(article=article, text=text, **fields)


def test_it_lists_claims_that_need_work_most_checkworthy_first(client, alice, article):
    _claim(article, "Middling claim", checkworthiness=0.6)
    _claim(article, "Top claim", checkworthiness=0.95, status="in_review")
    _claim(article, "Done claim", checkworthiness=0.99, status="checked")
    _claim(article, "Dropped claim", checkworthiness=0.99, status="dismissed")
    client.force_login(alice)
    html = client.get("/").text
    assert html.index("Top claim") < html.index("Middling claim")
    assert "Done claim" not in html and "Dropped claim" not in html


def test_it_counts_claims_per_status(client, alice, article):
    for status in ["new", "new", "in_review", "checked"]:
        _claim(article, f"A {status} claim", status=status)
    client.force_login(alice)
    html = client.get("/").text
    assert "New: <strong>2</strong>" in html
    assert "In review: <strong>1</strong>" in html
    assert "Checked: <strong>1</strong>" in html
    assert "Dismissed: <strong>0</strong>" in html


def test_it_filters_by_status_article_assignee_flags_and_suggestions(client, alice, team, article):
    other_article = ArticleFactory(team=team, title="Budget")
    mine = _claim(article, "Claim assigned to alice", assigned_to=alice)
    flagged = _claim(other_article, "Claim with a flag", flags=[{"message": "dates disagree"}])
    suggested = _claim(article, "Claim with a suggestion")
    ClaimSuggestion.objects.create(claim=suggested, candidate=flagged, score=0.9)
    _claim(article, "Claim already checked", status="checked")
    client.force_login(alice)

    def shown(query):
        html = client.get(f"/?{query}").text
        return {
            text
            for text in [
                "Claim assigned to alice",
                "Claim with a flag",
                "Claim with a suggestion",
                "Claim already checked",
            ]
            if text in html
        }

    assert shown("mine=on") == {"Claim assigned to alice"}
    assert shown("has_flags=on") == {"Claim with a flag"}
    assert shown("has_suggestions=on") == {"Claim with a suggestion", "Claim with a flag"}
    assert shown(f"article={other_article.pk}") == {"Claim with a flag"}
    assert shown("status=checked") == {"Claim already checked"}
    assert len(shown("status=any")) == 4
    assert mine.pk


def test_it_answers_htmx_filters_with_the_results_partial(client, alice, article):
    _claim(article, "Only claim")
    client.force_login(alice)
    response = client.get("/?status=new", headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="queue-results">')
    assert "Only claim" in response.text and "<html" not in response.text


def test_it_shows_nothing_of_another_team_to_an_outsider(client, charlie, article):
    _claim(article, "Metro desk claim")
    client.force_login(charlie)
    html = client.get("/").text
    assert "Metro desk claim" not in html
    assert "New: <strong>0</strong>" in html
    assert client.get(f"/?article={article.pk}").status_code == 200


def test_it_assigns_a_claim_to_me_in_one_click(client, alice, article):
    claim = _claim(article, "Take me")
    client.force_login(alice)
    response = client.post("/claims/assign/", {"mine": claim.pk, "next_query": "status=new"})
    assert response.status_code == 302 and response["Location"] == "/?status=new"
    claim.refresh_from_db()
    assert claim.assigned_to == alice


def test_it_assigns_several_claims_to_an_editor_in_one_action(client, alice, team, article):
    dave = UserFactory(username="dave", roles=[access.EDITOR], teams=[team])
    claims = [_claim(article, f"Claim {n}") for n in range(3)]
    client.force_login(alice)
    html = client.get("/").text
    assert f'<option value="{dave.pk}">dave</option>' in html
    response = client.post("/claims/assign/", {"claims": [c.pk for c in claims[:2]], "assignee": dave.pk})
    assert response.status_code == 302
    assert [c.assigned_to for c in (claims[0], claims[1], claims[2]) if c.refresh_from_db() is None] == [
        dave,
        dave,
        None,
    ]
    assert "Assigned 2 claim(s) to dave." in client.get("/").text


def test_it_asks_to_select_claims_before_assigning(client, alice, article):
    client.force_login(alice)
    client.post("/claims/assign/", {"assignee": alice.pk})
    assert "Select at least one claim." in client.get("/").text


def test_it_refuses_to_assign_another_teams_claims(client, charlie, article):
    claim = _claim(article, "Not yours")
    client.force_login(charlie)
    client.post("/claims/assign/", {"mine": claim.pk})
    claim.refresh_from_db()
    assert claim.assigned_to is None


def test_it_refuses_assignment_by_a_reviewer_with_a_message(client, bob, article):
    claim = _claim(article, "Editors only")
    client.force_login(bob)
    client.post("/claims/assign/", {"mine": claim.pk})
    claim.refresh_from_db()
    assert claim.assigned_to is None
    assert "may assign it" in client.get("/").text


def test_it_pages_through_a_long_queue_keeping_the_filters(client, alice, article):
    for n in range(55):
        _claim(article, f"Queued claim {n:02d}", checkworthiness=round(0.99 - n / 100, 2))
    client.force_login(alice)
    first = client.get("/?status=new").text
    assert "55 claims, page 1 of 2" in first
    assert "Queued claim 00" in first and "Queued claim 54" not in first
    assert 'href="?status=new&amp;page=2"' in first
    second = client.get("/?status=new&page=2").text
    assert "Queued claim 54" in second and "Queued claim 00" not in second


def test_it_only_redirects_back_to_a_queue_query(client, alice, article):
    claim = _claim(article, "Take me")
    client.force_login(alice)
    response = client.post(
        "/claims/assign/", {"mine": claim.pk, "next_query": "status=new\r\nSet-Cookie: x=1"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/?status=new")
    assert "\n" not in response["Location"]


def test_it_answers_an_htmx_history_restore_with_the_whole_page(client, alice, article):
    client.force_login(alice)
    response = client.get(
        "/?status=new", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text
