import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.errors import DomainError
from claims.extraction import cleaning
from claims.extraction.claim import ExtractedClaim
from claims.extraction.pipeline import extract_claims
from claims.management.commands.ingest import parse_when
from claims.similarity import embeddings
from claims.similarity.duplicates import ingest_vectors

FIELDS = (
    "text", "quote", "start", "end", "checkworthiness", "checkworthiness_source", "reason", "reasons",
    "quantities", "dates", "flags", "duplicate_of", "rewrites", "needs_context",
)  # fmt: skip


class Command(BaseCommand):
    help = "Print the claims extracted from a text or HTML file, without storing anything."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--published-at", default=None, help="YYYY-MM-DD or ISO 8601")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        body = cleaning.clean_text(raw)
        language = cleaning.detect_language(body)
        try:
            claims = extract_claims(
                body,
                published_at=parse_when(options["published_at"]),
                language="en" if language == "und" else language,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        scored_as_ingest(claims)
        rows = [{key: value for key, value in asdict(claim).items() if key in FIELDS} for claim in claims]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(rows))


def scored_as_ingest(claims: list[ExtractedClaim]) -> None:
    """With the embedding model installed, the model scores (and repeats) an ingest would give;
    without it, extraction's cue scores."""
    try:
        vectors = embeddings.embed_texts([claim.text for claim in claims])
    except embeddings.EmbeddingModelUnavailable:
        return
    ingest_vectors(claims, vectors=vectors)


def table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'score':>5}  {'start':>6}  {'end':>6}  claim"]
    for row in rows:
        details = [q["text"] for q in row["quantities"]] + [f"{d['text']}={d['date']}" for d in row["dates"]]
        line = f"{row['checkworthiness']:>5.2f}  {row['start']:>6}  {row['end']:>6}  {row['text']}"
        if row["duplicate_of"] is not None:
            line += f"  (repeats claim {row['duplicate_of'] + 1})"
        if details:
            line += f"  [{'; '.join(details)}]"
        if row["needs_context"]:
            line += "  (needs context)"
        lines.append(line)
        lines += [f"{'':>21}~ {r['original']} → {r['replacement']}" for r in row["rewrites"]]
        lines += [f"{'':>21}! {flag['message']}" for flag in row["flags"]]
        if row["reasons"]:
            lines.append(f"{'':>21}why ({row['checkworthiness_source']}): {'; '.join(row['reasons'])}")
    return "\n".join(lines)
