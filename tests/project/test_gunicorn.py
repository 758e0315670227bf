"""factcheck/gunicorn_config.py: web workers load the embedding model before their first request."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from claims.similarity import embeddings
from factcheck import gunicorn_config
from tests.factories import ArticleFactory, ClaimFactory

PROJECT = Path(__file__).resolve().parents[2]


class FakeWorker:
    pid = 4242

    def __init__(self) -> None:
        self.log = logging.getLogger("tests.gunicorn")


def test_a_worker_loads_the_model_before_it_serves(monkeypatch, caplog):
    loaded = []
    monkeypatch.setattr(embeddings, "get_model", lambda: loaded.append(True))

    with caplog.at_level(logging.INFO, logger="tests.gunicorn"):
        gunicorn_config.post_worker_init(FakeWorker())

    assert loaded == [True]
    assert f"Worker 4242: {gunicorn_config.MODEL_LOADED}" in caplog.text


def test_a_worker_without_a_model_still_serves_and_says_why(monkeypatch, caplog, tmp_path, settings):
    monkeypatch.setattr(embeddings, "_model", None)
    settings.FACTCHECK_EMBEDDING_MODEL = str(tmp_path / "no-such-model")

    with caplog.at_level(logging.INFO, logger="tests.gunicorn"):
        gunicorn_config.post_worker_init(FakeWorker())

    assert "matching is unavailable" in caplog.text
    assert "no-such-model" in caplog.text
    assert gunicorn_config.MODEL_LOADED not in caplog.text


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_gunicorn_with_the_config_answers_a_match_once_its_worker_has_loaded_the_model(alice, team, tmp_path):
    text = "The council approved a budget of $4.2 million for bus lanes."
    claim = ClaimFactory(article=ArticleFactory(team=team, language="en"), text=text)
    claim.embedding = embeddings.embed_text(text)
    claim.save(update_fields=["embedding"])
    token = Token.objects.create(user=alice).key
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "FACTCHECK_DATABASE_NAME": connection.settings_dict["NAME"], "HF_HUB_OFFLINE": "1"}
    command = [
        sys.executable, "-m", "gunicorn", "-c", "python:factcheck.gunicorn_config",
        "factcheck.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "info", "--error-logfile", str(log),
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=PROJECT, env=env)
    try:
        deadline = time.monotonic() + 120
        while not log.exists() or gunicorn_config.MODEL_LOADED not in log.read_text():
            assert server.poll() is None, log.read_text() if log.exists() else "gunicorn exited"
            assert time.monotonic() < deadline, "the worker did not load the model"
            time.sleep(0.2)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/claims/match/",
            data=json.dumps({"text": "Councillors approved $4.2 million for bus lanes."}).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
        assert body["results"][0]["id"] == claim.pk
    finally:
        server.terminate()
        server.wait(timeout=30)
