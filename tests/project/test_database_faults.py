"""A running app while its database goes away and comes back: 503 with a message, never 500, and
answers again once the database is back, without a restart.

The app is a real gunicorn process with one worker (so one kept database connection, as in
production) on a scratch embedded server of its own: stopping the shared one would pull the
database from under everyone else's tests.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from factcheck.dbserver import EmbeddedServer

PROJECT = Path(__file__).resolve().parents[2]
API = "/api/v1/public/verdicts/"
WEB = "/verdicts/999999/"  # the public verdict page: a query, and a 404 while the database is up

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    """A migrated scratch server (short path: the socket path is limited to 107 bytes)."""
    directory = Path(tempfile.mkdtemp(prefix="fc-", dir="/tmp"))
    scratch = EmbeddedServer(directory / "data")
    try:
        scratch.ensure_running()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input"],
            cwd=PROJECT,
            env=app_environment(DATABASE_URL=database_url(scratch)),
            check=True,
            capture_output=True,
        )
        yield scratch
    finally:
        scratch.stop()
        shutil.rmtree(directory, ignore_errors=True)


def database_url(server: EmbeddedServer) -> str:
    return f"postgres://postgres@/factcheck?host={quote(str(server.socket_dir))}"


def app_environment(**variables: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("FACTCHECK_")}
    return {**environment, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **variables}


@pytest.fixture
def start_app(server) -> Iterator:
    apps: list[subprocess.Popen[bytes]] = []

    def start(**variables: str) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [sys.executable, "-m", "gunicorn", "factcheck.wsgi:application"]
        command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "120"]
        apps.append(
            subprocess.Popen(
                command,
                cwd=PROJECT,
                env=app_environment(FACTCHECK_ALLOWED_HOSTS="127.0.0.1", **variables),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while get(base, API)[0] != 200:
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.3)
        return base

    yield start
    for app in apps:
        app.terminate()
        app.wait(timeout=30)


def get(base: str, path: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)
    except OSError:
        return 0, "", {}


def assert_unavailable(base: str) -> None:
    status, body, headers = get(base, API)
    assert status == 503, body
    assert '"code":"database_unavailable"' in body.replace(" ", "")
    assert "database cannot be reached" in body
    assert headers["Retry-After"] == "30"
    status, body, headers = get(base, WEB)
    assert status == 503, body
    assert headers["Content-Type"].startswith("text/html")
    assert "Database unavailable" in body and "Try again in a minute" in body


def test_it_answers_503_while_its_database_is_down_and_recovers_when_it_is_back(server, start_app):
    app = start_app(DATABASE_URL=database_url(server))
    assert get(app, API)[0] == 200 and get(app, WEB)[0] == 404  # one kept connection, in use
    server.stop()
    try:
        assert_unavailable(app)  # the kept connection is dead
        assert_unavailable(app)  # a new one cannot be made
    finally:
        server.ensure_running()
    assert get(app, API)[0] == 200
    assert get(app, WEB)[0] == 404


def test_it_starts_its_stopped_embedded_server_again(server, start_app):
    app = start_app(FACTCHECK_DATA_DIR=str(server.data_dir))
    assert get(app, API)[0] == 200
    server.stop()
    # The embedded backend starts its server again on the next connection (factcheck/postgres).
    assert get(app, API)[0] == 200
    assert server.is_running()
