"""Django settings for OneWindow, read from environment variables with safe defaults.

ONEWINDOW_DATA_DIR   folder for the SQLite database, uploads and the generated secret key (default ./var)
DATABASE_URL         e.g. postgres://postgres@127.0.0.1:5432/onewindow (default: SQLite in the data folder)
ONEWINDOW_DEBUG      "1" to turn debugging on (off by default)
ONEWINDOW_SECRET_KEY secret key; when unset, one is generated into the data folder on first start
ONEWINDOW_ALLOWED_HOSTS  comma-separated host names (default: localhost names only)
ONEWINDOW_EMAIL_BACKEND  Django email backend (default: console)
ONEWINDOW_LOG_FORMAT "json" for one JSON object per log line (the default of `onewindow serve`), or "text"
ONEWINDOW_HTTPS      "1" behind HTTPS: secure cookies, HSTS for a year, plain-HTTP requests redirected
ONEWINDOW_TRUST_FORWARDED_PROTO  "1" when a load balancer ends TLS and sets X-Forwarded-Proto
ONEWINDOW_CSRF_TRUSTED_ORIGINS  comma-separated origins (https://gov.example) for forms behind a proxy
ONEWINDOW_LOG_LEVEL  DEBUG, INFO (default), WARNING or ERROR
ONEWINDOW_DB_POOL    "0" to open a PostgreSQL connection per request instead of pooling them (default 1)
ONEWINDOW_TOKEN_CACHE_SECONDS  a process trusts an API token it found valid this long (default 5; 0: never)
ONEWINDOW_DB_POOL_SIZE  connections at most per app-server process (default 4; keep ≥ its threads)
ONEWINDOW_TASK_BACKEND  "database" (default: tasks wait in the database for `onewindow worker`) or
                     "celery" (Celery workers on the broker at ONEWINDOW_BROKER_URL)
ONEWINDOW_PAYGATE_URL    the payment gateway (default http://127.0.0.1:8010, the reference one)
ONEWINDOW_PAYGATE_SECRET the merchant's shared secret (whsec_…); when unset, generated into the data folder
ONEWINDOW_CHATGATE_URL   the official account's chat platform (default http://127.0.0.1:8011, the reference)
ONEWINDOW_CHATGATE_SECRET its shared secret (whsec_…); when unset, generated into the data folder
ONEWINDOW_BROKER_URL the Celery broker (default amqp://guest:guest@127.0.0.1:5672//, RabbitMQ)
"""

import base64
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from onewindow.core.logs import logging_config

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("ONEWINDOW_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _generated_secret(variable: str, file_name: str, make) -> str:
    """The secret in the environment variable, or the one generated into the data folder on first use."""
    if key := os.environ.get(variable):
        return key
    key_file = DATA_DIR / file_name
    if not key_file.exists():
        # Created with O_EXCL so two processes starting together agree on one key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(make())
    return key_file.read_text().strip()


SECRET_KEY = _generated_secret("ONEWINDOW_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
DEBUG = _env_flag("ONEWINDOW_DEBUG")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ONEWINDOW_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "onewindow.core",
    "onewindow.catalog",
    "onewindow.cases",
    "onewindow.hall",
    "onewindow.evaluation",
    "onewindow.integrations",
    "onewindow.knowledge",
    "onewindow.hotline",
    "onewindow.certificates",
    "onewindow.shareddata",
    "onewindow.crossregion",
    "onewindow.trading",
    "onewindow.policies",
    "onewindow.payments",
    "onewindow.chat",
    "onewindow.ops",
]

MIDDLEWARE = [
    "onewindow.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the app server, compressed and cached for a year by their hashed names.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "onewindow.core.middleware.LanguageOfPartsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onewindow.core.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "onewindow.core.middleware.SecurityHeadersMiddleware",
    "onewindow.core.params.BadParameterMiddleware",
    "onewindow.catalog.cache.OneStampPerRequest",
]

ROOT_URLCONF = "onewindow.urls"
WSGI_APPLICATION = "onewindow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_SQLITE_DEFAULT = f"sqlite:///{DATA_DIR / 'onewindow.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _SQLITE_DEFAULT))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE avoids lock upgrades failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in-memory for tests
else:
    DATABASES["default"]["OPTIONS"] = {
        # No JIT compilation: it cost the index's month recomputation a second of compiling per query
        # over a month's cases, and the short statements of requests never gain from it.
        "options": "-c jit=off",
    }
    if _env_flag("ONEWINDOW_DB_POOL", default=True):
        # One psycopg pool per app-server process: a request borrows an open connection instead of
        # opening one (a new PostgreSQL connection costs a server process and several milliseconds).
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("ONEWINDOW_DB_POOL_SIZE", "4")),
            "timeout": 10,
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("vi", _("Vietnamese")),
    ("en", _("English")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("ONEWINDOW_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # filled by `onewindow serve` (collectstatic); WhiteNoise expects it
# `onewindow serve` collects static files first; `onewindow demo` (runserver) finds them in place.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
# Applicants' uploads: never under MEDIA_ROOT, which is served publicly.
PRIVATE_MEDIA_ROOT = DATA_DIR / "private"
# This platform's name in trust lists exchanged with other regions (mutual recognition of certificates).
ONEWINDOW_REGION_NAME = os.environ.get("ONEWINDOW_REGION_NAME", "OneWindow")
# Private signing keys of the departments and of the transparency log (PEM files, mode 0600).
CERTIFICATE_KEY_DIR = Path(os.environ.get("ONEWINDOW_CERTIFICATE_KEY_DIR", DATA_DIR / "keys"))
# The hotline's routing model in use (onewindow hotline retrain writes new versions beside it).
HOTLINE_MODEL_DIR = Path(os.environ.get("ONEWINDOW_HOTLINE_MODEL_DIR", DATA_DIR / "hotline-model"))
# The bid-rigging screening model (`onewindow bids train --output` this folder); rules until one exists.
TRADING_MODEL_DIR = Path(os.environ.get("ONEWINDOW_TRADING_MODEL_DIR", DATA_DIR / "trading-model"))

# Uploads (blank forms, samples, later applicants' materials): checked by content, capped in size.
ONEWINDOW_UPLOAD_MAX_BYTES = int(os.environ.get("ONEWINDOW_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = ONEWINDOW_UPLOAD_MAX_BYTES + 1024 * 1024

# Apology notices promise a new date this many working days after the missed due date.
ONEWINDOW_APOLOGY_DAYS = int(os.environ.get("ONEWINDOW_APOLOGY_DAYS", 5))
# Failed logins before a pause (counted in the database, so every app server sees them): for one
# account from one address; for one account from anywhere; from one address for any accounts (high
# enough that an office behind one NAT address is not locked out by a colleague's typos).
ONEWINDOW_LOGIN_ATTEMPTS = int(os.environ.get("ONEWINDOW_LOGIN_ATTEMPTS", 5))
ONEWINDOW_LOGIN_ACCOUNT_ATTEMPTS = int(os.environ.get("ONEWINDOW_LOGIN_ACCOUNT_ATTEMPTS", 20))
ONEWINDOW_LOGIN_ADDRESS_ATTEMPTS = int(os.environ.get("ONEWINDOW_LOGIN_ADDRESS_ATTEMPTS", 100))
ONEWINDOW_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("ONEWINDOW_LOGIN_LOCKOUT_SECONDS", 15 * 60))
# API tokens work this many days (or until revoked); rating links this many days.
ONEWINDOW_TOKEN_DAYS = int(os.environ.get("ONEWINDOW_TOKEN_DAYS", 90))
# A process keeps a valid API token this many seconds before asking the database again: a revoked
# token stops working within them (0: ask on every request).
ONEWINDOW_TOKEN_CACHE_SECONDS = float(os.environ.get("ONEWINDOW_TOKEN_CACHE_SECONDS", 5))
ONEWINDOW_RATING_LINK_DAYS = int(os.environ.get("ONEWINDOW_RATING_LINK_DAYS", 180))
# Sessions: staff are signed out after this many idle minutes; everyone after this many days.
ONEWINDOW_STAFF_IDLE_MINUTES = int(os.environ.get("ONEWINDOW_STAFF_IDLE_MINUTES", 30))
SESSION_COOKIE_AGE = int(os.environ.get("ONEWINDOW_SESSION_DAYS", 7)) * 24 * 3600
# Proxies in front of the app servers that append the client's address to X-Forwarded-For (0: none,
# the address is the connection's own).
ONEWINDOW_PROXY_COUNT = int(os.environ.get("ONEWINDOW_PROXY_COUNT", 0))

# Queue tickets a kiosk device, or a staff account, may issue per minute; and whether any browser may
# use the kiosk pages without being enrolled (the demo only: `onewindow demo` turns it on).
ONEWINDOW_TICKETS_PER_MINUTE = int(os.environ.get("ONEWINDOW_TICKETS_PER_MINUTE", 12))
ONEWINDOW_OPEN_KIOSKS = _env_flag("ONEWINDOW_OPEN_KIOSKS")
# The demo's "Try it" box on the home page (`onewindow demo` turns it on).
ONEWINDOW_DEMO = _env_flag("ONEWINDOW_DEMO")

# Appointments per person: upcoming bookings at once, and missed ones in 30 days before booking pauses.
ONEWINDOW_APPOINTMENT_LIMIT = int(os.environ.get("ONEWINDOW_APPOINTMENT_LIMIT", 3))
ONEWINDOW_APPOINTMENT_NO_SHOW_LIMIT = int(os.environ.get("ONEWINDOW_APPOINTMENT_NO_SHOW_LIMIT", 3))
ONEWINDOW_SMS_BACKEND = os.environ.get("ONEWINDOW_SMS_BACKEND", "onewindow.cases.notifications.LogSmsBackend")

# Where citizens reach this installation: links sent by SMS and email start with it.
ONEWINDOW_PUBLIC_URL = os.environ.get("ONEWINDOW_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Online payment of fees (docs/payments.md): the adapter, and the reference gateway it talks to by
# default (`onewindow paygate serve`, started by the demo) with the merchant's shared secret.
ONEWINDOW_PAYMENT_GATEWAY = os.environ.get(
    "ONEWINDOW_PAYMENT_GATEWAY", "onewindow.payments.gateways.ReferenceGateway"
)
ONEWINDOW_PAYGATE_URL = os.environ.get("ONEWINDOW_PAYGATE_URL", "http://127.0.0.1:8010").rstrip("/")
ONEWINDOW_PAYGATE_MERCHANT = os.environ.get("ONEWINDOW_PAYGATE_MERCHANT", "onewindow")
ONEWINDOW_PAYGATE_SECRET = _generated_secret(
    "ONEWINDOW_PAYGATE_SECRET",
    "paygate_secret",
    lambda: "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode(),
)

# The chat channel (docs/vietnam.md): the adapter, and the reference chat platform it talks to by
# default (`onewindow chatgate serve`, started by the demo), with the official account's name.
ONEWINDOW_CHAT_CHANNEL = os.environ.get(
    "ONEWINDOW_CHAT_CHANNEL", "onewindow.chat.channel.ReferenceChatChannel"
)
ONEWINDOW_CHATGATE_URL = os.environ.get("ONEWINDOW_CHATGATE_URL", "http://127.0.0.1:8011").rstrip("/")
ONEWINDOW_CHAT_ACCOUNT = os.environ.get("ONEWINDOW_CHAT_ACCOUNT", "OneWindow")
ONEWINDOW_CHATGATE_SECRET = _generated_secret(
    "ONEWINDOW_CHATGATE_SECRET",
    "chatgate_secret",
    lambda: "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode(),
)

# Background work (docs/operations.md): every side effect that need not finish inside the request.
ONEWINDOW_TASK_BACKEND = os.environ.get("ONEWINDOW_TASK_BACKEND", "database")
ONEWINDOW_BROKER_URL = os.environ.get("ONEWINDOW_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "celery": "onewindow.core.celery_backend.CeleryBackend",
        }[ONEWINDOW_TASK_BACKEND],
        "QUEUES": ["default"],
    }
}
# A failed task is tried again after 2, 4, 8, … seconds times this base, at most this many times in
# all, waiting at most the cap between tries; then it lands in the dead-letter list (admin).
ONEWINDOW_TASK_RETRY_BASE_SECONDS = float(os.environ.get("ONEWINDOW_TASK_RETRY_BASE_SECONDS", 5))
ONEWINDOW_TASK_RETRY_CAP_SECONDS = float(os.environ.get("ONEWINDOW_TASK_RETRY_CAP_SECONDS", 3600))
ONEWINDOW_TASK_MAX_ATTEMPTS = int(os.environ.get("ONEWINDOW_TASK_MAX_ATTEMPTS", 8))
# A worker that has not been heard of for this long is gone (kill -9, power cut): its running tasks
# go back on the queue.
ONEWINDOW_WORKER_LEASE_SECONDS = float(os.environ.get("ONEWINDOW_WORKER_LEASE_SECONDS", 30))
# Webhook deliveries: tried again after 5, 10, 20 … seconds, at most an hour apart, 20 times (about
# 14 hours) before they are shown as failed; a worker holds a delivery it is sending for the lease.
ONEWINDOW_WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("ONEWINDOW_WEBHOOK_RETRY_BASE_SECONDS", 5))
ONEWINDOW_WEBHOOK_RETRY_CAP_SECONDS = float(os.environ.get("ONEWINDOW_WEBHOOK_RETRY_CAP_SECONDS", 3600))
ONEWINDOW_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("ONEWINDOW_WEBHOOK_MAX_ATTEMPTS", 20))
ONEWINDOW_WEBHOOK_LEASE_SECONDS = float(os.environ.get("ONEWINDOW_WEBHOOK_LEASE_SECONDS", 60))
# A kiosk goes back to its start page after this many seconds without a touch.
ONEWINDOW_KIOSK_IDLE_SECONDS = int(os.environ.get("ONEWINDOW_KIOSK_IDLE_SECONDS", 60))
# What `onewindow scheduler` runs, each slot once however many schedulers run (docs/operations.md).
ONEWINDOW_SCHEDULE = [
    {"name": "apologies", "run": "onewindow.cases.jobs.apologies", "daily_at": "07:30"},
    {"name": "hall_no_shows", "run": "onewindow.hall.services.record_no_shows", "every_seconds": 300},
    {"name": "index_fold", "run": "onewindow.evaluation.jobs.fold_changes", "every_seconds": 60},
    {"name": "index_reconcile", "run": "onewindow.evaluation.jobs.reconcile_yesterday", "daily_at": "01:30"},
    {"name": "webhook_sweep", "run": "onewindow.integrations.delivery.wake_all", "every_seconds": 60},
    {"name": "hotline_supervision", "run": "onewindow.hotline.jobs.supervise", "every_seconds": 900},
    {"name": "cross_region_outbox", "run": "onewindow.crossregion.jobs.send", "every_seconds": 60},
    {"name": "discard_prefills", "run": "onewindow.shareddata.jobs.discard_prefills", "every_seconds": 3600},
    {"name": "proactive_offers", "run": "onewindow.policies.outreach.run_daily", "daily_at": "08:00"},
    {"name": "policy_matching", "run": "onewindow.policies.services.match_all_summary", "daily_at": "02:30"},
    {"name": "payments_reconcile", "run": "onewindow.payments.jobs.reconcile_yesterday", "daily_at": "03:00"},
    {"name": "payments_pending", "run": "onewindow.payments.jobs.refresh_pending", "every_seconds": 300},
]
# The first retry of a message to a partner region comes after this many seconds, then doubles (≤ 1 h).
ONEWINDOW_CROSS_REGION_RETRY_SECONDS = float(os.environ.get("ONEWINDOW_CROSS_REGION_RETRY_SECONDS", 30))

EMAIL_BACKEND = os.environ.get("ONEWINDOW_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
if _env_flag("ONEWINDOW_HTTPS"):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The load balancer's health checks come over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if _env_flag("ONEWINDOW_TRUST_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("ONEWINDOW_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = logging_config(
    os.environ.get("ONEWINDOW_LOG_FORMAT", "text"), os.environ.get("ONEWINDOW_LOG_LEVEL", "INFO")
)
