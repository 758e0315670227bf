import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from claims.models import AuditRecord, Webhook
from tests.conftest import api_client_for
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"
SECRET = "first-secret-never-logged"
NEW_SECRET = "second-secret-never-logged"


def assert_no_secret_in_audit_records() -> None:
    for record in AuditRecord.objects.all():
        stored = json.dumps([record.before, record.after])
        assert SECRET not in stored and NEW_SECRET not in stored, stored


def test_it_audits_registering_a_webhook_without_its_secret(team, alice):
    response = api_client_for(alice).post(
        URL, {"url": "https://cms.example.org/hook", "secret": SECRET}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "team", "url", "is_active", "created_at", "secret"}
    webhook = Webhook.objects.get(pk=body["id"])
    assert (webhook.team, webhook.created_by, webhook.secret) == (team, alice, SECRET)
    record = AuditRecord.objects.get(action="webhook_created")
    assert (record.actor, record.target_type, record.target_id) == (alice, "webhook", webhook.pk)
    assert record.after == {"team": team.pk, "url": "https://cms.example.org/hook", "is_active": True}
    assert_no_secret_in_audit_records()


def test_it_audits_changing_a_webhook_without_its_secret(team, alice):
    webhook = Webhook.objects.create(team=team, url="https://cms.example.org/hook", secret=SECRET)

    response = api_client_for(alice).patch(
        f"{URL}{webhook.pk}/", {"is_active": False, "secret": NEW_SECRET}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["is_active"] is False and "secret" not in response.json()
    webhook.refresh_from_db()
    assert (webhook.is_active, webhook.secret) == (False, NEW_SECRET)
    record = AuditRecord.objects.get(action="webhook_updated")
    assert (record.actor, record.target_id) == (alice, webhook.pk)
    assert record.before["is_active"] is True
    assert record.after["is_active"] is False and record.after["secret_changed"] is True
    assert_no_secret_in_audit_records()


def test_it_audits_removing_a_webhook(team, alice):
    webhook = Webhook.objects.create(team=team, url="https://cms.example.org/hook", secret=SECRET)

    response = api_client_for(alice).delete(f"{URL}{webhook.pk}/")

    assert response.status_code == 204
    assert not Webhook.objects.exists()
    record = AuditRecord.objects.get(action="webhook_deleted")
    assert (record.actor, record.target_type, record.target_id) == (alice, "webhook", webhook.pk)
    assert record.before == {"team": team.pk, "url": "https://cms.example.org/hook", "is_active": True}
    assert_no_secret_in_audit_records()


def test_it_records_nothing_when_a_change_is_refused(team, alice, bob, charlie):
    webhook = Webhook.objects.create(team=team, url="https://cms.example.org/hook", secret=SECRET)
    detail = f"{URL}{webhook.pk}/"

    assert api_client_for(bob).patch(detail, {"is_active": False}, format="json").status_code == 404
    assert api_client_for(charlie).delete(detail).status_code == 404
    # alice manages this webhook but may not hand it to a team she is not in
    elsewhere = TeamFactory(name="Sports desk")
    moved = api_client_for(alice).patch(detail, {"team": elsewhere.pk}, format="json")
    assert moved.status_code == 403
    assert moved.json()["error"]["code"] == "permission_denied"

    webhook.refresh_from_db()
    assert (webhook.team, webhook.is_active) == (team, True)
    assert not AuditRecord.objects.exists()


def test_it_generates_a_secret_and_shows_it_once(team, alice):
    client = api_client_for(alice)

    registered = client.post(URL, {"url": "https://cms.example.org/hook"}, format="json")

    assert registered.status_code == 201, registered.json()
    secret = registered.json()["secret"]
    assert len(secret) >= 40
    webhook = Webhook.objects.get(pk=registered.json()["id"])
    assert webhook.secret == secret
    shown_later = [client.get(f"{URL}{webhook.pk}/").json(), *client.get(URL).json()["results"]]
    shown_later.append(client.patch(f"{URL}{webhook.pk}/", {"is_active": False}, format="json").json())
    assert all("secret" not in body for body in shown_later)
    assert secret not in json.dumps(shown_later)


def test_it_keeps_the_secret_encrypted_in_the_database(team, alice):
    webhook = Webhook.objects.create(team=team, url="https://cms.example.org/hook", secret=SECRET)

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM claims_webhook WHERE id = %s", [webhook.pk])
        [stored] = cursor.fetchone()

    assert SECRET not in stored and stored.startswith("gAAAA")  # a Fernet token
    assert Webhook.objects.get(pk=webhook.pk).secret == SECRET


def test_it_reads_secrets_under_a_rotated_key_and_refuses_an_unknown_one(team, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FACTCHECK_WEBHOOK_SECRET_KEYS = [old_key]
    webhook = Webhook.objects.create(team=team, url="https://cms.example.org/hook", secret=SECRET)

    settings.FACTCHECK_WEBHOOK_SECRET_KEYS = [new_key, old_key]
    assert Webhook.objects.get(pk=webhook.pk).secret == SECRET
    settings.FACTCHECK_WEBHOOK_SECRET_KEYS = [new_key]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        Webhook.objects.get(pk=webhook.pk)
