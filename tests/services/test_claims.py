import pytest

from claims import services
from claims.errors import Conflict, InvalidInput, NotAllowed
from claims.models import AuditRecord, Claim
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(team):
    return ClaimFactory(article=ArticleFactory(team=team))


def test_it_updates_a_claim_and_bumps_its_version(claim, alice):
    updated = services.claim_update(
        claim=claim, by=alice, expected_version=1, text="  Reworded  ", status="dismissed"
    )
    assert (updated.text, updated.status, updated.version) == ("Reworded", "dismissed", 2)
    record = AuditRecord.objects.get(claim=claim, action="claim_updated")
    assert record.actor == alice
    assert record.before["version"] == 1 and record.after["version"] == 2
    assert record.after["text"] == "Reworded"


def test_it_refuses_a_stale_version_and_changes_nothing(claim, alice):
    services.claim_update(claim=claim, by=alice, expected_version=1, text="First edit")
    with pytest.raises(Conflict, match="version 1"):
        services.claim_update(claim=claim, by=alice, expected_version=1, text="Second edit")
    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("First edit", 2)
    assert AuditRecord.objects.filter(action="claim_updated").count() == 1


def test_it_lets_only_editors_of_the_team_update(claim, bob, charlie):
    for user in (bob, charlie):
        with pytest.raises(NotAllowed):
            services.claim_update(claim=claim, by=user, expected_version=1, text="x")


def test_it_rejects_blank_text_unknown_status_and_unearned_checked(claim, alice):
    for kwargs in ({"text": "  "}, {"status": "bogus"}, {"status": "checked"}, {}):
        with pytest.raises(InvalidInput):
            services.claim_update(claim=claim, by=alice, expected_version=1, **kwargs)
    claim.refresh_from_db()
    assert claim.version == 1


def test_it_assigns_only_to_team_members(claim, alice, bob, charlie):
    with pytest.raises(InvalidInput):
        services.claim_update(claim=claim, by=alice, expected_version=1, assigned_to=charlie)
    updated = services.claim_update(claim=claim, by=alice, expected_version=1, assigned_to=bob)
    assert updated.assigned_to == bob
    cleared = services.claim_update(claim=updated, by=alice, expected_version=2, assigned_to=None)
    assert cleared.assigned_to is None


def test_it_assigns_several_claims_and_counts_changes(team, alice, bob):
    article = ArticleFactory(team=team)
    first, second = ClaimFactory(article=article), ClaimFactory(article=article)
    assert services.claims_assign(claims=[first, second], assignee=bob, by=alice) == 2
    assert services.claims_assign(claims=[first, second], assignee=bob, by=alice) == 0
    assert set(Claim.objects.values_list("assigned_to", flat=True)) == {bob.pk}
    assert AuditRecord.objects.filter(action="claim_assigned").count() == 2


def test_it_merges_into_the_canonical_claim_without_chains(team, alice):
    article = ArticleFactory(team=team)
    canonical, repeat, other, fresh = (ClaimFactory(article=article) for _ in range(4))
    services.claim_merge(into=canonical, duplicate=repeat, by=alice)
    merged = services.claim_merge(into=repeat, duplicate=other, by=alice)
    assert merged.duplicate_of == canonical
    with pytest.raises(InvalidInput):  # other's canonical is canonical itself
        services.claim_merge(into=other, duplicate=canonical, by=alice)
    # merging the canonical claim away re-points the claims that repeated it
    services.claim_merge(into=fresh, duplicate=canonical, by=alice)
    assert set(Claim.objects.filter(duplicate_of=fresh).values_list("pk", flat=True)) == {
        canonical.pk,
        repeat.pk,
        other.pk,
    }
    assert not Claim.objects.filter(duplicate_of__duplicate_of__isnull=False).exists()


def test_it_refuses_merging_across_teams_or_with_itself(claim, alice, admin_user):
    elsewhere = ClaimFactory()
    with pytest.raises(InvalidInput, match="same team"):
        services.claim_merge(into=elsewhere, duplicate=claim, by=admin_user)
    with pytest.raises(InvalidInput):
        services.claim_merge(into=claim, duplicate=claim, by=alice)


def test_it_unmerges_a_duplicate(team, alice):
    article = ArticleFactory(team=team)
    canonical, repeat = ClaimFactory(article=article), ClaimFactory(article=article)
    services.claim_merge(into=canonical, duplicate=repeat, by=alice)
    unmerged = services.claim_unmerge(claim=repeat, by=alice)
    assert unmerged.duplicate_of is None
    with pytest.raises(InvalidInput):
        services.claim_unmerge(claim=repeat, by=alice)
    assert [r.action for r in AuditRecord.objects.filter(claim=repeat)] == ["claim_unmerged", "claim_merged"]


def test_it_refuses_merge_by_outsiders(claim, charlie):
    with pytest.raises(NotAllowed):
        services.claim_merge(into=claim, duplicate=ClaimFactory(article=claim.article), by=charlie)


def test_claims_assign_refuses_anonymous_assignee(claim, alice):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(InvalidInput):
        services.claims_assign(claims=[claim], assignee=AnonymousUser(), by=alice)
