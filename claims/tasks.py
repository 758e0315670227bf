import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from claims import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def process_article(article_id: int) -> str:
    article = services.article_process(article_id=article_id)
    return article.status


def enqueue_article_processing(article_id: int) -> None:
    """With a broker, a worker processes the article once this transaction commits.
    Without one, it is processed here and now; a failure is recorded on the article."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            services.article_process(article_id=article_id)
        except Exception:
            logger.warning("Article %s failed to process", article_id)
        return
    transaction.on_commit(lambda: process_article.delay(article_id))
