"""Cold and warm start of the embedded PostgreSQL, and reuse of a running one.

.venv/bin/python bench/dbserver_start.py [--runs 3]
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck.dbserver import EmbeddedServer


def measure() -> tuple[float, float, float]:
    directory = Path(tempfile.mkdtemp(prefix="fc-bench-", dir="/tmp"))
    server = EmbeddedServer(directory / "data")
    try:
        started = time.perf_counter()
        server.ensure_running()
        cold = time.perf_counter() - started
        server.stop()
        started = time.perf_counter()
        server.ensure_running()
        warm = time.perf_counter() - started
        started = time.perf_counter()
        server.ensure_running()
        reuse = time.perf_counter() - started
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    return cold, warm, reuse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    print(f"{'run':>3}  {'cold start (initdb)':>20}  {'warm start':>10}  {'reuse running':>13}")
    for run in range(1, runs + 1):
        cold, warm, reuse = measure()
        print(f"{run:>3}  {cold:>19.2f}s  {warm:>9.2f}s  {reuse * 1000:>11.1f}ms")


if __name__ == "__main__":
    main()
