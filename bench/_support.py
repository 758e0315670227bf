"""Shared set-up for the benchmarks: a database of their own, a user with a token, servers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from factcheck.gunicorn_config import MODEL_LOADED  # noqa: E402

PYTHON = sys.executable
BENCH_DATA_DIR = os.environ.get("FACTCHECK_BENCH_DATA_DIR", "/tmp/fc-bench9")


def bench_env(**extra: str) -> dict[str, str]:
    """The benchmarks never touch the development database."""
    env = {
        **os.environ,
        "FACTCHECK_DATA_DIR": BENCH_DATA_DIR,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        # The load test's 50 clients share one token; the per-user throttle is not what it measures.
        "FACTCHECK_THROTTLE_USER": "1000000/min",
    }
    env.pop("CELERY_BROKER_URL", None)
    bench_database = os.environ.get("FACTCHECK_BENCH_DATABASE_URL")
    if bench_database:
        env["DATABASE_URL"] = bench_database
    else:
        env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=PROJECT, env=env or bench_env(), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


CREATE_USER = """
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from claims.models import Team
team, _ = Team.objects.get_or_create(name="Bench desk")
user, _ = User.objects.get_or_create(username="bench-editor")
user.groups.add(Group.objects.get_or_create(name="editor")[0])
team.members.add(user)
print(Token.objects.get_or_create(user=user)[0].key)
"""


def prepare_database() -> str:
    """Migrate the bench database and return an editor's API token."""
    manage("migrate", "--no-input", "-v", "0")
    return manage("shell", "-c", CREATE_USER).strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(port: int, workers: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Gunicorn as docker/ runs it, returned once every worker has loaded the embedding model:
    a worker still loading it would put several seconds of start-up into the measurement."""
    log = Path(tempfile.gettempdir()) / f"fc-bench-gunicorn-{port}.log"
    log.write_text("")
    command = [
        PYTHON, "-m", "gunicorn", "-c", "python:factcheck.gunicorn_config", "factcheck.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "300",
        "--log-level", "info", "--error-logfile", str(log),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=PROJECT, env=env or bench_env())
    deadline = time.monotonic() + 300
    while log.read_text().count(MODEL_LOADED) < workers:
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(f"gunicorn workers did not load the model:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    wait_for_http(f"http://127.0.0.1:{port}/api/schema/", timeout=120)
    return process


def wait_for_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


def request_json(method: str, url: str, token: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read() or b"null")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []
