"""'Checked before?' on public data: CLEF CheckThat! 2022 task 2A (English), train or dev queries.

    .venv/bin/python bench/checkthat_eval.py [--split dev|train] [--limit N] [--configs ...]

Imports `../shared/data/checkthat2022/corpus.jsonl` (14,231 verified claims from Snopes) through
the product's own bulk import: each verified claim becomes an article, its text the body and the
fact-check's title the article title. The import runs once into a database of its own
(FACTCHECK_DATA_DIR, default /tmp/fc-checkthat) and is reused by later runs.

Then every query (a tweet) goes through the match endpoint's code (`claims.similarity.search`),
once per configuration:

  keyword   Postgres full-text search over the claim and its article's title only
  vector    HNSW cosine search only
  fused     both, merged by weighted reciprocal rank
  reranked  fused candidates re-ordered by the learned re-ranker (`rerank_model.json`)
  match     what `POST /api/v1/claims/match/` returns

and prints MAP@5 (the task's official measure), P@1 and recall@20 for each. An article found
several times (several claims of one verified claim) counts once, at its best rank. Each
configuration starts with an empty query-vector cache, so its p50 includes encoding.

`--stages` then times a match's stages one query at a time (re-ranked configuration, p50 and
p95): encoding (the model call the encoder makes, without the batching wait or the cache), the
SQL statement, and re-ranking. On shared cores wall time says as much about the neighbours as
about the code, so each stage also gets its CPU time: this process's (`time.process_time`, the
encoder's torch threads included), and the database backend's, read from Linux's
/proc/<pid>/schedstat (nanoseconds on a CPU, and nanoseconds waiting for one), with the
statement's `EXPLAIN ANALYZE` execution time beside it. The load average is printed before and
after.

Tune on train, report on dev; the task's test queries are not in the data folder, and this
script never reads them. `bench/train_rerank.py` learns the re-ranker from the train queries.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FACTCHECK_DATA_DIR", "/tmp/fc-checkthat")
# A process of its own, with no sessions to sign: any key will do.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.cpu import CpuClock, load_average, percentile  # noqa: E402
from claims.models import Article, Team, content_hash  # noqa: E402
from claims.services.importing import ImportSummary, articles_import, items_from_jsonl  # noqa: E402
from claims.similarity import embeddings, matching, rerank, search  # noqa: E402
from claims.similarity.queries import clean_query  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "checkthat2022"
TEAM = "CheckThat! 2022 desk"
CONFIGS = ("keyword", "vector", "fused", "reranked", "match")


def read_jsonl(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def read_qrels(path: Path) -> dict[str, set[str]]:
    relevant: dict[str, set[str]] = defaultdict(set)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                query, verified = line.split("\t")[:2]
                relevant[query].add(verified.strip())
    return relevant


def queries_of(split: str) -> tuple[list[dict[str, str]], dict[str, set[str]]]:
    if split not in {"train", "dev"}:
        raise SystemExit("only the train and dev queries are ours to use")
    return read_jsonl(DATA / f"{split}-queries.jsonl"), read_qrels(DATA / f"{split}-qrels.tsv")


def corpus_user() -> tuple[User, Team]:
    team, _ = Team.objects.get_or_create(name=TEAM)
    user, _ = User.objects.get_or_create(username="checkthat-bench")
    team.members.add(user)
    return user, team


def import_corpus(team: Team, corpus: list[dict[str, str]]) -> None:
    """The corpus through the bulk import; a second run skips what is done (by content hash)."""
    done = Article.objects.filter(team=team, status=Article.Status.DONE).count()
    if done >= len({content_hash(row["text"]) for row in corpus}):
        return
    print(f"importing {len(corpus):,} verified claims ({done:,} already done) ...", flush=True)
    path = Path(os.environ["FACTCHECK_DATA_DIR"]) / "checkthat-corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for row in corpus:
            out.write(json.dumps({"body": row["text"], "title": row["title"]}) + "\n")

    def progress(summary: ImportSummary) -> None:
        if summary.seen % 2000 < 16:
            print(f"  {summary.seen:,} seen, {summary.claims:,} claims", flush=True)

    summary = articles_import(team=team, items=items_from_jsonl(path), batch_size=64, on_progress=progress)
    # Fresh statistics, as autovacuum would give a running server: with the ones from before the
    # import the planner reads every claim instead of walking the HNSW index.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"imported {summary.imported:,}, skipped {summary.skipped:,}, failed {len(summary.failed):,}, "
        f"{summary.claims:,} claims in {summary.seconds:.0f} s",
        flush=True,
    )


def verified_ids_by_article(team: Team, corpus: list[dict[str, str]]) -> dict[int, set[str]]:
    """Each article's verified-claim ids (texts repeated in the corpus share one article)."""
    by_hash: dict[str, set[str]] = defaultdict(set)
    for row in corpus:
        by_hash[content_hash(row["text"])].add(row["id"])
    return {
        pk: by_hash.get(digest, set())
        for pk, digest in Article.objects.filter(team=team).values_list("pk", "content_hash")
    }


def average_precision_at(ranked: list[set[str]], relevant: set[str], k: int = 5) -> float:
    """AP@k as the task's scorer counts it: precision at each relevant rank, over min(|relevant|, k)."""
    hits, total = 0, 0.0
    for rank, ids in enumerate(ranked[:k], start=1):
        if ids & relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k) if relevant else 0.0


def deduplicated(article_ids: Iterable[int], articles: dict[int, set[str]]) -> list[set[str]]:
    seen: set[int] = set()
    ranked = []
    for pk in article_ids:
        if pk not in seen:
            seen.add(pk)
            ranked.append(articles.get(pk, set()))
    return ranked


Ranker = Callable[[str], list[int]]


def rankers(user: User) -> dict[str, Ranker]:
    """Article ids, best first, for a query text, per configuration."""
    articles = search.searchable_articles_sql(user)
    assert articles is not None

    def ranked(mode: str) -> Ranker:
        def run(text: str) -> list[int]:
            return [
                found.claim.article_id for found in matching.match_ranked(text, articles, mode=mode, limit=20)
            ]

        return run

    def match(text: str) -> list[int]:
        return [found.claim.article_id for found in matching.match_text(text=text, user=user, limit=20)]

    return {**{mode: ranked(mode) for mode in CONFIGS if mode != "match"}, "match": match}


def evaluate(
    ranker: Ranker, queries: list[dict[str, str]], qrels: dict[str, set[str]], articles: dict[int, set[str]]
) -> dict[str, float]:
    embeddings.reset_model()  # no vector kept from the configuration before
    embeddings.get_model()
    ap, p1, r20, seconds = [], [], [], []
    for query in queries:
        relevant = qrels.get(query["id"], set())
        if not relevant:
            continue
        started = time.perf_counter()
        found = ranker(query["text"])
        seconds.append(time.perf_counter() - started)
        ranked = deduplicated(found, articles)
        ap.append(average_precision_at(ranked, relevant))
        p1.append(float(bool(ranked and ranked[0] & relevant)))
        within_20: set[str] = set().union(*ranked[:20]) if ranked else set()
        r20.append(len(within_20 & relevant) / len(relevant))
    count = max(len(ap), 1)
    return {
        "MAP@5": sum(ap) / count,
        "P@1": sum(p1) / count,
        "R@20": sum(r20) / count,
        "p50 ms": 1000 * statistics.median(seconds) if seconds else 0.0,
        "queries": len(ap),
    }


STAGES = ("clean", "encode", "sql", "rerank")


def explained_milliseconds(sql: str, params: dict[str, Any]) -> float:
    """The statement's execution time as EXPLAIN ANALYZE measures it inside the server."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Execution Time"])


def stage_timings(user: User, queries: list[dict[str, str]]) -> None:
    """Per-stage wall and CPU milliseconds of a re-ranked match, p50 and p95 over the queries."""
    articles = search.searchable_articles_sql(user)
    assert articles is not None
    fusion = matching.weights(matching.RERANKED)
    depth = max(settings.FACTCHECK_MATCH_DEPTH, 20)
    embeddings.embed_texts(["warm up"])
    clock = CpuClock()
    measured: dict[str, list[tuple[float, float, float | None]]] = defaultdict(list)
    explained = []
    load_before = load_average()
    for query in queries:
        clock.lap()
        text = clean_query(query["text"]) or query["text"]
        laps = {"clean": clock.lap()}
        vector = embeddings.embed_texts([text])[0]
        laps["encode"] = clock.lap()
        found = matching.candidates(text, vector, articles, fusion=fusion, depth=depth)
        laps["sql"] = clock.lap()
        rerank.reranked(text, found)
        laps["rerank"] = clock.lap()
        for stage, lap in laps.items():
            measured[stage].append(lap)
        backends = [lap[2] for lap in laps.values()]
        measured["total"].append(
            (
                sum(lap[0] for lap in laps.values()),
                sum(lap[1] for lap in laps.values()),
                None if None in backends else sum(value or 0.0 for value in backends),
            )
        )
        sql, params = matching.candidates_statement(text, vector, articles, fusion=fusion, depth=depth)
        explained.append(explained_milliseconds(sql, params))
    load_after = load_average()

    print(f"\nstages of a re-ranked match, {len(queries)} queries one at a time: p50 / p95 ms")
    print(f"{'stage':<8} {'wall':>13} {'process CPU':>13} {'database CPU':>13} {'CPU, both':>13}")
    for stage in (*STAGES, "total"):
        rows = measured[stage]
        columns = [[row[0] for row in rows], [row[1] for row in rows]]
        if all(row[2] is not None for row in rows):
            columns += [[row[2] or 0.0 for row in rows], [row[1] + (row[2] or 0.0) for row in rows]]
        cells = [f"{percentile(values, 0.5):6.1f} /{percentile(values, 0.95):5.1f}" for values in columns]
        print(f"{stage:<8} " + " ".join(f"{cell:>13}" for cell in cells))
    print(
        f"SQL execution time by EXPLAIN ANALYZE: {percentile(explained, 0.5):.1f} / "
        f"{percentile(explained, 0.95):.1f} ms"
    )
    print(f"load average before: {load_before}\nload average after:  {load_after}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", default="dev", choices=["train", "dev"])
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries")
    parser.add_argument("--configs", nargs="*", default=list(CONFIGS), choices=CONFIGS)
    parser.add_argument("--stages", action="store_true", help="then time a match's stages (wall and CPU)")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    corpus = read_jsonl(DATA / "corpus.jsonl")
    user, team = corpus_user()
    import_corpus(team, corpus)
    articles = verified_ids_by_article(team, corpus)
    reachable = Article.objects.filter(team=team, claims__isnull=False).distinct().count()
    print(f"corpus: {len(corpus):,} verified claims, {len(articles):,} articles, {reachable:,} with claims")

    queries, qrels = queries_of(args.split)
    if args.limit:
        queries = queries[: args.limit]
    by_config = rankers(user)
    print(f"{args.split}: {len(queries)} queries")
    print(f"{'configuration':<12} {'MAP@5':>7} {'P@1':>7} {'R@20':>7} {'p50 ms':>7}")
    for name in args.configs:
        scores = evaluate(by_config[name], queries, qrels, articles)
        print(
            f"{name:<12} {scores['MAP@5']:7.4f} {scores['P@1']:7.4f} {scores['R@20']:7.4f} "
            f"{scores['p50 ms']:7.1f}",
            flush=True,
        )
    if args.stages:
        stage_timings(user, queries)


if __name__ == "__main__":
    main()
