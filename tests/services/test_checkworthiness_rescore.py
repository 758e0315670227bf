"""Re-scoring stored claims with the learned check-worthiness model."""

import numpy as np
import pytest
from django.core.management import call_command

from claims.models import AuditRecord, Claim
from claims.services.checkworthiness import RESCORED, claims_rescore
from claims.similarity import checkworthiness
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def unit_vector(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=384).astype(np.float32)
    return vector / np.linalg.norm(vector)


@pytest.fixture(autouse=True)
def shipped_model():
    checkworthiness.model.cache_clear()
    yield
    checkworthiness.model.cache_clear()


def test_it_changes_only_the_scores_and_records_it():
    claim = ClaimFactory(embedding=unit_vector(1), checkworthiness=0.8, reason="a date", reasons=["a date"])
    before = Claim.objects.get(pk=claim.pk)

    changed = claims_rescore(ids=[claim.pk])

    after = Claim.objects.get(pk=claim.pk)
    assert changed == 1
    assert after.checkworthiness_source == "model"
    assert 0.0 <= after.checkworthiness <= 1.0
    assert after.reasons and after.reason == "; ".join(after.reasons)
    for field in ("text", "quote", "start", "end", "status", "version", "updated_at", "rewrites", "flags"):
        assert getattr(after, field) == getattr(before, field)
    record = AuditRecord.objects.get(action=RESCORED)
    assert record.claim_id == claim.pk
    assert record.before == {"checkworthiness": 0.8, "checkworthiness_source": "cues", "reasons": ["a date"]}
    assert record.after["checkworthiness"] == after.checkworthiness


def test_it_records_nothing_when_the_score_is_the_same():
    claim = ClaimFactory(embedding=unit_vector(2))
    claims_rescore(ids=[claim.pk])

    assert claims_rescore(ids=[claim.pk]) == 0

    assert AuditRecord.objects.filter(action=RESCORED).count() == 1


def test_it_leaves_claims_without_an_embedding_on_cues():
    claim = ClaimFactory(checkworthiness=0.7)

    assert claims_rescore(ids=[claim.pk]) == 0

    claim.refresh_from_db()
    assert (claim.checkworthiness, claim.checkworthiness_source) == (0.7, "cues")


def test_it_rescores_from_the_command_with_and_without_all(capsys):
    cued = ClaimFactory(embedding=unit_vector(3))
    scored = ClaimFactory(embedding=unit_vector(4), checkworthiness_source="model", checkworthiness=0.123)

    call_command("rescore_claims", verbosity=0)

    cued.refresh_from_db()
    scored.refresh_from_db()
    assert cued.checkworthiness_source == "model"
    assert scored.checkworthiness == 0.123  # already the model's: only --all redoes it
    call_command("rescore_claims", "--all", verbosity=0)
    scored.refresh_from_db()
    assert scored.checkworthiness != 0.123
    assert "Re-scored 2 claims" in capsys.readouterr().out
