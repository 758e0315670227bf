"""Re-score stored claims with the learned check-worthiness model, e.g. after a model update."""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from claims.models import Claim
from claims.services.checkworthiness import claims_rescore
from claims.similarity import checkworthiness

logger = logging.getLogger(__name__)

BATCH = 500


class Command(BaseCommand):
    help = (
        "Score embedded claims still holding a cue score with the learned model (or, with --all, every "
        "embedded claim, after a model update). Claims without an embedding need embed_claims first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="re-score every embedded claim")
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        learned = checkworthiness.model()
        if learned is None:
            raise CommandError(f"No usable check-worthiness model in {checkworthiness.MODEL_FILE}.")
        claims = Claim.objects.filter(embedding__isnull=False).order_by("pk")
        if not options["all"]:
            claims = claims.exclude(checkworthiness_source=Claim.ScoreSource.MODEL)
        ids = list(claims.values_list("pk", flat=True))
        if not ids:
            self.stdout.write("No claims to re-score.")
            return
        size = max(1, options["batch_size"])
        changed = 0
        with tqdm(total=len(ids), unit="claim", disable=options["verbosity"] == 0) as progress:
            for start in range(0, len(ids), size):
                batch = ids[start : start + size]
                changed += claims_rescore(ids=batch)
                progress.update(len(batch))
        logger.info(
            "Re-scored %d claims with check-worthiness model version %d: %d changed (each audited).",
            len(ids),
            learned.version,
            changed,
        )
        self.stdout.write(self.style.SUCCESS(f"Re-scored {len(ids)} claims: {changed} changed."))
