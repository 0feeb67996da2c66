"""CharterHub settings, read from the environment (see README "Configuration").

A malformed value stops start-up with one line naming the variable.
"""

import sys
from pathlib import Path

from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from charterhub.env import (
    EnvError,
    env_bool,
    env_int,
    env_list,
    env_str,
    load_env_file,
    parse_database_url,
    parse_email_url,
    parse_redis_url,
    parse_site_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

try:
    # .env in the checkout (written by `make run`: DEBUG=true) under the real environment;
    # ENV_FILE names another file, or "" for none (the test suite's choice: tests/env_defaults.py).
    load_env_file(env_str("ENV_FILE", str(BASE_DIR / ".env")))
    DEBUG = env_bool("DEBUG", default=False)
    SECRET_KEY = env_str("SECRET_KEY")
    if not SECRET_KEY:
        if not DEBUG:
            raise EnvError(
                "SECRET_KEY is required when DEBUG is off (set SECRET_KEY, or DEBUG=true)"
            )
        SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 — DEBUG only
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
    SITE_URL = parse_site_url(env_str("SITE_URL", "http://127.0.0.1:8000"))
    DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CharterHub <noreply@charterhub.test>")
    DATABASES = {
        "default": parse_database_url(
            env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'charterhub.sqlite3'}")
        )
    }
    REDIS_URL = parse_redis_url(env_str("REDIS_URL"))
    MAILERS = {"default": parse_email_url(env_str("EMAIL_URL"), file_path=str(VAR_DIR / "mail"))}
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
    # Security (docs/security.md): how many reverse proxies of ours add X-Forwarded-For
    # (0: use REMOTE_ADDR), session timeouts, how long the audit log is kept.
    TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, maximum=5)
    SESSION_IDLE_TIMEOUT = 60 * env_int("SESSION_IDLE_MINUTES", 30, minimum=2, maximum=24 * 60)
    SESSION_ABSOLUTE_TIMEOUT = 3600 * env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1, maximum=720)
    AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 400, minimum=30)
except EnvError as error:
    sys.exit(f"CharterHub configuration error: {error}")

SERVER_EMAIL = DEFAULT_FROM_EMAIL

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids
    # "database is locked" on lock upgrades in write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "apps.core",
    "apps.audit",
    "apps.accounts",
    "apps.charter",
    "apps.milestones",
    "apps.meetings",
    "apps.notifications",
    "apps.overview",
    "apps.reports",
    "apps.calendar",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database outage → 503 page, a full disk → 507 page (and handler500 in urls.py).
    "charterhub.middleware.OutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on whatever a signed-in user is answered (unless the view set its
    # own); seen on the way out, after every middleware below it.
    "apps.core.middleware.PrivateCacheMiddleware",
    # Keeps the request at hand for the audit log; records PermissionDenied.
    "apps.audit.middleware.AuditMiddleware",
    # The signed-in user's saved language wins over the cookie and Accept-Language.
    "apps.accounts.middleware.UserLanguageMiddleware",
    # …and their saved time zone, for every date shown and every "today" judged.
    "apps.core.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 404s in the site's layout under DEBUG too (make run); see charterhub/middleware.py.
    "charterhub.middleware.ErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Idle and absolute session timeouts: inside messages (it leaves one for the login page)
    # and the header middleware (its redirects carry the headers too).
    "apps.accounts.session_timeout.SessionTimeoutMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "charterhub.urls"
WSGI_APPLICATION = "charterhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "charterhub.navigation.navigation",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock the account after repeated failures, whatever the IP.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Django's login form posts "username" even though USERNAME_FIELD is "email".
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command
# axes.W006 warns that per-account lockout lets an attacker lock a known account;
# for officials' accounts that trade-off is deliberate (password guessing is the greater risk).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# "Member@x" and "member@x " are the same account: count their failures together.
AXES_USERNAME_CALLABLE = "apps.accounts.security.login_username"
AXES_CLIENT_IP_CALLABLE = "apps.audit.context.client_ip"  # REMOTE_ADDR unless TRUSTED_PROXY_COUNT
AXES_LOCKOUT_CALLABLE = "apps.accounts.security.lockout_response"  # a page, status 429
# Attempts while locked are refused without being counted: the lock ends AXES_COOLOFF_TIME
# after the failure that set it, however often someone keeps trying meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour
PASSWORD_RESET_EMAILS_PER_HOUR = 3  # per account; more requests are recorded, not sent
# The session cookie and row live no longer than the absolute timeout.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
CSRF_FAILURE_VIEW = "apps.audit.views.csrf_failure"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("az", _("Azerbaijani")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language (charterhub/formats/).
FORMAT_MODULE_PATH = ["charterhub.formats"]
# "limits": attempt counters (apps/core/limits.py) in a database table, so every process and
# machine counts the same failures; created by the core app's migration.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "core_limits",
    },
}

TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Uploads and request bodies (docs/security.md, "Uploads"). The uploads themselves are checked
# where they are used: evidence files ≤ 10 MB, PDF/PNG/JPEG/DOCX/XLSX/CSV/TXT by extension and
# content (apps/milestones/services/evidence.py EVIDENCE_*); roadmap imports ≤ 2 MB, .csv, UTF-8
# text (apps/milestones/roadmap_csv.py MAX_BYTES). Both stop reading a file past the limit.
# Django's limits below are set on purpose; a request over one gets the 400 page (400.html).
# The non-file part of a request: the longest text (minutes, 100,000 characters) URL-encoded
# takes at most 1.2 MB even in a four-byte script.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB
# Fields per request: the admin's working-group page posts about 6 per member row.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000
# Files per request: every form here sends one.
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# A file up to this size stays in memory; a larger one is spooled to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Security headers. The strict CSP: scripts and styles only from us (or with the nonce).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SAMESITE = "Lax"

# Celery: Redis in production and CI; with no REDIS_URL, kombu's filesystem
# transport under var/ so `make run` needs no server.
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    for folder in ("queue", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Reminders and digests are checked every hour: each recipient's are decided from 08:00 in
# their own time zone, and a later run the same local day catches up. The outbox is sent
# every minute. Each entry expires before the next one is due, so a backlog (a worker that
# was down) runs once, not once per missed beat.
CELERY_BEAT_SCHEDULE = {
    "send-deadline-reminders": {
        "task": "apps.notifications.tasks.send_deadline_reminders",
        "schedule": crontab(minute=5),
        "options": {"expires": 50 * 60},
    },
    "send-digests": {
        "task": "apps.notifications.tasks.send_digests",
        "schedule": crontab(minute=10),
        "options": {"expires": 50 * 60},
    },
    "deliver-emails": {
        "task": "apps.notifications.tasks.deliver_emails",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "prune-audit-log": {
        "task": "apps.audit.tasks.prune_audit_log",
        "schedule": crontab(hour=3, minute=41),
        "options": {"expires": 12 * 60 * 60},
    },
    "cleanup-email-log": {
        "task": "apps.notifications.tasks.cleanup_email_log",
        "schedule": crontab(hour=3, minute=17),
        "options": {"expires": 12 * 60 * 60},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "charterhub.middleware.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
