"""Audit records: who changed what, when, with the object's fields before and after."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from claims.models import (
    Article,
    AuditRecord,
    Claim,
)


def audit_record_create(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target: Any,
    claim: Claim | None = None,
    article: Article | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditRecord:
    if claim is not None and article is None:
        article = claim.article
    return AuditRecord.objects.create(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        target_type=type(target).__name__.lower(),
        target_id=target.pk,
        claim=claim,
        article=article,
        before=before or {},
        after=after or {},
    )
