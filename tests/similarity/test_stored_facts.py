"""Facts stored with each claim when it is stored, so that a similar-claims search parses nothing."""

import importlib
import json
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import connection

from claims import services
from claims.admin import ClaimAdmin
from claims.extraction.pipeline import extract_claims
from claims.models import Article, Claim
from claims.pipeline.processing import claims_replace
from claims.similarity import duplicates, embeddings, facts
from claims.similarity.duplicates import DUPLICATE, RELATED, claim_facts
from claims.similarity.facts import facts_from_json, facts_of, facts_to_json
from claims.similarity.search import similar_claims
from tests.conftest import SEED_ARTICLE
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"


def parsed_at_query_time(claim: Claim):
    """What a search parsed for a candidate before facts were stored."""
    return facts_of(claim.text, quantities=claim.quantities, dates=claim.dates)


def assert_stored_as_parsed(claims):
    assert claims
    for claim in claims:
        claim.refresh_from_db()
        assert facts_from_json(claim.facts) == parsed_at_query_time(claim), claim.text


@pytest.mark.slow
def test_it_stores_the_seed_articles_facts_as_a_search_parsed_them():
    call_command("ingest", str(SEED_ARTICLE), published_at="2023-11-20")

    claims = list(Article.objects.get().claims.all())
    assert any(claim.quantities for claim in claims) and any(claim.dates for claim in claims)
    assert_stored_as_parsed(claims)


def test_it_stores_the_facts_of_the_labelled_articles_as_a_search_parsed_them(team):
    stored = []
    for path in sorted((DATA / "extraction").glob("*.json")):
        labelled = json.loads(path.read_text())
        published = datetime.fromisoformat(labelled["published_at"])
        article = ArticleFactory(team=team, body=labelled["body"])
        stored += claims_replace(
            article=article, extracted=extract_claims(labelled["body"], published_at=published)
        )

    assert_stored_as_parsed(stored)


def test_it_stores_the_facts_of_the_labelled_pairs_as_a_search_parsed_them(team):
    article = ArticleFactory(team=team)
    texts = {
        text
        for path in sorted((DATA / "similarity").glob("*.jsonl"))
        for line in path.read_text().splitlines()
        if line.strip()
        for text in (json.loads(line)["a"], json.loads(line)["b"])
    }

    assert_stored_as_parsed([ClaimFactory(article=article, text=text) for text in sorted(texts)])


def test_it_stores_new_facts_when_an_editor_rewords_a_claim(alice, team):
    claim = ClaimFactory(article=ArticleFactory(team=team), text="The council approved two bus lines.")

    updated = services.claim_update(
        claim=claim, by=alice, expected_version=claim.version, text="The council approved five bus lines."
    )

    assert facts_from_json(updated.facts).numbers == {5.0}
    assert_stored_as_parsed([updated])


def test_it_stores_new_facts_when_a_rewrite_is_dropped(alice, team):
    claim = ClaimFactory(article=ArticleFactory(team=team), rewritten=True)

    dropped = services.claim_rewrite_drop(claim=claim, index=0, by=alice, expected_version=claim.version)

    assert dropped.text != claim.text
    assert facts_from_json(dropped.facts) == facts_of(dropped.text)
    assert_stored_as_parsed([dropped])


def test_it_stores_new_facts_when_an_admin_changes_the_text(rf, team):
    claim = ClaimFactory(article=ArticleFactory(team=team), text="The council approved two bus lines.")
    claim.text = "The council approved five bus lines."

    ClaimAdmin(Claim, admin.site).save_model(
        rf.post("/"), claim, form=SimpleNamespace(changed_data=["text"]), change=True
    )

    assert_stored_as_parsed([claim])
    assert facts_from_json(claim.facts).numbers == {5.0}


def test_it_backfills_the_facts_of_claims_stored_before_in_batches(team, monkeypatch):
    migration = importlib.import_module("claims.migrations.0011_claim_facts_stored")
    monkeypatch.setattr(migration, "BATCH_SIZE", 2)
    article = ArticleFactory(team=team)
    texts = ["Prices rose 4% in March.", "Dr Maria Lopez (pictured) met 12 nurses.", "It rained.", "No."]
    claims = [ClaimFactory(article=article, text=text, facts=None) for text in texts]

    migration.store_facts(apps, None)

    assert_stored_as_parsed(claims)


# --- at search time ---


@pytest.fixture(scope="module")
def embedding_model():
    return embeddings.get_model()


def with_vector(claim: Claim) -> Claim:
    claim.embedding = embeddings.embed_text(claim.text)
    claim.save(update_fields=["embedding"])
    return Claim.objects.select_related("article").get(pk=claim.pk)


@contextmanager
def parsing_fails():
    """Parsing a text's facts fails: only stored facts may be used."""

    def fail(text):
        raise AssertionError(f"facts parsed at search time: {text!r}")

    duplicates._cached_facts.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(facts, "_text_facts", fail)
        yield


@pytest.mark.slow
def test_it_parses_no_facts_to_find_similar_claims(alice, team, embedding_model):
    article = ArticleFactory(team=team, language="en")
    probe = with_vector(
        ClaimFactory(article=article, text="Dr Amara Osei has run the clinic for twelve years.")
    )
    duplicate = with_vector(ClaimFactory(article=article, text="Amara Osei has run the clinic for 12 years."))
    other_number = with_vector(
        ClaimFactory(article=article, text="Dr Amara Osei has run the clinic for 3 years.")
    )

    with parsing_fails():
        results = {found.claim.pk: found.relation for found in similar_claims(claim=probe, user=alice)}

    assert results[duplicate.pk] == DUPLICATE
    assert results[other_number.pk] == RELATED


@pytest.mark.slow
def test_it_compares_the_quantities_and_dates_stored_with_a_candidate(alice, team, embedding_model):
    # Read from the raw row, JSON is text: the candidate's quantities once went unread this way,
    # and a claim with quantities was never the duplicate of another.
    article = ArticleFactory(team=team, language="en")
    fields = {
        "quantities": [{"text": "12 years", "value": 12, "unit": "year"}],
        "dates": [{"text": "2019", "date": "2019-01-01", "precision": "year"}],
    }
    probe = with_vector(
        ClaimFactory(article=article, text="Amara Osei has run the clinic for 12 years.", **fields)
    )
    duplicate = with_vector(
        ClaimFactory(article=article, text="Amara Osei has run the clinic for 12 years.", **fields)
    )

    with parsing_fails():
        results = {found.claim.pk: found.relation for found in similar_claims(claim=probe, user=alice)}

    assert results[duplicate.pk] == DUPLICATE


@pytest.mark.slow
def test_it_keeps_a_claims_vector_in_its_row_beside_the_facts(team):
    text = "Officials told Maria Lopez (pictured) that 300 workers lost their jobs in March. " * 3
    claim = with_vector(ClaimFactory(article=ArticleFactory(team=team), text=text, quote=text))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(claim.*), pg_column_toast_chunk_id(embedding) FROM claims_claim AS claim"
            " WHERE id = %s",
            [claim.pk],
        )
        row_size, toasted_chunk = cursor.fetchone()

    assert row_size > 2100 and toasted_chunk is None


@pytest.mark.parametrize("stored", [None, {"version": 0, "numbers": [12.0]}])
def test_it_parses_the_facts_of_a_claim_stored_without_current_ones(team, stored):
    claim = ClaimFactory(article=ArticleFactory(team=team), text="Amara Osei has run the clinic for 3 years.")
    Claim.objects.filter(pk=claim.pk).update(facts=stored)
    claim.refresh_from_db()

    assert claim_facts(claim) == facts_of(claim.text)


def test_it_reads_the_stored_facts_rather_than_the_text(team):
    claim = ClaimFactory(article=ArticleFactory(team=team), text="Amara Osei has run the clinic for 3 years.")
    Claim.objects.filter(pk=claim.pk).update(
        facts=facts_to_json(facts.Facts(frozenset({7.0}), frozenset(), frozenset(), frozenset(), False))
    )
    claim.refresh_from_db()

    with parsing_fails():
        assert claim_facts(claim).numbers == {7.0}
