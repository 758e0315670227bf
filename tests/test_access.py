import pytest

from claims import access
from tests.conftest import api_client_for
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    ClaimSuggestionFactory,
    EvidenceFactory,
    SourceFactory,
    TeamFactory,
    UserFactory,
    VerdictFactory,
)

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


# --- sources and suggestions: one rule, and the web and the API agree on it ---


def cite(team, source=None):
    """Evidence on a new claim of `team`, citing `source` or a new one."""
    claim = ClaimFactory(article=ArticleFactory(team=team))
    return EvidenceFactory(claim=claim, source=source) if source else EvidenceFactory(claim=claim)


def test_it_shows_sources_cited_on_visible_claims_and_uncited_ones(team, alice, charlie, admin_user):
    sports = charlie.teams.get()
    ours, theirs, shared = cite(team).source, cite(sports).source, cite(team).source
    cite(sports, shared)
    uncited = SourceFactory()
    teamless = UserFactory(username="dana", roles=[access.EDITOR])
    assert set(access.visible_sources(alice)) == {ours, shared, uncited}
    assert set(access.visible_sources(charlie)) == {theirs, shared, uncited}
    assert set(access.visible_sources(admin_user)) == {ours, theirs, shared, uncited}
    assert not access.visible_sources(teamless).exists()
    assert access.can_change_source(alice, ours) and not access.can_change_source(alice, shared)


def test_it_hides_a_source_only_another_team_cites_on_web_and_api(client, team, alice, charlie):
    source = cite(team, SourceFactory(title="Labour statistics")).source
    api, web = api_client_for(charlie), client
    web.force_login(charlie)
    assert web.get(f"/sources/{source.pk}/").status_code == 404
    assert api.get(f"/api/v1/sources/{source.pk}/").status_code == 404
    assert "Labour statistics" not in web.get("/sources/").text
    assert source.pk not in [row["id"] for row in api.get("/api/v1/sources/").json()["results"]]
    assert api.patch(f"/api/v1/sources/{source.pk}/", {"title": "x"}, format="json").status_code == 404
    own_claim = ClaimFactory(article=ArticleFactory(team=charlie.teams.get()))
    citing = api.post(
        f"/api/v1/claims/{own_claim.pk}/evidence/", {"source": source.pk, "stance": "refutes"}, format="json"
    )
    assert citing.status_code == 400
    # Alice's team cites it: both show it to her.
    web.force_login(alice)
    assert web.get(f"/sources/{source.pk}/").status_code == 200
    assert api_client_for(alice).get(f"/api/v1/sources/{source.pk}/").status_code == 200


def test_it_shows_a_source_both_teams_cite_on_web_and_api_but_lets_neither_change_it(
    client, team, alice, charlie
):
    source = cite(team).source
    theirs = cite(charlie.teams.get(), source)
    client.force_login(charlie)
    detail = client.get(f"/sources/{source.pk}/")
    assert detail.status_code == 200
    # Only the evidence on charlie's own claims is listed.
    assert list(detail.context["evidence"]) == [theirs]
    api = api_client_for(charlie)
    assert api.get(f"/api/v1/sources/{source.pk}/").status_code == 200
    assert api.patch(f"/api/v1/sources/{source.pk}/", {"title": "x"}, format="json").status_code == 403


def test_it_shows_uncited_sources_to_team_members_on_web_and_api(client, bob):
    source = SourceFactory(title="Budget annex")
    client.force_login(bob)
    assert client.get(f"/sources/{source.pk}/").status_code == 200
    assert "Budget annex" in client.get("/sources/").text
    assert api_client_for(bob).get(f"/api/v1/sources/{source.pk}/").status_code == 200
    teamless = UserFactory(username="dana", roles=[access.EDITOR])
    client.force_login(teamless)
    assert client.get(f"/sources/{source.pk}/").status_code == 404
    assert api_client_for(teamless).get(f"/api/v1/sources/{source.pk}/").status_code == 404


@pytest.fixture
def across_teams(team):
    """Suggestions between a claim of the team and a claim of another team, both ways round,
    and one inside the team."""
    ours = ClaimFactory(article=ArticleFactory(team=team))
    theirs = ClaimFactory(article=ArticleFactory(team=TeamFactory(name="Sports desk")))
    return {
        "ours": ours,
        "to_theirs": ClaimSuggestionFactory(claim=ours, candidate=theirs),
        "from_theirs": ClaimSuggestionFactory(claim=theirs, candidate=ours),
        "inside": ClaimSuggestionFactory(claim=ours),
    }


def test_it_shows_suggestions_only_to_whom_may_see_both_claims(across_teams, alice, charlie, admin_user):
    inside, to_theirs, from_theirs = (across_teams[k] for k in ("inside", "to_theirs", "from_theirs"))
    assert list(access.visible_suggestions(alice)) == [inside]
    assert not access.visible_suggestions(charlie).exists()
    assert set(access.visible_suggestions(admin_user)) == {inside, to_theirs, from_theirs}


def test_it_neither_lists_nor_decides_a_suggestion_to_another_teams_claim(client, across_teams, alice):
    ours, inside = across_teams["ours"], across_teams["inside"]
    hidden = [across_teams["to_theirs"], across_teams["from_theirs"]]
    api = api_client_for(alice)
    listed = [row["id"] for row in api.get(f"/api/v1/claims/{ours.pk}/suggestions/").json()["results"]]
    assert listed == [inside.pk]
    client.force_login(alice)
    panel = client.get(f"/claims/{ours.pk}/").context["suggestions"]
    assert [suggestion.pk for suggestion in panel] == [inside.pk]
    for suggestion in hidden:
        for decision in ("confirm", "reject"):
            assert api.post(f"/api/v1/suggestions/{suggestion.pk}/{decision}/").status_code == 404
            web = client.post(f"/claims/{ours.pk}/suggestions/{suggestion.pk}/{decision}/")
            assert web.status_code == 404
        suggestion.refresh_from_db()
        assert suggestion.status == "suggested"
    # The one inside the team is decidable on both.
    assert client.post(f"/claims/{ours.pk}/suggestions/{inside.pk}/reject/").status_code == 302
    assert api.post(f"/api/v1/suggestions/{inside.pk}/reject/").status_code == 409
