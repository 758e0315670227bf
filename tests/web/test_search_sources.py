import re

import pytest

from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory, VerdictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(team):
    body = "Unemployment fell to 4.1 percent in March, the ministry said."
    return ClaimFactory(article=ArticleFactory(team=team, body=body), end=len(body))


def test_it_finds_claims_by_keywords_with_their_verdicts(client, alice, bob, claim):
    VerdictFactory(
        claim=claim,
        rating="mostly_true",
        summary="Official statistics agree.",
        author=alice,
        reviewer=bob,
        state="published",
        published_at="2026-03-03T00:00:00Z",
    )
    client.force_login(alice)
    html = client.get("/search/", {"q": "Unemployment, March"}).text
    assert "1 claim found." in html
    assert "Mostly true" in html and "Official statistics agree." in html


def test_it_falls_back_to_a_substring_match_for_numbers(client, alice, claim):
    client.force_login(alice)
    assert "1 claim found." in client.get("/search/", {"q": "4.1 per"}).text


def test_it_says_when_a_claim_was_not_checked(client, alice, claim):
    client.force_login(alice)
    assert "Not checked yet." in client.get("/search/", {"q": "unemployment"}).text


def test_it_never_finds_another_teams_claims(client, charlie, claim):
    client.force_login(charlie)
    assert "0 claims found." in client.get("/search/", {"q": "unemployment"}).text


def test_it_answers_htmx_search_with_the_results_partial(client, alice, claim):
    client.force_login(alice)
    response = client.get("/search/", {"q": "unemployment"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="search-results">')


@pytest.mark.slow
def test_it_finds_claims_by_meaning(client, alice, claim):
    from claims.similarity import embeddings

    claim.embedding = embeddings.embed_text(claim.text)
    claim.save()
    client.force_login(alice)
    html = client.get("/search/", {"q": "The jobless rate dropped in March", "mode": "meaning"}).text
    assert "1 claim found." in html
    assert "Unemployment fell to 4.1 percent" in html
    # Why it matched, in words: its meaning's cosine, and the claim's words ("March").
    assert re.search(r"Matched by meaning 0\.\d\d · words of the claim #1", html)


def test_it_lists_sources_with_the_claims_citing_them(client, alice, claim):
    source = SourceFactory(title="Labour statistics")
    EvidenceFactory(claim=claim, source=source, quote="4.1% in March")
    client.force_login(alice)
    listing = client.get("/sources/").text
    assert "Labour statistics" in listing and "1 claim" in listing
    detail = client.get(f"/sources/{source.pk}/").text
    assert "Unemployment fell to 4.1 percent" in detail and "4.1% in March" in detail


def test_it_hides_sources_cited_only_by_another_team(client, charlie, claim):
    source = SourceFactory(title="Labour statistics")
    EvidenceFactory(claim=claim, source=source)
    client.force_login(charlie)
    assert "Labour statistics" not in client.get("/sources/").text
    assert client.get(f"/sources/{source.pk}/").status_code == 404


def test_it_searches_by_keywords_unless_asked_for_meaning(client, alice, claim):
    client.force_login(alice)
    html = client.get("/search/", {"q": "unemployment"}).text
    keyword_radio = html.split('value="keyword"')[1].split(">")[0]
    meaning_radio = html.split('value="meaning"')[1].split(">")[0]
    assert "checked" in keyword_radio and "checked" not in meaning_radio
