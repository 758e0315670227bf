from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.errors import DomainError
from claims.models import Team
from sources import reference_tables
from sources.models import ReferenceTable


def parse_day(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--retrieved-at {value!r} is not a date (use YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = (
        "Store a reference table of official figures (CSV or XLSX) and compare the claims it may "
        "concern with it. Nothing is stored when a row cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--name", default="", help="Default: the file's name.")
        parser.add_argument("--publisher", required=True)
        parser.add_argument("--source-url", required=True, help="Where the figures come from.")
        parser.add_argument("--retrieved-at", default=None, help="YYYY-MM-DD; default today.")
        parser.add_argument("--tolerance", type=float, default=None, help="Relative; default 0.05 (±5%%).")
        parser.add_argument("--team", default=None, help="Team that owns it; default: shared with all teams.")
        for column in ("label", "period", "value", "unit"):
            parser.add_argument(f"--{column}-column", default="", help=f"The column holding the {column}.")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        team = None
        if options["team"]:
            team = Team.objects.filter(name=options["team"]).first()
            if team is None:
                raise CommandError(f"No team named {options['team']!r}.")
        mapping = {
            column: options[f"{column}_column"]
            for column in ("label", "period", "value", "unit")
            if options[f"{column}_column"]
        }
        try:
            table = reference_tables.reference_table_create(
                by=None,
                team=team,
                name=options["name"] or path.stem.replace("-", " ").replace("_", " ").capitalize(),
                publisher=options["publisher"],
                source_url=options["source_url"],
                retrieved_at=parse_day(options["retrieved_at"]),
                content=content,
                filename=path.name,
                mapping=mapping,
                tolerance=options["tolerance"],
            )
        except DomainError as error:
            problems = [problem for values in error.fields.values() for problem in values]
            details = "".join(f"\n  {problem}" for problem in problems[1:]) if len(problems) > 1 else ""
            raise CommandError(error.message + details) from error
        table.refresh_from_db()
        owner = f"team {team.name}" if team else "all teams"
        self.stdout.write(
            self.style.SUCCESS(
                f"Stored table #{table.pk} “{table.name}” for {owner}: {table.row_count} rows."
            )
        )
        if table.recheck_status == ReferenceTable.Recheck.DONE:
            self.stdout.write(f"Re-checked {table.recheck_done} claim(s) with figures against it.")
        else:
            self.stdout.write(f"Re-checking {table.recheck_total} claim(s) in the background.")
