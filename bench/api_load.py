"""The API under 50 concurrent loopback clients (wrk): p50/p95 and errors for the claim list,
similar claims and free-text matching. Target: claim list p95 <= 50 ms, 0 errors.

Two load shapes, both with 50 open connections:

* clients: each client waits 0.5-1.5 s (uniform) after a response before its next request, as
  a newsroom tool or an editor's browser does (locust's `between(0.5, 1.5)`); about 50 req/s.
  The latency target is checked here.
* saturation: no wait at all; the throughput the server sustains, and the latency 50 clients
  see when each fires again the moment it gets an answer (p95 ~ 50 / req/s).

    .venv/bin/python bench/api_load.py [--connections 50] [--seconds 10] [--workers 4] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile

from _support import PROJECT, free_port, manage, prepare_database, request_json, start_gunicorn, stop

# wrk reports 50/75/90/99th percentiles; this script makes it print the 95th too, and errors.
REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f\\n", summary.requests, errors,
           latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.duration / 1e6))
end
"""
THINK = """
delay = function()
  return math.random(500, 1500)
end
"""
POST = """
wrk.method = "POST"
wrk.body = '{"text": "The council approved a budget of $4.2 million for bus lanes."}'
"""


def wrk(
    url: str, token: str, *, connections: int, seconds: int, post: bool = False, think: bool = False
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write((POST if post else "") + (THINK if think else "") + REPORT)
    try:
        output = subprocess.run(
            [
                "wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                "-s", script.name, "-H", f"Authorization: Token {token}",
                "-H", "Content-Type: application/json", url,
            ],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, errors, p50, p95, duration = (float(value) for value in line.split()[1:])
    return {"requests": requests, "errors": errors, "p50_ms": p50, "p95_ms": p95, "rps": requests / duration}


CLEAR = "from claims.models import Article; Article.objects.filter(team__name='Bench desk').delete()"


def seed(base: str, token: str) -> tuple[int, int]:
    """A fresh copy of the seed article, so lists and similar claims have something to find."""
    manage(
        "shell",
        "-c",
        "from claims.models import Article; Article.objects.filter(team__name='Bench desk').delete()",
    )
    article = request_json(
        "POST",
        f"{base}/articles/",
        token,
        {"title": "Seed", "body": (PROJECT / "seeds/beyond-utopia.txt").read_text()},
    )
    claims = request_json("GET", f"{base}/articles/{article['id']}/claims/?min_checkworthiness=0", token)
    return article["id"], claims["results"][0]["id"]


def measure(connections: int, seconds: int, workers: int) -> dict[str, dict[str, dict[str, float]]]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench installs it).")
    token = prepare_database()
    port = free_port()
    server = start_gunicorn(port, workers=workers)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        article_id, claim_id = seed(base, token)
        endpoints = {
            "claim list": (f"{base}/articles/{article_id}/claims/?min_checkworthiness=0", False),
            "similar": (f"{base}/claims/{claim_id}/similar/?limit=10", False),
            "match": (f"{base}/claims/match/", True),
        }
        results: dict[str, dict[str, dict[str, float]]] = {}
        for name, (url, post) in endpoints.items():
            # Warm up with every connection: each server thread opens its database connection on
            # its first request. (Each worker loaded the model before start_gunicorn returned.)
            for _ in range(5):
                if wrk(url, token, connections=connections, seconds=3, post=post)["p95_ms"] < 1000:
                    break
            results[name] = {
                shape: wrk(url, token, connections=connections, seconds=seconds, post=post, think=think)
                for shape, think in (("clients", True), ("saturation", False))
            }
        return results
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = measure(args.connections, args.seconds, args.workers)
    if args.json:
        print(json.dumps(results))
        return
    print(f"{args.connections} concurrent clients, {args.seconds}s each, gunicorn --workers {args.workers}")
    print(f"{'endpoint':<12} {'load':<11} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for name, shapes in results.items():
        for shape, row in shapes.items():
            print(
                f"{name:<12} {shape:<11} {row['rps']:>8.0f} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f}"
                f" {row['errors']:>7.0f}"
            )


if __name__ == "__main__":
    main()
