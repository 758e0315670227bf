"""PostgreSQL backend that starts the embedded server before its first connection.

Used only when DATABASE_URL is unset. Starting lazily, on connect, means every entry
point (manage.py, pytest, the WSGI server, a Celery worker) gets a running database
without a start-up hook of its own, and commands that never touch the database
(`dbserver stop`, `check`) never start one.
"""

from typing import Any

from django.db.backends.postgresql import base

from factcheck.dbserver import default_server

_server_checked = False


def ensure_embedded_server() -> None:
    global _server_checked
    if not _server_checked:
        default_server().ensure_running()
        _server_checked = True


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        global _server_checked
        ensure_embedded_server()
        try:
            return super().get_new_connection(conn_params)
        except Exception:
            # The server may have been stopped since this process last checked.
            _server_checked = False
            ensure_embedded_server()
            return super().get_new_connection(conn_params)
