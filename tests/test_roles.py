"""The editor and reviewer roles come from a migration; the demo command only adds people to them."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from claims import access
from claims.models import Team
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def permissions_of(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_it_creates_both_roles_when_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= set(access.ROLES)


def test_it_lets_editors_write_articles_claims_evidence_drafts_and_webhooks():
    editor = permissions_of(access.EDITOR)

    assert {
        "claims.add_article",
        "claims.change_claim",
        "claims.add_verdict",
        "claims.add_webhook",
        "sources.add_evidence",
        "sources.add_source",
    } <= editor
    assert not editor & {"claims.delete_verdict", "claims.change_auditrecord", "claims.add_team"}


def test_it_lets_reviewers_read_and_decide_verdicts_only():
    reviewer = permissions_of(access.REVIEWER)

    assert {
        "claims.view_article",
        "claims.view_claim",
        "claims.change_verdict",
        "sources.view_evidence",
    } <= reviewer
    assert not {p for p in reviewer if p.split(".")[1].startswith(("add_", "delete_"))}
    assert "claims.add_webhook" not in reviewer


def test_the_permissions_are_the_ones_django_itself_creates():
    # One row per codename: post_migrate found the migration's rows instead of adding its own.
    for codename in ("add_article", "change_verdict", "add_evidence"):
        permission = Permission.objects.get(codename=codename)
        assert permission.name.startswith("Can ")


def test_a_member_has_the_role_permissions():
    editor = UserFactory(username="erin", roles=[access.EDITOR])
    reviewer = UserFactory(username="rory", roles=[access.REVIEWER])

    assert editor.has_perm("claims.add_article") and not reviewer.has_perm("claims.add_article")
    assert reviewer.has_perm("claims.change_verdict")


def test_the_demo_adds_its_users_to_the_roles_the_migration_made(settings, tmp_path):
    groups_before = set(Group.objects.values_list("pk", "name"))
    settings.BASE_DIR = tmp_path  # no seeds/ folder: nothing to ingest

    out = io.StringIO()
    call_command("demo", stdout=out)

    assert set(Group.objects.values_list("pk", "name")) == groups_before
    newsroom = Team.objects.get(name="Newsroom")
    assert access.has_role(newsroom.members.get(username="editor"), access.EDITOR)
    assert access.has_role(newsroom.members.get(username="reviewer"), access.REVIEWER)
    assert "User 'editor' (editor)" in out.getvalue()
