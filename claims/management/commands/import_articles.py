from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from claims.models import Team
from claims.services import importing


class Command(BaseCommand):
    help = (
        "Import many articles (text/HTML files, folders, or a JSON Lines file) with a progress bar. "
        "Resumable: articles already imported are skipped by content hash."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="Files or folders of .txt/.html articles.")
        parser.add_argument(
            "--jsonl",
            type=Path,
            help="One JSON object a line: {body, title?, url?, publisher?, published_at?}.",
        )
        parser.add_argument(
            "--team", default="Newsroom", help="Team that owns the articles (created if missing)."
        )
        parser.add_argument("--batch-size", type=int, default=16, help="Articles encoded together.")

    def handle(self, *args: Any, paths: list[Path], jsonl: Path | None, **options: Any) -> None:
        paths = [Path(path) for path in paths]
        jsonl = Path(jsonl) if jsonl else None
        if bool(paths) == bool(jsonl):
            raise CommandError("Give article files or folders, or --jsonl FILE (not both).")
        sources = [jsonl] if jsonl else paths
        missing = [str(path) for path in sources if not path.exists()]
        if missing:
            raise CommandError(f"Not found: {', '.join(missing)}")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        items = list(importing.items_from_jsonl(jsonl) if jsonl else importing.items_from_paths(paths))
        team, _ = Team.objects.get_or_create(name=options["team"])
        with tqdm(total=len(items), unit="article", dynamic_ncols=True, file=self.stderr) as bar:

            def progress(summary: importing.ImportSummary) -> None:
                bar.update(summary.seen - bar.n)
                bar.set_postfix(claims=summary.claims, failed=len(summary.failed))

            summary = importing.articles_import(
                team=team, items=items, batch_size=options["batch_size"], on_progress=progress
            )
        rate = summary.imported / summary.seconds if summary.seconds else 0.0
        self.stdout.write(
            f"Imported {summary.imported} articles ({summary.claims} claims), "
            f"skipped {summary.skipped} already imported, {len(summary.failed)} failed, "
            f"in {summary.seconds:.1f}s ({rate:.2f} articles/s)."
        )
        for label, message in summary.failed:
            self.stdout.write(f"  failed: {label}: {message}")
