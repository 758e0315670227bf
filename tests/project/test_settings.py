"""factcheck/settings.py fails closed: no start without a secret key, HTTPS settings from one switch,
and `check --deploy` clean with production variables."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "FACTCHECK_HTTPS": "true",
    "FACTCHECK_ALLOWED_HOSTS": "factcheck.example.org,www.factcheck.example.org",
    "DATABASE_URL": "postgres://factcheck:a-password@db.invalid:5432/factcheck",
}
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
    "'key': s.SECRET_KEY, 'debug': s.DEBUG, 'proxy': s.SECURE_PROXY_SSL_HEADER, "
    "'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS, "
    "'origins': s.CSRF_TRUSTED_ORIGINS, 'redirect': s.SECURE_SSL_REDIRECT, "
    "'exempt': s.SECURE_REDIRECT_EXEMPT, 'db': s.DATABASES['default']}))"
)


def run_with(variables: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python in the project with only `variables` on top of a clean environment."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "FACTCHECK_", "DATABASE_URL", "CELERY_"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "factcheck.settings", **variables})
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_with(variables: dict[str, str]) -> dict:
    result = run_with(variables, "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_refuses_to_start_without_a_secret_key_naming_the_variable():
    result = run_with({}, "manage.py", "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr


def test_it_reads_the_secret_key_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("a-key-kept-in-a-file-" + "x" * 40 + "\n")

    loaded = settings_with({"DJANGO_SECRET_KEY_FILE": str(key_file)})

    assert loaded["key"] == "a-key-kept-in-a-file-" + "x" * 40


def test_it_makes_up_a_key_per_process_only_in_debug_mode():
    first = settings_with({"FACTCHECK_DEBUG": "true"})
    second = settings_with({"FACTCHECK_DEBUG": "true"})

    assert first["debug"] is True
    assert len(first["key"]) >= 50 and first["key"] != second["key"]


def test_it_turns_on_proxy_tls_secure_cookies_hsts_and_trusted_origins_with_https():
    plain = settings_with({"DJANGO_SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"]})
    https = settings_with(PRODUCTION)

    assert (plain["proxy"], plain["session"], plain["csrf"], plain["hsts"]) == (None, False, False, 0)
    assert https["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert (https["session"], https["csrf"], https["redirect"]) == (True, True, True)
    assert https["exempt"] == ["^health/"]  # compose polls /health/ over plain HTTP
    assert https["hsts"] >= 365 * 24 * 3600
    assert https["origins"] == ["https://factcheck.example.org", "https://www.factcheck.example.org"]
    assert https["db"]["HOST"] == "db.invalid" and https["db"]["PASSWORD"] == "a-password"


def test_it_passes_the_deployment_checks_with_production_variables():
    result = run_with(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deployment_checks_see_what_https_turns_on():
    without_https = {**PRODUCTION, "FACTCHECK_HTTPS": "false"}

    result = run_with(without_https, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout
