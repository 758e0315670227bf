import pytest

from claims import access, selectors
from claims.models import Claim, ClaimSuggestion
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    ClaimSuggestionFactory,
    UserFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(team):
    return ArticleFactory(team=team, title="Bus lines")


def _texts(claims):
    return [claim.text for claim in claims]


def test_it_queues_the_claims_that_need_work_most_checkworthy_first(alice, article):
    ClaimFactory(article=article, text="Middling", checkworthiness=0.6)
    ClaimFactory(article=article, text="Top", checkworthiness=0.95, status=Claim.Status.IN_REVIEW)
    ClaimFactory(article=article, text="Later in the text", checkworthiness=0.6, start=20, end=30)
    ClaimFactory(article=article, text="Checked", checkworthiness=0.99, status=Claim.Status.CHECKED)
    assert _texts(selectors.queue_claims(user=alice)) == ["Top", "Middling", "Later in the text"]
    assert len(selectors.queue_claims(user=alice, statuses=None)) == 4
    assert _texts(selectors.queue_claims(user=alice, statuses=[Claim.Status.CHECKED])) == ["Checked"]


def test_it_filters_the_queue_by_article_assignee_and_flags(alice, team, article):
    budget = ArticleFactory(team=team, title="Budget")
    ClaimFactory(article=article, text="Mine", assigned_to=alice)
    ClaimFactory(article=budget, text="Flagged", flags=[{"message": "dates disagree"}])
    ClaimFactory(article=article, text="Plain")
    assert _texts(selectors.queue_claims(user=alice, article=budget)) == ["Flagged"]
    assert _texts(selectors.queue_claims(user=alice, assigned_to_me=True)) == ["Mine"]
    assert _texts(selectors.queue_claims(user=alice, flagged=True)) == ["Flagged"]


def test_it_queues_claims_with_a_pending_suggestion_the_user_may_see_from_either_side(alice, article):
    suggestion = ClaimSuggestionFactory(claim__article=article, claim__text="Suggested")
    suggestion.candidate.text = "Candidate"
    suggestion.candidate.save()
    ClaimSuggestionFactory(
        claim__article=article, claim__text="Decided", status=ClaimSuggestion.Status.REJECTED
    )
    ClaimSuggestionFactory(
        claim__article=article, claim__text="Paired with another team", candidate=ClaimFactory()
    )
    queued = selectors.queue_claims(user=alice, with_pending_suggestions=True)
    assert sorted(_texts(queued)) == ["Candidate", "Suggested"]


def test_it_queues_nothing_of_another_team(charlie, article):
    ClaimFactory(article=article)
    assert not selectors.queue_claims(user=charlie, statuses=None).exists()


def test_it_counts_the_visible_claims_of_every_status(alice, charlie, article):
    for status in [Claim.Status.NEW, Claim.Status.NEW, Claim.Status.CHECKED]:
        ClaimFactory(article=article, status=status)
    assert selectors.claim_status_counts(user=alice) == [
        ("new", "New", 2),
        ("in_review", "In review", 0),
        ("checked", "Checked", 1),
        ("dismissed", "Dismissed", 0),
    ]
    assert {count for _, _, count in selectors.claim_status_counts(user=charlie)} == {0}


def test_it_offers_the_active_editors_and_admins_of_my_teams_for_assignment(alice, bob, charlie, team):
    dave = UserFactory(username="dave", roles=[access.EDITOR], teams=[team], is_active=False)
    root = UserFactory(username="root", is_superuser=True, teams=[team])
    editors = list(selectors.team_editors(user=alice))
    assert editors == [alice, root]
    assert bob not in editors and charlie not in editors and dave not in editors


def test_it_lists_recent_articles_with_their_claim_counts(alice, charlie, team):
    older = ArticleFactory(team=team, title="Older")
    newer = ArticleFactory(team=team, title="Newer")
    ClaimFactory.create_batch(2, article=newer)
    recent = list(selectors.recent_articles(user=alice, limit=1))
    assert [(article.title, article.claim_count) for article in recent] == [("Newer", 2)]
    assert older not in selectors.recent_articles(user=charlie)


def test_it_pairs_a_claim_only_with_suggestions_whose_other_claim_is_visible(alice, article):
    claim = ClaimFactory(article=article)
    mine = ClaimSuggestionFactory(claim=claim)
    theirs = ClaimSuggestionFactory(
        candidate=claim, claim=ClaimFactory(article=ArticleFactory(team=article.team))
    )
    ClaimSuggestionFactory(claim=claim, candidate=ClaimFactory())
    ClaimSuggestionFactory(claim=claim, status=ClaimSuggestion.Status.CONFIRMED)
    assert set(selectors.pending_suggestions(claim=claim, user=alice)) == {mine, theirs}
    shown = selectors.suggested_duplicates(claim=claim, user=alice)
    assert {(s.pk, s.other.pk) for s in shown} == {(mine.pk, mine.candidate_id), (theirs.pk, theirs.claim_id)}


def test_it_shows_a_suggested_duplicate_with_its_verdict(alice, article):
    suggestion = ClaimSuggestionFactory(claim__article=article)
    verdict = VerdictFactory(claim=suggestion.candidate, published=True)
    [shown] = selectors.suggested_duplicates(claim=suggestion.claim, user=alice)
    assert (shown.other, shown.verdict, shown.score) == (suggestion.candidate, verdict, 0.93)


def test_it_lists_duplicate_links_first_then_similar_claims_each_once(alice, article):
    original = ClaimFactory(article=article, text="Original")
    claim = ClaimFactory(article=article, text="Repeat", duplicate_of=original)
    repeat = ClaimFactory(article=article, text="Repeats the repeat", duplicate_of=claim)
    ClaimFactory(article=ArticleFactory(), text="Another team's repeat", duplicate_of=claim)
    similar = ClaimFactory(article=article, text="Similar")
    verdict = VerdictFactory(claim=similar)
    found = [(original, "again"), (claim, "itself"), (similar, "related, similarity 80%")]
    related = selectors.related_claims(claim=claim, user=alice, similar=found)
    assert [(r.other, r.relation) for r in related] == [
        (original, "this claim repeats it"),
        (repeat, "repeats this claim"),
        (similar, "related, similarity 80%"),
    ]
    assert [r.verdict for r in related] == [None, None, verdict]
