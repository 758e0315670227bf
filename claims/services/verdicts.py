"""Verdicts: drafts, submission, four-eyes review; publishing also notifies the team's webhooks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from claims import access, selectors
from claims.audit import audit_record_create
from claims.errors import Conflict, InvalidInput, NotAllowed
from claims.models import (
    Claim,
    Rating,
    Verdict,
    snapshot,
)
from claims.services.claims import claim_write
from claims.services.webhooks import webhooks_notify_published

VERDICT_AUDIT_FIELDS = ["revision", "rating", "summary", "explanation", "state", "reviewer", "review_comment"]


def _verdict_fields_validate(*, rating: str | None, summary: str | None) -> None:
    fields: dict[str, list[str]] = {}
    if rating is not None and rating not in Rating.values:
        fields["rating"] = [f"One of {', '.join(Rating.values)}."]
    if summary is not None and not summary.strip():
        fields["summary"] = ["This field may not be blank."]
    elif summary is not None and len(summary) > Verdict._meta.get_field("summary").max_length:  # type: ignore[operator]
        fields["summary"] = ["At most 1000 characters; put the detail in the explanation."]
    if fields:
        raise InvalidInput("Some fields are invalid: " + ", ".join(sorted(fields)) + ".", fields=fields)


def verdict_create(
    *, claim: Claim, author: User | AnonymousUser, rating: str, summary: str, explanation: str = ""
) -> Verdict:
    """A draft verdict: the next revision of the claim's verdict. Published revisions stay as they are."""
    access.require(
        access.can_edit_claim(author, claim), "Only editors of the claim's team may draft verdicts."
    )
    assert isinstance(author, User)  # an editor is signed in
    if claim.duplicate_of_id is not None:
        raise InvalidInput(
            f"This claim repeats claim {claim.duplicate_of_id}; write the verdict there.",
            fields={"claim": [f"Use claim {claim.duplicate_of_id}."]},
        )
    _verdict_fields_validate(rating=rating, summary=summary)
    with transaction.atomic():
        Claim.objects.select_for_update().filter(pk=claim.pk).first()
        open_revision = claim.verdicts.exclude(state=Verdict.State.PUBLISHED).first()
        if open_revision is not None:
            raise Conflict(
                f"Revision {open_revision.revision} of this verdict is still {open_revision.state}; "
                "edit that one instead of starting another.",
            )
        latest = claim.verdicts.aggregate(latest=Max("revision"))["latest"] or 0
        verdict = Verdict.objects.create(
            claim=claim,
            revision=latest + 1,
            rating=rating,
            summary=summary.strip(),
            explanation=explanation,
            author=author,
        )
        audit_record_create(
            actor=author,
            action="verdict_created",
            target=verdict,
            claim=claim,
            after=snapshot(verdict, VERDICT_AUDIT_FIELDS),
        )
    return verdict


def _verdict_lock(verdict: Verdict, *, state: str, doing: str) -> Verdict:
    locked = Verdict.objects.select_for_update().select_related("claim__article__team").get(pk=verdict.pk)
    if locked.state != state:
        wanted, actual = Verdict.State(state).label.lower(), Verdict.State(locked.state).label.lower()
        raise Conflict(f"Only a verdict in state {wanted!r} can be {doing}; this one is {actual!r}.")
    return locked


def verdict_update(
    *,
    verdict: Verdict,
    by: User | AnonymousUser,
    rating: str | None = None,
    summary: str | None = None,
    explanation: str | None = None,
) -> Verdict:
    """Edit a draft. Published verdicts are locked: create a new revision instead."""
    access.require(
        access.can_edit_claim(by, verdict.claim), "Only editors of the claim's team may edit verdicts."
    )
    _verdict_fields_validate(rating=rating, summary=summary)
    with transaction.atomic():
        locked = _verdict_lock(verdict, state=Verdict.State.DRAFT, doing="edited")
        before = snapshot(locked, VERDICT_AUDIT_FIELDS)
        for name, value in (("rating", rating), ("summary", summary), ("explanation", explanation)):
            if value is not None:
                setattr(locked, name, value.strip() if name == "summary" else value)
        locked.save()
        audit_record_create(
            actor=by,
            action="verdict_updated",
            target=locked,
            claim=locked.claim,
            before=before,
            after=snapshot(locked, VERDICT_AUDIT_FIELDS),
        )
    return locked


def verdict_save(
    *, claim: Claim, by: User | AnonymousUser, rating: str, summary: str, explanation: str = ""
) -> Verdict:
    """The editor's one "save": edits the open draft, or starts one (after a published verdict, as
    its next revision)."""
    current = selectors.current_verdict(claim)
    if current is not None and current.state == Verdict.State.DRAFT:
        return verdict_update(verdict=current, by=by, rating=rating, summary=summary, explanation=explanation)
    return verdict_create(claim=claim, author=by, rating=rating, summary=summary, explanation=explanation)


def _verdict_transition(
    *, verdict: Verdict, by: User | AnonymousUser, action: str, changes: dict[str, Any]
) -> Verdict:
    before = snapshot(verdict, VERDICT_AUDIT_FIELDS)
    for name, value in changes.items():
        setattr(verdict, name, value)
    verdict.save()
    audit_record_create(
        actor=by,
        action=action,
        target=verdict,
        claim=verdict.claim,
        before=before,
        after=snapshot(verdict, VERDICT_AUDIT_FIELDS),
    )
    return verdict


def verdict_submit(*, verdict: Verdict, by: User | AnonymousUser) -> Verdict:
    """Ask a reviewer to publish a draft."""
    access.require(
        access.can_edit_claim(by, verdict.claim), "Only editors of the claim's team may submit verdicts."
    )
    with transaction.atomic():
        locked = _verdict_lock(verdict, state=Verdict.State.DRAFT, doing="submitted for review")
        submitted = _verdict_transition(
            verdict=locked,
            by=by,
            action="verdict_submitted",
            changes={"state": Verdict.State.IN_REVIEW, "submitted_at": timezone.now()},
        )
        _claim_status_set(claim=locked.claim, status=Claim.Status.IN_REVIEW, only_from=Claim.Status.NEW)
    return submitted


def _claim_status_set(*, claim: Claim, status: str, only_from: str | None = None) -> None:
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if current.status == status or (only_from is not None and current.status != only_from):
        return
    claim_write(claim_id=claim.pk, expected_version=current.version, changes={"status": status})


def verdict_publish(*, verdict: Verdict, by: User | AnonymousUser) -> Verdict:
    """Four eyes: a reviewer of the team who did not write it publishes it; the claim becomes checked.

    Webhooks of the team hear about it once the transaction commits.
    """
    if by.is_authenticated and verdict.author_id == by.pk:
        raise NotAllowed("You wrote this verdict; another reviewer must publish it (four eyes).")
    access.require(
        access.can_review_verdict(by, verdict),
        "Only a reviewer of the claim's team who did not write the verdict may publish it.",
    )
    with transaction.atomic():
        locked = _verdict_lock(verdict, state=Verdict.State.IN_REVIEW, doing="published")
        published = _verdict_transition(
            verdict=locked,
            by=by,
            action="verdict_published",
            changes={
                "state": Verdict.State.PUBLISHED,
                "reviewer": by,
                "published_at": timezone.now(),
                "review_comment": "",
            },
        )
        _claim_status_set(claim=locked.claim, status=Claim.Status.CHECKED)
        transaction.on_commit(lambda: webhooks_notify_published(verdict_id=published.pk))
    return published


def verdict_reject(*, verdict: Verdict, by: User | AnonymousUser, comment: str) -> Verdict:
    """Send a verdict in review back to draft with the reviewer's reason."""
    access.require(
        access.can_review_verdict(by, verdict),
        "Only a reviewer of the claim's team who did not write the verdict may reject it.",
    )
    if not comment or not comment.strip():
        raise InvalidInput(
            "Say why the verdict goes back to draft.", fields={"comment": ["This field may not be blank."]}
        )
    with transaction.atomic():
        locked = _verdict_lock(verdict, state=Verdict.State.IN_REVIEW, doing="rejected")
        return _verdict_transition(
            verdict=locked,
            by=by,
            action="verdict_rejected",
            changes={"state": Verdict.State.DRAFT, "review_comment": comment.strip()},
        )
