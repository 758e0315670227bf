"""Re-scoring stored claims with the learned check-worthiness model (after a model update)."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import transaction

from claims.models import AuditRecord, Claim
from claims.similarity import checkworthiness

RESCORED = "checkworthiness_rescored"
SCORE_FIELDS = ["checkworthiness", "checkworthiness_source", "reason", "reasons"]


def _score(claim: Claim) -> dict[str, Any]:
    return {
        "checkworthiness": claim.checkworthiness,
        "checkworthiness_source": claim.checkworthiness_source,
        "reasons": list(claim.reasons or []),
    }


def claims_rescore(*, ids: list[int]) -> int:
    """Score these claims again from their stored embeddings; only the score fields change, and
    each claim whose score changed gets an audit record (before and after). Claims without an
    embedding keep their scores. The number of claims that changed."""
    with transaction.atomic():
        claims = list(
            Claim.objects.select_for_update()
            .filter(pk__in=ids, embedding__isnull=False)
            .only("pk", "article_id", "text", "embedding", *SCORE_FIELDS)
            .order_by("pk")
        )
        if not claims:
            return 0
        before = {claim.pk: _score(claim) for claim in claims}
        vectors = np.vstack([np.asarray(claim.embedding) for claim in claims])
        if not checkworthiness.score_claims(claims, vectors):
            return 0
        changed = [claim for claim in claims if _score(claim) != before[claim.pk]]
        Claim.objects.bulk_update(changed, SCORE_FIELDS)
        AuditRecord.objects.bulk_create(
            AuditRecord(
                action=RESCORED,
                target_type="claim",
                target_id=claim.pk,
                claim_id=claim.pk,
                article_id=claim.article_id,
                before=before[claim.pk],
                after=_score(claim),
            )
            for claim in changed
        )
    return len(changed)
