"""The article pipeline's two stages (extract, then embed and store), run in this process.

tests/pipeline/test_worker.py runs them through a real broker, in separate extraction and embedding workers.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from claims import services
from claims.extraction.claim import ExtractedClaim
from claims.extraction.pipeline import extract_claims
from claims.models import Article
from claims.pipeline.queueing import processing_is_asynchronous
from claims.tasks import extract_article, store_article_claims

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]

ARTICLE = (
    "The city council approved a budget of $4.2 million for bus lanes on Tuesday, the mayor said.\n"
    "Construction will start in March 2027 and take 18 months, according to the transport office.\n"
    "Ridership fell by 12% last year to 3.1 million trips.\n"
    "Ridership fell by 12% last year to 3.1 million trips."
)
GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, zwei Bibliotheken im Norden der Stadt zu schließen. "
    "Die Bürgermeisterin sagte, die Stadt spare dadurch 1,2 Millionen Euro im Jahr."
)


def pending_article(team, alice, body: str = ARTICLE) -> Article:
    article, _ = services.article_submit(team=team, submitted_by=alice, title="", body=body, process=False)
    return article


@pytest.fixture
def handed_over(monkeypatch) -> list[tuple]:
    """What the extraction stage sends to the embedding queue, caught instead of run."""
    sent: list[tuple] = []
    monkeypatch.setattr(store_article_claims, "delay", lambda *args, **kwargs: sent.append((args, kwargs)))
    return sent


def test_it_round_trips_extracted_claims_through_json():
    claims = extract_claims(ARTICLE)
    assert any(claim.quantities for claim in claims) and any(claim.dates for claim in claims)
    assert any(claim.duplicate_of is not None for claim in claims)
    sent = json.loads(json.dumps([claim.as_dict() for claim in claims]))
    assert [ExtractedClaim.from_dict(data) for data in sent] == claims


def test_it_ignores_keys_a_newer_extraction_worker_sends():
    data = {"text": "A claim.", "quote": "A claim.", "start": 0, "end": 8, "language_model": "v9"}
    assert ExtractedClaim.from_dict(data) == ExtractedClaim(text="A claim.", quote="A claim.", start=0, end=8)


def test_it_writes_no_claims_while_extracting(team, alice, handed_over):
    article = pending_article(team, alice)
    assert extract_article(article.pk) == Article.Status.PROCESSING
    assert Article.objects.get(pk=article.pk).status == Article.Status.PROCESSING
    assert article.claims.count() == 0
    ((article_id, language, claims), options) = handed_over[0]
    assert (article_id, language, options) == (article.pk, "en", {"force": False})
    assert json.loads(json.dumps(claims)) == claims
    assert len(claims) >= 3


def test_it_stores_the_claims_the_extraction_stage_handed_over(team, alice, handed_over):
    article = pending_article(team, alice)
    extract_article(article.pk)
    ((article_id, language, claims), options) = handed_over[0]
    assert store_article_claims(article_id, language, claims, **options) == Article.Status.DONE
    article.refresh_from_db()
    assert (article.status, article.language, article.error) == (Article.Status.DONE, "en", "")
    stored = list(article.claims.order_by("start"))
    assert [claim.quote for claim in stored] == [data["quote"] for data in claims]
    assert all(claim.embedding is not None for claim in stored)
    assert sum(claim.duplicate_of_id is not None for claim in stored) == 1


def test_it_stores_the_rewrites_and_needs_context_the_extraction_stage_handed_over(team, alice):
    body = "Mayor Ana Ruiz took office in 2021. She cut the transit budget by 12%. It was unpopular."
    article = pending_article(team, alice, body)
    she, it = body.index("She"), body.index("It was")
    rewrite = {
        "start": she,
        "end": she + 3,
        "original": "She",
        "replacement": "Mayor Ana Ruiz",
        "antecedent_start": 0,
        "antecedent_end": 14,
    }
    extracted = [
        # A key this version does not know (from a newer extraction worker) is not stored.
        ExtractedClaim(
            text="Mayor Ana Ruiz cut the transit budget by 12%.",
            quote=body[she : it - 1],
            start=she,
            end=it - 1,
            rewrites=[{**rewrite, "score": 0.97}],
        ),
        ExtractedClaim(
            text="It was unpopular.", quote=body[it:], start=it, end=len(body), needs_context=True
        ),
    ]
    sent = json.loads(json.dumps([claim.as_dict() for claim in extracted]))
    assert store_article_claims(article.pk, "en", sent) == Article.Status.DONE
    stored = list(article.claims.order_by("start").values_list("rewrites", "needs_context"))
    assert stored == [([rewrite], False), ([], True)]


def test_it_stores_an_unsupported_language_without_the_embedding_stage(team, alice, handed_over):
    article = pending_article(team, alice, GERMAN)
    assert extract_article(article.pk) == Article.Status.DONE
    article.refresh_from_db()
    assert (article.status, article.language) == (Article.Status.DONE, "de")
    assert "German" in article.error
    assert handed_over == []


def through_both_stages(article: Article, handed_over: list[Any]) -> tuple[int, str, list[dict[str, Any]]]:
    """Run both stages in this process; the arguments stage 1 handed to stage 2."""
    extract_article(article.pk)
    ((article_id, language, claims), _) = handed_over[0]
    store_article_claims(article_id, language, claims)
    return article_id, language, claims


def test_it_leaves_a_finished_article_alone_when_a_stage_is_delivered_again(team, alice, handed_over):
    article = pending_article(team, alice)
    article_id, language, claims = through_both_stages(article, handed_over)
    ids = set(article.claims.values_list("pk", flat=True))
    assert store_article_claims(article_id, language, claims) == Article.Status.DONE
    assert extract_article(article_id) == Article.Status.DONE
    assert set(article.claims.values_list("pk", flat=True)) == ids
    assert len(handed_over) == 1


def test_it_replaces_the_claims_when_forced(team, alice, handed_over):
    article = pending_article(team, alice)
    article_id, _, _ = through_both_stages(article, handed_over)
    ids = set(article.claims.values_list("pk", flat=True))
    extract_article(article_id, force=True)
    assert handed_over[1][1] == {"force": True}
    store_article_claims(*handed_over[1][0], force=True)
    assert article.claims.count() == len(ids)
    assert set(article.claims.values_list("pk", flat=True)).isdisjoint(ids)


def test_it_marks_the_article_failed_when_embedding_fails(team, alice, handed_over, monkeypatch):
    article = pending_article(team, alice)
    extract_article(article.pk)

    def broken(extracted):
        raise RuntimeError("The embedding model is gone.")

    monkeypatch.setattr("claims.pipeline.processing.ingest_vectors", broken)
    with pytest.raises(RuntimeError):
        store_article_claims(*handed_over[0][0])
    article.refresh_from_db()
    assert (article.status, article.error) == (Article.Status.FAILED, "The embedding model is gone.")
    assert article.claims.count() == 0


def test_it_marks_the_article_failed_when_extraction_fails(team, alice, handed_over, monkeypatch):
    article = pending_article(team, alice)

    def broken(body, **kwargs):
        raise ValueError("The parser broke.")

    monkeypatch.setattr("claims.extraction.pipeline.extract_claims", broken)
    with pytest.raises(ValueError):
        extract_article(article.pk)
    article.refresh_from_db()
    assert (article.status, article.error) == (Article.Status.FAILED, "The parser broke.")
    assert handed_over == []


def test_it_runs_both_stages_here_without_a_broker(team, alice):
    """No broker (task_always_eager): submitting processes the article in this process, as before."""
    assert not processing_is_asynchronous()
    article, _ = services.article_submit(team=team, submitted_by=alice, title="", body=ARTICLE)
    article.refresh_from_db()
    assert article.status == Article.Status.DONE
    assert article.claims.count() >= 3
    assert extract_article(article.pk, force=True) == Article.Status.PROCESSING  # stage 2 ran eagerly
    assert Article.objects.get(pk=article.pk).status == Article.Status.DONE


def _modules_after(code: str) -> set[str]:
    script = (
        textwrap.dedent(
            """
        import os, sys, django
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
        django.setup()
        from factcheck.celery import app
        app.loader.import_default_modules()  # what a worker imports at start, system checks included
        """
        )
        + textwrap.dedent(code)
        + "\nprint('\\n'.join(sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


@pytest.mark.slow
def test_it_keeps_extraction_out_of_an_embedding_worker():
    modules = _modules_after("import claims.tasks, claims.services, claims.similarity")
    assert "claims.tasks" in modules
    assert not modules & {"spacy", "thinc", "pycld2", "dateparser", "pysbd"}
    # What an embedding worker needs of extraction is the claim record and the language message.
    assert not modules & {
        "claims.extraction.pipeline",
        "claims.extraction.parse",
        "claims.extraction.segment",
    }


@pytest.mark.slow
def test_it_keeps_the_embedding_model_out_of_an_extraction_worker():
    modules = _modules_after(
        """
        from claims.extraction import cleaning, pipeline
        assert cleaning.detect_language("Ridership fell by 12% last year.") == "en"
        assert pipeline.extract_claims("Ridership fell by 12% last year to 3.1 million trips.")
        """
    )
    assert "spacy" in modules
    assert "sentence_transformers" not in modules
