"""Webhooks: a team's endpoints (registered, changed, removed, each audited) and what they are told
when a verdict is published."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction

from claims import access
from claims.audit import audit_record_create
from claims.errors import InvalidInput
from claims.models import Team, Verdict, Webhook, snapshot
from claims.pipeline import queueing
from claims.pipeline.delivery import EVENT_VERDICT_PUBLISHED

# The secret signs payloads; it never goes into an audit record, only the fact that it changed.
WEBHOOK_AUDIT_FIELDS = ["team", "url", "is_active"]
WEBHOOK_CHANGEABLE_FIELDS = frozenset({"team", "url", "secret", "is_active"})


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


def _webhook_validate(webhook: Webhook) -> None:
    try:
        # Whoever registered it may since have left (SET_NULL): that does not make the webhook invalid.
        webhook.full_clean(exclude=["created_by"])
    except ValidationError as error:
        fields = error.message_dict
        raise InvalidInput(
            "Some fields are invalid: " + ", ".join(sorted(fields)) + ".", fields=fields
        ) from error


def webhook_create(
    *, team: Team, url: str, secret: str | None = None, is_active: bool = True, by: User | AnonymousUser
) -> Webhook:
    """Register an endpoint of the team; editors of the team and admins may. Without a secret, one is
    generated: the caller shows it to the editor this once (it is stored encrypted)."""
    access.require(access.can_manage_webhooks(by, team), "Only editors of the team may add webhooks.")
    assert isinstance(by, User)  # an editor is signed in
    if secret is None:
        secret = secrets.token_urlsafe(32)
    webhook = Webhook(team=team, url=url, secret=secret, is_active=is_active, created_by=by)
    _webhook_validate(webhook)
    with transaction.atomic():
        webhook.save()
        audit_record_create(
            actor=by, action="webhook_created", target=webhook, after=snapshot(webhook, WEBHOOK_AUDIT_FIELDS)
        )
    return webhook


def webhook_update(*, webhook: Webhook, by: User | AnonymousUser, **changes: Any) -> Webhook:
    """Change an endpoint's team, URL, secret or whether it is active."""
    unknown = set(changes) - WEBHOOK_CHANGEABLE_FIELDS
    if unknown:
        raise InvalidInput(f"A webhook has no changeable field {', '.join(sorted(unknown))}.")
    for team in (webhook.team, changes.get("team", webhook.team)):
        access.require(access.can_manage_webhooks(by, team), "Only editors of the team may change webhooks.")
    with transaction.atomic():
        locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
        before = snapshot(locked, WEBHOOK_AUDIT_FIELDS)
        secret_changed = "secret" in changes and changes["secret"] != locked.secret
        for name, value in changes.items():
            setattr(locked, name, value)
        _webhook_validate(locked)
        locked.save()
        after = snapshot(locked, WEBHOOK_AUDIT_FIELDS)
        if secret_changed:
            after["secret_changed"] = True
        audit_record_create(actor=by, action="webhook_updated", target=locked, before=before, after=after)
    return locked


def webhook_delete(*, webhook: Webhook, by: User | AnonymousUser) -> None:
    """Remove an endpoint and its delivery log; the audit record of it stays."""
    access.require(
        access.can_manage_webhooks(by, webhook.team), "Only editors of the team may remove webhooks."
    )
    with transaction.atomic():
        audit_record_create(
            actor=by, action="webhook_deleted", target=webhook, before=snapshot(webhook, WEBHOOK_AUDIT_FIELDS)
        )
        webhook.delete()
