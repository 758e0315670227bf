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


def test_it_ships_no_secret_and_refuses_to_start_without_one():
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    services = compose["services"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    for name in ("web", "extractor", "embedder"):
        environment = services[name]["environment"]
        assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
        assert "factcheck:${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"]
    text = (DOCKER / "compose.yaml").read_text() + (DOCKER / "Dockerfile").read_text()
    assert "change-me" not in text and "factcheck:factcheck@" not in text
    assert "SECRET_KEY=" not in (DOCKER / "Dockerfile").read_text()


def test_it_checks_the_health_of_web_and_workers():
    services = yaml.safe_load((DOCKER / "compose.yaml").read_text())["services"]
    web_check = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/health/" in web_check
    assert "127.0.0.1" in services["web"]["environment"]["FACTCHECK_ALLOWED_HOSTS"].split(",")
    for name in ("extractor", "embedder"):
        worker_check = " ".join(services[name]["healthcheck"]["test"])
        # `$$` is compose for a literal `$`: the shell in the container reads its own HOSTNAME.
        assert "celery -A factcheck inspect ping --destination celery@$$HOSTNAME" in worker_check
    for name in ("db", "redis"):
        assert services["web"]["depends_on"][name]["condition"] == "service_healthy"


def test_it_runs_one_beat_sending_the_recovery_sweep():
    services = yaml.safe_load((DOCKER / "compose.yaml").read_text())["services"]
    command = services["beat"]["command"].split()
    assert command[:4] == ["celery", "-A", "factcheck", "beat"]
    assert services["beat"]["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert "deploy" not in services["beat"]  # never replicated: two beats would sweep twice as often
    sweep = settings.CELERY_BEAT_SCHEDULE["sweep-stale-articles"]
    assert sweep["task"] == "claims.tasks.sweep_stale_articles"
    assert sweep["schedule"] == settings.FACTCHECK_SWEEP_INTERVAL
