from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.dbserver import DatabaseServerError, default_server


class Command(BaseCommand):
    help = "Start, stop or show the embedded PostgreSQL server under FACTCHECK_DATA_DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if settings.DATABASES["default"]["ENGINE"] != "factcheck.postgres":
            raise CommandError("DATABASE_URL is set: factcheck uses that server and manages none of its own.")
        server = default_server()
        try:
            if action == "start":
                started = server.ensure_running()
                self.stdout.write(
                    f"{'Started' if started else 'Already running'}: socket {server.socket_path}"
                )
            elif action == "stop":
                stopped = server.stop()
                self.stdout.write("Stopped." if stopped else "Not running.")
            else:
                running = server.is_running()
                self.stdout.write(f"{'Running' if running else 'Stopped'}: data in {server.pgdata}")
        except DatabaseServerError as error:
            raise CommandError(str(error)) from error
