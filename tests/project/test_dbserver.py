"""The embedded server: started on demand, reused when running, stopped cleanly."""

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from factcheck.dbserver import DatabaseServerError, EmbeddedServer, default_server

PROJECT = Path(__file__).resolve().parents[2]
START_ONE = (
    "import sys; from factcheck.dbserver import EmbeddedServer; from pathlib import Path; "
    "print(EmbeddedServer(Path(sys.argv[1])).ensure_running())"
)


@pytest.fixture
def scratch_server():
    # Short, so the socket path stays under the Unix limit.
    directory = Path(tempfile.mkdtemp(prefix="fc-", dir="/tmp"))
    server = EmbeddedServer(directory / "data")
    yield server
    server.stop()
    subprocess.run(["rm", "-rf", str(directory)], check=False)


@pytest.mark.django_db
def test_it_runs_the_tests_on_postgres_with_pgvector():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        assert cursor.fetchone() is not None
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    assert connection.vendor == "postgresql"
    if settings.DATABASES["default"]["ENGINE"] == "factcheck.postgres":
        assert version.startswith("18")
        assert connection.settings_dict["HOST"] == str(default_server().socket_dir)


def test_it_starts_once_when_two_commands_start_together(scratch_server):
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", START_ONE, str(scratch_server.data_dir)],
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    started = sorted(out.strip().splitlines()[-1] for out, _ in outputs)
    assert started == ["False", "True"]
    assert scratch_server.is_running()
    assert scratch_server.socket_path.is_socket()


def test_it_reuses_a_running_server_and_stops_cleanly(scratch_server):
    assert scratch_server.ensure_running() is True
    pid = (scratch_server.pgdata / "postmaster.pid").read_text().split()[0]
    assert scratch_server.ensure_running() is False
    assert (scratch_server.pgdata / "postmaster.pid").read_text().split()[0] == pid
    assert scratch_server.stop() is True
    assert not scratch_server.is_running()
    assert scratch_server.stop() is False
    # The cluster survives a stop and starts again with its data.
    assert scratch_server.ensure_running() is True


def test_it_refuses_a_data_dir_too_long_for_a_socket():
    server = EmbeddedServer(Path("/tmp/" + "d" * 120))
    with pytest.raises(DatabaseServerError, match=r"too long for a Unix socket.*FACTCHECK_DATA_DIR"):
        server.ensure_running()
    assert not server.data_dir.exists()


def test_it_reports_status_through_manage_py(scratch_server):
    env = {
        "FACTCHECK_DATA_DIR": str(scratch_server.data_dir),
        "PATH": "/usr/bin:/bin",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
    }
    run = [sys.executable, "manage.py", "dbserver"]
    status = subprocess.run(
        [*run, "status"], cwd=PROJECT, env=env, capture_output=True, text=True, check=True
    )
    assert "Stopped" in status.stdout
    started = subprocess.run(
        [*run, "start"], cwd=PROJECT, env=env, capture_output=True, text=True, check=True
    )
    assert "Started" in started.stdout
    stopped = subprocess.run([*run, "stop"], cwd=PROJECT, env=env, capture_output=True, text=True, check=True)
    assert "Stopped." in stopped.stdout
