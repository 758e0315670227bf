"""Claims: edits with optimistic locking, assignment, merging duplicates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from claims import access
from claims.audit import audit_record_create
from claims.errors import Conflict, InvalidInput, NotFound
from claims.models import (
    Claim,
    Verdict,
    snapshot,
)
from claims.similarity.duplicates import facts_to_store, vector_or_none

CLAIM_AUDIT_FIELDS = ["text", "status", "assigned_to", "duplicate_of", "version"]


class _Unchanged:
    """Marks an optional argument the caller did not pass (None means "nobody")."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


def _claim_changes(*, claim: Claim, text: str | None, status: str | None, assigned_to: Any) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if text is not None:
        if not text.strip():
            raise InvalidInput("The claim text is empty.", fields={"text": ["This field may not be blank."]})
        changes["text"] = text.strip()
        # A new wording needs a new vector and new facts, or similar-claim search would match the
        # old one.
        changes["embedding"] = vector_or_none(changes["text"])
        changes["facts"] = facts_to_store(
            text=changes["text"], quantities=claim.quantities, dates=claim.dates
        )
    if status is not None:
        if status not in Claim.Status.values:
            choices = ", ".join(Claim.Status.values)
            raise InvalidInput(f"Unknown status {status!r}.", fields={"status": [f"One of {choices}."]})
        if status == Claim.Status.CHECKED and not _has_published_verdict(claim):
            raise InvalidInput(
                "A claim is checked once a reviewer publishes its verdict.",
                fields={"status": ["Publish a verdict to mark the claim checked."]},
            )
        changes["status"] = status
    if assigned_to is not UNCHANGED:
        if assigned_to is not None and not access.is_member(assigned_to, claim.article):
            raise InvalidInput(
                f"{assigned_to} is not a member of {claim.article.team}.",
                fields={"assigned_to": ["Assign the claim to a member of its team."]},
            )
        changes["assigned_to"] = assigned_to
    if not changes:
        raise InvalidInput("Nothing to change: send text, status or assigned_to.")
    return changes


def _has_published_verdict(claim: Claim) -> bool:
    return claim.canonical.verdicts.filter(state=Verdict.State.PUBLISHED).exists()


def claim_write(*, claim_id: int, expected_version: int, changes: dict[str, Any]) -> Claim:
    """A conditional UPDATE: it only lands on the version the caller read."""
    updated = Claim.objects.filter(pk=claim_id, version=expected_version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated == 0:
        current = Claim.objects.filter(pk=claim_id).values_list("version", flat=True).first()
        raise _stale(expected_version=expected_version, current=current)
    return Claim.objects.select_related("article__team").get(pk=claim_id)


def _stale(*, expected_version: int, current: int | None) -> Conflict:
    return Conflict(
        f"The claim changed since you read it (you sent version {expected_version}, "
        f"it is now {current}). Reload it and apply your change again.",
        fields={"version": [f"Current version is {current}."]},
    )


def claim_update(
    *,
    claim: Claim,
    by: User | AnonymousUser,
    expected_version: int,
    text: str | None = None,
    status: str | None = None,
    assigned_to: Any = UNCHANGED,
) -> Claim:
    """Edit a claim with optimistic locking: a stale `expected_version` raises Conflict, changing nothing."""
    access.require(access.can_edit_claim(by, claim), "Only editors of the claim's team may change it.")
    changes = _claim_changes(claim=claim, text=text, status=status, assigned_to=assigned_to)
    with transaction.atomic():
        before = _claim_locked(claim)
        return _claim_change(
            before=before,
            by=by,
            expected_version=expected_version,
            changes=changes,
            action="claim_updated",
            audited=CLAIM_AUDIT_FIELDS,
        )


def _claim_locked(claim: Claim) -> Claim:
    before = Claim.objects.select_for_update().filter(pk=claim.pk).first()
    if before is None:
        raise NotFound("The claim no longer exists.")
    return before


def _claim_change(
    *,
    before: Claim,
    by: User | AnonymousUser,
    expected_version: int,
    changes: dict[str, Any],
    action: str,
    audited: list[str],
) -> Claim:
    """Write `changes` to a locked claim on the version the caller read, with an audit record."""
    updated = claim_write(claim_id=before.pk, expected_version=expected_version, changes=changes)
    audit_record_create(
        actor=by,
        action=action,
        target=updated,
        claim=updated,
        before=snapshot(before, audited),
        after=snapshot(updated, audited),
    )
    return updated


def claim_rewrite_drop(*, claim: Claim, index: int, by: User | AnonymousUser, expected_version: int) -> Claim:
    """Undo one rewrite: the claim text says the article's words again, and the rewrite is gone.

    The claim then leans on the article for that reference, so it is flagged `needs_context`.
    A stale `expected_version` raises Conflict, as does a text an editor reworded so that it no
    longer holds the rewritten words.
    """
    access.require(access.can_edit_claim(by, claim), "Only editors of the claim's team may change it.")
    # Read outside the lock, so the new vector is computed without holding it; the write below
    # lands only on this same version.
    current = Claim.objects.select_related("article").filter(pk=claim.pk).first()
    if current is None:
        raise NotFound("The claim no longer exists.")
    if current.version != expected_version:
        raise _stale(expected_version=expected_version, current=current.version)
    if not 0 <= index < len(current.rewrites):
        raise NotFound(f"This claim has no rewrite {index}; reload it to see its rewrites.")
    text = current.text_without_rewrite(index)
    changes = {
        "text": text,
        "embedding": vector_or_none(text),
        "facts": facts_to_store(text=text, quantities=current.quantities, dates=current.dates),
        "rewrites": current.rewrites[:index] + current.rewrites[index + 1 :],
        "needs_context": True,
    }
    with transaction.atomic():
        return _claim_change(
            before=_claim_locked(claim),
            by=by,
            expected_version=expected_version,
            changes=changes,
            action="claim_rewrite_dropped",
            audited=["text", "rewrites", "needs_context", "version"],
        )


def claims_assign(
    *, claims: Iterable[Claim], assignee: User | AnonymousUser | None, by: User | AnonymousUser
) -> int:
    """Assign (or, with None, unassign) several claims at once; all or none. Returns how many changed."""
    claims = list(claims)
    if isinstance(assignee, AnonymousUser):
        raise InvalidInput("Claims can only be assigned to a signed-in user.")
    for claim in claims:
        access.require(access.can_edit_claim(by, claim), "Only editors of the claim's team may assign it.")
        if assignee is not None and not access.is_member(assignee, claim.article):
            raise InvalidInput(
                f"{assignee} is not a member of {claim.article.team}.",
                fields={"assignee": ["Assign claims to a member of their team."]},
            )
    changed = 0
    with transaction.atomic():
        locked = Claim.objects.select_for_update().filter(pk__in=[claim.pk for claim in claims])
        for before in locked.select_related("article"):
            if before.assigned_to_id == (assignee.pk if assignee else None):
                continue
            after = claim_write(
                claim_id=before.pk, expected_version=before.version, changes={"assigned_to": assignee}
            )
            audit_record_create(
                actor=by,
                action="claim_assigned",
                target=after,
                claim=after,
                before=snapshot(before, ["assigned_to", "version"]),
                after=snapshot(after, ["assigned_to", "version"]),
            )
            changed += 1
    return changed


def claim_merge(*, into: Claim, duplicate: Claim, by: User | AnonymousUser) -> Claim:
    """Mark `duplicate` as a repeat of `into` (or of the claim `into` itself repeats: no chains).

    Claims that repeated `duplicate` now repeat the canonical claim too. Returns the duplicate.
    """
    # Read `into` afresh: the caller's copy may predate its own merge.
    canonical = Claim.objects.select_related("article", "duplicate_of__article").get(pk=into.pk).canonical
    for claim in (canonical, duplicate):
        access.require(access.can_edit_claim(by, claim), "Only editors of the claim's team may merge it.")
    if canonical.article.team_id != duplicate.article.team_id:
        raise InvalidInput(
            "Only claims of the same team can be merged.", fields={"into": ["A claim of the same team."]}
        )
    if canonical.pk == duplicate.pk:
        raise InvalidInput("A claim cannot duplicate itself.", fields={"into": ["Choose a different claim."]})
    with transaction.atomic():
        before = Claim.objects.select_for_update().get(pk=duplicate.pk)
        followers = list(Claim.objects.select_for_update().filter(duplicate_of=duplicate))
        for follower in followers:
            _claim_repoint(follower=follower, canonical=canonical, by=by)
        merged = _duplicate_of_set(before=before, canonical=canonical, by=by)
    return merged


def _claim_repoint(*, follower: Claim, canonical: Claim, by: User | AnonymousUser) -> None:
    _duplicate_of_set(before=follower, canonical=None if follower.pk == canonical.pk else canonical, by=by)


def _duplicate_of_set(*, before: Claim, canonical: Claim | None, by: User | AnonymousUser) -> Claim:
    """Point a locked claim at its canonical claim (None: its own again), with an audit record."""
    after = claim_write(
        claim_id=before.pk, expected_version=before.version, changes={"duplicate_of": canonical}
    )
    audit_record_create(
        actor=by,
        action="claim_merged" if canonical is not None else "claim_unmerged",
        target=after,
        claim=after,
        before=snapshot(before, ["duplicate_of", "version"]),
        after=snapshot(after, ["duplicate_of", "version"]),
    )
    return after


def claim_unmerge(*, claim: Claim, by: User | AnonymousUser) -> Claim:
    """Make a duplicate a claim of its own again."""
    access.require(access.can_edit_claim(by, claim), "Only editors of the claim's team may unmerge it.")
    with transaction.atomic():
        before = Claim.objects.select_for_update().get(pk=claim.pk)
        if before.duplicate_of_id is None:
            raise InvalidInput("This claim is not marked as a duplicate.")
        after = _duplicate_of_set(before=before, canonical=None, by=by)
    return after
