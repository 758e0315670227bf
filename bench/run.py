"""`make bench`: every benchmark in one run, one table at the end. Ratios are measured in
the same run on the same machine, never against figures from elsewhere.

    .venv/bin/python bench/run.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def run(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    print(f"--- {script} {' '.join(args)}", flush=True)
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        cwd=BENCH.parent,
        env={**os.environ, **(env or {})},
    )
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-4000:], sep="\n")
        raise SystemExit(f"{script} failed")
    return result.stdout


LOAD_SHAPES = {
    "one client": "1 client, no wait",
    "clients": "50 clients, 0.5-1.5 s between requests",
    "saturation": "50 clients, no wait (saturation)",
}
LOAD_TARGETS = {
    ("claim list", "clients"): "p95 <= 50 ms, 0 errors",
    ("similar", "clients"): "p95 <= 100 ms, 0 errors",
    ("match", "clients"): "p95 <= 300 ms, 0 errors",
    ("match", "one client"): "p50 <= 50 ms over 14k claims, 0 errors",
}


def json_of(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, no 1M run, for a smoke run")
    parser.add_argument("--no-million", action="store_true", help="skip the 1M-vector similarity run")
    args = parser.parse_args()
    quick, million = args.quick, not (args.quick or args.no_million)
    rows: list[tuple[str, str, str]] = []

    ingest = json_of(run("ingest.py", "--json", "--articles", "40" if quick else "200"))
    rows.append((
        f"ingest {ingest['articles']:.0f} articles",
        f"{ingest['articles_per_s']:.1f} articles/s, {ingest['claims_per_s']:.0f} claims/s; "
        f"{ingest['ratio']:.2f}x the raw encoder",
        "<= 1.5x",
    ))  # fmt: skip
    rows.append((
        "",
        f"{ingest['distinct_ratio']:.2f}x the raw encoder on the {ingest['distinct_claims']:.0f} distinct "
        f"of {ingest['claims']:.0f} claim texts",
        "",
    ))  # fmt: skip

    # (vectors, shared_buffers, ef_search): at 1M the default ef_search of 40 gives up recall,
    # so 1M also runs with 100, the setting a newsroom of that size would choose.
    sizes = [("20000", "1GB", "40")] if quick else [("100000", "1GB", "40")]
    if million:
        sizes += [("1000000", "6GB", "40"), ("1000000", "6GB", "100")]
    for size, buffers, ef_search in sizes:
        # One cluster per size, kept between runs: loading and indexing 1M vectors takes ~45 min.
        env = {"FACTCHECK_DATA_DIR": f"/tmp/fc-bench-{size}", "FACTCHECK_SIMILARITY_EF_SEARCH": ef_search}
        ann = run("ann.py", "--n", size, "--shared-buffers", buffers, env=env)
        table = ann[ann.index("\nN=") + 1 :].strip().splitlines()
        target = "p50 <= 5 ms, recall@10 >= 0.95" if size == "100000" else ""
        rows.append(("similar claims (ann.py)", table[0], target))
        rows.extend(("", line.strip(), "") for line in table[1:])

    load = json_of(run("api_load.py", "--json", "--seconds", "5" if quick else "10"))
    for name, shapes in load.items():
        for shape, row in shapes.items():
            rows.append((
                f"API {name}, {LOAD_SHAPES[shape]}",
                f"p50 {row['p50_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms, "
                f"{row['rps']:.0f} req/s, {row['errors']:.0f} errors",
                LOAD_TARGETS.get((name, shape), "0 errors"),
            ))  # fmt: skip

    memory = json_of(run("memory.py", "--json"))
    rows.append(("peak RSS, bare model", f"{memory['bare_mb']:.0f} MB", ""))
    rows.append(("peak RSS, web", f"{memory['web_mb']:.0f} MB = {memory['web_ratio']:.2f}x bare", "<= 1.25x"))
    rows.append((
        "peak RSS, embedding worker (-Q embed,celery)",
        f"{memory['worker_mb']:.0f} MB = {memory['worker_ratio']:.2f}x bare",
        "<= 1.25x",
    ))  # fmt: skip
    extraction = f"{memory['extract_worker_mb']:.0f} MB, no model"
    rows.append(("peak RSS, extraction worker (-Q extract)", extraction, ""))
    rows.append((
        "peak RSS, worker on all queues",
        f"{memory['all_queues_worker_mb']:.0f} MB = {memory['all_queues_worker_ratio']:.2f}x bare",
        "",
    ))  # fmt: skip

    width = max(len(row[0]) for row in rows)
    print(f"\n{'benchmark':<{width}}  {'measured':<70}  target")
    for name, measured, target in rows:
        print(f"{name:<{width}}  {measured:<70}  {target}")


if __name__ == "__main__":
    main()
