"""The API under 50 concurrent loopback clients (wrk): p50/p95/p99, req/s and errors for the
claim list, similar claims and free-text matching ("checked before?").

Targets (issue 18), 4 gunicorn workers: under `clients`, 0 errors, claim list p95 <= 50 ms,
similar p95 <= 100 ms, match p95 <= 300 ms; and match p50 <= 50 ms for `one client` over the
14k-claim corpus.

The corpus: the seed article and, when ../shared/data is there, the 14,231 verified claims of
CLEF CheckThat! 2022 task 2A, each an article with its title, imported once through
`manage.py import_articles` into the bench database and reused by later runs.

No request is one repeated body, so no cache answers a run from one entry:
* similar claims walks through claims of the corpus (up to 3,000, a slice per run);
* match walks through hundreds of distinct texts: the CheckThat! train queries (posts; never
  the test ones) and the sentences of seeds/ and of the labelled texts in tests/data/. Each
  measured run sends a slice of the texts no other run sends, so the query-vector cache
  (FACTCHECK_EMBEDDING_QUERY_CACHE) knows none of them; the `distinct` column says how many
  each run sent. `match repeated` sends 20 texts again and again: what that cache buys.

Load shapes:
* one client: one connection, no wait: a warm server's latency, nothing else running.
* clients: 50 connections, each waiting 0.5-1.5 s (uniform) after a response before its next
  request, as a newsroom tool or an editor's browser does (locust's `between(0.5, 1.5)`);
  about 50 req/s offered. The latency targets are checked here.
* saturation: 50 connections, no wait: the throughput the server sustains, and the latency
  50 clients see when each fires again the moment it gets an answer (p95 ~ 50 / req/s).

    .venv/bin/python bench/api_load.py [--connections 50] [--seconds 10] [--workers 4] [--json]
        [--corpus PATH | --corpus none]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _support import (
    BENCH_DATA_DIR,
    PROJECT,
    children,
    free_port,
    manage,
    prepare_database,
    request_json,
    start_gunicorn,
    stop,
)

CHECKTHAT = PROJECT.parent / "shared" / "data" / "checkthat2022"
CORPUS_TEAM = "CheckThat! 2022 corpus"
SIMILAR_CLAIMS = 3000
REPEATED_TEXTS = 20
WARM_UP_TEXTS = 40
MAX_MATCH_CHARS = 2000  # FACTCHECK_MATCH_MAX_CHARS: longer texts are refused with 400
SHAPES = ("one client", "clients", "saturation")
TARGETS = {  # (endpoint, shape): (figure, most)
    ("claim list", "clients"): ("p95_ms", 50.0),
    ("similar", "clients"): ("p95_ms", 100.0),
    ("match", "clients"): ("p95_ms", 300.0),
    ("match", "one client"): ("p50_ms", 50.0),
}

# Each wrk thread walks its own stride through the items file (args: file, thread count): a path
# (GET) or a JSON body (POST) a line. wrk reports 50/75/90/99th percentiles; done() prints the
# 95th too, and every kind of error.
ROTATE = """
local created = 0
function setup(thread)
  thread:set("id", created)
  created = created + 1
end
local items = {}
local sent = 0
local stride = 1
function init(args)
  for line in io.lines(args[1]) do items[#items + 1] = line end
  stride = tonumber(args[2])
  math.randomseed(1000 + id)
end
function request()
  local item = items[(sent * stride + id) % #items + 1]
  sent = sent + 1
  REQUEST
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %.3f %d %d\\n", summary.requests, errors,
           latency:percentile(50) / 1000, latency:percentile(95) / 1000,
           latency:percentile(99) / 1000, summary.duration / 1e6,
           summary.errors.timeout, summary.errors.status))
end
"""
GET = 'return wrk.format("GET", item)'
POST = 'return wrk.format("POST", nil, nil, item)'
THINK = """
delay = function()
  return math.random(500, 1500)
end
"""


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root: int | None) -> float:
    """CPU time used so far by a process, its live children, and those it has reaped (a
    database backend that ended); 0 without the process."""
    if root is None:
        return 0.0
    total = 0.0
    for pid in [root, *children(root)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        # utime, stime, and for the root cutime, cstime (fields 14-17 of proc(5)).
        total += sum(int(value) for value in fields[11 : 15 if pid == root else 13]) / TICKS
    return total


def postmaster() -> int | None:
    """The bench's embedded PostgreSQL server, to count the database's CPU (not with an external
    DATABASE_URL)."""
    if os.environ.get("FACTCHECK_BENCH_DATABASE_URL"):
        return None
    try:
        return int((Path(BENCH_DATA_DIR) / "pgdata" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def settle(servers: tuple[int | None, int | None], *, most: float = 60.0) -> None:
    """Wait until the server has answered what a run left in flight: when wrk stops, up to one
    request per connection is still queued or being answered, and would be counted in the next
    run's latency and CPU time."""
    deadline = time.monotonic() + most
    before = sum(cpu_seconds(pid) for pid in servers)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = sum(cpu_seconds(pid) for pid in servers)
        if now - before < 0.05:  # under 5% of a core: idle
            return
        before = now


def wrk(
    url: str,
    token: str,
    items: list[str],
    *,
    post: bool,
    connections: int,
    seconds: int,
    think: bool = False,
    servers: tuple[int | None, int | None] = (None, None),
) -> dict[str, float]:
    """One wrk run against the server of `url`, each request the next of `items` (paths, or JSON
    bodies for a POST to `url`). `servers`: the gunicorn and PostgreSQL processes, whose CPU time
    per request is measured (CPU, unlike latency, hardly changes when other work shares the
    cores)."""
    web, database = servers
    threads = min(2, connections)
    with (
        tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script,
        tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as lines,
    ):
        script.write(ROTATE.replace("REQUEST", POST if post else GET) + (THINK if think else ""))
        lines.write("\n".join(items) + "\n")
    cpu_before = (cpu_seconds(web), cpu_seconds(database))
    try:
        output = subprocess.run(
            [
                "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                "-s", script.name, "-H", f"Authorization: Token {token}",
                "-H", "Content-Type: application/json", url, "--", lines.name, str(threads),
            ],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
        os.unlink(lines.name)
    web_cpu, database_cpu = (cpu_seconds(web) - cpu_before[0], cpu_seconds(database) - cpu_before[1])
    settle(servers)
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, errors, p50, p95, p99, duration, timeouts, statuses = (
        float(value) for value in line.split()[1:]
    )
    return {
        "requests": requests,
        "errors": errors,
        "timeouts": timeouts,  # no answer within 10 s
        "status_errors": statuses,  # answered, not 2xx/3xx
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "rps": requests / duration,
        "distinct": float(min(requests, len(set(items)))),
        "web_cpu_ms": 1000 * web_cpu / max(requests, 1),
        "db_cpu_ms": 1000 * database_cpu / max(requests, 1),
    }


def seed(base: str, token: str) -> int:
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
    return int(article["id"])


CORPUS_STATE = """
from claims.models import Article, Team
team, _ = Team.objects.get_or_create(name={team!r})
team.members.add(*Team.objects.get(name="Bench desk").members.all())
print(Article.objects.filter(team=team, status=Article.Status.DONE).count())
"""


def import_corpus(corpus: Path) -> None:
    """The verified claims as articles of a team of their own (the bench user is a member),
    through the product's bulk import; once, a later run finds them there."""
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    done = int(manage("shell", "-c", CORPUS_STATE.format(team=CORPUS_TEAM)).strip().splitlines()[-1])
    if done >= len({row["text"].strip() for row in rows}):
        return
    print(
        f"importing {len(rows):,} verified claims ({done:,} done before); once, this takes a while",
        flush=True,
    )
    articles = Path(BENCH_DATA_DIR) / "checkthat-corpus.jsonl"
    articles.write_text(
        "".join(json.dumps({"body": row["text"], "title": row["title"]}) + "\n" for row in rows),
        encoding="utf-8",
    )
    manage("import_articles", "--jsonl", str(articles), "--team", CORPUS_TEAM, "--batch-size", "64")


CLAIM_IDS = """
import json
from claims.models import Claim
print(json.dumps(list(Claim.objects.filter(
    article__team__members__username="bench-editor", embedding__isnull=False,
).values_list("pk", flat=True))))
"""


def similar_paths(base_path: str) -> list[str]:
    """Similar-claims paths of up to SIMILAR_CLAIMS claims the bench user may see, shuffled the
    same way every run."""
    ids = json.loads(manage("shell", "-c", CLAIM_IDS).strip().splitlines()[-1])
    ids = sorted(ids)
    random.Random(18).shuffle(ids)
    return [f"{base_path}/claims/{pk}/similar/?limit=10" for pk in ids[:SIMILAR_CLAIMS]]


def match_texts() -> list[str]:
    """Distinct texts to match, shuffled the same way every run: the CheckThat! train queries
    (never the test ones), and the sentences of the seed article and of our labelled texts
    (the development ones, not those held out)."""
    texts: list[str] = []
    queries = CHECKTHAT / "train-queries.jsonl"
    if queries.exists():
        texts += [
            json.loads(line)["text"] for line in queries.read_text(encoding="utf-8").splitlines() if line
        ]
    bodies = [path.read_text(encoding="utf-8") for path in sorted((PROJECT / "seeds").glob("*.txt"))]
    labelled = [
        *(PROJECT / "tests/data/extraction").glob("*.json"),
        *(PROJECT / "tests/data/extraction/news/dev").glob("*.json"),
    ]
    bodies += [json.loads(path.read_text(encoding="utf-8"))["body"] for path in sorted(labelled)]
    for line in (PROJECT / "tests/data/similarity/pairs.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            pair = json.loads(line)
            bodies += [pair["a"], pair["b"]]
    for body in bodies:
        texts += re.split(r"(?<=[.!?])\s+|\n+", body)
    texts = sorted({" ".join(text.split()) for text in texts})
    texts = [text for text in texts if len(text.split()) >= 5 and len(text) <= MAX_MATCH_CHARS]
    random.Random(18).shuffle(texts)
    return texts


# The share of the items each measured shape gets, by about how many requests it sends.
SLICES = {"one client": 0.25, "clients": 0.45, "saturation": 0.30}


def slices(items: list[str]) -> dict[str, list[str]]:
    """A slice of the items for each measured shape, none sent by two runs."""
    found, start = {}, 0
    for shape, share in SLICES.items():
        end = start + max(round(share * len(items)), 1)
        found[shape] = items[start:end] or items
        start = end
    return found


def measure(
    connections: int, seconds: int, workers: int, corpus: Path | None
) -> dict[str, dict[str, dict[str, float]]]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench installs it).")
    token = prepare_database()
    if corpus is not None:
        import_corpus(corpus)
    port = free_port()
    server = start_gunicorn(port, workers=workers)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        article_id = seed(base, token)
        # Statistics for the planner, as after any bulk load: a team-membership table never
        # analysed (autovacuum waits for 50 changed rows) made it guess a few hundred visible
        # articles of 14k and compare the probe with every claim (0.5 s instead of 13 ms).
        manage("shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')")
        bodies = [json.dumps({"text": text}) for text in match_texts()]
        warm_up, repeated, measured = (
            bodies[:WARM_UP_TEXTS],
            bodies[WARM_UP_TEXTS : WARM_UP_TEXTS + REPEATED_TEXTS],
            bodies[WARM_UP_TEXTS + REPEATED_TEXTS :],
        )
        similar = similar_paths("/api/v1")
        claim_list = [f"/api/v1/articles/{article_id}/claims/?min_checkworthiness=0"]
        endpoints = {
            # name: (url, post, items for warming up, items for each measured shape)
            "claim list": (f"{base}/", False, claim_list, {shape: claim_list for shape in SHAPES}),
            "similar": (f"{base}/claims/", False, similar[:100], slices(similar[100:])),
            "match": (f"{base}/claims/match/", True, warm_up, slices(measured)),
            "match repeated": (f"{base}/claims/match/", True, repeated, {"one client": repeated}),
        }
        results: dict[str, dict[str, dict[str, float]]] = {}
        servers = (server.pid, postmaster())
        for name, (url, post, warm_items, shapes) in endpoints.items():
            # Every connection at once, twice: each server thread opens its database connection
            # on its first request. (Each worker loaded the model before start_gunicorn returned.)
            for _ in range(2):
                wrk(url, token, warm_items, post=post, connections=connections, seconds=3, servers=servers)
            results[name] = {}
            for shape, items in shapes.items():
                clients = 1 if shape == "one client" else connections
                think = shape == "clients"
                results[name][shape] = wrk(
                    url,
                    token,
                    items,
                    post=post,
                    connections=clients,
                    seconds=seconds,
                    think=think,
                    servers=servers,
                )
        return results
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--corpus",
        default=str(CHECKTHAT / "corpus.jsonl"),
        help="JSON Lines of {text, title} to import as the searched claims, or `none`",
    )
    args = parser.parse_args()
    corpus = None if args.corpus == "none" else Path(args.corpus)
    if corpus is not None and not corpus.exists():
        print(f"{corpus} not found: searching the seed article only")
        corpus = None
    results = measure(args.connections, args.seconds, args.workers, corpus)
    if args.json:
        print(json.dumps(results))
        return
    print(
        f"{args.connections} concurrent clients, {args.seconds}s a run, gunicorn --workers {args.workers} "
        f"(gthread); corpus: {corpus or 'the seed article'}"
    )
    print(
        f"{'endpoint':<15} {'load':<11} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        f" {'errors':>6} {'distinct':>8} {'CPU ms/req web+db':>17}  target"
    )
    for name, shapes in results.items():
        for shape, row in shapes.items():
            cpu = f"{row['web_cpu_ms']:.1f}+{row['db_cpu_ms']:.1f}"
            print(
                f"{name:<15} {shape:<11} {row['rps']:>6.0f} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f}"
                f" {row['p99_ms']:>7.1f} {row['errors']:>6.0f} {row['distinct']:>8.0f} {cpu:>17}"
                f"  {verdict(name, shape, row)}"
            )
    for name, shapes in results.items():
        for shape, row in shapes.items():
            if row["errors"]:
                print(
                    f"{name}, {shape}: {row['errors']:.0f} errors, {row['timeouts']:.0f} of them timeouts "
                    f"(10 s), {row['status_errors']:.0f} answers not 2xx, the others connection errors"
                )
    print(
        "CPU ms/req: the gunicorn workers' and the database's CPU time per request in the run; on "
        f"{os.cpu_count()} cores the server can answer at most {os.cpu_count()} x 1000 / (web + db) req/s."
    )


def verdict(name: str, shape: str, row: dict[str, float]) -> str:
    """The issue's target for this row, met or missed."""
    if (name, shape) not in TARGETS:
        return "0 errors: " + ("met" if row["errors"] == 0 else "MISSED")
    figure, most = TARGETS[name, shape]
    met = row[figure] <= most and row["errors"] == 0
    return f"{figure[:3]} <= {most:.0f} ms, 0 errors: {'met' if met else 'MISSED'}"


if __name__ == "__main__":
    main()
