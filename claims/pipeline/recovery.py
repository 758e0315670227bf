"""Crashed work recovered in minutes: the sweep that sends again articles no task is working on.

A worker killed mid-article (out of memory, a node lost) leaves its task unacknowledged in Redis,
which hands it to another worker only after the visibility timeout (an hour by default, and it
cannot be much shorter: a task running longer than it would be delivered twice). Meanwhile the
article sits `pending` or `processing`. The sweep finds articles in that state for longer than
`FACTCHECK_PROCESSING_STALE_AFTER` seconds that no task is queued or running for, and sends them
again.

Why Celery beat, every `FACTCHECK_SWEEP_INTERVAL` seconds, rather than a sweep when a worker
starts: a worker that dies is not always replaced (a container without a restart policy, a
worker that died while others kept running), and one that is replaced may start before the
article goes stale. Beat bounds the delay whatever happens to the workers. It must run once
(one `beat` service in docker/compose.yaml); two sweeps at once are still safe, as each locks the
rows it resends and skips rows another holds.

Processing stays exactly-once because every delivery may be a duplicate: storing locks the article
and leaves a done article alone (`processing.article_store`), extraction never moves a done
article back to `processing`, the sweep never forces, and a message Redis hands out again after
the visibility timeout never forces either (`claims.tasks`). So the crashed task, when Redis
finally restores it, finds the article done and does nothing.

"Live" means queued on the broker (read from the Redis lists) or held by a worker that answers
`inspect` (running, prefetched or waiting for a retry). A worker with the solo pool cannot answer
while it works, so its article may be sent twice; the second delivery then finds it done. The
prefork pool (the default, as in docker/compose.yaml) answers from its main process.
"""

import json
import logging
from collections.abc import Collection, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from claims.models import Article
from claims.pipeline import queueing
from factcheck.celery import app

logger = logging.getLogger(__name__)

# Every task whose first argument is an article being processed.
PIPELINE_TASKS = frozenset(
    {queueing.EXTRACT_ARTICLE, "claims.tasks.store_article_claims", "claims.tasks.process_article"}
)
UNFINISHED = (Article.Status.PENDING, Article.Status.PROCESSING)
# How long the sweep waits for workers to say what they hold.
INSPECT_TIMEOUT_SECONDS = 5.0
# Queued messages read per Redis round trip (a stage-2 message carries all of an article's claims).
QUEUE_PAGE = 200


def stale_articles(*, now: datetime | None = None) -> QuerySet[Article]:
    """Articles unfinished and untouched for longer than FACTCHECK_PROCESSING_STALE_AFTER."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.FACTCHECK_PROCESSING_STALE_AFTER)
    return Article.objects.filter(status__in=UNFINISHED, updated_at__lt=cutoff)


def stale_articles_resend() -> list[int]:
    """The sweep: send again every stale article no task is queued or running for."""
    if not queueing.processing_is_asynchronous():
        return []  # Without a broker, articles are processed in the request that stores them.
    # The queues are read before the workers: a message moving from one to the other in between
    # is then seen in at least one of them.
    live = queued_article_ids() | worker_article_ids()
    return articles_resend(live=live)


def articles_resend(*, live: Collection[int]) -> list[int]:
    """Send again the stale articles not in `live`, restarting their clock so the next sweep waits.

    Rows another sweep or a storing task has locked are skipped.
    """
    with transaction.atomic():
        ids = list(
            stale_articles()
            .exclude(pk__in=live)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Article.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        for article_id in ids:
            # Never forced: if a lost task comes back later, one of them finds the article done.
            queueing.enqueue_article_processing(article_id)
    if ids:
        logger.warning("Sent %s stale article(s) for processing again: %s", len(ids), ids)
    return ids


def queued_article_ids() -> set[int]:
    """Articles a pipeline message waits for on the broker (Redis lists, every priority)."""
    ids: set[int] = set()
    with app.connection_for_read() as connection:
        channel: Any = connection.default_channel
        for queue in settings.CELERY_TASK_QUEUES:
            for priority in channel.priority_steps:
                key = channel._q_for_pri(queue.name, priority)
                ids.update(_article_ids(_messages(channel, key)))
    return ids


def _messages(channel: Any, key: str) -> Iterator[tuple[str, list[Any]]]:
    """(task name, positional arguments) of each message in one Redis list, a page at a time."""
    for start in range(0, channel.client.llen(key), QUEUE_PAGE):
        for raw in channel.client.lrange(key, start, start + QUEUE_PAGE - 1):
            message = channel.Message(json.loads(raw), channel=channel)
            args, _kwargs, _embed = message.decode()
            yield message.headers.get("task", ""), list(args)


def worker_article_ids() -> set[int]:
    """Articles a live worker runs, has prefetched, or holds for a retry."""
    inspect = app.control.inspect(timeout=INSPECT_TIMEOUT_SECONDS)
    held: list[tuple[str, list[Any]]] = []
    for replies in (inspect.active(), inspect.reserved()):
        held.extend(_held(request) for requests in (replies or {}).values() for request in requests)
    for scheduled in (inspect.scheduled() or {}).values():
        held.extend(_held(entry["request"]) for entry in scheduled)
    return set(_article_ids(held))


def _held(request: dict[str, Any]) -> tuple[str, list[Any]]:
    args = request.get("args")
    return request.get("name", ""), list(args) if isinstance(args, list | tuple) else []


def _article_ids(tasks: Iterable[tuple[str, list[Any]]]) -> Iterator[int]:
    for name, args in tasks:
        if name in PIPELINE_TASKS and args and isinstance(args[0], int):
            yield args[0]
