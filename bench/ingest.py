"""Ingest throughput: 200 generated articles through the bulk importer (extract, embed in
batches, link duplicates, store), next to the raw encoder on the same claim texts.
Target: ingest time <= 1.5x the encoder's time.

    .venv/bin/python bench/ingest.py [--articles 200] [--batch-size 16] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from _support import BENCH_DATA_DIR, PROJECT
from articles import articles

from claims.extraction.pipeline import extract_claims


def setup_django() -> None:
    os.environ["FACTCHECK_DATA_DIR"] = BENCH_DATA_DIR
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["HF_HUB_OFFLINE"] = "1"
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


def measure(count: int, batch_size: int) -> dict[str, float]:
    setup_django()
    from django.db import connection

    from claims.models import Article, Claim, Team
    from claims.services import importing
    from claims.similarity import embeddings

    team, _ = Team.objects.get_or_create(name="Bench ingest desk")
    Article.objects.filter(team=team).delete()
    # Each run starts from the same table: without this, the last run's deleted rows stay in
    # the HNSW index until autovacuum gets to them, and every search steps over them.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE claims_claim, claims_article, claims_claimsuggestion")
    # Warm both models, so the run measures work, not loading.
    extract_claims("The council approved 12 new bus lines in 2024, the mayor said.")
    embeddings.embed_texts(["warm up"])

    items = [
        importing.ImportItem(
            label=f"generated:{index}",
            body=article["body"],
            title=article["title"],
            publisher=article["publisher"],
            published_at=importing.parse_moment(article["published_at"]),
        )
        for index, article in enumerate(articles(count))
    ]
    started = time.perf_counter()
    summary = importing.articles_import(team=team, items=items, batch_size=batch_size)
    ingest_seconds = time.perf_counter() - started
    if summary.failed:
        raise RuntimeError(f"{len(summary.failed)} articles failed: {summary.failed[:3]}")

    # The raw encoder: sentence-transformers itself, in the batches the importer uses, on every
    # claim text; then on each distinct text once. The importer encodes a repeated text once
    # (embed_texts), so the second is the stricter baseline when the articles repeat sentences.
    texts = list(Claim.objects.filter(article__team=team).values_list("text", flat=True))
    encoder_seconds = raw_encoder_seconds(embeddings.get_model(), texts, embeddings.BATCH_SIZE)
    distinct = list(dict.fromkeys(texts))
    distinct_seconds = raw_encoder_seconds(embeddings.get_model(), distinct, embeddings.BATCH_SIZE)
    return {
        "articles": summary.imported,
        "claims": summary.claims,
        "ingest_s": ingest_seconds,
        "encoder_s": encoder_seconds,
        "articles_per_s": summary.imported / ingest_seconds,
        "claims_per_s": summary.claims / ingest_seconds,
        "ratio": ingest_seconds / encoder_seconds,
        "distinct_claims": len(distinct),
        "distinct_encoder_s": distinct_seconds,
        "distinct_ratio": ingest_seconds / distinct_seconds,
    }


def raw_encoder_seconds(model: Any, texts: list[str], batch_size: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(texts), 1024):
        model.encode(texts[start : start + 1024], batch_size=batch_size, normalize_embeddings=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.articles, args.batch_size)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['articles']:.0f} articles, {result['claims']:.0f} claims")
    print(f"ingest   {result['ingest_s']:7.1f}s  {result['articles_per_s']:.1f} articles/s, "
          f"{result['claims_per_s']:.0f} claims/s")  # fmt: skip
    print(f"encoder  {result['encoder_s']:7.1f}s  (raw sentence-transformers on the same claim texts)")
    print(f"ratio    {result['ratio']:7.2f}x  (target <= 1.5x)")
    distinct = f"{result['distinct_claims']:.0f} distinct claim texts"
    print(f"distinct {result['distinct_encoder_s']:7.1f}s  (the raw encoder on the {distinct})")
    print(f"ratio    {result['distinct_ratio']:7.2f}x  to the raw encoder on distinct texts")


if __name__ == "__main__":
    main()
