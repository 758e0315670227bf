import pytest

from claims import access
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def test_it_shows_members_only_their_teams_articles(team, alice, bob, charlie, admin_user):
    ours = ArticleFactory(team=team)
    theirs = ArticleFactory()
    assert list(access.visible_articles(alice)) == [ours]
    assert list(access.visible_articles(bob)) == [ours]
    assert list(access.visible_articles(charlie)) == []
    assert set(access.visible_articles(admin_user)) == {ours, theirs}


def test_it_shows_anonymous_users_nothing_but_published_verdicts(team):
    from django.contrib.auth.models import AnonymousUser

    draft = VerdictFactory(claim=ClaimFactory(article=ArticleFactory(team=team)))
    assert not access.visible_articles(AnonymousUser()).exists()
    assert not access.visible_claims(AnonymousUser()).exists()
    assert draft not in access.public_verdicts()


def test_it_lets_editors_of_the_team_edit_claims(team, alice, bob, charlie):
    claim = ClaimFactory(article=ArticleFactory(team=team))
    assert access.can_edit_claim(alice, claim)
    assert not access.can_edit_claim(bob, claim)  # a reviewer, not an editor
    assert not access.can_edit_claim(charlie, claim)  # an editor of another team


def test_it_enforces_four_eyes_on_review(team, alice, bob):
    both_roles = UserFactory(username="dana", roles=[access.EDITOR, access.REVIEWER], teams=[team])
    claim = ClaimFactory(article=ArticleFactory(team=team))
    by_alice = VerdictFactory(claim=claim, author=alice)
    by_dana = VerdictFactory(claim=claim, author=both_roles, revision=2)
    assert access.can_review_verdict(bob, by_alice)
    assert access.can_review_verdict(both_roles, by_alice)
    assert not access.can_review_verdict(both_roles, by_dana)  # own verdict
    assert not access.can_review_verdict(alice, by_dana)  # not a reviewer


def test_it_lets_the_submitter_or_an_admin_delete_an_article(team, alice, bob, admin_user):
    article = ArticleFactory(team=team, submitted_by=alice)
    assert access.can_delete_article(alice, article)
    assert not access.can_delete_article(bob, article)
    assert access.can_delete_article(admin_user, article)


def test_it_lists_roles(alice, admin_user):
    assert access.roles_of(alice) == ["editor"]
    assert "admin" in access.roles_of(admin_user)
    with pytest.raises(access.NotAllowed, match="Only reviewers"):
        access.require(False, "Only reviewers may publish.")
