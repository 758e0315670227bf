"""Writes with rules: every change to articles, claims and verdicts goes through here."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction

from claims import access, extraction
from claims.models import Article, AuditRecord, Claim, Team, content_hash, normalise_body
from factcheck.errors import InvalidInput, NotAllowed, PayloadTooLarge

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
    return normalise_body(body)


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


def article_process(*, article_id: int) -> Article:
    """Extract the article's claims, all in one transaction: never half an article.

    Idempotent: running it again replaces the claims it made before.
    """
    article = Article.objects.get(pk=article_id)
    Article.objects.filter(pk=article_id).update(status=Article.Status.PROCESSING, error="")
    try:
        extracted = extraction.extract_claims(article.body, published_at=article.published_at)
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article_id)
            claims_replace(article=article, extracted=extracted)
            article.status = Article.Status.DONE
            article.language = article.language or "en"
            article.error = ""
            article.save(update_fields=["status", "language", "error", "updated_at"])
    except Exception as error:
        logger.exception("Processing article %s failed", article_id)
        Article.objects.filter(pk=article_id).update(status=Article.Status.FAILED, error=str(error)[:2000])
        raise
    return article


def claims_replace(*, article: Article, extracted: list[extraction.ExtractedClaim]) -> list[Claim]:
    article.claims.all().delete()
    claims = Claim.objects.bulk_create(
        Claim(
            article=article,
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
        for item in extracted
    )
    linked = []
    for claim, item in zip(claims, extracted, strict=True):
        if item.duplicate_of is not None:
            claim.duplicate_of = claims[item.duplicate_of]
            linked.append(claim)
    Claim.objects.bulk_update(linked, ["duplicate_of"])
    return claims
