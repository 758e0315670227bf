"""The learned check-worthiness is given where claims are embedded, and stored with its source."""

import numpy as np
import pytest

from claims.extraction.claim import ExtractedClaim
from claims.models import Claim
from claims.pipeline.processing import article_store
from claims.similarity import checkworthiness
from claims.similarity.duplicates import ingest_vectors
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def extracted(article_body: str) -> list[ExtractedClaim]:
    end = article_body.index(".") + 1
    quote = article_body[:end]
    return [
        ExtractedClaim(
            text=quote, quote=quote, start=0, end=end, checkworthiness=0.6, reason="a date; a number",
            reasons=["a date", "a number"],
        )
    ]  # fmt: skip


def vectors(count: int) -> np.ndarray:
    rows = np.random.default_rng(5).normal(size=(count, 384)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture(autouse=True)
def shipped_model():
    checkworthiness.model.cache_clear()
    yield
    checkworthiness.model.cache_clear()


def test_it_stores_the_model_score_for_embedded_claims():
    article = ArticleFactory()
    claims = extracted(article.body)
    given = ingest_vectors(claims, vectors=vectors(1))

    article_store(article_id=article.pk, language="en", extracted=claims, vectors=given)

    claim = Claim.objects.get(article=article)
    assert claim.checkworthiness_source == "model"
    assert 0.0 <= claim.checkworthiness <= 1.0
    assert claim.reasons and claim.reason == "; ".join(claim.reasons)


def test_it_keeps_the_cue_score_until_a_claim_is_embedded():
    article = ArticleFactory()

    article_store(article_id=article.pk, language="en", extracted=extracted(article.body), vectors=None)

    claim = Claim.objects.get(article=article)
    assert (claim.checkworthiness, claim.checkworthiness_source) == (0.6, "cues")
    assert claim.reasons == ["a date", "a number"]
