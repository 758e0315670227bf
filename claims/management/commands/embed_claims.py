"""Fill in claim embeddings: those missing (after a model outage, or claims from before), or all."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from claims.models import Claim
from claims.similarity import checkworthiness, embeddings

BATCH = 256
SCORE_FIELDS = ["checkworthiness", "checkworthiness_source", "reason", "reasons"]


class Command(BaseCommand):
    help = "Compute sentence embeddings for claims that have none (or, with --all, for every claim)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="re-embed every claim, e.g. after a model change"
        )
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        claims = Claim.objects.order_by("pk")
        if not options["all"]:
            claims = claims.filter(embedding__isnull=True)
        ids = list(claims.values_list("pk", flat=True))
        if not ids:
            self.stdout.write("No claims to embed.")
            return
        try:
            embeddings.get_model()
        except embeddings.EmbeddingModelUnavailable as error:
            raise CommandError(error.message) from error
        size = max(1, options["batch_size"])
        with tqdm(total=len(ids), unit="claim", disable=options["verbosity"] == 0) as progress:
            for start in range(0, len(ids), size):
                progress.update(self._embed(ids[start : start + size]))
        self.stdout.write(self.style.SUCCESS(f"Embedded {len(ids)} claims."))

    def _embed(self, ids: list[int]) -> int:
        batch = list(Claim.objects.filter(pk__in=ids).only("pk", "text"))
        vectors = embeddings.embed_texts([claim.text for claim in batch])
        for claim, vector in zip(batch, vectors, strict=True):
            claim.embedding = vector
        fields = ["embedding"]
        if checkworthiness.score_claims(batch, vectors):  # once embedded, the model scores it
            fields += SCORE_FIELDS
        # Only the vector and score: a concurrent edit of the claim's text or status is not overwritten.
        Claim.objects.bulk_update(batch, fields)
        return len(batch)
