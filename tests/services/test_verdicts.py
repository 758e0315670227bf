import pytest
from django.db import transaction

from claims import access, services
from claims.errors import Conflict, InvalidInput, NotAllowed
from claims.models import AuditRecord, Claim, Verdict
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(team):
    return ClaimFactory(article=ArticleFactory(team=team))


def draft(claim, author, **kwargs):
    values = {"rating": "false", "summary": "The minutes show 3 lines, not 6."} | kwargs
    return services.verdict_create(claim=claim, author=author, **values)


def test_it_creates_a_draft_revision_with_an_audit_record(claim, alice):
    verdict = draft(claim, alice, explanation="Context.")
    assert (verdict.state, verdict.revision, verdict.author) == ("draft", 1, alice)
    record = AuditRecord.objects.get(action="verdict_created")
    assert record.claim == claim and record.after["rating"] == "false"


def test_it_refuses_bad_fields_and_outsiders(claim, alice, bob, charlie):
    with pytest.raises(InvalidInput) as error:
        draft(claim, alice, rating="pants-on-fire", summary=" ")
    assert set(error.value.fields) == {"rating", "summary"}
    with pytest.raises(InvalidInput):
        draft(claim, alice, summary="x" * 1001)
    for user in (bob, charlie):
        with pytest.raises(NotAllowed):
            draft(claim, user)
    assert not Verdict.objects.exists()


def test_it_refuses_a_second_open_revision(claim, alice):
    draft(claim, alice)
    with pytest.raises(Conflict, match="Revision 1"):
        draft(claim, alice)


def test_it_refuses_a_verdict_on_a_duplicate(claim, alice):
    repeat = ClaimFactory(article=claim.article)
    services.claim_merge(into=claim, duplicate=repeat, by=alice)
    repeat.refresh_from_db()
    with pytest.raises(InvalidInput, match=f"claim {claim.pk}"):
        draft(repeat, alice)


def test_it_edits_drafts_only(claim, alice, bob):
    verdict = draft(claim, alice)
    edited = services.verdict_update(verdict=verdict, by=alice, rating="mostly_false", summary="Closer.")
    assert (edited.rating, edited.summary) == ("mostly_false", "Closer.")
    record = AuditRecord.objects.get(action="verdict_updated")
    assert record.before["rating"] == "false" and record.after["rating"] == "mostly_false"
    services.verdict_submit(verdict=edited, by=alice)
    with pytest.raises(Conflict):
        services.verdict_update(verdict=edited, by=alice, summary="Sneaky change in review")


def test_it_publishes_with_four_eyes(claim, alice, bob):
    verdict = services.verdict_submit(verdict=draft(claim, alice), by=alice)
    assert verdict.submitted_at is not None
    claim.refresh_from_db()
    assert claim.status == "in_review"
    published = services.verdict_publish(verdict=verdict, by=bob)
    assert (published.state, published.reviewer) == ("published", bob)
    assert published.published_at is not None
    claim.refresh_from_db()
    assert claim.status == "checked"
    assert AuditRecord.objects.filter(action="verdict_published", actor=bob).count() == 1


def test_it_refuses_publishing_your_own_verdict(claim, team):
    both = UserFactory(username="dana", roles=[access.EDITOR, access.REVIEWER], teams=[team])
    verdict = services.verdict_submit(verdict=draft(claim, both), by=both)
    with pytest.raises(NotAllowed, match="four eyes"):
        services.verdict_publish(verdict=verdict, by=both)
    verdict.refresh_from_db()
    assert verdict.state == "in_review"


def test_it_refuses_publishing_by_editors_outsiders_and_drafts(claim, alice, bob, charlie):
    verdict = draft(claim, alice)
    with pytest.raises(Conflict, match="in review"):
        services.verdict_publish(verdict=verdict, by=bob)
    services.verdict_submit(verdict=verdict, by=alice)
    outsider_reviewer = UserFactory(username="erin", roles=[access.REVIEWER], teams=[charlie.teams.get()])
    for user in (charlie, outsider_reviewer, UserFactory(username="frank", roles=[access.EDITOR])):
        with pytest.raises(NotAllowed):
            services.verdict_publish(verdict=verdict, by=user)


def test_it_rejects_back_to_draft_with_a_comment(claim, alice, bob):
    verdict = services.verdict_submit(verdict=draft(claim, alice), by=alice)
    with pytest.raises(InvalidInput):
        services.verdict_reject(verdict=verdict, by=bob, comment="  ")
    rejected = services.verdict_reject(verdict=verdict, by=bob, comment="Cite the minutes.")
    assert (rejected.state, rejected.review_comment) == ("draft", "Cite the minutes.")
    assert services.verdict_update(verdict=rejected, by=alice, summary="Now cited.").summary == "Now cited."


def test_it_keeps_a_published_verdict_and_revises_in_a_new_revision(claim, alice, bob):
    first = services.verdict_publish(
        verdict=services.verdict_submit(verdict=draft(claim, alice), by=alice), by=bob
    )
    with pytest.raises(Conflict):
        services.verdict_update(verdict=first, by=alice, summary="Rewrite history")
    second = draft(claim, alice, rating="mostly_false", summary="New data.")
    assert second.revision == 2
    first.refresh_from_db()
    assert (first.state, first.rating) == ("published", "false")
    claim.refresh_from_db()
    assert claim.status == "checked"  # the published revision still stands


def test_it_queues_webhooks_only_after_the_publish_commits(claim, alice, bob, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "claims.services.verdicts.webhooks_notify_published", lambda **kwargs: calls.append(kwargs)
    )
    verdict = services.verdict_submit(verdict=draft(claim, alice), by=alice)
    with transaction.atomic():
        services.verdict_publish(verdict=verdict, by=bob)
        assert calls == []
    assert Claim.objects.get(pk=claim.pk).status == "checked"


def test_it_runs_the_webhook_hook_on_commit(
    claim, alice, bob, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        "claims.services.verdicts.webhooks_notify_published", lambda **kwargs: calls.append(kwargs)
    )
    verdict = services.verdict_submit(verdict=draft(claim, alice), by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_publish(verdict=verdict, by=bob)
    assert calls == [{"verdict_id": verdict.pk}]


def test_it_saves_into_the_open_draft_then_starts_the_next_revision_after_publishing(claim, alice, bob):
    first = services.verdict_save(claim=claim, by=alice, rating="false", summary="Three lines, not six.")
    again = services.verdict_save(claim=claim, by=alice, rating="mostly_false", summary="Three lines.")
    assert again.pk == first.pk and (again.rating, again.revision) == ("mostly_false", 1)

    services.verdict_submit(verdict=again, by=alice)
    services.verdict_publish(verdict=again, by=bob)
    revised = services.verdict_save(claim=claim, by=alice, rating="false", summary="Budget shows three.")

    assert (revised.revision, revised.state) == (2, "draft")
    assert Verdict.objects.get(pk=first.pk).state == "published"
