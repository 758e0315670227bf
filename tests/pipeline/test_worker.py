"""The pipeline through a real Redis broker and a real Celery worker process."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.db import connection

from claims.models import Article
from claims.pipeline import queueing
from claims.pipeline.recovery import queued_article_ids
from factcheck.celery import app
from tests.conftest import api_client_for
from tests.factories import ArticleFactory

PROJECT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/14"
VISIBILITY_TIMEOUT = 4

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ARTICLE = (
    "The city council approved a budget of $4.2 million for bus lanes on Tuesday, the mayor said.\n"
    "Construction will start in March 2027 and take 18 months, according to the transport office.\n"
    "Ridership fell by 12% last year to 3.1 million trips."
)


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def broker(settings) -> Iterator[str]:
    if not _redis_available():
        pytest.fail("These tests need Redis on 127.0.0.1:6379 (CI starts it).")
    redis.Redis.from_url(BROKER).flushdb()
    settings.CELERY_BROKER_URL = BROKER
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    use_broker(BROKER)
    app.conf.task_always_eager = False
    yield BROKER
    use_broker(previous[0])
    app.conf.task_always_eager = previous[1]
    redis.Redis.from_url(BROKER).flushdb()


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker, dropping pooled connections."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


def start_worker(
    queues: str | None = None, *, pool: str = "solo", **variables: str
) -> subprocess.Popen[bytes]:
    """A worker consuming every queue, or only `queues` (e.g. "extract", "embed,celery"), with
    extra environment `variables`."""
    command = [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--pool", pool]
    command += ["--concurrency", "1", "--loglevel", "INFO"] + (["-Q", queues] if queues else [])
    return start_celery(command, **variables)


def start_beat(schedule: Path, **variables: str) -> subprocess.Popen[bytes]:
    """Celery beat, as the compose file runs it, sending the recovery sweep."""
    command = [sys.executable, "-m", "celery", "-A", "factcheck", "beat", "--schedule", str(schedule)]
    return start_celery(command, **variables)


def start_celery(command: list[str], **variables: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER,
        "FACTCHECK_DATABASE_NAME": connection.settings_dict["NAME"],
        "FACTCHECK_TASK_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "HF_HUB_OFFLINE": "1",
        **variables,
    }
    return subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}")


def status_of(article_id: int) -> str:
    return Article.objects.values_list("status", flat=True).get(pk=article_id)


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def assert_stored_once(article_id: int, *, more_than: int) -> None:
    """The article's claims are there, none twice, and no later delivery adds or replaces them."""
    claims = Article.objects.get(pk=article_id).claims
    count = claims.count()
    spans = list(claims.values_list("start", "end", "text"))
    assert count > more_than
    assert len(set(spans)) == len(spans), "a claim was stored twice"
    wait_for(broker_is_drained, 120, "the broker to have nothing left to deliver")
    assert Article.objects.get(pk=article_id).claims.count() == count


def broker_is_drained() -> bool:
    """No delivery can come any more: every queue is empty and no message waits for an
    acknowledgement (kombu's Redis transport keeps unacknowledged messages in `unacked`)."""
    queued = redis.Redis.from_url(BROKER)
    return not any(queued.llen(queue) for queue in ("celery", "extract", "embed")) and not queued.hlen(
        "unacked"
    )


def test_it_processes_an_article_through_the_broker_and_a_worker(broker, alice):
    response = api_client_for(alice).post("/api/v1/articles/", {"body": ARTICLE}, format="json")
    assert response.status_code == 202
    article_id = response.json()["id"]
    assert response.json()["status_url"].endswith(f"/api/v1/articles/{article_id}/")
    assert status_of(article_id) == Article.Status.PENDING  # nothing processes it in this process
    worker = start_worker()
    try:
        wait_for(lambda: status_of(article_id) == Article.Status.DONE, 120, "the worker to finish")
    finally:
        stop(worker)
    article = Article.objects.get(pk=article_id)
    assert article.claims.count() >= 3
    for claim in article.claims.all():
        assert article.body[claim.start : claim.end] == claim.quote
    polled = api_client_for(alice).get(f"/api/v1/articles/{article_id}/").json()
    assert polled["status"] == "done"


def test_it_processes_an_article_with_separate_extraction_and_embedding_workers(broker, alice):
    extractor, embedder = start_worker("extract"), start_worker("embed,celery")
    try:
        response = api_client_for(alice).post("/api/v1/articles/", {"body": ARTICLE}, format="json")
        article_id = response.json()["id"]
        wait_for(lambda: status_of(article_id) == Article.Status.DONE, 120, "both workers to finish")
    finally:
        stop(extractor)
        stop(embedder)
    article = Article.objects.get(pk=article_id)
    claims = list(article.claims.order_by("start"))
    assert len(claims) >= 3
    assert all(article.body[claim.start : claim.end] == claim.quote for claim in claims)
    assert all(claim.embedding is not None for claim in claims)
    assert any("4.2 million" in claim.quote for claim in claims)
    assert (article.language, article.error) == ("en", "")


def test_it_leaves_an_article_to_the_embedding_workers_once_extracted(broker, alice):
    extractor = start_worker("extract")
    try:
        response = api_client_for(alice).post("/api/v1/articles/", {"body": ARTICLE}, format="json")
        article_id = response.json()["id"]
        queued = redis.Redis.from_url(BROKER)
        wait_for(lambda: queued.llen("embed") == 1, 120, "the extraction worker to hand the claims over")
    finally:
        stop(extractor)
    assert status_of(article_id) == Article.Status.PROCESSING
    assert Article.objects.get(pk=article_id).claims.count() == 0


def test_it_processes_an_article_once_after_its_worker_is_killed(broker, alice):
    worker = start_worker()
    try:
        # A long article keeps the worker busy long enough to be killed mid-way.
        body = "\n".join(f"{ARTICLE} Item {n} cost ${n + 1}.5 million in {2000 + n % 25}." for n in range(60))
        article_id = (
            api_client_for(alice).post("/api/v1/articles/", {"body": body}, format="json").json()["id"]
        )
        wait_for(lambda: status_of(article_id) == Article.Status.PROCESSING, 120, "processing to start")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        assert status_of(article_id) == Article.Status.PROCESSING
        assert Article.objects.get(pk=article_id).claims.count() == 0  # all or nothing
    finally:
        stop(worker)
    worker = start_worker()
    try:
        # Redis hands the unacknowledged task to the new worker after the visibility timeout.
        wait_for(lambda: status_of(article_id) == Article.Status.DONE, 180, "redelivery and processing")
        assert_stored_once(article_id, more_than=60)
    finally:
        stop(worker)


def test_it_stores_an_article_once_after_its_embedding_worker_is_killed(broker, alice):
    body = "\n".join(f"{ARTICLE} Item {n} cost ${n + 1}.5 million in {2000 + n % 25}." for n in range(12))
    queued = redis.Redis.from_url(BROKER)
    extractor = start_worker("extract")
    try:
        article_id = (
            api_client_for(alice).post("/api/v1/articles/", {"body": body}, format="json").json()["id"]
        )
        wait_for(lambda: queued.llen("embed") == 1, 180, "the extraction worker to hand the claims over")
    finally:
        stop(extractor)
    embedder = start_worker("embed,celery")
    try:
        wait_for(lambda: queued.llen("embed") == 0, 60, "the embedding worker to take the task")
        # Loading the model alone takes seconds: the kill lands before the claims are committed.
        embedder.send_signal(signal.SIGKILL)
        embedder.wait()
        assert status_of(article_id) == Article.Status.PROCESSING
        assert Article.objects.get(pk=article_id).claims.count() == 0
    finally:
        stop(embedder)
    embedder = start_worker("embed,celery")
    try:
        wait_for(lambda: status_of(article_id) == Article.Status.DONE, 120, "redelivery and storing")
        assert_stored_once(article_id, more_than=12)
    finally:
        stop(embedder)


def test_it_answers_503_and_stores_nothing_when_the_broker_is_down(broker, alice, settings):
    down = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = down
    use_broker(down)
    response = api_client_for(alice).post("/api/v1/articles/", {"body": ARTICLE}, format="json")
    assert response.status_code == 503
    assert "not stored" in response.json()["error"]["message"]
    assert Article.objects.count() == 0


# The recovery sweep (claims/pipeline/recovery.py), with Redis's visibility timeout at its default.
DEFAULT_VISIBILITY_TIMEOUT = "3600"
STALE_AFTER = 5
SWEEP_INTERVAL = 3


def test_it_recovers_an_article_whose_worker_died_within_the_sweep_interval(broker, alice, team, tmp_path):
    body = "\n".join(f"{ARTICLE} Item {n} cost ${n + 1}.5 million in {2000 + n % 25}." for n in range(60))
    article = ArticleFactory(team=team, body=body, status=Article.Status.DONE)
    worker = start_worker(FACTCHECK_TASK_VISIBILITY_TIMEOUT=DEFAULT_VISIBILITY_TIMEOUT)
    try:
        # Reprocessing sends a forced task: the one case where a late duplicate could replace claims.
        response = api_client_for(alice).post(f"/api/v1/articles/{article.pk}/reprocess/")
        assert response.status_code == 202, response.content
        wait_for(lambda: status_of(article.pk) == Article.Status.PROCESSING, 120, "processing to start")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_at = time.monotonic()
        assert Article.objects.get(pk=article.pk).claims.count() == 0
    finally:
        stop(worker)
    sweep = {
        "FACTCHECK_TASK_VISIBILITY_TIMEOUT": DEFAULT_VISIBILITY_TIMEOUT,
        "FACTCHECK_PROCESSING_STALE_AFTER": str(STALE_AFTER),
        "FACTCHECK_SWEEP_INTERVAL": str(SWEEP_INTERVAL),
    }
    worker, beat = start_worker(pool="prefork", **sweep), start_beat(tmp_path / "beat-schedule", **sweep)
    try:
        # Within the stale time, a sweep interval, and the time to process the article again;
        # without the sweep it would wait an hour for Redis.
        wait_for(
            lambda: status_of(article.pk) == Article.Status.DONE, 150, "the sweep to recover the article"
        )
        assert time.monotonic() - killed_at < STALE_AFTER + SWEEP_INTERVAL + 150
        stop(beat)
        claims = set(Article.objects.get(pk=article.pk).claims.values_list("pk", flat=True))
        # The dead worker's message is still unacknowledged; give it back as Redis does once the
        # visibility timeout has passed. Redelivered, it no longer forces, and finds the article done.
        queued = redis.Redis.from_url(BROKER)
        assert queued.hlen("unacked") >= 1
        with app.connection_for_write() as connection:
            for tag in queued.hkeys("unacked"):
                connection.default_channel.qos.restore_by_tag(tag)
        assert_stored_once(article.pk, more_than=60)
        assert set(Article.objects.get(pk=article.pk).claims.values_list("pk", flat=True)) == claims
    finally:
        stop(beat)
        stop(worker)


def test_it_sees_which_articles_wait_on_the_broker(broker):
    app.send_task(queueing.EXTRACT_ARTICLE, args=(41,), kwargs={"force": False})
    app.send_task("claims.tasks.store_article_claims", args=(42, "en", []), kwargs={"force": False})
    app.send_task(queueing.DELIVER_WEBHOOK, args=(43, "delivery", "verdict.published", {}))
    assert queued_article_ids() == {41, 42}
