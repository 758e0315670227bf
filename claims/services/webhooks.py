"""Webhooks: what a team's endpoints are told when a verdict is published."""

from __future__ import annotations

import uuid
from typing import Any

from claims.models import Verdict, Webhook
from claims.pipeline import queueing
from claims.pipeline.delivery import EVENT_VERDICT_PUBLISHED


def verdict_payload(verdict: Verdict) -> dict[str, Any]:
    claim = verdict.claim
    article = claim.article
    return {
        "event": EVENT_VERDICT_PUBLISHED,
        "verdict": {
            "id": verdict.pk,
            "revision": verdict.revision,
            "rating": verdict.rating,
            "rating_value": verdict.rating_value,
            "summary": verdict.summary,
            "explanation": verdict.explanation,
            "published_at": verdict.published_at.isoformat() if verdict.published_at else None,
        },
        "claim": {"id": claim.pk, "text": claim.text, "quote": claim.quote},
        "article": {
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "publisher": article.publisher,
        },
    }


def webhooks_notify_published(*, verdict_id: int) -> int:
    """Queue one delivery per active webhook of the verdict's team. Returns how many were queued."""
    verdict = Verdict.objects.select_related("claim__article").get(pk=verdict_id)
    payload = verdict_payload(verdict)
    hooks = Webhook.objects.filter(team_id=verdict.claim.article.team_id, is_active=True)
    count = 0
    for hook in hooks:
        queueing.enqueue_webhook_delivery(
            webhook_id=hook.pk, delivery_id=str(uuid.uuid4()), event=EVENT_VERDICT_PUBLISHED, payload=payload
        )
        count += 1
    return count
