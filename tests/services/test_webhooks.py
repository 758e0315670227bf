import pytest

from claims import services
from claims.errors import InvalidInput, NotAllowed
from claims.models import AuditRecord, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def webhook(team):
    # No creator: the one who registered it has left (created_by is SET_NULL).
    return Webhook.objects.create(team=team, url="https://cms.example.org/hook", secret="s" * 16)


def test_it_changes_a_webhook_whose_creator_is_gone(webhook, alice):
    changed = services.webhook_update(webhook=webhook, by=alice, url="https://cms.example.org/other")

    assert changed.url == "https://cms.example.org/other"
    webhook.refresh_from_db()
    assert webhook.url == "https://cms.example.org/other"
    record = AuditRecord.objects.get(action="webhook_updated")
    assert record.before["url"] == "https://cms.example.org/hook"
    assert record.after["url"] == "https://cms.example.org/other"
    assert "secret_changed" not in record.after


def test_it_refuses_invalid_or_unknown_changes_and_records_nothing(webhook, alice):
    with pytest.raises(InvalidInput) as error:
        services.webhook_update(webhook=webhook, by=alice, url="not a web address")
    assert set(error.value.fields) == {"url"}
    with pytest.raises(InvalidInput):
        services.webhook_update(webhook=webhook, by=alice, created_by=alice)
    with pytest.raises(InvalidInput) as error:
        services.webhook_create(team=webhook.team, url="https://cms.example.org/x", secret="", by=alice)
    assert set(error.value.fields) == {"secret"}

    webhook.refresh_from_db()
    assert (webhook.url, webhook.created_by) == ("https://cms.example.org/hook", None)
    assert Webhook.objects.count() == 1
    assert not AuditRecord.objects.exists()


def test_it_lets_only_editors_of_the_team_manage_webhooks(webhook, team, bob, charlie):
    with pytest.raises(NotAllowed):
        services.webhook_create(team=team, url="https://cms.example.org/x", secret="s" * 16, by=charlie)
    for user in (bob, charlie):
        with pytest.raises(NotAllowed):
            services.webhook_update(webhook=webhook, by=user, is_active=False)
        with pytest.raises(NotAllowed):
            services.webhook_delete(webhook=webhook, by=user)

    assert Webhook.objects.filter(pk=webhook.pk, is_active=True).exists()
    assert not AuditRecord.objects.exists()
