"""The bulk importer's extraction process starts without Django or Celery."""

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def modules_after_importing(module: str) -> set[str]:
    script = f"import sys, {module}\nprint('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in result.stdout.split()}


@pytest.mark.parametrize("module", ["claims.pipeline.extraction_worker", "claims.similarity.facts"])
def test_it_imports_neither_django_nor_celery(module):
    loaded = modules_after_importing(module)
    assert "claims" in loaded
    assert not loaded & {"django", "celery", "kombu", "factcheck", "rest_framework"}


def test_it_extracts_in_a_process_without_django():
    script = (
        "import sys\n"
        "from claims.pipeline import extraction_worker\n"
        "result = extraction_worker.extract('Ridership fell by 12% last year to 3.1 million trips.', None)\n"
        "assert result.language == 'en' and result.claims, result\n"
        "assert 'django' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT, check=True)
