import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerError

from claims import services
from claims.models import Article
from factcheck.celery import app
from factcheck.errors import ServiceUnavailable

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def process_article(article_id: int, force: bool = False) -> str:
    """Idempotent: a redelivered task (its worker died after committing) finds the article
    done and does nothing, so claims are never made twice. `force` reprocesses on purpose."""
    if not force and Article.objects.filter(pk=article_id, status=Article.Status.DONE).exists():
        return Article.Status.DONE
    article = services.article_process(article_id=article_id)
    return article.status


def processing_is_asynchronous() -> bool:
    return not settings.CELERY_TASK_ALWAYS_EAGER


def require_broker() -> None:
    """Refuse work up front when the broker is down, rather than store an article no worker will see."""
    if not processing_is_asynchronous():
        return
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
    except (BrokerError, OSError) as error:
        logger.error("Task broker unavailable: %s", error)
        raise ServiceUnavailable(
            "The processing queue is unavailable, so the article was not stored. Try again in a minute."
        ) from error


def enqueue_article_processing(article_id: int, *, force: bool = False) -> None:
    """With a broker, a worker processes the article once this transaction commits.
    Without one, it is processed here and now; a failure is recorded on the article."""
    if not processing_is_asynchronous():
        try:
            services.article_process(article_id=article_id)
        except Exception:
            logger.warning("Article %s failed to process", article_id)
        return
    transaction.on_commit(lambda: process_article.delay(article_id, force=force))


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_webhook(
    self: Any, webhook_id: int, delivery_id: str, event: str, payload: dict[str, Any]
) -> bool:
    """POST one event to one webhook; on failure retry with exponential backoff (see claims/webhooks.py)."""
    from claims import webhooks

    attempt = self.request.retries + 1
    log = webhooks.deliver_attempt(
        webhook_id=webhook_id, delivery_id=delivery_id, event=event, payload=payload, attempt=attempt
    )
    if log is None or log.succeeded:
        return log is not None
    if attempt >= webhooks.MAX_ATTEMPTS:
        logger.warning("Webhook %s gave up on delivery %s after %s tries", webhook_id, delivery_id, attempt)
        return False
    raise self.retry(countdown=webhooks.retry_delay(attempt))
