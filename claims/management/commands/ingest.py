from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import services
from claims.errors import DomainError
from claims.models import Article, Team, content_hash
from claims.services import importing


def parse_when(value: str | None) -> datetime | None:
    """--published-at: a date or an ISO 8601 moment; a bare date is midnight in TIME_ZONE (UTC)."""
    try:
        return importing.parse_moment(value)
    except ValueError as error:
        raise CommandError(f"--published-at {value!r} is not a date (use YYYY-MM-DD or ISO 8601).") from error


class Command(BaseCommand):
    help = "Store an article from a text file and extract its claims. The same text again is a no-op."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--title", default="")
        parser.add_argument("--url", default="")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--published-at", default=None)
        parser.add_argument(
            "--team", default="Newsroom", help="Team that owns the article (created if missing)."
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            body = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        team, _ = Team.objects.get_or_create(name=options["team"])
        try:
            digest = content_hash(services.article_body_validate(body))
            before = (
                Article.objects.filter(team=team, content_hash=digest)
                .values_list("status", flat=True)
                .first()
            )
            article, created = services.article_submit(
                team=team,
                submitted_by=None,
                title=options["title"] or path.stem.replace("-", " ").capitalize(),
                body=body,
                url=options["url"],
                publisher=options["publisher"],
                published_at=parse_when(options["published_at"]),
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        article = Article.objects.get(pk=article.pk)
        if created:
            verb = "Stored"
        elif before == Article.Status.FAILED:
            verb = "Processed again after a failure:"
        else:
            verb = "Already stored, nothing changed:"
        claims = article.claims.all()
        self.stdout.write(
            f"{verb} article {article.pk} “{article.title}” ({article.status}): "
            f"{claims.count()} claims, {claims.filter(duplicate_of__isnull=False).count()} repeated, "
            f"{len(article.body):,} characters."
        )
        if article.status == Article.Status.FAILED:
            raise CommandError(f"Processing failed: {article.error}")
