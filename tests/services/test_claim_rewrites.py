"""Dropping a rewrite: the claim says the article's words again, audited like other claim edits."""

import pytest

from claims import services
from claims.errors import Conflict, NotAllowed, NotFound
from claims.models import AuditRecord
from tests.factories import ArticleFactory, ClaimFactory, rewrite_of

pytestmark = pytest.mark.django_db

BODY = "Kim Jong Un visited the factory on Monday. He said he would return in May."


@pytest.fixture
def claim(team):
    """ "He said he would return in May." with both pronouns named."""
    article = ArticleFactory(team=team, body=BODY)
    start = BODY.index("He said")
    return ClaimFactory(
        article=article,
        start=start,
        end=len(BODY),
        text="Kim Jong Un said Kim Jong Un would return in May.",
        rewrites=[
            rewrite_of(BODY, "He", "Kim Jong Un", "Kim Jong Un", after=start),
            rewrite_of(BODY, "he", "Kim Jong Un", "Kim Jong Un", after=start),
        ],
    )


def drop(claim, index, by, version=None):
    return services.claim_rewrite_drop(
        claim=claim, index=index, by=by, expected_version=claim.version if version is None else version
    )


def test_it_puts_the_articles_words_back_and_records_the_change(claim, alice):
    second = claim.rewrites[1]
    dropped = drop(claim, 0, alice)
    assert dropped.text == "He said Kim Jong Un would return in May."
    assert dropped.rewrites == [second]
    assert (dropped.version, dropped.needs_context) == (2, True)
    record = AuditRecord.objects.get(claim=claim, action="claim_rewrite_dropped")
    assert record.actor == alice
    assert record.before == {
        "text": claim.text,
        "rewrites": claim.rewrites,
        "needs_context": False,
        "version": 1,
    }
    assert record.after == {
        "text": dropped.text,
        "rewrites": [second],
        "needs_context": True,
        "version": 2,
    }


def test_it_finds_the_right_one_of_two_rewrites_to_the_same_name(claim, alice):
    later = drop(claim, 1, alice)
    assert later.text == "Kim Jong Un said he would return in May."
    both = drop(later, 0, alice)
    assert both.text == "He said he would return in May." and both.rewrites == []


def test_it_leaves_the_articles_own_mention_of_the_name_alone(team, alice):
    body = "Kim Jong Un said he would return in May."
    claim = ClaimFactory(
        article=ArticleFactory(team=team, body=body),
        start=0,
        end=len(body),
        text="Kim Jong Un said Kim Jong Un would return in May.",
        rewrites=[rewrite_of(body, "he", "Kim Jong Un", "Kim Jong Un")],
    )
    assert drop(claim, 0, alice).text == body


def test_it_capitalises_the_article_words_at_the_start_of_the_text(team, alice):
    body = "The agent was found in 2018. Police said it was made in Russia."
    start = body.index("it was")
    claim = ClaimFactory(
        article=ArticleFactory(team=team, body=body),
        start=start,
        end=len(body),
        text="The agent was made in Russia.",
        rewrites=[rewrite_of(body, "it", "the agent", "The agent", after=start)],
    )
    assert drop(claim, 0, alice).text == "It was made in Russia."


def test_it_lowers_a_pronoun_that_began_the_articles_sentence_inside_the_text(claim, alice):
    edited = services.claim_update(
        claim=claim,
        by=alice,
        expected_version=1,
        text="On Monday, Kim Jong Un said Kim Jong Un would return.",
    )
    assert drop(edited, 0, alice).text == "On Monday, he said Kim Jong Un would return."


def test_it_refuses_a_stale_version_and_changes_nothing(claim, alice):
    with pytest.raises(Conflict, match="version 3") as refused:
        drop(claim, 0, alice, version=3)
    assert refused.value.status_code == 409
    claim.refresh_from_db()
    assert (claim.version, len(claim.rewrites)) == (1, 2)
    assert not AuditRecord.objects.filter(claim=claim).exists()


def test_it_refuses_when_the_editor_reworded_the_name_away(claim, alice):
    edited = services.claim_update(
        claim=claim, by=alice, expected_version=1, text="The leader said he would return in May."
    )
    with pytest.raises(Conflict, match="no longer says “Kim Jong Un”") as refused:
        drop(edited, 0, alice)
    assert "text" in refused.value.fields
    edited.refresh_from_db()
    assert (edited.version, len(edited.rewrites)) == (2, 2)


def test_it_refuses_a_rewrite_the_claim_does_not_have(claim, alice):
    with pytest.raises(NotFound, match="no rewrite 2"):
        drop(claim, 2, alice)


def test_it_lets_only_editors_of_the_team_drop_a_rewrite(claim, bob, charlie):
    for user in (bob, charlie):
        with pytest.raises(NotAllowed):
            drop(claim, 0, user)
    claim.refresh_from_db()
    assert claim.version == 1
