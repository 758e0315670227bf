"""Suggestions: an editor confirms (the claims are merged) or rejects a suggested duplicate."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from claims import access
from claims.audit import audit_record_create
from claims.errors import Conflict
from claims.models import ClaimSuggestion
from claims.services.claims import claim_merge


def _suggestion_decide(
    *, suggestion: ClaimSuggestion, status: str, by: User | AnonymousUser
) -> ClaimSuggestion:
    """Lock the suggestion, refuse a second decision, record this one."""
    locked = ClaimSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != ClaimSuggestion.Status.SUGGESTED:
        raise Conflict(f"This suggestion was already {locked.status}.")
    locked.status = status
    locked.decided_by = by if isinstance(by, User) else None
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record_create(
        actor=by,
        action=f"suggestion_{status}",
        target=locked,
        claim=locked.claim,
        after={"candidate": locked.candidate_id, "score": locked.score, "relation": locked.relation},
    )
    return locked


def suggestion_confirm(*, suggestion: ClaimSuggestion, by: User | AnonymousUser) -> ClaimSuggestion:
    """The editor agrees: the claim becomes a duplicate of the suggested one and shares its verdict."""
    allowed = access.can_decide_suggestion(by, suggestion)
    access.require(allowed, "Only editors of the claim's team may confirm a suggestion.")
    with transaction.atomic():
        decided = _suggestion_decide(suggestion=suggestion, status=ClaimSuggestion.Status.CONFIRMED, by=by)
        claim_merge(into=decided.candidate, duplicate=decided.claim, by=by)
    return decided


def suggestion_reject(*, suggestion: ClaimSuggestion, by: User | AnonymousUser) -> ClaimSuggestion:
    """The editor disagrees: the pair is kept as rejected, so it is never suggested again."""
    allowed = access.can_decide_suggestion(by, suggestion)
    access.require(allowed, "Only editors of the claim's team may reject a suggestion.")
    with transaction.atomic():
        return _suggestion_decide(suggestion=suggestion, status=ClaimSuggestion.Status.REJECTED, by=by)
