"""The one place that decides whether background work runs here and now or on a worker.

With CELERY_BROKER_URL set, work is sent to the broker by task name once the transaction
commits (`claims.tasks` holds the entry points, which call back into this package); without
one, it runs in this process, so the demo needs nothing else.
"""

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from claims.errors import ServiceUnavailable
from claims.pipeline import delivery
from claims.pipeline.processing import article_process
from factcheck.celery import app

logger = logging.getLogger(__name__)

EXTRACT_ARTICLE = "claims.tasks.extract_article"
DELIVER_WEBHOOK = "claims.tasks.deliver_webhook"


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


def _send(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Queue a task by name (routed by settings.CELERY_TASK_ROUTES) once this transaction commits."""
    transaction.on_commit(lambda: app.send_task(task_name, args=args, kwargs=kwargs))


def enqueue_article_processing(article_id: int, *, force: bool = False) -> None:
    """With a broker, a worker processes the article once this transaction commits.
    Without one, it is processed here and now; a failure is recorded on the article."""
    if processing_is_asynchronous():
        _send(EXTRACT_ARTICLE, article_id, force=force)
        return
    try:
        article_process(article_id=article_id)
    except Exception:
        logger.warning("Article %s failed to process", article_id)


def enqueue_webhook_delivery(
    *, webhook_id: int, delivery_id: str, event: str, payload: dict[str, Any]
) -> None:
    """With a broker, a worker delivers and retries with backoff. Without one, every attempt runs
    here and now (Celery's eager retry re-raises instead of retrying)."""
    if processing_is_asynchronous():
        _send(DELIVER_WEBHOOK, webhook_id, delivery_id, event, payload)
        return
    delivery.deliver_now(webhook_id=webhook_id, delivery_id=delivery_id, payload=payload, event=event)
