"""The one settings module of PPID Award, read from the environment.

With no ``DATABASE_URL`` and no ``CELERY_BROKER_URL`` it runs the embedded default: SQLite and
Celery tasks executed eagerly in the web process. ``DEBUG`` defaults to off; production hardening
(HSTS, secure cookies, SSL redirect) is on whenever ``DEBUG`` is off.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


class SettingError(RuntimeError):
    """A malformed environment value: the process must not start with a guess."""


TRUE_WORDS = {"1", "true", "yes", "on", "ya"}
FALSE_WORDS = {"0", "false", "no", "off", "tidak"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingError(
        f"{name}={value!r} is not a boolean; use one of {sorted(TRUE_WORDS | FALSE_WORDS)}."
    )


def _env_number(name: str, default, cast, what: str):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return cast(value.strip())
    except ValueError:
        raise SettingError(f"{name}={value!r} is not {what}.") from None


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "a whole number")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# With DEBUG on, the app's own 404/500 pages are shown unless this asks for Django's technical
# ones (the test suite does, so that a view's exception fails its test).
TECHNICAL_ERROR_PAGES = env_bool("TECHNICAL_ERROR_PAGES", False)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see README.md).")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_htmx",
    "formtools",
    "ninja",
    "common",
    "award",
    "evaluasi",
    "penjurian",
    "penilaian",
    "laporan",
    "pgtrigger",
    "pghistory",
    "audit",
    "demo",
]

MIDDLEWARE = [
    # First: the organiser of the URL (/kutim/...) and its scope, for everything after it.
    "award.middleware.OrganiserMiddleware",
    "common.uploads.RequestSizeMiddleware",
    "common.middleware.TextGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "common.errors.OwnErrorPagesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "award.context_processors.roles",
            ],
        },
    },
    # Jinja2 renders the few fragments too large for Django's engine to render fast (the
    # jury's 100-indicator verification sheet); their texts come translated from the view.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

FORM_RENDERER = "common.forms.BootstrapRenderer"
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery and cache ---------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "ppid")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task has a time limit: past the soft one it is told to stop (the job ends failed with
# a message), past the hard one its process is killed. A message that was delivered but not
# acknowledged (its whole worker died) is delivered again after the visibility timeout, which
# must outlast the longest task or a slow task would run twice.
CELERY_TASK_TIME_LIMIT = env_int("JOB_TIME_LIMIT_SECONDS", 1800)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 60, 1)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 300}
CELERY_TASK_TRACK_STARTED = True
# A job that cannot be queued must fail at once, not hang the request (common.jobs).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
CELERY_REDIS_SOCKET_TIMEOUT = 10
# Memory: each worker process may use at most this much address space (a reader asked to
# allocate hundreds of GiB dies alone and the job ends failed); a process that grew past
# JOB_RECYCLE_MB after a task is replaced by a fresh one.
JOB_MEMORY_LIMIT_MB = env_int("JOB_MEMORY_LIMIT_MB", 4096)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("JOB_RECYCLE_MB", 1024) * 1024
# How long a queued job whose message the broker no longer holds may wait before it is failed
# as lost, and how long any queued job may wait at all (common.jobs.lost_reason).
JOB_LOST_GRACE_SECONDS = env_int("JOB_LOST_GRACE_SECONDS", 60)
JOB_QUEUED_LIMIT_SECONDS = env_int("JOB_QUEUED_LIMIT_SECONDS", 6 * 3600)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Makassar"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Jobs and scoring runs that can no longer end by themselves are marked failed.
    "jobs-watchdog": {"task": "common.jobs_watchdog", "schedule": 120.0},
    "scoring-watchdog": {"task": "penilaian.scoring_watchdog", "schedule": 120.0},
    # Reminder emails N days before each unit's SAQ deadline (Period.reminder_days).
    "saq-reminders": {
        "task": "evaluasi.reminders_due",
        "schedule": crontab(hour=8, minute=0),
    },
}

# Scoring runs (penilaian.scoring): a period is split into chunks of at most this many units,
# each a Celery task any worker can take. A run whose worker stopped reporting for
# SCORING_STALE_MINUTES is marked failed so that a new one may start.
SCORING_CHUNK_UNITS = env_int("SCORING_CHUNK_UNITS", 2500)
SCORING_STALE_MINUTES = env_int("SCORING_STALE_MINUTES", 15)
# Liveness of the worker doing a run or a job (common.liveness): it beats every few seconds;
# no beat for WORK_STALE_SECONDS and no message of it waiting in a queue means it died.
WORK_HEARTBEAT_SECONDS = env_float("WORK_HEARTBEAT_SECONDS", 5)
WORK_STALE_SECONDS = env_int("WORK_STALE_SECONDS", 30)
# Test-only fault injection: seconds to sleep inside the final transaction of a run, so a test
# can kill the worker at the worst moment. Always 0 in real deployments.
SCORING_FAULT_DELAY = env_float("SCORING_FAULT_DELAY", 0)
SCORING_CHUNK_FAULT_DELAY = env_float("SCORING_CHUNK_FAULT_DELAY", 0)
JOB_FAULT_DELAY = env_float("JOB_FAULT_DELAY", 0)
PPID_VERSION = "0.6.0"

# Job progress lives in the cache so that a worker inside a long transaction can still report
# it. With Redis configured the cache is shared by every web process and worker.
CACHE_URL = env("CACHE_URL", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "ppid"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "award:dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# Login throttling and lockout: 5 failures for one username from one address lock it for 30 min.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind a reverse proxy every request comes from the proxy's address: with TRUSTED_PROXIES=N
# the client's address is the N-th entry from the right of X-Forwarded-For, the one the
# nearest trusted proxy appended (entries further left are whatever the client sent).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "common.net.client_ip"
AXES_LOCKOUT_CALLABLE = "common.errors.locked_out"
# The open data API (/api/v1/): requests per client address, as "count/period" (s, m, h, d).
API_RATE = env("API_RATE", "120/m")
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploaded workbooks and evidence: never served directly, only through permission-checked views.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "common.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 10) * 1024 * 1024
# A request body larger than this is refused before it is read (common.uploads); the reverse
# proxy should refuse it first (client_max_body_size, docs/OPERATIONS.md).
REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
# An answers bundle (a ZIP with the answers workbook and evidence files) may be larger; only
# the routes named here accept a file up to their own limit (common.uploads.request_limit).
ANSWERS_BUNDLE_MAX_BYTES = env_int("ANSWERS_BUNDLE_MAX_MB", 100) * 1024 * 1024
UPLOAD_MAX_BYTES_BY_ROUTE = {"evaluasi:answers_import": ANSWERS_BUNDLE_MAX_BYTES}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "common.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Signed documents (issue #23) ---------------------------------------------------------
# The key that encrypts each organiser's signer PKCS#12 file and its password at rest
# (laporan.signing). Unset: derived from SECRET_KEY; set it to keep it apart from SECRET_KEY
# (rotating SECRET_KEY then does not lose the stored signer: upload it again otherwise).
SIGNING_KEY = env("SIGNING_KEY")
# An RFC 3161 timestamp server for the signatures (PAdES B-T); unset: no timestamp (B-B).
SIGNING_TIMESTAMP_URL = env("SIGNING_TIMESTAMP_URL")

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if env("EMAIL_HOST"):
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "PPID Award <ppid-award@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -----------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Only a local benchmark over plain http on loopback turns these off (SECURE_COOKIES=0).
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
