"""/health/: database, cache, broker when set, embedding model; what compose and proxies poll."""

import pytest
import redis

from claims.similarity import embeddings

pytestmark = pytest.mark.django_db

BROKER = "redis://127.0.0.1:6379/14"


def health(client) -> tuple[int, dict[str, str]]:
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    return response.status_code, response.json()


@pytest.mark.slow
def test_it_reports_database_cache_and_the_embedding_model_without_signing_in(client, settings):
    settings.CELERY_BROKER_URL = ""

    status, checks = health(client)

    assert status == 200, checks
    assert checks == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "EmbeddingModel()": "OK",
    }


def test_it_is_unhealthy_without_the_embedding_model(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""

    def unavailable():
        raise embeddings.EmbeddingModelUnavailable("No model folder at /nowhere.")

    monkeypatch.setattr(embeddings, "get_model", unavailable)

    status, checks = health(client)

    assert status == 500
    assert (
        checks["EmbeddingModel()"]
        == "Unavailable: The embedding model is not loaded: No model folder at /nowhere."
    )
    assert checks["Database(alias='default')"] == "OK"


def test_it_checks_the_broker_when_one_is_set_without_showing_its_url(client, settings, monkeypatch):
    monkeypatch.setattr(embeddings, "get_model", lambda: object())
    settings.CELERY_BROKER_URL = "redis://:a-password@127.0.0.1:1/0"  # nothing listens on port 1

    status, checks = health(client)

    assert status == 500
    assert checks["Broker()"] == "Unavailable: The task broker cannot be reached."
    assert "a-password" not in str(checks)


def test_it_is_healthy_with_a_reachable_broker(client, settings, monkeypatch):
    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.fail("This test needs Redis on 127.0.0.1:6379 (CI starts it).")
    monkeypatch.setattr(embeddings, "get_model", lambda: object())
    settings.CELERY_BROKER_URL = BROKER

    status, checks = health(client)

    assert status == 200, checks
    assert checks["Broker()"] == "OK"


def test_it_answers_plain_http_when_https_redirects_everything_else(client, settings, monkeypatch):
    monkeypatch.setattr(embeddings, "get_model", lambda: object())
    settings.CELERY_BROKER_URL = ""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^health/"]

    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/health/", HTTP_ACCEPT="application/json").status_code == 200
