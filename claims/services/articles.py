"""Articles: submit (validated, deduplicated by content, then queued), reprocess, delete."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from claims import access
from claims.audit import audit_record_create
from claims.errors import Conflict, InvalidInput, NotAllowed, PayloadTooLarge
from claims.extraction import cleaning
from claims.models import (
    Article,
    Team,
    Verdict,
    content_hash,
    snapshot,
)
from claims.pipeline import queueing

logger = logging.getLogger(__name__)

ARTICLE_DELETED_FIELDS = ["id", "title", "team", "url", "publisher", "submitted_by", "created_at"]


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
        if process and existing.status == Article.Status.FAILED:
            return _article_retry(article=existing, by=submitted_by), False
        return existing, False
    if process:
        queueing.require_broker()
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
        queueing.enqueue_article_processing(article.pk)
    return article, True


def article_delete(*, article: Article, by: User | AnonymousUser) -> None:
    """The submitter or an admin deletes an article with its claims, evidence and verdicts.

    The audit trail stays, with an `article_deleted` record saying who deleted what.
    """
    access.require(
        access.can_delete_article(by, article),
        "Only the editor who submitted the article or an admin may delete it.",
    )
    if article.claims.filter(verdicts__state=Verdict.State.PUBLISHED).exists():
        raise Conflict("The article has published verdicts; they stay on record, so it cannot be deleted.")
    logger.info("Article %s deleted by %s", article.pk, by)
    with transaction.atomic():
        # Not linked to the article, so it outlives it; earlier records lose only their links.
        audit_record_create(
            actor=by,
            action="article_deleted",
            target=article,
            before=snapshot(article, ARTICLE_DELETED_FIELDS),
        )
        article.delete()


def _article_retry(*, article: Article, by: User | AnonymousUser | None) -> Article:
    """The same text sent again after its processing failed: process it again (a failure has no
    claims, so nothing an editor did is lost)."""
    queueing.require_broker()
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.PENDING, error="", updated_at=timezone.now()
        )
        audit_record_create(actor=by, action="article_retried", target=article, article=article)
        queueing.enqueue_article_processing(article.pk, force=True)
    article.refresh_from_db()
    return article


def article_reprocess(*, article: Article, by: User | AnonymousUser) -> Article:
    """Extract the claims again. Refused once editors have worked on them: that work is never thrown away."""
    access.require(
        access.has_role(by, access.EDITOR) and access.is_member(by, article),
        "Only editors of the article's team may reprocess it.",
    )
    worked_on = article.claims.filter(Q(verdicts__isnull=False) | Q(evidence__isnull=False)).exists()
    if worked_on:
        raise Conflict("Claims of this article have evidence or verdicts; reprocessing would discard them.")
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.PENDING, error="", updated_at=timezone.now()
        )
        audit_record_create(actor=by, action="article_reprocessed", target=article, article=article)
        queueing.enqueue_article_processing(article.pk, force=True)
    article.refresh_from_db()
    return article
