from datetime import UTC, datetime

import pytest

from claims import services
from claims.models import Article, AuditRecord, Verdict
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def verdict(team, alice, bob):
    return VerdictFactory(
        claim=ClaimFactory(article=ArticleFactory(team=team)),
        author=alice,
        reviewer=bob,
        state="published",
        rating="false",
        published_at=datetime(2026, 3, 3, tzinfo=UTC),
    )


@pytest.fixture
def record(verdict, alice):
    # Written the only way records are: by a service.
    services.claim_update(claim=verdict.claim, by=alice, expected_version=1, status="checked")
    return AuditRecord.objects.get()


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", ["verdict", "auditrecord"])
def test_it_lists_verdicts_and_audit_records_for_a_superuser(superuser_client, verdict, record, model):
    response = superuser_client.get(f"/admin/claims/{model}/")

    assert response.status_code == 200
    assert f'href="/admin/claims/{model}/add/"'.encode() not in response.content
    assert b'value="delete_selected"' not in response.content


@pytest.mark.parametrize("model", ["verdict", "auditrecord"])
def test_it_refuses_adding_verdicts_or_audit_records_even_to_a_superuser(superuser_client, verdict, model):
    assert superuser_client.get(f"/admin/claims/{model}/add/").status_code == 403
    assert superuser_client.post(f"/admin/claims/{model}/add/", {}).status_code == 403


def test_it_shows_a_verdict_read_only_and_refuses_changing_it(superuser_client, verdict, alice):
    url = f"/admin/claims/verdict/{verdict.pk}/change/"

    page = superuser_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content

    changed = superuser_client.post(
        url,
        {"claim": verdict.claim_id, "revision": 1, "rating": "true", "summary": "Edited", "author": alice.pk},
    )
    assert changed.status_code == 403
    verdict.refresh_from_db()
    assert (verdict.rating, verdict.state) == ("false", "published")
    assert verdict.summary != "Edited"


def test_it_refuses_changing_an_audit_record(superuser_client, record):
    url = f"/admin/claims/auditrecord/{record.pk}/change/"

    assert superuser_client.get(url).status_code == 200
    assert superuser_client.post(url, {"action": "forged", "target_type": "claim"}).status_code == 403
    record.refresh_from_db()
    assert record.action == "claim_updated"


@pytest.mark.parametrize("model", ["verdict", "auditrecord"])
def test_it_refuses_deleting_verdicts_or_audit_records(superuser_client, verdict, record, model):
    target = verdict if model == "verdict" else record
    url = f"/admin/claims/{model}/{target.pk}/delete/"

    assert superuser_client.get(url).status_code == 403
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"}
    superuser_client.post(f"/admin/claims/{model}/", bulk)

    assert Verdict.objects.filter(pk=verdict.pk).exists()
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_it_lists_audit_records_whose_article_is_gone(superuser_client, team, alice):
    article = ArticleFactory(team=team, submitted_by=alice, title="Gone")
    services.article_delete(article=article, by=alice)
    record = AuditRecord.objects.get(action="article_deleted")

    listing = superuser_client.get("/admin/claims/auditrecord/")
    detail = superuser_client.get(f"/admin/claims/auditrecord/{record.pk}/change/")

    assert listing.status_code == 200 and b"article_deleted" in listing.content
    assert detail.status_code == 200 and b"Gone" in detail.content


def test_it_keeps_articles_editable_in_the_admin(superuser_client, team):
    article = ArticleFactory(team=team, title="Old title")

    page = superuser_client.get(f"/admin/claims/article/{article.pk}/change/")

    assert page.status_code == 200
    assert b'name="_save"' in page.content
    assert superuser_client.get("/admin/claims/article/add/").status_code == 200
    assert Article.objects.filter(pk=article.pk).exists()


def test_it_deletes_an_article_through_the_service_and_records_it(superuser_client, team, admin_user):
    article = ArticleFactory(team=team)
    VerdictFactory(claim=ClaimFactory(article=article), state="draft")

    response = superuser_client.post(f"/admin/claims/article/{article.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    record = AuditRecord.objects.get(action="article_deleted")
    assert (record.actor, record.target_id) == (admin_user, article.pk)


def test_it_refuses_deleting_an_article_with_a_published_verdict_in_the_admin(superuser_client, verdict):
    article = verdict.claim.article

    page = superuser_client.get(f"/admin/claims/article/{article.pk}/delete/")
    superuser_client.post(f"/admin/claims/article/{article.pk}/delete/", {"post": "yes"})

    assert "would require deleting the following protected related objects" in page.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()
    assert not AuditRecord.objects.filter(action="article_deleted").exists()
