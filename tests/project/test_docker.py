from pathlib import Path

import yaml
from django.conf import settings

DOCKER = Path(__file__).resolve().parents[2] / "docker"


def test_it_wires_web_and_workers_to_postgres_with_pgvector_and_redis():
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) >= {"db", "redis", "web", "extractor", "embedder"}
    assert "pgvector" in services["db"]["image"]
    for name in ("web", "extractor", "embedder"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://") and "@db:" in environment["DATABASE_URL"]
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:")
        assert services[name]["build"]["dockerfile"] == "docker/Dockerfile"


def test_it_runs_each_pipeline_stage_in_its_own_scalable_worker_service():
    services = yaml.safe_load((DOCKER / "compose.yaml").read_text())["services"]
    queues = {}
    for name in ("extractor", "embedder"):
        command = services[name]["command"].split()
        assert command[:4] == ["celery", "-A", "factcheck", "worker"]
        queues[name] = set(command[command.index("-Q") + 1].split(","))
        # --scale needs services without a fixed container name or host port.
        assert "container_name" not in services[name] and "ports" not in services[name]
    assert queues == {"extractor": {"extract"}, "embedder": {"embed", "celery"}}
    assert queues["extractor"] | queues["embedder"] == {queue.name for queue in settings.CELERY_TASK_QUEUES}


def test_it_installs_cpu_torch_before_the_project():
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert dockerfile.index("torch==2.13.0") < dockerfile.index("pip install . ")
    assert "whl/cpu" in dockerfile


def test_the_web_service_serves_with_the_gunicorn_config_that_loads_the_model_first():
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert (
        "gunicorn -c python:factcheck.gunicorn_config factcheck.wsgi:application"
        in compose["services"]["web"]["command"]
    )
    assert '"gunicorn", "-c", "python:factcheck.gunicorn_config", "factcheck.wsgi:application"' in dockerfile
