"""Ingest time of a ~15 KB article with embeddings, warm: extraction, embedding (with the
within-article near-duplicate pass), and the write transaction with cross-article suggestions.

The team already holds earlier articles (generated, same topics), so the suggestion search has
real candidates. Target: whole ingest ≤ 3 s warm.

    FACTCHECK_DATA_DIR=/tmp/fc-bench .venv/bin/python bench/similarity_ingest.py [--bytes 15000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("FACTCHECK_DATA_DIR", "/tmp/fc-bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.pop("CELERY_BROKER_URL", None)

import django

django.setup()

from articles import article  # noqa: E402
from django.core.management import call_command  # noqa: E402

from claims.extraction.pipeline import extract_claims  # noqa: E402
from claims.models import Article, ClaimSuggestion, Team, content_hash  # noqa: E402  # noqa: E402
from claims.pipeline.processing import article_process  # noqa: E402
from claims.similarity.duplicates import ingest_vectors  # noqa: E402

TEAM = "Ingest benchmark desk"


def body_of(size: int, rng: random.Random) -> str:
    """Whole generated paragraphs, as many as fit in `size` bytes."""
    paragraphs: list[str] = []
    while True:
        for paragraph in article(rng, len(paragraphs))["body"].split("\n"):
            if len("\n".join([*paragraphs, paragraph]).encode()) > size:
                return "\n".join(paragraphs)
            paragraphs.append(paragraph)


def stored(team: Team, body: str, title: str) -> Article:
    return Article.objects.create(team=team, title=title, body=body, content_hash=content_hash(body))


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bytes", type=int, default=15_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--earlier", type=int, default=20, help="articles the team already has")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(11)
    team, _ = Team.objects.get_or_create(name=TEAM)
    Article.objects.filter(team=team).delete()
    for index in range(args.earlier):
        article_process(article_id=stored(team, body_of(3000, rng), f"Earlier {index}").pk)
    print(f"team has {Article.objects.filter(team=team).count()} articles", flush=True)

    totals, extraction_times, embedding_times = [], [], []
    for run in range(args.runs + 1):  # the first run warms spaCy and the embedding model
        body = body_of(args.bytes, rng)
        target = stored(team, body, f"Run {run}")
        extracted, extraction_time = timed(extract_claims, body, published_at=None)
        _, embedding_time = timed(ingest_vectors, extracted)
        _, total = timed(article_process, article_id=target.pk)
        claims = target.claims.count()
        linked = target.claims.filter(duplicate_of__isnull=False).count()
        suggestions = ClaimSuggestion.objects.filter(claim__article=target).count()
        label = "warm-up" if run == 0 else f"run {run}"
        print(
            f"{label:8} {len(body.encode()):,} bytes, {claims} claims ({linked} linked as repeats), "
            f"{suggestions} suggestions: "
            f"ingest {total:.2f} s (extraction {extraction_time:.2f} s, embedding {embedding_time:.2f} s)",
            flush=True,
        )
        if run:
            totals.append(total)
            extraction_times.append(extraction_time)
            embedding_times.append(embedding_time)
    rest = (
        statistics.median(totals) - statistics.median(extraction_times) - statistics.median(embedding_times)
    )
    print(
        f"\nwarm median: ingest {statistics.median(totals):.2f} s = extraction "
        f"{statistics.median(extraction_times):.2f} s + embedding {statistics.median(embedding_times):.2f} s "
        f"+ write and suggestions {rest:.2f} s (target ≤ 3 s)"
    )


if __name__ == "__main__":
    main()
