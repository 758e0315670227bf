"""`/health/` for docker compose and load balancers (django-health-check): 200 when every check
passes, 500 naming the one that failed.

It checks the database, the cache, the task broker when one is set (without one, tasks run in the
web process and there is nothing to reach), and the embedding model that similar claims and
matching need: loaded already in a gunicorn worker (factcheck/gunicorn_config.py), loaded by the
first check elsewhere, unavailable when it cannot be loaded.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator

from django.conf import settings
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from kombu.exceptions import OperationalError

from claims.similarity import embeddings
from factcheck.celery import app


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection."""

    url: str = dataclasses.field(repr=False)  # carries the broker's password

    def run(self) -> None:
        try:
            with app.connection_for_write(self.url) as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except (OSError, OperationalError) as error:
            raise ServiceUnavailable("The task broker cannot be reached.") from error


@dataclasses.dataclass
class EmbeddingModel(HealthCheck):
    """The sentence-embedding model is in memory, or loads."""

    # Loading from disk takes a few seconds the first time in a process.
    timeout = datetime.timedelta(seconds=60)

    def run(self) -> None:
        try:
            embeddings.get_model()
        except embeddings.EmbeddingModelUnavailable as error:
            raise ServiceUnavailable(f"The embedding model is not loaded: {error}") from error


class HealthView(HealthCheckView):
    def get_checks(self) -> Iterator[HealthCheck]:
        yield Database()
        yield Cache()
        if settings.CELERY_BROKER_URL:
            yield Broker(url=settings.CELERY_BROKER_URL)
        yield EmbeddingModel()
