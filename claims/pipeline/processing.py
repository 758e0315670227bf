"""Processing an article in two stages: extraction (no claim written), then embedding and storing
its claims in one transaction. Tasks and the in-process path both call these."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone

from claims.extraction.claim import ExtractedClaim
from claims.extraction.language import unsupported_language_message
from claims.models import (
    REWRITE_KEYS,
    Article,
    Claim,
)
from claims.similarity.duplicates import facts_to_store, ingest_vectors
from claims.similarity.suggestions import suggestions_create

logger = logging.getLogger(__name__)


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
    from claims.extraction.pipeline import language_and_claims

    article = Article.objects.get(pk=article_id)
    # A duplicate delivery never moves a done article back (storing would then replace its claims);
    # updated_at restarts the clock of the sweep that recovers crashed work (recovery.py).
    Article.objects.filter(pk=article_id).exclude(status=Article.Status.DONE).update(
        status=Article.Status.PROCESSING, error="", updated_at=timezone.now()
    )
    with failure_recorded(article_id=article_id):
        language, claims = language_and_claims(article.body, published_at=article.published_at)
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
        vectors = ingest_vectors(extracted)
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
        suggestions_create(article=article, claims=claims)
        # Imported here: sources builds on claims, and its re-check queues through this package.
        from sources.figure_checks import new_claims_check

        new_claims_check(claims=claims)
    return article


def article_language_unsupported(*, article_id: int, language: str) -> Article:
    """The text stays stored and done, with no claims and a message saying why."""
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
            checkworthiness_source=item.checkworthiness_source,
            reason=item.reason[:300],
            reasons=item.reasons or ([item.reason] if item.reason else []),
            quantities=item.quantities,
            dates=item.dates,
            facts=facts_to_store(text=item.text, quantities=item.quantities, dates=item.dates),
            flags=item.flags,
            rewrites=[{key: rewrite[key] for key in REWRITE_KEYS} for rewrite in item.rewrites],
            needs_context=item.needs_context,
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
