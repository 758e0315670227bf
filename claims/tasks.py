"""Celery entry points, and nothing else: each task calls into `claims.pipeline`."""

import logging
from typing import Any

from celery import shared_task
from django.db import OperationalError

from claims.extraction.claim import ExtractedClaim
from claims.models import Article
from claims.pipeline.delivery import MAX_ATTEMPTS, deliver_attempt, retry_delay
from claims.pipeline.processing import article_claims_store, article_extract
from claims.pipeline.recovery import stale_articles_resend

logger = logging.getLogger(__name__)


# The article pipeline's two stages, each on its own queue (settings.CELERY_TASK_ROUTES), so
# extraction workers (spaCy, no embedding model) and embedding workers (the model, no spaCy)
# scale and size apart. Both are idempotent: a task redelivered after its worker died finds the
# article done and does nothing, so claims are never made twice. `force` reprocesses on purpose.
PIPELINE_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (ConnectionError, OperationalError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


def _is_done(article_id: int) -> bool:
    return Article.objects.filter(pk=article_id, status=Article.Status.DONE).exists()


def _forced(task: Any, force: bool) -> bool:
    """A message Redis hands out again (its worker died) never forces: the sweep
    (claims/pipeline/recovery.py) may have finished the article since, and editors may be working
    on its claims. An article still unfinished is processed anyway."""
    return force and not (task.request.delivery_info or {}).get("redelivered", False)


@shared_task(bind=True, **PIPELINE_TASK_OPTIONS)
def extract_article(self: Any, article_id: int, force: bool = False) -> str:
    """Stage 1, queue `extract`: find the claims and hand them to an embedding worker."""
    force = _forced(self, force)
    if not force and _is_done(article_id):
        return Article.Status.DONE
    extracted = article_extract(article_id=article_id)
    if extracted is None:
        return Article.Status.DONE
    language, claims = extracted
    store_article_claims.delay(article_id, language, [claim.as_dict() for claim in claims], force=force)
    return Article.Status.PROCESSING


@shared_task(bind=True, **PIPELINE_TASK_OPTIONS)
def store_article_claims(
    self: Any, article_id: int, language: str, claims: list[dict[str, Any]], force: bool = False
) -> str:
    """Stage 2, queue `embed`: embed the claims and store them with the article, all or nothing."""
    force = _forced(self, force)
    if not force and _is_done(article_id):
        return Article.Status.DONE
    extracted = [ExtractedClaim.from_dict(claim) for claim in claims]
    article = article_claims_store(article_id=article_id, language=language, extracted=extracted, force=force)
    return article.status


@shared_task(**PIPELINE_TASK_OPTIONS)
def process_article(article_id: int, force: bool = False) -> str:
    """The pipeline's task before it had two stages: one still queued during an upgrade starts them."""
    extract_article.delay(article_id, force=force)
    return Article.Status.PENDING


@shared_task(ignore_result=True)
def sweep_stale_articles() -> list[int]:
    """Run by Celery beat every FACTCHECK_SWEEP_INTERVAL seconds: send again the articles a dead
    worker left unfinished (claims/pipeline/recovery.py says why beat)."""
    return stale_articles_resend()


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_webhook(
    self: Any, webhook_id: int, delivery_id: str, event: str, payload: dict[str, Any]
) -> bool:
    """POST one event to one webhook; on failure retry with exponential backoff
    (claims/pipeline/delivery.py)."""

    attempt = self.request.retries + 1
    log = deliver_attempt(
        webhook_id=webhook_id, delivery_id=delivery_id, event=event, payload=payload, attempt=attempt
    )
    if log is None or log.succeeded:
        return log is not None
    if attempt >= MAX_ATTEMPTS:
        logger.warning("Webhook %s gave up on delivery %s after %s tries", webhook_id, delivery_id, attempt)
        return False
    raise self.retry(countdown=retry_delay(attempt))
