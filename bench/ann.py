"""Similar-claims search speed and recall: the service call vs bare pgvector SQL vs FAISS HNSW.

Loads N random-but-clustered 384-d unit vectors (with synthetic texts) into the claims table of
a separate benchmark database, then, for a sample of claims, times

  * `claims.similarity.search.similar_claims` (HNSW + full-text candidates, fusion, re-ranking, access),
  * the bare pgvector query `ORDER BY embedding <=> q LIMIT 10` on the same HNSW index,
  * FAISS `IndexHNSWFlat` (M=16, efConstruction=64, the same efSearch) in memory,

and measures recall@10 of each against exact search (numpy, all vectors).

    FACTCHECK_DATA_DIR=/tmp/fc-bench .venv/bin/python bench/ann.py --n 100000

FACTCHECK_SIMILARITY_EF_SEARCH sets ef_search for all three (default 40). The loaded vectors and
the FAISS index stay in the data dir and are reused by the next run with the same --n.

Never point it at the development database: it replaces the claims of its own team only,
but loading 100k rows is not something a dev database wants.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("FACTCHECK_DATA_DIR", "/tmp/fc-bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ["HF_HUB_OFFLINE"] = "1"

import django

django.setup()

import faiss  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from pgvector.psycopg import register_vector  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from bench.cpu import CpuClock, load_average, percentile  # noqa: E402
from claims.models import Article, Claim, Team, content_hash  # noqa: E402
from claims.similarity.duplicates import facts_to_store  # noqa: E402
from claims.similarity.search import similar_claims  # noqa: E402

DIMENSIONS = 384
TEAM = "ANN benchmark desk"
CLAIMS_PER_ARTICLE = 1000
VOCABULARY = 30_000
# The most frequent synthetic words play the role of stop words and are left out of texts.
SKIPPED_TOP_WORDS = 50
WORDS_PER_TEXT = 14


def clustered_vectors(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors around n/50 random centres; neighbours share a centre (cosine ~0.55-0.8)."""
    clusters = max(1, n // 50)
    centres = rng.standard_normal((clusters, DIMENSIONS)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = rng.integers(0, clusters, n)
    spread = rng.uniform(0.5, 0.9, clusters).astype(np.float32)[labels, None]
    noise = rng.standard_normal((n, DIMENSIONS)).astype(np.float32) / np.sqrt(DIMENSIONS)
    vectors = centres[labels] + spread * noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def synthetic_texts(n: int, rng: np.random.Generator) -> list[str]:
    """Zipf-distributed words, so full-text search sees common and rare terms as in real text."""
    ranks = np.arange(SKIPPED_TOP_WORDS + 1, VOCABULARY + 1)
    weights = 1.0 / ranks
    weights /= weights.sum()
    words = rng.choice(ranks, size=(n, WORDS_PER_TEXT), p=weights)
    # One name and one figure per claim, as in news: "Officials told Lopez that 300 ...".
    names = rng.choice(ranks[:5000], size=n, p=weights[:5000] / weights[:5000].sum())
    figures = rng.integers(1, 2000, n)
    return [
        f"Officials told Name{name} that {figure} " + " ".join(f"term{word}" for word in row) + "."
        for row, name, figure in zip(words, names, figures, strict=True)
    ]


def load(n: int, seed: int) -> tuple[User, np.ndarray, list[int]]:
    rng = np.random.default_rng(seed)
    team, _ = Team.objects.get_or_create(name=TEAM)
    user, _ = User.objects.get_or_create(username="ann-bench")
    team.members.add(user)
    Article.objects.filter(team=team).delete()
    print(f"generating {n:,} vectors ...", flush=True)
    vectors = clustered_vectors(n, rng)
    texts = synthetic_texts(n, rng)
    articles = Article.objects.bulk_create(
        Article(
            team=team,
            title=f"Benchmark article {index}",
            body=f"Benchmark article {index}.",
            content_hash=content_hash(f"Benchmark article {index}."),
            language="en",
            status=Article.Status.DONE,
        )
        for index in range((n + CLAIMS_PER_ARTICLE - 1) // CLAIMS_PER_ARTICLE)
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS claim_embedding_hnsw")
        raw = connection.connection
        register_vector(raw)
        columns = (
            'article_id, text, quote, start, "end", checkworthiness, checkworthiness_source, reason, '
            "reasons, status, embedding, quantities, dates, facts, flags, rewrites, needs_context, version, "
            "created_at, updated_at"
        )
        with raw.cursor().copy(f"COPY claims_claim ({columns}) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(
                [
                    *("int8", "text", "text", "int4", "int4", "float8", "text", "text", "jsonb", "text"),
                    *("vector", "jsonb", "jsonb", "jsonb", "jsonb", "jsonb", "bool", "int4"),
                    *("timestamptz", "timestamptz"),
                ]
            )
            now = timezone.now()
            for index in range(n):
                article = articles[index // CLAIMS_PER_ARTICLE]
                text = texts[index]
                # Stored as ingest stores them (claims_replace), so a search parses nothing.
                facts = facts_to_store(text=text, quantities=[], dates=[])
                copy.write_row(
                    [
                        *(article.pk, text, text, 0, len(text), 0.5, "cues", "", Jsonb([]), "new"),
                        *(vectors[index], Jsonb([]), Jsonb([]), Jsonb(facts), Jsonb([]), Jsonb([]), False, 1),
                        *(now, now),
                    ]
                )
        print(f"copied {n:,} rows in {time.perf_counter() - started:.1f} s; building HNSW ...", flush=True)
        started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "CREATE INDEX claim_embedding_hnsw ON claims_claim "
            "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
        )
        cursor.execute("ANALYZE claims_claim")
        cursor.execute("ANALYZE claims_article")
    print(f"built HNSW in {time.perf_counter() - started:.1f} s", flush=True)
    return user, vectors, _claim_ids(team)


def _claim_ids(team: Team) -> list[int]:
    return list(Claim.objects.filter(article__team=team).order_by("pk").values_list("pk", flat=True))


def loaded(n: int, seed: int) -> tuple[User, np.ndarray, list[int]] | None:
    """The vectors already in the benchmark database, if it holds exactly n of them."""
    team = Team.objects.filter(name=TEAM).first()
    if team is None or Claim.objects.filter(article__team=team).count() != n:
        return None
    ids = _claim_ids(team)
    # Streamed in binary into one array: a million vectors through the ORM need ~20 GB.
    vectors = np.empty((n, DIMENSIONS), dtype=np.float32)
    connection.ensure_connection()
    register_vector(connection.connection)
    with transaction.atomic(), connection.connection.cursor(name="ann_vectors", binary=True) as cursor:
        cursor.itersize = 10_000
        cursor.execute(
            "SELECT claim.embedding FROM claims_claim AS claim JOIN claims_article AS article"
            " ON article.id = claim.article_id WHERE article.team_id = %s ORDER BY claim.id",
            [team.pk],
        )
        for index, (vector,) in enumerate(cursor):
            vectors[index] = vector.to_numpy()
    return User.objects.get(username="ann-bench"), vectors, ids


def size_buffers(wanted: str) -> None:
    """Give the benchmark cluster room for the HNSW index and the heap (the default 128MB holds
    neither at 100k), so latency measures search, not reads from the OS page cache."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setting::bigint * 8192, pg_size_bytes(%s) FROM pg_settings WHERE name = 'shared_buffers'",
            [wanted],
        )
        current, target = cursor.fetchone()
        if current >= target:
            return
        cursor.execute(f"ALTER SYSTEM SET shared_buffers = '{wanted}'")
    connection.close()
    call_command("dbserver", "stop")
    print(f"shared_buffers set to {wanted}; benchmark server restarted", flush=True)


def prewarm() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cursor.execute("SELECT pg_prewarm('claims_claim'), pg_prewarm('claim_embedding_hnsw')")


def exact_top(vectors: np.ndarray, probes: np.ndarray, k: int) -> np.ndarray:
    scores = vectors @ vectors[probes].T
    scores[probes, np.arange(len(probes))] = -np.inf  # not the probe itself
    top = np.argpartition(-scores, k, axis=0)[:k]  # the k best of each column, unordered
    return np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, axis=0), axis=0), axis=0).T


def recall(found: list[set[int]], truth: list[set[int]]) -> float:
    return statistics.fmean(len(f & t) / len(t) for f, t in zip(found, truth, strict=True))


# CPU milliseconds of each call (this process and the database backend serving it), by call kind:
# on shared cores they mean more than wall time.
CPU_MS: dict[str, list[float]] = {}


def time_calls(calls: list, warmup: int = 5, *, name: str = "") -> tuple[list[float], list]:
    for call in calls[:warmup]:
        call()
    latencies, results, cpu = [], [], []
    clock = CpuClock()
    for call in calls:
        clock.lap()
        results.append(call())
        wall, process, backend = clock.lap()
        latencies.append(wall)
        cpu.append(process + (backend or 0.0))
    CPU_MS[name] = cpu
    return latencies, results


def bench_service(
    user: User, ids: list[int], probes: np.ndarray, k: int
) -> tuple[list[float], list[set[int]]]:
    claims = {
        claim.pk: claim
        for claim in Claim.objects.filter(pk__in=[ids[p] for p in probes]).select_related("article")
    }
    calls = [(lambda claim=claims[ids[p]]: similar_claims(claim=claim, user=user, limit=k)) for p in probes]
    latencies, results = time_calls(calls, name="similar_claims service")
    return latencies, [{found.claim.pk for found in result} for result in results]


def bench_sql(
    vectors: np.ndarray, ids: list[int], probes: np.ndarray, k: int
) -> tuple[list[float], list[set[int]]]:
    raw = connection.connection
    register_vector(raw)
    cursor = raw.cursor()
    cursor.execute(f"SET hnsw.ef_search = {int(settings.FACTCHECK_SIMILARITY_EF_SEARCH)}")

    def query(p: int) -> set[int]:
        cursor.execute("SELECT id FROM claims_claim ORDER BY embedding <=> %s LIMIT %s", [vectors[p], k + 1])
        return {pk for pk in [row[0] for row in cursor.fetchall() if row[0] != ids[p]][:k]}

    latencies, results = time_calls([(lambda p=p: query(p)) for p in probes], name="bare pgvector SQL")
    cursor.execute("RESET hnsw.ef_search")
    return latencies, results


def faiss_index(vectors: np.ndarray, cache: Path) -> faiss.Index:
    """FAISS HNSW over the vectors, kept next to the benchmark cluster (a 1M build takes ~10 min)."""
    if cache.exists():
        return faiss.read_index(str(cache))
    started = time.perf_counter()
    index = faiss.IndexHNSWFlat(DIMENSIONS, 16, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 64
    index.add(vectors)
    print(f"FAISS HNSW built in {time.perf_counter() - started:.1f} s", flush=True)
    faiss.write_index(index, str(cache))
    return index


def bench_faiss(
    vectors: np.ndarray, ids: list[int], probes: np.ndarray, k: int, cache: Path
) -> tuple[list[float], list[set[int]]]:
    index = faiss_index(vectors, cache)
    index.hnsw.efSearch = settings.FACTCHECK_SIMILARITY_EF_SEARCH

    def query(p: int) -> set[int]:
        _, found = index.search(vectors[p : p + 1], k + 1)
        return {ids[i] for i in [i for i in found[0] if i >= 0 and i != p][:k]}

    latencies, results = time_calls([(lambda p=p: query(p)) for p in probes], name="FAISS HNSW")
    return latencies, results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="vectors to load (default 100k)")
    parser.add_argument("--queries", type=int, default=200, help="probe claims to time")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reload", action="store_true", help="load again even if N vectors are there")
    parser.add_argument("--shared-buffers", default="1GB", help="for the benchmark cluster (default 1GB)")
    args = parser.parse_args()
    print(f"database: {settings.DATABASES['default'].get('HOST')}", flush=True)
    call_command("migrate", verbosity=0)
    size_buffers(args.shared_buffers)
    state = None if args.reload else loaded(args.n, args.seed)
    cache = settings.FACTCHECK_DATA_DIR / f"faiss-hnsw-{args.n}-{args.seed}.index"
    if state is None:
        cache.unlink(missing_ok=True)
    user, vectors, ids = state or load(args.n, args.seed)
    prewarm()
    probes = np.random.default_rng(args.seed + 1).choice(
        len(ids), size=min(args.queries, len(ids)), replace=False
    )
    truth = [{ids[i] for i in row} for row in exact_top(vectors, probes, args.k)]
    rows = [
        ("similar_claims service", *bench_service(user, ids, probes, args.k)),
        ("bare pgvector SQL", *bench_sql(vectors, ids, probes, args.k)),
        ("FAISS HNSW", *bench_faiss(vectors, ids, probes, args.k, cache)),
    ]
    base = statistics.median(rows[1][1])
    ef_search = settings.FACTCHECK_SIMILARITY_EF_SEARCH
    print(f"\nN={args.n:,}  queries={len(probes)}  k={args.k}  ef_search={ef_search}")
    print(
        f"{'':24} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'CPU p95':>8} {'recall@10':>10} "
        f"{'p50 / bare SQL':>15}"
    )
    for name, latencies, found in rows:
        p50 = statistics.median(latencies)
        p95 = float(np.percentile(latencies, 95))
        cpu = CPU_MS[name]
        print(
            f"{name:24} {p50:8.2f} {p95:8.2f} {percentile(cpu, 0.5):8.2f} {percentile(cpu, 0.95):8.2f} "
            f"{recall(found, truth):10.3f} {p50 / base:15.2f}"
        )
    print(
        f"CPU: this process and the database backend serving it (bench/cpu.py); load average {load_average()}"
    )


if __name__ == "__main__":
    main()
