from datetime import UTC, datetime

import pytest

from claims.models import Article, AuditRecord
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, VerdictFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/articles/"


def test_it_filters_articles_by_status_publisher_date_and_text(team, alice):
    march = ArticleFactory(
        team=team,
        publisher="Metro Daily",
        title="Transit cuts",
        published_at=datetime(2026, 3, 3, tzinfo=UTC),
    )
    may = ArticleFactory(
        team=team, publisher="Evening Post", status="failed", published_at=datetime(2026, 5, 1, tzinfo=UTC)
    )
    ArticleFactory(publisher="Metro Daily")  # another team's
    client = api_client_for(alice)

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(publisher="metro daily") == [march.pk]
    assert ids(status="failed") == [may.pk]
    assert ids(published_after="2026-04-01T00:00:00Z") == [may.pk]
    assert ids(published_before="2026-04-01T00:00:00Z") == [march.pk]
    assert ids(q="transit") == [march.pk]
    assert ids(q="bus lines") == sorted([march.pk, may.pk], reverse=True)
    bad = client.get(URL, {"status": "archived", "published_after": "March"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"status", "published_after"}


def test_it_lets_the_submitter_or_an_admin_delete(team, alice, bob, admin_user):
    mine = ArticleFactory(team=team, submitted_by=alice)
    ClaimFactory(article=mine)
    other = ArticleFactory(team=team, submitted_by=alice)
    assert api_client_for(bob).delete(f"{URL}{mine.pk}/").status_code == 403
    assert api_client_for(alice).delete(f"{URL}{mine.pk}/").status_code == 204
    assert api_client_for(admin_user).delete(f"{URL}{other.pk}/").status_code == 204
    assert not Article.objects.exists()


def test_it_keeps_articles_with_published_verdicts(team, alice, bob):
    article = ArticleFactory(team=team, submitted_by=alice)
    VerdictFactory(
        claim=ClaimFactory(article=article),
        author=alice,
        reviewer=bob,
        state="published",
        published_at=datetime(2026, 3, 3, tzinfo=UTC),
    )
    response = api_client_for(alice).delete(f"{URL}{article.pk}/")
    assert response.status_code == 409
    assert Article.objects.filter(pk=article.pk).exists()


def test_it_reprocesses_an_article_whose_claims_nobody_worked_on(team, alice, bob):
    article = ArticleFactory(
        team=team,
        submitted_by=alice,
        body="The council approved 4 new bus lines on Monday. It costs $4 million.",
    )
    stale = ClaimFactory(article=article, text="stale wording")
    response = api_client_for(alice).post(f"{URL}{article.pk}/reprocess/")
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    article.refresh_from_db()
    assert article.claims.exists() and not article.claims.filter(pk=stale.pk).exists()
    assert all(article.body[c.start : c.end] == c.quote for c in article.claims.all())
    assert AuditRecord.objects.filter(article=article, action="article_reprocessed", actor=alice).exists()
    assert api_client_for(bob).post(f"{URL}{article.pk}/reprocess/").status_code == 403


def test_it_refuses_to_reprocess_away_evidence(team, alice):
    article = ArticleFactory(team=team, submitted_by=alice)
    evidence = EvidenceFactory(claim=ClaimFactory(article=article))
    response = api_client_for(alice).post(f"{URL}{article.pk}/reprocess/")
    assert response.status_code == 409
    assert "evidence" in response.json()["error"]["message"]
    assert article.claims.filter(pk=evidence.claim_id).exists()
