"""The public page of a published verdict: readable without signing in, ClaimReview embedded."""

import json
import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory, VerdictFactory

pytestmark = pytest.mark.django_db

HOSTILE = 'He said "stop" </script><script>alert(1)</script> & <b>left</b>'
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@pytest.fixture
def article(team):
    return ArticleFactory(
        team=team,
        title="Council cuts transit budget",
        url="https://news.example.org/transit",
        publisher="Example News",
        published_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


def test_it_shows_claim_article_rating_and_sources_to_anyone(article, alice, bob):
    claim = ClaimFactory(article=article)
    source = SourceFactory(url="https://records.example.org/minutes/7", title="Minutes of 3 March")
    EvidenceFactory(claim=claim, source=source, stance="refutes", quote="Approved: 2 lines.")
    verdict = VerdictFactory(
        claim=claim,
        author=alice,
        reviewer=bob,
        summary="Two lines, not four.",
        explanation="See minutes.",
        rating="mostly_false",
        published=True,
    )

    response = Client().get(f"/verdicts/{verdict.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert claim.text in page
    assert '<a href="https://news.example.org/transit">Council cuts transit budget</a>' in page
    assert "Mostly false" in page
    assert "Two lines, not four." in page
    assert "See minutes." in page
    assert '<a href="https://records.example.org/minutes/7">Minutes of 3 March</a>' in page
    assert "Refutes" in page
    assert "Approved: 2 lines." in page


def test_it_embeds_the_same_claimreview_as_the_api(article, alice, bob):
    verdict = VerdictFactory(
        claim=ClaimFactory(article=article), author=alice, reviewer=bob, rating="mostly_false", published=True
    )

    page = Client().get(f"/verdicts/{verdict.pk}/").content.decode()
    api = Client().get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()

    blocks = LD_JSON.findall(page)
    assert len(blocks) == 1
    assert json.loads(blocks[0]) == api


@pytest.mark.parametrize("state", ["draft", "in_review"])
def test_it_404s_for_unpublished_verdicts(article, alice, state):
    verdict = VerdictFactory(claim=ClaimFactory(article=article), author=alice, state=state)

    assert Client().get(f"/verdicts/{verdict.pk}/").status_code == 404


def test_it_keeps_a_hostile_claim_inside_the_json_ld_and_inert_in_the_page(team, alice, bob):
    body = HOSTILE + " Then it ended."
    article = ArticleFactory(team=team, body=body, title="<i>Title</i>")
    claim = ClaimFactory(article=article, start=0, end=len(HOSTILE), text=HOSTILE)
    verdict = VerdictFactory(
        claim=claim,
        author=alice,
        reviewer=bob,
        summary="<img src=x onerror=alert(2)>",
        rating="mostly_false",
        published=True,
    )

    page = Client().get(f"/verdicts/{verdict.pk}/").content.decode()

    # Only our own script element: the claim's </script> neither closes it nor opens another.
    assert page.count("<script") == 1
    assert page.count("</script>") == 1
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "<i>Title</i>" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    (block,) = LD_JSON.findall(page)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["claimReviewed"] == HOSTILE


def test_it_does_not_link_urls_that_are_not_web_addresses(article, alice, bob):
    claim = ClaimFactory(article=article)
    EvidenceFactory(claim=claim, source=SourceFactory(url="javascript:alert(document.cookie)", title="Trap"))
    verdict = VerdictFactory(claim=claim, author=alice, reviewer=bob, rating="mostly_false", published=True)

    page = Client().get(f"/verdicts/{verdict.pk}/").content.decode()

    assert "Trap" in page
    assert 'href="javascript:' not in page


def test_it_points_a_superseded_verdict_to_the_current_one(article, alice, bob):
    claim = ClaimFactory(article=article)
    old = VerdictFactory(claim=claim, author=alice, reviewer=bob, rating="true", published=True)
    new = VerdictFactory(claim=claim, author=alice, reviewer=bob, rating="false", revision=2, published=True)

    old_page = Client().get(f"/verdicts/{old.pk}/").content.decode()
    new_page = Client().get(f"/verdicts/{new.pk}/").content.decode()

    assert f'href="/verdicts/{new.pk}/"' in old_page
    assert "has been revised" not in new_page
