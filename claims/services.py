"""Writes with rules: every change to articles, claims and verdicts goes through here."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from claims import access, cleaning, similarity
from claims.extracted import ExtractedClaim
from claims.models import (
    Article,
    AuditRecord,
    Claim,
    ClaimSuggestion,
    Rating,
    Team,
    Verdict,
    content_hash,
    snapshot,
)
from factcheck.errors import Conflict, InvalidInput, NotAllowed, NotFound, PayloadTooLarge

logger = logging.getLogger(__name__)


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


def article_body_validate(body: str | None) -> str:
    """The stored body, or a domain error a user can act on."""
    if body is None or not body.strip():
        raise InvalidInput("The article text is empty.", fields={"body": ["This field may not be blank."]})
    size = len(body.encode("utf-8"))
    limit = settings.FACTCHECK_MAX_ARTICLE_BYTES
    if size > limit:
        raise PayloadTooLarge(
            f"The article is {size:,} bytes; the limit is {limit:,} bytes (FACTCHECK_MAX_ARTICLE_BYTES).",
            fields={"body": [f"At most {limit:,} bytes."]},
        )
    cleaned = cleaning.clean_text(body)
    if not cleaned:
        raise InvalidInput(
            "The article has no text once its HTML markup is removed.",
            fields={"body": ["No readable text."]},
        )
    return cleaned


def team_for_submission(*, user: User | AnonymousUser, team_id: int | None = None) -> Team:
    teams = access.teams_of(user)
    team = teams.filter(pk=team_id).first() if team_id is not None else teams.order_by("pk").first()
    if team is None:
        raise NotAllowed(
            "You are not a member of that team." if team_id else "You are not a member of any team."
        )
    return team


def article_submit(
    *,
    team: Team,
    submitted_by: User | AnonymousUser | None,
    title: str,
    body: str,
    url: str = "",
    publisher: str = "",
    published_at: datetime | None = None,
    process: bool = True,
) -> tuple[Article, bool]:
    """Store an article and start its processing. The same text again returns the existing article.

    Returns (article, created).
    """
    body = article_body_validate(body)
    digest = content_hash(body)
    existing = Article.objects.filter(team=team, content_hash=digest).first()
    if existing is not None:
        return existing, False
    if process:
        from claims.tasks import require_broker

        require_broker()
    try:
        with transaction.atomic():
            article = Article.objects.create(
                team=team,
                submitted_by=submitted_by
                if submitted_by is not None and submitted_by.is_authenticated
                else None,
                title=title.strip() or body.split("\n", 1)[0][:200],
                body=body,
                url=url,
                publisher=publisher,
                published_at=published_at,
                content_hash=digest,
            )
    except IntegrityError:
        # Another request stored the same text a moment ago.
        return Article.objects.get(team=team, content_hash=digest), False
    audit_record_create(actor=submitted_by, action="article_submitted", target=article, article=article)
    if process:
        from claims.tasks import enqueue_article_processing

        enqueue_article_processing(article.pk)
    return article, True


def article_process(*, article_id: int, force: bool = True) -> Article:
    """Both stages of the pipeline in this process (no broker): extract, then embed and store.

    Idempotent: running it again replaces the claims it made before.
    """
    extracted = article_extract(article_id=article_id)
    if extracted is None:
        return Article.objects.get(pk=article_id)
    language, claims = extracted
    return article_claims_store(article_id=article_id, language=language, extracted=claims, force=force)


def article_extract(*, article_id: int) -> tuple[str, list[ExtractedClaim]] | None:
    """Stage 1 (extraction workers): the article's language and claims; no claim is written here.

    None when the language is one extraction does not handle: that outcome is stored, the article done.
    """
    # spaCy and its models load only in processes that extract, never in embedding workers.
    from claims import extraction

    article = Article.objects.get(pk=article_id)
    Article.objects.filter(pk=article_id).update(status=Article.Status.PROCESSING, error="")
    with failure_recorded(article_id=article_id):
        language, claims = extraction.language_and_claims(article.body, published_at=article.published_at)
        if claims is None:
            article_language_unsupported(article_id=article_id, language=language)
            return None
        return language, claims


def article_claims_store(
    *, article_id: int, language: str, extracted: list[ExtractedClaim], force: bool = False
) -> Article:
    """Stage 2 (embedding workers): embed the claims, then store them all in one transaction.

    Unless `force`, an article another delivery finished meanwhile is left as it is.
    """
    with failure_recorded(article_id=article_id):
        # Embedding is the slow part: done before the transaction, so locks stay short.
        vectors = similarity.ingest_vectors(extracted)
        return article_store(
            article_id=article_id, language=language, extracted=extracted, vectors=vectors, force=force
        )


@contextmanager
def failure_recorded(*, article_id: int) -> Iterator[None]:
    """A stage that fails marks the article failed with the error, and re-raises (a task may retry)."""
    try:
        yield
    except Exception as error:
        logger.exception("Processing article %s failed", article_id)
        Article.objects.filter(pk=article_id).update(status=Article.Status.FAILED, error=str(error)[:2000])
        raise


def article_store(
    *, article_id: int, language: str, extracted: list[ExtractedClaim], vectors: Any, force: bool = True
) -> Article:
    """Write an article's extracted claims and mark it done, in one transaction."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        if not force and article.status == Article.Status.DONE:
            return article
        claims = claims_replace(article=article, extracted=extracted, embeddings=vectors)
        article.status = Article.Status.DONE
        article.language = language
        article.error = ""
        article.save(update_fields=["status", "language", "error", "updated_at"])
        similarity.suggestions_create(article=article, claims=claims)
    return article


def article_language_unsupported(*, article_id: int, language: str) -> Article:
    """The text stays stored and done, with no claims and a message saying why."""
    from claims.extraction import unsupported_language_message

    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        article.claims.all().delete()
        article.status = Article.Status.DONE
        article.language = language
        article.error = unsupported_language_message(language)
        article.save(update_fields=["status", "language", "error", "updated_at"])
    return article


def claims_replace(
    *, article: Article, extracted: list[ExtractedClaim], embeddings: Any = None
) -> list[Claim]:
    article.claims.all().delete()
    claims = Claim.objects.bulk_create(
        Claim(
            article=article,
            embedding=embeddings[index] if embeddings is not None else None,
            text=item.text,
            quote=item.quote,
            start=item.start,
            end=item.end,
            checkworthiness=item.checkworthiness,
            reason=item.reason[:300],
            quantities=item.quantities,
            dates=item.dates,
            flags=item.flags,
        )
        for index, item in enumerate(extracted)
    )
    linked = []
    for claim, item in zip(claims, extracted, strict=True):
        if item.duplicate_of is not None:
            claim.duplicate_of = claims[item.duplicate_of]
            linked.append(claim)
    Claim.objects.bulk_update(linked, ["duplicate_of"])
    return claims


# --- claims: edits, assignment, duplicates ---

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
        # A new wording needs a new vector, or similar-claim search would match the old one.
        changes["embedding"] = similarity.vector_or_none(changes["text"])
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


def _claim_write(*, claim_id: int, expected_version: int, changes: dict[str, Any]) -> Claim:
    """A conditional UPDATE: it only lands on the version the caller read."""
    updated = Claim.objects.filter(pk=claim_id, version=expected_version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated == 0:
        current = Claim.objects.filter(pk=claim_id).values_list("version", flat=True).first()
        raise Conflict(
            f"The claim changed since you read it (you sent version {expected_version}, "
            f"it is now {current}). Reload it and apply your change again.",
            fields={"version": [f"Current version is {current}."]},
        )
    return Claim.objects.select_related("article__team").get(pk=claim_id)


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
        before = Claim.objects.select_for_update().filter(pk=claim.pk).first()
        if before is None:
            raise NotFound("The claim no longer exists.")
        updated = _claim_write(claim_id=claim.pk, expected_version=expected_version, changes=changes)
        audit_record_create(
            actor=by,
            action="claim_updated",
            target=updated,
            claim=updated,
            before=snapshot(before, CLAIM_AUDIT_FIELDS),
            after=snapshot(updated, CLAIM_AUDIT_FIELDS),
        )
    return updated


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
            after = _claim_write(
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
    after = _claim_write(
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


# --- verdicts: draft, review, publish ---

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
    _claim_write(claim_id=claim.pk, expected_version=current.version, changes={"status": status})


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
        from claims.webhooks import webhooks_notify_published

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


# --- articles: delete, reprocess ---


def article_delete(*, article: Article, by: User | AnonymousUser) -> None:
    """The submitter or an admin deletes an article with its claims, evidence and verdicts."""
    access.require(
        access.can_delete_article(by, article),
        "Only the editor who submitted the article or an admin may delete it.",
    )
    if article.claims.filter(verdicts__state=Verdict.State.PUBLISHED).exists():
        raise Conflict("The article has published verdicts; they stay on record, so it cannot be deleted.")
    logger.info("Article %s deleted by %s", article.pk, by)
    article.delete()


def article_reprocess(*, article: Article, by: User | AnonymousUser) -> Article:
    """Extract the claims again. Refused once editors have worked on them: that work is never thrown away."""
    access.require(
        access.has_role(by, access.EDITOR) and access.is_member(by, article),
        "Only editors of the article's team may reprocess it.",
    )
    worked_on = article.claims.filter(Q(verdicts__isnull=False) | Q(evidence__isnull=False)).exists()
    if worked_on:
        raise Conflict("Claims of this article have evidence or verdicts; reprocessing would discard them.")
    from claims.tasks import enqueue_article_processing

    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PENDING, error="")
        audit_record_create(actor=by, action="article_reprocessed", target=article, article=article)
        enqueue_article_processing(article.pk, force=True)
    article.refresh_from_db()
    return article


# --- similar-claim suggestions ---


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
    with transaction.atomic():
        decided = _suggestion_decide(suggestion=suggestion, status=ClaimSuggestion.Status.CONFIRMED, by=by)
        claim_merge(into=decided.candidate, duplicate=decided.claim, by=by)
    return decided


def suggestion_reject(*, suggestion: ClaimSuggestion, by: User | AnonymousUser) -> ClaimSuggestion:
    """The editor disagrees: the pair is kept as rejected, so it is never suggested again."""
    allowed = access.can_edit_claim(by, suggestion.claim)
    access.require(allowed, "Only editors of the claim's team may reject a suggestion.")
    with transaction.atomic():
        return _suggestion_decide(suggestion=suggestion, status=ClaimSuggestion.Status.REJECTED, by=by)
