"""Time to extract the claims of a ~15 KB article, cold (spaCy model load included) and warm.

The article is the labelled evaluation texts (tests/data/extraction/) joined in turn until it
reaches 15 KB; the target is ≤ 2 s warm on the development machine.

Run: .venv/bin/python bench/extraction_speed.py [--bytes 15000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.extraction.pipeline import extract_claims  # noqa: E402

DATA = ROOT / "tests" / "data" / "extraction"


def article(size: int) -> str:
    bodies = [json.loads(path.read_text())["body"] for path in sorted(DATA.glob("*.json"))]
    parts: list[str] = []
    for body in cycle(bodies):
        if len("\n\n".join(parts).encode("utf-8")) >= size:
            break
        parts.append(body)
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bytes", type=int, default=15_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    body = article(options.bytes)
    published = datetime(2024, 6, 1)
    started = time.perf_counter()
    claims = extract_claims(body, published_at=published)
    cold = time.perf_counter() - started
    warm, cpu = [], []
    for _ in range(options.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        extract_claims(body, published_at=published)
        warm.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(f"article: {len(body.encode('utf-8')):,} bytes, {len(claims)} claims")
    print(f"cold (model load included): {cold:.2f} s")
    print(f"warm: median {statistics.median(warm):.2f} s, max {max(warm):.2f} s over {options.runs} runs")
    # On a shared machine wall time includes waiting for a core; CPU time is the work itself.
    print(f"warm CPU time: median {statistics.median(cpu):.2f} s (load average {os.getloadavg()[0]:.1f})")
    print(f"target <= 2 s warm: {'met' if statistics.median(warm) <= 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
