from pathlib import Path

import yaml

DOCKER = Path(__file__).resolve().parent.parent / "docker"


def test_it_wires_web_and_worker_to_postgres_with_pgvector_and_redis():
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) >= {"db", "redis", "web", "worker"}
    assert "pgvector" in services["db"]["image"]
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://") and "@db:" in environment["DATABASE_URL"]
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:")
        assert services[name]["build"]["dockerfile"] == "docker/Dockerfile"
    assert "celery -A factcheck worker" in services["worker"]["command"]


def test_it_installs_cpu_torch_before_the_project():
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert dockerfile.index("torch==2.13.0") < dockerfile.index("pip install . ")
    assert "whl/cpu" in dockerfile
