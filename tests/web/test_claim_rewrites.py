"""The claim panel's rewrites: listed with the mention each names, dropped with one button; and the
needs-context badge on the panel, the article page and the queue."""

import pytest
from django.utils.html import escape

from claims.models import AuditRecord
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def claim(team):
    """ "It will cost $4 million." named as "The new bus lines will cost $4 million."."""
    return ClaimFactory(article=ArticleFactory(team=team, title="Bus lines"), rewritten=True)


def drop_url(claim, index=0):
    return f"/claims/{claim.pk}/rewrites/{index}/drop/"


def test_it_lists_each_rewrite_with_the_mention_it_names(client, alice, claim):
    client.force_login(alice)
    html = client.get(f"/claims/{claim.pk}/").text
    (rewrite,) = claim.rewrites
    assert '<span class="original">It</span> → <strong class="replacement">The new bus lines</strong>' in html
    # Without JavaScript the mention shows as a tooltip, and to screen readers as text.
    antecedent = f"characters {rewrite['antecedent_start']}\u2013{rewrite['antecedent_end']} of the article"
    assert f'title="Refers to “new bus lines” ({antecedent})"' in html
    assert "from the mention “new bus lines”" in html
    assert f'data-antecedent-start="{rewrite["antecedent_start"]}"' in html
    assert f'action="{drop_url(claim)}"' in html
    assert "Needs context" not in html


def test_it_shows_the_needs_context_badge_and_note(client, alice, team):
    unsure = ClaimFactory(article=ArticleFactory(team=team), needs_context=True)
    client.force_login(alice)
    html = client.get(f"/claims/{unsure.pk}/").text
    assert '<span class="badge needs-context">Needs context</span>' in html
    assert "could not be named with certainty" in html
    assert "Rewritten from the article" not in html


def test_it_marks_needs_context_in_the_article_claim_list_and_the_queue(client, alice, team):
    unsure = ClaimFactory(article=ArticleFactory(team=team), needs_context=True)
    client.force_login(alice)
    badge = '<span class="badge needs-context">Needs context</span>'
    assert badge in client.get(f"/articles/{unsure.article_id}/").text
    assert badge in client.get("/").text
    sure = ClaimFactory(article=unsure.article, text="The council approved new bus lines.")
    queue = client.get("/", {"needs_context": "on"}).text
    assert f"/claims/{unsure.pk}/" in queue and f"/claims/{sure.pk}/" not in queue


def test_it_drops_a_rewrite_with_a_plain_post_and_redirects(client, alice, claim):
    client.force_login(alice)
    response = client.post(drop_url(claim), {"version": 1})
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    claim.refresh_from_db()
    assert (claim.text, claim.rewrites, claim.needs_context, claim.version) == (
        "It will cost $4 million.",
        [],
        True,
        2,
    )
    assert AuditRecord.objects.filter(claim=claim, action="claim_rewrite_dropped", actor=alice).exists()
    page = client.get(response["Location"]).text
    assert "Rewrite dropped" in page and "claim rewrite dropped" in page


def test_it_drops_a_rewrite_over_htmx_and_returns_the_fresh_panel(client, alice, claim):
    client.force_login(alice)
    response = client.post(drop_url(claim), {"version": 1}, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="claim-panel"')
    assert '<p class="claim-text">It will cost $4 million.</p>' in response.text
    assert "Rewritten from the article" not in response.text
    assert "claim-changed" in response["HX-Trigger"]


def test_it_refuses_a_stale_version_with_the_reason(client, alice, claim):
    client.force_login(alice)
    response = client.post(drop_url(claim), {"version": 2}, headers=HTMX)
    assert response.status_code == 422
    assert "The claim changed since you read it" in response.text
    claim.refresh_from_db()
    assert claim.version == 1


def test_it_refuses_when_the_wording_no_longer_holds_the_replacement(client, alice, claim):
    client.force_login(alice)
    client.post(f"/claims/{claim.pk}/text/", {"text": "It will cost $4m.", "version": 1})
    response = client.post(drop_url(claim), {"version": 2})
    assert response.status_code == 422
    assert escape("no longer says “The new bus lines”") in response.text


def test_it_refuses_a_missing_version_or_rewrite(client, alice, claim):
    client.force_login(alice)
    assert client.post(drop_url(claim)).status_code == 422
    missing = client.post(drop_url(claim, 3), {"version": 1})
    assert missing.status_code == 422 and "no rewrite 3" in missing.text


def test_it_gives_a_reviewer_no_drop_button_and_refuses_the_post(client, bob, claim):
    client.force_login(bob)
    html = client.get(f"/claims/{claim.pk}/").text
    assert "The new bus lines" in html and drop_url(claim) not in html
    response = client.post(drop_url(claim), {"version": 1})
    assert response.status_code == 422 and "Only editors" in response.text
    claim.refresh_from_db()
    assert claim.version == 1


def test_it_hides_another_teams_claim_from_an_outsider(client, charlie, claim):
    client.force_login(charlie)
    assert client.post(drop_url(claim), {"version": 1}).status_code == 404
    claim.refresh_from_db()
    assert claim.version == 1
