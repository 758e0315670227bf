"""The statistics check on the labelled set in tests/data/statistics/: hint accuracy
(`consistent` / `differs` / `no_comparable_figure`) and the row-match precision@1, on the
development half, the held-out half (written after the rules were set) and both; then, with
`--rows N`, the p50 time to match a claim with N table rows stored.

Each claim goes through what an article's claims go through: extraction (quantities and dates,
resolved against the publication date), the sentence embedding, then the matching. The tables are
uploaded through the same service as the API's, shared with all teams. Everything happens in a
database of its own (FACTCHECK_TEST_DATABASE, default `bench_statistics`), inside a transaction
that is rolled back.

    DJANGO_SECRET_KEY=... python bench/statistics_eval.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("FACTCHECK_TEST_DATABASE", "bench_statistics")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from claims.extraction.pipeline import extract_claims  # noqa: E402
from claims.models import Article, Claim, Team, content_hash  # noqa: E402
from claims.similarity.embeddings import embed_texts  # noqa: E402
from sources import matching, reference_tables  # noqa: E402
from sources.models import ReferenceLabel, ReferenceRow, ReferenceTable  # noqa: E402

DATA = PROJECT / "tests" / "data" / "statistics"
SETS = {"dev": DATA / "dev.jsonl", "heldout": DATA / "heldout.jsonl"}


class Rollback(Exception):
    pass


def load_tables() -> dict[str, ReferenceTable]:
    tables = {}
    for spec in json.loads((DATA / "tables.json").read_text()):
        path = DATA / spec["file"]
        tables[spec["file"]] = reference_tables.reference_table_create(
            by=None,
            team=None,
            name=spec["name"],
            publisher=spec["publisher"],
            source_url=spec["source_url"],
            retrieved_at=datetime.fromisoformat(spec["retrieved_at"]).date(),
            content=path.read_bytes(),
            filename=path.name,
            mapping=spec.get("mapping"),
        )
    return tables


def stored_claims(items: list[dict[str, Any]], team: Team) -> list[Claim]:
    """Each labelled sentence as an article of its own, its claims merged into one, as extracted."""
    claims = []
    vectors = embed_texts([item["text"] for item in items])
    for index, (item, vector) in enumerate(zip(items, vectors, strict=True)):
        published = datetime.fromisoformat(item["published_at"]).replace(tzinfo=UTC)
        extracted = extract_claims(item["text"], published_at=published)
        body = item["text"]
        article = Article.objects.create(
            team=team, title=f"Statistics {index}", body=body, content_hash=content_hash(body),
            published_at=published, status=Article.Status.DONE,
        )  # fmt: skip
        claims.append(
            Claim.objects.create(
                article=article,
                text=body,
                quote=body,
                start=0,
                end=len(body),
                quantities=[q for claim in extracted for q in claim.quantities],
                dates=[d for claim in extracted for d in claim.dates],
                embedding=vector,
            )
        )
    return claims


def expected_row(item: dict[str, Any], tables: dict[str, ReferenceTable]) -> int | None:
    if not item.get("table"):
        return None
    row = ReferenceRow.objects.get(table=tables[item["table"]], label=item["label"], period=item["period"])
    return row.pk


def evaluate(name: str, items: list[dict[str, Any]], claims: list[Claim], tables: dict[str, Any]) -> None:
    right_hints, right_rows, with_row = 0, 0, 0
    confusion: Counter[tuple[str, str]] = Counter()
    misses = []
    for item, claim in zip(items, claims, strict=True):
        found = matching.claim_figures(claim)
        hint = matching.claim_hint(found)
        confusion[(item["hint"], hint)] += 1
        right_hints += hint == item["hint"]
        wanted = expected_row(item, tables)
        top = found[0].row.pk if found and found[0].claim_value is not None else None
        if wanted is not None:
            with_row += 1
            right_rows += top == wanted
        if hint != item["hint"] or (wanted is not None and top != wanted):
            got = f"{found[0].row.label} {found[0].row.period} ({found[0].score:.2f})" if found else "-"
            misses.append(f"  {item['hint']:>20} -> {hint:<20} top: {got:<28} {item['text']}")
    print(f"{name}: {len(items)} claims ({with_row} with a labelled row)")
    print(f"  hint accuracy     {right_hints / len(items):.3f}  ({right_hints}/{len(items)})")
    print(f"  row precision@1   {right_rows / with_row:.3f}  ({right_rows}/{with_row})")
    labels = ["consistent", "differs", "no_comparable_figure"]
    print("  confusion (labelled -> hinted): " + "; ".join(
        f"{a}->{b}: {confusion[(a, b)]}" for a in labels for b in labels if confusion[(a, b)]
    ))  # fmt: skip
    for line in misses:
        print(line)


FILLER_WORDS = "region district index output rate share level growth spending stock sales area cost"


def fill_rows(count: int, periods: int) -> None:
    """`count` rows in a filler table: random labels (with random vectors), each given for
    `periods` consecutive years, in five dimensions."""
    table = ReferenceTable.objects.create(
        name="Filler indicators", publisher="bench", source_url="https://bench.example.org/filler",
        retrieved_at=datetime(2024, 1, 1).date(), row_count=count,
    )  # fmt: skip
    # Building the index once is far faster than growing it a row at a time; the transaction rolls
    # the drop back with everything else.
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX reference_label_vector_hnsw")
    rng = np.random.default_rng(7)
    dimensions = ["count", "percent", "currency:USD", "kg", "m"]
    words = FILLER_WORDS.split(" ")
    labels, rows = [], []
    for number in range(count // periods):
        vector = rng.standard_normal(384).astype(np.float32)
        vector /= np.linalg.norm(vector)
        label = f"{words[number % len(words)]} {words[(number // 13) % len(words)]} {number}"
        labels.append(
            ReferenceLabel(table=table, label=label, text=f"Filler indicators: {label}", embedding=vector)
        )
    labels = ReferenceLabel.objects.bulk_create(labels, batch_size=2000)
    for number in range(count):
        series = labels[number % len(labels)]
        year = 2000 + (number % len(labels)) % 19 + number // len(labels)
        rows.append(
            ReferenceRow(
                table=table, series=series, row_number=number + 2, label=series.label, period=str(year),
                period_start=datetime(year, 1, 1).date(), period_end=datetime(year, 12, 31).date(),
                value=float(number % 1000), unit="", si_value=float(number % 1000),
                dimension=dimensions[number % len(dimensions)],
            )
        )  # fmt: skip
    ReferenceRow.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the rows' deferred foreign key checks, now
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(
            "CREATE INDEX reference_label_vector_hnsw ON sources_referencelabel "
            "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
        )
        cursor.execute("ANALYZE sources_referencelabel")
        cursor.execute("ANALYZE sources_referencerow")


def latency(claims: list[Claim], rounds: int = 3) -> tuple[float, float]:
    timings = []
    for claim in claims:
        matching.claim_figures(claim)  # warm: plans and pages
    for _ in range(rounds):
        for claim in claims:
            start = time.perf_counter()
            matching.claim_figures(claim)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=0, help="Also time matching with this many rows stored.")
    parser.add_argument(
        "--periods", type=int, default=5, help="Periods per filler label (1: every row its own label)."
    )
    options = parser.parse_args()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)
    try:
        with transaction.atomic():
            run(options.rows, options.periods)
            raise Rollback
    except Rollback:
        pass


def run(rows: int, periods: int) -> None:
    tables = load_tables()
    team = Team.objects.create(name="Statistics bench desk")
    sets = {name: [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            for name, path in SETS.items() if path.exists()}  # fmt: skip
    claims = {name: stored_claims(items, team) for name, items in sets.items()}
    for name, items in sets.items():
        evaluate(name, items, claims[name], tables)
    if len(sets) > 1:
        evaluate("all", [i for items in sets.values() for i in items],
                 [c for found in claims.values() for c in found], tables)  # fmt: skip
    everything = [claim for found in claims.values() for claim in found]
    p50, p95 = latency(everything)
    stored = ReferenceRow.objects.count()
    print(f"matching a claim, {stored:,} rows stored: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    if rows:
        started = time.perf_counter()
        fill_rows(rows - stored, periods)
        elapsed, labels = time.perf_counter() - started, ReferenceLabel.objects.count()
        print(f"  ({rows - stored:,} filler rows, {labels:,} labels in all, stored in {elapsed:.0f} s)")
        p50, p95 = latency(everything)
        stored = ReferenceRow.objects.count()
        print(f"matching a claim, {stored:,} rows stored: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
