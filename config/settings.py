"""Settings for the mentoring and ambassadors platform for public service mutuals.

One module, configured by environment variables with safe development defaults. See `.env.example` and the
README's "Configuration" section. With DEBUG off the process refuses to start on the development secret key.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.audited_models import AUDITED_MODELS
from config.beat import BEAT_SCHEDULE
from config.log_settings import logging_config
from config.storage import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_dates(name: str) -> list[date]:
    try:
        return [date.fromisoformat(item) for item in env_list(name)]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be ISO dates separated by commas, such as 2026-12-25") from exc


# --- Core -------------------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-do-not-use-in-production"  # noqa: S105 - refused below
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# The test suite runs with development security defaults; production never imports pytest.
TESTING = env_bool("TESTING", False) or "pytest" in sys.modules
if not DEBUG and not TESTING and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Mutuals mentoring and ambassadors"
# Where people write about accessibility problems, their personal data or a broken page (shown on those pages).
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "support@mutuals-mentoring.example")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "auditlog",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "outbox",
    "notifications",
    "accounts",
    "pages",
    "matching",
    "messaging",
    "ambassadors",
    "information",
    "outcomes",
    "programme",
]

MIDDLEWARE = [
    "config.request_id.RequestIdMiddleware",  # a request id on every log line, and one line per request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.IdleSessionMiddleware",  # SessionMiddleware that a status check does not extend
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.AbsoluteSessionLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "auditlog.middleware.AuditlogMiddleware",  # the signed-in person is the actor of every audited change
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
                "pages.context_processors.platform",
                "programme.context_processors.announcement_banner",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: the quick start only. Wait for a lock rather than failing when the dev server and a task write at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -------------------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, carrying on in process memory while Redis does not answer (config/cache.py).
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mutuals"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mutuals"}}

# Without a broker, tasks run in-process so the quick start needs nothing but Python.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# The queue tasks go to and workers read (their default): two deployments on one Redis database keep apart by name.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# A task is acknowledged only when it has finished, and re-queued if its worker dies, so tasks must be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Stopping a worker (a rolling restart): with REMAP_SIGTERM=SIGQUIT in its environment (docker-compose.yml), SIGTERM
# stops it taking tasks, gives those running CELERY_WORKER_SOFT_SHUTDOWN_SECONDS to finish, then hands the others
# back to the broker (they are acknowledged late) for another worker to redo, and exits. Without the remap SIGTERM
# waits for every running task however long it takes (a nightly rematch: minutes), and the container is killed.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = float(env_int("CELERY_WORKER_SOFT_SHUTDOWN_SECONDS", 30))
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 660)
# Redis re-delivers an unacknowledged task after the visibility timeout: it must outlast the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Handing a task over from a web request must not hold the request long when Redis is down: the outbox keeps the
# work (outbox/models.py) and the dispatcher sends it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "Europe/London"
# The periodic tasks: config/beat.py (each entry's reason to be safe to run twice: docs/operations.md).
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# One scheduler however many hosts run beat (celery-redbeat, docs/operations.md): the schedule and when each entry
# last ran are kept in Redis, and only the beat process holding a lock in Redis sends anything; any other waits for
# the lock as a standby. The holder renews the lock on every tick (at most CELERY_BEAT_MAX_LOOP_INTERVAL seconds
# apart) and releases it when stopped; one that dies without releasing it hands over after BEAT_LOCK_SECONDS.
# Without Redis (the quick start, eager tasks) Celery's own file scheduler is used.
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_REDBEAT_REDIS_URL = REDIS_URL
CELERY_REDBEAT_KEY_PREFIX = env_str("BEAT_KEY_PREFIX", "mutuals:redbeat:")
CELERY_REDBEAT_REDIS_OPTIONS = {"socket_connect_timeout": 5, "socket_timeout": 10}
CELERY_BEAT_MAX_LOOP_INTERVAL = env_int("BEAT_MAX_LOOP_INTERVAL", 5)
CELERY_REDBEAT_LOCK_TIMEOUT = env_int("BEAT_LOCK_SECONDS", 60)
if CELERY_REDBEAT_LOCK_TIMEOUT <= 2 * CELERY_BEAT_MAX_LOOP_INTERVAL:
    raise ImproperlyConfigured("BEAT_LOCK_SECONDS must be more than twice BEAT_MAX_LOOP_INTERVAL.")

# --- Authentication (django-allauth) ----------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_CHANGE_EMAIL = True
# Changing the email address is the first step of taking an account over: ask for the password again first.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SIGNUP_REDIRECT_URL = "accounts:onboarding"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mutuals mentoring] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# Rate limits are enforced through the cache: Redis in production, so they hold across processes.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# A security key or passkey (WebAuthn, on https or http://localhost) is the other second factor: a step after the
# password, never a sign-in on its own. Our key forms refuse a malformed key response with a message, not an error.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_FORMS = {
    "add_webauthn": "accounts.security_key_forms.AddWebAuthnForm",
    "authenticate_webauthn": "accounts.security_key_forms.AuthenticateWebAuthnForm",
    "reauthenticate_webauthn": "accounts.security_key_forms.ReauthenticateWebAuthnForm",
}
MFA_TOTP_ISSUER = "Mutuals mentoring"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"

# --- Sessions and security --------------------------------------------------------------------------------

SESSION_COOKIE_AGE = 60 * 60  # idle limit: refreshed on every request but the time-out warning's status check
SESSION_SAVE_EVERY_REQUEST = True
# ...but a session nothing changed is re-saved at most this often (accounts.middleware.IdleSessionMiddleware).
SESSION_RESAVE_SECONDS = env_int("SESSION_RESAVE_SECONDS", 60)

# The public forward look (programme/forward_look.py): counts from 1 to this number minus one are never published,
# so no count can single out a mutual that has not consented to be listed; and how many past quarters it shows.
FORWARD_LOOK_SMALL_CELL_THRESHOLD = env_int("FORWARD_LOOK_SMALL_CELL_THRESHOLD", 3)
FORWARD_LOOK_QUARTERS = env_int("FORWARD_LOOK_QUARTERS", 8)
# Its counts are cached under a key that changes with the data (programme/forward_look.py); 0 turns the cache off.
FORWARD_LOOK_CACHE_SECONDS = env_int("FORWARD_LOOK_CACHE_SECONDS", 300)
SESSION_ABSOLUTE_LIMIT = timedelta(hours=12)  # enforced by accounts.middleware.AbsoluteSessionLimitMiddleware
# Signed-in pages warn this long before either limit ends the session (static/js/session-timeout.js; WCAG 2.2.1).
SESSION_WARNING_SECONDS = 2 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
# Container and load-balancer health probes talk plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Rate limits count per client address. Behind proxies every request comes from the proxy's address, so the whole
# site would share one limit (and one attacker could lock everyone out): read the client's address from the
# X-Forwarded-For entry added by the nearest of TRUSTED_PROXY_COUNT proxies we run (the README's operations section).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)

# django-csp 4: no inline scripts or styles; GOV.UK Frontend's "js-enabled" class is set by a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Static files and uploads -----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files: local files under MEDIA_ROOT, or an S3-compatible bucket shared by every host when MEDIA_BUCKET is set
# (config/storage.py: private objects, served only through the application's views).
MEDIA_BUCKET = env_str("MEDIA_BUCKET")
_BUCKET = {
    "bucket": MEDIA_BUCKET,
    "endpoint_url": env_str("MEDIA_ENDPOINT_URL"),
    "region": env_str("MEDIA_REGION"),
    "access_key": env_str("MEDIA_ACCESS_KEY_ID"),
    "secret_key": env_str("MEDIA_SECRET_ACCESS_KEY"),
    "addressing_style": env_str("MEDIA_ADDRESSING_STYLE"),
}
# Files shared in relationships: never under MEDIA_ROOT (which DEBUG serves) nor the web root, served only by the
# application to the relationship's parties (messaging/views/documents.py). With a bucket, under documents/ in it,
# so every host sees them; without, in DOCUMENTS_ROOT.
DOCUMENTS_ROOT = Path(env_str("DOCUMENTS_ROOT", str(BASE_DIR / "private-documents")))
STORAGES = {
    "default": media_storage(**_BUCKET, prefix=env_str("MEDIA_PREFIX")),
    "documents": (
        media_storage(**_BUCKET, prefix=f"{env_str('MEDIA_PREFIX').strip('/')}/documents".lstrip("/"))
        if MEDIA_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(DOCUMENTS_ROOT), "base_url": None},
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development and tests the files are served from their source folders (no collectstatic), re-read on change.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ------------------------------------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# A failed send is retried six times, waiting this many seconds doubled each time (with jitter, at most an hour),
# before the email is marked failed for the programme team (notifications/tasks.py).
EMAIL_RETRY_BACKOFF_SECONDS = env_int("EMAIL_RETRY_BACKOFF_SECONDS", 30)
# Sent emails are remembered (that they were sent, not what they said) this long; notices are kept this long.
EMAIL_LOG_DAYS = env_int("EMAIL_LOG_DAYS", 30)
NOTICE_RETENTION_DAYS = env_int("NOTICE_RETENTION_DAYS", 365)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mutuals mentoring <no-reply@mutuals-mentoring.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# GOV.UK Notify instead of SMTP (notifications/backends.py): an API key, and the id of one Notify email template
# whose subject is ((subject)) and whose body is ((body)). The sender address is the Notify service's own.
NOTIFY_EMAIL_BACKEND = "notifications.backends.NotifyEmailBackend"
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY")
NOTIFY_TEMPLATE_ID = env_str("NOTIFY_TEMPLATE_ID")
if EMAIL_BACKEND == NOTIFY_EMAIL_BACKEND and not (NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID):
    raise ImproperlyConfigured("EMAIL_BACKEND is GOV.UK Notify: set NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID too.")

# --- Internationalisation ---------------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Programme settings -----------------------------------------------------------------------------------

INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
INTRODUCTION_RESPONSE_DAYS = env_int("INTRODUCTION_RESPONSE_DAYS", 7)
# What the programme team aims for, in working days (accounts/working_days.py), and tells people to expect: vetting a
# new mentor, and finding a mentor by hand when none of a mutual's choices could help.
VETTING_WORKING_DAYS = env_int("VETTING_WORKING_DAYS", 5)
ATTENTION_WORKING_DAYS = env_int("ATTENTION_WORKING_DAYS", 5)
# A running match run renews its lease this often; one silent for MATCH_RUN_LEASE_SECONDS lost its worker
# (matching/leases.py) and is run again, or marked failed, by the recovery task.
MATCH_RUN_HEARTBEAT_SECONDS = env_int("MATCH_RUN_HEARTBEAT_SECONDS", 10)
MATCH_RUN_LEASE_SECONDS = env_int("MATCH_RUN_LEASE_SECONDS", 60)
MATCH_RUN_MAX_ATTEMPTS = env_int("MATCH_RUN_MAX_ATTEMPTS", 3)
# Key of the matching engine's tie order (matching/loading/inputs.py tie_key): mentors who score the same for a
# request are ordered by a hash of the request and the mentor under this key, not by id. Not a secret.
MATCHING_TIE_KEY = env_str("MATCHING_TIE_KEY", "mutuals-matching-ties")
# A full rematch from a worker with more open requests than this is spread over the workers, in blocks of
# MATCHING_PARTITION_BLOCK_SIZE requests (matching/services/partitions.py); 0 never spreads. With no broker
# (no REDIS_URL: tasks run in-process) a run is never spread.
MATCHING_PARTITION_THRESHOLD = env_int("MATCHING_PARTITION_THRESHOLD", 20000)
MATCHING_PARTITION_BLOCK_SIZE = env_int("MATCHING_PARTITION_BLOCK_SIZE", 5000)
if MATCHING_PARTITION_THRESHOLD < 0 or MATCHING_PARTITION_BLOCK_SIZE < 1:
    raise ImproperlyConfigured(
        "MATCHING_PARTITION_THRESHOLD must be 0 or more and MATCHING_PARTITION_BLOCK_SIZE 1 or more."
    )

# JSON lines in production (one object per line, with the request id: config/request_id.py), plain text in
# development. The request line names the view, never the path (paths can carry tokens); no personal data is logged.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG or TESTING else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")

# --- Information service (information/) ---------------------------------------------------------------------

# The support team aims to answer an enquiry within this many working days (Monday to Friday, not BANK_HOLIDAYS);
# the triage queue marks enquiries past it as overdue and the acknowledgement email promises it.
ENQUIRY_RESPONSE_WORKING_DAYS = env_int("ENQUIRY_RESPONSE_WORKING_DAYS", 2)
# Days that are not working days besides weekends, as ISO dates: 2026-12-25,2026-12-28
BANK_HOLIDAYS = env_dates("BANK_HOLIDAYS")
# Closed enquiries (and their replies) are deleted this many months after closing, by a nightly task.
ENQUIRY_RETENTION_MONTHS = env_int("ENQUIRY_RETENTION_MONTHS", 12)
# Enquiries accepted from one email address in an hour (counted in the cache, so across processes on Redis).
ENQUIRY_RATE_LIMIT_PER_HOUR = env_int("ENQUIRY_RATE_LIMIT_PER_HOUR", 5)
# Uploaded import files are deleted when imported; never imported, this many days after upload (imports/retention.py).
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 7)
# A guidance page is due for review this many months after it was last reviewed.
RESOURCE_REVIEW_MONTHS = env_int("RESOURCE_REVIEW_MONTHS", 12)

LOGGING = logging_config(
    log_format=LOG_FORMAT,
    level=env_str("LOG_LEVEL", "INFO"),
    request_level=env_str("REQUEST_LOG_LEVEL", "WARNING" if DEBUG or TESTING else "INFO"),
)

# Announcements are delivered this many people at a time, with this pause between batches (programme/tasks.py).
ANNOUNCEMENT_BATCH_SIZE = env_int("ANNOUNCEMENT_BATCH_SIZE", 200)
ANNOUNCEMENT_BATCH_PAUSE_SECONDS = env_int("ANNOUNCEMENT_BATCH_PAUSE_SECONDS", 10)

# The audit log (django-auditlog): the models and fields in config/audited_models.py, with who changed them. Addresses
# are not kept: who acted is what the programme team asks, and an IP address is one more piece of personal data.
AUDITLOG_INCLUDE_TRACKING_MODELS = AUDITED_MODELS
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_STORE_JSON_CHANGES = True
# Foreign keys show the object's name ("Ana Mentor"), not a bare id, in the before and after columns.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# Optional error reporting: Sentry (or a compatible service) when SENTRY_DSN is set; nothing is sent otherwise. No
# personal data is sent (no user details, no request bodies, no cookies).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN and not TESTING:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
    )
