"""Similar claims with the real model and real Postgres: search, relations, ingest, suggestions."""

import numpy as np
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from claims import selectors, services
from claims.errors import Conflict, NotAllowed
from claims.extraction.claim import ExtractedClaim
from claims.models import AuditRecord, Claim, ClaimSuggestion
from claims.similarity import duplicates, embeddings, facts
from claims.similarity.duplicates import ingest_vectors
from claims.similarity.matching import match_text
from claims.similarity.search import similar_claims
from claims.similarity.suggestions import SCAN_SETTINGS, _suggestion_scan, suggestion_scan, suggestions_create
from tests.factories import ArticleFactory, ClaimFactory, TeamFactory, VerdictFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="session")
def embedding_model():
    return embeddings.get_model()


@pytest.fixture
def article(team, embedding_model):
    return ArticleFactory(team=team, language="en")


def claim_with_vector(article, text, **fields):
    claim = ClaimFactory(article=article, text=text, **fields)
    claim.embedding = embeddings.embed_text(text)
    claim.save(update_fields=["embedding"])
    return claim


def relation_of(results, claim):
    return next((found.relation for found in results if found.claim.pk == claim.pk), None)


def test_it_finds_the_same_claim_in_other_words_first(alice, team, article):
    probe = claim_with_vector(article, "The city council approved two new bus lines on Monday.")
    other = ArticleFactory(team=team, language="en")
    same = claim_with_vector(other, "On Monday, the city council approved 2 new bus routes.")
    related = claim_with_vector(other, "The city council said the new bus lines will cost $8 million.")
    unrelated = claim_with_vector(other, "Rain is expected across the north this weekend.")

    results = similar_claims(claim=probe, user=alice)

    assert [found.claim for found in results][:2] == [same, related]
    assert relation_of(results, same) == "duplicate"
    assert relation_of(results, related) == "related"
    assert relation_of(results, unrelated) is None
    assert all(0 <= found.score <= 1 for found in results)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "She fled the country five years ago, her brother says.",
            "She fled the country 15 years ago, her brother says.",
        ),
        ("The bridge over the river was built in 1932.", "The bridge over the river was built in 1952."),
        (
            "Senator Marcus Webb voted against the climate bill.",
            "Senator Laura Finch voted against the climate bill.",
        ),
    ],
)
def test_it_never_calls_claims_with_different_numbers_dates_or_people_duplicates(
    alice, article, first, second
):
    probe = claim_with_vector(article, first)
    other = claim_with_vector(ArticleFactory(team=article.team, language="en"), second)

    results = similar_claims(claim=probe, user=alice)

    assert relation_of(results, other) == "related"


def test_it_searches_one_article_when_asked(alice, article):
    probe = claim_with_vector(article, "The factory produces 5,000 cars a month.")
    here = claim_with_vector(article, "Every month the factory makes 5,000 cars.")
    elsewhere = claim_with_vector(
        ArticleFactory(team=article.team), "The factory makes 5,000 cars each month."
    )

    results = similar_claims(claim=probe, user=alice, scope="article")

    assert [found.claim for found in results] == [here]
    assert elsewhere.pk in {found.claim.pk for found in similar_claims(claim=probe, user=alice)}


def test_it_shows_only_claims_the_user_may_see(alice, charlie, article):
    mine = claim_with_vector(article, "The museum received 1.5 million visitors in 2019.")
    theirs_article = ArticleFactory(team=charlie.teams.get(), language="en")
    theirs = claim_with_vector(theirs_article, "In 2019 the museum welcomed 1.5 million visitors.")

    assert theirs.pk not in {found.claim.pk for found in similar_claims(claim=mine, user=alice)}
    assert match_text(text="The museum had 1.5 million visitors in 2019.", user=charlie)[0].claim == theirs
    assert mine.pk not in {found.claim.pk for found in match_text(text="museum visitors 2019", user=charlie)}


def test_it_sees_a_change_of_team_or_admin_rights_at_the_next_search(alice, charlie, article):
    mine = claim_with_vector(article, "The museum received 1.5 million visitors in 2019.")
    theirs_team = charlie.teams.get()
    theirs = claim_with_vector(
        ArticleFactory(team=theirs_team, language="en"), "In 2019 the museum welcomed 1.5 million visitors."
    )

    def found() -> set[int]:
        return {result.claim.pk for result in similar_claims(claim=mine, user=alice)}

    assert theirs.pk not in found()
    theirs_team.members.add(alice)
    assert theirs.pk in found()
    theirs_team.members.remove(alice)
    assert theirs.pk not in found()
    alice.is_superuser = True
    assert theirs.pk in found()


def test_it_finds_nothing_for_someone_signed_out(article):
    probe = claim_with_vector(article, "The museum received 1.5 million visitors in 2019.")
    claim_with_vector(article, "In 2019 the museum welcomed 1.5 million visitors.")

    assert similar_claims(claim=probe, user=AnonymousUser()) == []
    assert match_text(text="The museum had 1.5 million visitors.", user=AnonymousUser()) == []


def test_it_starts_every_connection_with_the_hnsw_search_settings():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('hnsw.ef_search'), current_setting('hnsw.iterative_scan')")
        assert cursor.fetchone() == (str(settings.FACTCHECK_SIMILARITY_EF_SEARCH), "relaxed_order")


def test_it_searches_one_statement_deep_unless_the_limit_needs_a_wider_index_scan(alice, article):
    probe = claim_with_vector(article, "The bridge carries 40,000 cars a day.")
    for count in range(12):
        claim_with_vector(article, f"The bridge carries {count + 1},000 trucks and 40,000 cars a day.")

    with CaptureQueriesContext(connection) as default:
        similar_claims(claim=probe, user=alice, limit=10)
    with CaptureQueriesContext(connection) as wide:
        results = similar_claims(claim=probe, user=alice, limit=40)

    assert len(default.captured_queries) == 1
    assert "set_config('hnsw.ef_search', '130'" in " ".join(query["sql"] for query in wide.captured_queries)
    assert len(results) == 12


def test_it_gives_no_match_in_a_language_the_model_does_not_cover(alice, team, article):
    english = claim_with_vector(article, "Coffee prices have doubled since 2020.")
    german_article = ArticleFactory(team=team, language="de")
    german = claim_with_vector(german_article, "Die Kaffeepreise haben sich seit 2020 verdoppelt.")
    claim_with_vector(german_article, "Seit 2020 haben sich die Kaffeepreise verdoppelt.")

    assert similar_claims(claim=german, user=alice) == []
    assert german.pk not in {found.claim.pk for found in similar_claims(claim=english, user=alice)}
    with override_settings(FACTCHECK_EMBEDDING_LANGUAGES=frozenset({"en", "de"})):
        assert similar_claims(claim=german, user=alice) != []


def test_it_finds_a_claim_by_its_keywords_when_the_vectors_disagree(alice, article):
    """Full-text candidates are fused in: a name and figure in common bring the claim forward."""
    target = claim_with_vector(article, "Ingrid Berg announced a 7% tax cut in Berlin.")

    results = match_text(text="Berg 7% tax cut", user=alice)

    assert results and results[0].claim == target


def test_it_searches_the_names_stored_with_a_claim_without_parsing_its_text(alice, article, monkeypatch):
    probe = claim_with_vector(article, "Ingrid Berg announced a 7% tax cut in Berlin.")
    named = claim_with_vector(article, "Berg's budget: what the Berlin plan means for renters.")

    def fail(text):
        raise AssertionError(f"names parsed at search time: {text!r}")

    monkeypatch.setattr(facts, "entity_chunks", fail)
    monkeypatch.setattr(facts, "_text_facts", fail)
    duplicates._cached_facts.cache_clear()
    with CaptureQueriesContext(connection) as queries:
        results = similar_claims(claim=probe, user=alice)

    assert named.pk in {found.claim.pk for found in results}
    assert "berg berlin ingrid 7" in queries.captured_queries[-1]["sql"]


def test_it_treats_a_merged_claim_as_a_duplicate_and_a_rejected_pair_as_related(alice, team, article):
    probe = claim_with_vector(article, "The airline cancelled 250 flights because of the strike.")
    other = ArticleFactory(team=team, language="en")
    repeat = claim_with_vector(other, "Because of the strike, the airline cancelled 250 flights.")
    ClaimSuggestion.objects.create(
        claim=repeat, candidate=probe, score=0.95, status=ClaimSuggestion.Status.REJECTED
    )

    assert relation_of(similar_claims(claim=probe, user=alice), repeat) == "related"


# --- at ingest ---


def extracted(*texts):
    return [ExtractedClaim(text=text, quote=text, start=0, end=len(text)) for text in texts]


def test_it_links_a_caption_that_repeats_the_body_in_other_words():
    items = extracted(
        "Dr. Amara Osei has run the rural clinic in Tamale for twelve years.",
        "The clinic is the only one within 80 kilometres.",
        "Amara Osei has been running the rural clinic in Tamale for 12 years.",
    )

    vectors = ingest_vectors(items)

    assert vectors.shape == (3, 384)
    assert [item.duplicate_of for item in items] == [None, None, 0]


def test_it_does_not_link_the_same_frame_with_another_number_or_a_short_text():
    items = extracted(
        "Dr. Amara Osei has run the rural clinic in Tamale for twelve years.",
        "Dr. Amara Osei has run the rural clinic in Tamale for three years.",
        "He denied it.",
        "He denied it again.",
    )

    ingest_vectors(items)

    assert [item.duplicate_of for item in items] == [None, None, None, None]


def test_it_keeps_a_link_extraction_already_made():
    items = extracted(
        "Prices rose by 4% in March, the office said.", "Prices rose by 4% in March, the office said."
    )
    items[1].duplicate_of = 0

    ingest_vectors(items)

    assert items[1].duplicate_of == 0


def test_it_stores_claims_without_vectors_when_the_model_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(embeddings, "_model", None)
    with override_settings(FACTCHECK_EMBEDDING_MODEL=str(tmp_path / "missing")):
        assert ingest_vectors(extracted("Prices rose.")) is None


def test_it_embeds_claims_when_processing_an_article(alice, team, embedding_model):
    body = (
        "The city council approved two new bus lines on Monday after a long debate.\n"
        "The lines will cost $8 million, the transport office said."
    )
    article, _ = services.article_submit(team=team, submitted_by=alice, title="Buses", body=body)

    claims = list(article.claims.all())
    assert claims
    assert all(claim.embedding is not None and len(claim.embedding) == 384 for claim in claims)


def test_it_suggests_duplicates_from_the_teams_earlier_articles(alice, team, article, charlie):
    earlier = claim_with_vector(article, "Police arrested 14 people after the protest in Lyon on Saturday.")
    claim_with_vector(article, "Around 2,000 people joined the protest in Lyon on Saturday.")
    outsider = claim_with_vector(
        ArticleFactory(team=charlie.teams.get(), language="en"),
        "Police arrested 14 people after the protest in Lyon on Saturday.",
    )
    later_article = ArticleFactory(team=team, language="en")
    repeat = claim_with_vector(
        later_article, "Fourteen people were arrested by police after the Lyon protest on Saturday."
    )
    other_number = claim_with_vector(
        later_article, "Police arrested 40 people after the protest in Lyon on Saturday."
    )

    created = suggestions_create(article=later_article, claims=[repeat, other_number])

    assert [(item.claim, item.candidate) for item in created] == [(repeat, earlier)]
    assert created[0].relation == "duplicate" and created[0].status == "suggested"
    assert not ClaimSuggestion.objects.filter(candidate=outsider).exists()


def test_it_does_not_suggest_a_rejected_pair_again(alice, team, article):
    earlier = claim_with_vector(article, "The school district spends $12,000 per pupil each year.")
    later_article = ArticleFactory(team=team, language="en")
    repeat = claim_with_vector(later_article, "Each year the school district spends $12,000 on every pupil.")
    [suggestion] = suggestions_create(article=later_article, claims=[repeat])
    services.suggestion_reject(suggestion=suggestion, by=alice)

    assert suggestions_create(article=later_article, claims=[repeat]) == []
    assert ClaimSuggestion.objects.get().status == "rejected"
    assert earlier.pk == suggestion.candidate_id


@pytest.mark.parametrize("scan", ["exact", "index", "planner"])
def test_it_suggests_the_same_duplicates_whichever_scan_finds_them(team, article, monkeypatch, scan):
    earlier = claim_with_vector(article, "Police arrested 14 people after the protest in Lyon on Saturday.")
    claim_with_vector(article, "Around 2,000 people joined the protest in Lyon on Saturday.")
    later_article = ArticleFactory(team=team, language="en")
    repeat = claim_with_vector(
        later_article, "Fourteen people were arrested by police after the Lyon protest on Saturday."
    )
    monkeypatch.setattr("claims.similarity.suggestions._suggestion_scan", lambda article_ids: scan)

    created = suggestions_create(article=later_article, claims=[repeat])

    assert [(item.claim, item.candidate) for item in created] == [(repeat, earlier)]


@pytest.mark.parametrize("scan", ["exact", "index"])
def test_it_puts_the_planner_setting_back_after_the_suggestion_query(team, article, monkeypatch, scan):
    claim_with_vector(article, "The bridge opened in 1932 after six years of work.")
    later = claim_with_vector(ArticleFactory(team=team, language="en"), "The bridge opened in 1932.")
    monkeypatch.setattr("claims.similarity.suggestions._suggestion_scan", lambda article_ids: scan)
    name, _ = SCAN_SETTINGS[scan]

    with CaptureQueriesContext(connection) as queries:
        suggestions_create(article=later.article, claims=[later])

    assert any("enable_" in query["sql"] and "'off'" in query["sql"] for query in queries.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        assert cursor.fetchone() == ("on",)


def test_it_compares_with_each_team_claim_while_the_team_has_few(team, article):
    claim_with_vector(article, "The bridge opened in 1932 after six years of work.")

    assert _suggestion_scan([article.pk]) == "exact"


def test_it_uses_the_index_once_the_team_has_more_claims_than_an_exact_scan_suits(team, article, monkeypatch):
    for text in ("The bridge opened in 1932.", "The bridge is 503 metres long.", "It cost 10 million."):
        claim_with_vector(article, text)
    monkeypatch.setattr("claims.similarity.suggestions.EXACT_SCAN_MAX_CLAIMS", 1)
    monkeypatch.setattr(
        "claims.similarity.suggestions.MIN_INDEX_SHARE", 0
    )  # whatever the test table's statistics say

    assert _suggestion_scan([article.pk]) == "index"


@pytest.mark.parametrize(
    ("team_claims", "table_claims", "scan"),
    [
        (0, -1, "exact"),
        (1_000, 2_000_000, "exact"),
        (1_001, 8_000, "index"),
        (5_000, -1, "index"),  # never analysed yet: a new table is mostly this team's
        (20_000, 1_000_000, "index"),
        (5_000, 1_000_000, "planner"),
    ],
)
def test_it_uses_the_index_for_a_large_team_unless_it_is_a_small_share_of_the_table(
    team_claims, table_claims, scan
):
    assert suggestion_scan(team_claims, table_claims) == scan


# --- confirm / reject ---


@pytest.fixture
def suggestion(team, article):
    earlier = claim_with_vector(article, "The volcano last erupted in 1980, geologists say.")
    later = claim_with_vector(
        ArticleFactory(team=team, language="en"), "The last eruption of the volcano was in 1980."
    )
    return ClaimSuggestion.objects.create(claim=later, candidate=earlier, score=0.9)


def test_it_merges_on_confirm_so_the_duplicate_shows_the_canonical_verdict(alice, bob, suggestion):
    verdict = VerdictFactory(claim=suggestion.candidate, author=alice, rating="true")

    decided = services.suggestion_confirm(suggestion=suggestion, by=alice)

    claim = Claim.objects.get(pk=suggestion.claim_id)
    assert claim.duplicate_of_id == suggestion.candidate_id
    assert selectors.current_verdict(claim) == verdict
    assert decided.status == "confirmed" and decided.decided_by == alice and decided.decided_at
    actions = set(AuditRecord.objects.filter(claim=claim).values_list("action", flat=True))
    assert {"suggestion_confirmed", "claim_merged"} <= actions


def test_it_records_a_rejection_and_refuses_a_second_decision(alice, suggestion):
    services.suggestion_reject(suggestion=suggestion, by=alice)

    assert Claim.objects.get(pk=suggestion.claim_id).duplicate_of is None
    assert AuditRecord.objects.filter(action="suggestion_rejected", claim=suggestion.claim).exists()
    with pytest.raises(Conflict):
        services.suggestion_confirm(suggestion=suggestion, by=alice)


@pytest.mark.parametrize("decide", [services.suggestion_confirm, services.suggestion_reject])
def test_it_lets_only_editors_of_the_team_decide(bob, charlie, suggestion, decide):
    for user in (bob, charlie):
        with pytest.raises(NotAllowed):
            decide(suggestion=suggestion, by=user)
    assert ClaimSuggestion.objects.get(pk=suggestion.pk).status == "suggested"


def test_it_backfills_missing_embeddings(article, capsys):
    claim = ClaimFactory(article=article, text="The council approved two bus lines.")
    stale = claim_with_vector(ArticleFactory(team=TeamFactory()), "Stale vector.")
    stale.embedding = [0.0] * 383 + [1.0]
    stale.save(update_fields=["embedding"])

    call_command("embed_claims", verbosity=0)
    claim.refresh_from_db()
    stale.refresh_from_db()
    assert claim.embedding is not None
    assert stale.embedding[-1] == 1.0

    call_command("embed_claims", "--all", verbosity=0)
    stale.refresh_from_db()
    assert stale.embedding[-1] != 1.0


def test_it_embeds_the_new_wording_when_an_editor_edits_a_claim(alice, article):
    claim = claim_with_vector(article, "The council approved two bus lines.")

    updated = services.claim_update(
        claim=claim, by=alice, expected_version=claim.version, text="Coffee prices have doubled since 2020."
    )

    expected = embeddings.embed_text("Coffee prices have doubled since 2020.")
    assert float(np.dot(np.asarray(updated.embedding), expected)) == pytest.approx(1.0, abs=1e-4)
