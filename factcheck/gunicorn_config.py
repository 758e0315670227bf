"""Gunicorn settings for the web processes (docker/ and the benchmarks use them):

    gunicorn -c python:factcheck.gunicorn_config factcheck.wsgi:application --bind 0.0.0.0:8000

Command-line options override these, e.g. `--workers 4`.
"""

from __future__ import annotations

from typing import Any

# Threads: a sync worker stays blocked on one client's idle keep-alive connection. And a
# worker's threads share its embedding batcher (claims/similarity/embeddings.py): the match
# queries they wait on at the same moment are encoded in one model call, not one call each.
worker_class = "gthread"
threads = 8
workers = 2
timeout = 120

MODEL_LOADED = "embedding model loaded"


def post_worker_init(worker: Any) -> None:
    """Load the embedding model before the worker takes its first request.

    Otherwise the first free-text match each worker answers waits several seconds for the
    model, and so do the requests queued behind it on that worker. A model that cannot be
    loaded does not stop the site: matching answers with its own error, the rest works.
    """
    from claims.similarity import embeddings

    try:
        embeddings.get_model()
    except embeddings.EmbeddingModelUnavailable as error:
        worker.log.warning("Worker %s: no embedding model, matching is unavailable: %s", worker.pid, error)
    else:
        worker.log.info("Worker %s: %s", worker.pid, MODEL_LOADED)
