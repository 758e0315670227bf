from datetime import UTC, datetime

import pytest

from claims import access, services
from claims.errors import Conflict
from claims.models import Article, AuditRecord, Claim
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def worked_on_article(team, alice):
    """An article with a trail: submitted, then one of its claims edited."""
    article, _ = services.article_submit(
        team=team,
        submitted_by=alice,
        title="Transit cuts",
        body="The council approved 6 new bus lines.",
        process=False,
    )
    claim = ClaimFactory(article=article)
    services.claim_update(claim=claim, by=alice, expected_version=claim.version, status="in_review")
    return article


def test_it_keeps_the_audit_trail_of_a_deleted_article(team, alice):
    article = worked_on_article(team, alice)
    article_id = article.pk
    trail = set(AuditRecord.objects.filter(article=article).values_list("pk", flat=True))
    assert len(trail) == 2

    services.article_delete(article=article, by=alice)

    assert not Article.objects.exists() and not Claim.objects.exists()
    kept = AuditRecord.objects.filter(pk__in=trail)
    assert sorted(kept.values_list("action", flat=True)) == ["article_submitted", "claim_updated"]
    assert all(record.article_id is None and record.claim_id is None for record in kept)
    deleted = AuditRecord.objects.get(action="article_deleted")
    assert (deleted.actor, deleted.target_type, deleted.target_id) == (alice, "article", article_id)
    assert deleted.before["id"] == article_id
    assert (deleted.before["title"], deleted.before["team"]) == ("Transit cuts", team.pk)
    # Unlinked records belong to no team's view of the trail any more.
    assert not access.visible_audit_records(alice).exists()


def test_it_records_who_deleted_an_article_through_the_api(team, alice, admin_user):
    article = ArticleFactory(team=team, submitted_by=alice, title="Budget")

    response = api_client_for(admin_user).delete(f"/api/v1/articles/{article.pk}/")

    assert response.status_code == 204
    record = AuditRecord.objects.get(action="article_deleted")
    assert (record.actor, record.target_id) == (admin_user, article.pk)
    assert (record.before["title"], record.before["submitted_by"]) == ("Budget", alice.pk)


def test_it_records_no_deletion_that_was_refused(team, alice, bob):
    article = ArticleFactory(team=team, submitted_by=alice)
    VerdictFactory(
        claim=ClaimFactory(article=article),
        author=alice,
        reviewer=bob,
        state="published",
        published_at=datetime(2026, 3, 3, tzinfo=UTC),
    )

    with pytest.raises(Conflict):
        services.article_delete(article=article, by=alice)

    assert Article.objects.filter(pk=article.pk).exists()
    assert not AuditRecord.objects.filter(action="article_deleted").exists()


def test_it_still_shows_the_history_of_claims_of_other_articles(team, alice):
    kept = worked_on_article(team, alice)
    gone = ArticleFactory(team=team, submitted_by=alice)
    services.article_delete(article=gone, by=alice)
    claim = kept.claims.get()

    response = api_client_for(alice).get(f"/api/v1/claims/{claim.pk}/history/")

    assert response.status_code == 200, response.json()
    assert [row["action"] for row in response.json()["results"]] == ["claim_updated"]
