"""The one settings module. Every knob is an environment variable, documented in docs/configuration.md.

Defaults are safe for a laptop: SQLite in var/, a generated secret key, DEBUG off. Production sets
DATABASE_URL (PostgreSQL), GONGKAI_ALLOWED_HOSTS and runs behind HTTPS (GONGKAI_HTTPS=1, the default).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GONGKAI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting: one of TRUE_WORDS or FALSE_WORDS in any case, or unset/empty for the default. Anything
    else stops the start with the variable's name, rather than reading a typo (`GONGKAI_HTTPS=ture`) as no."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"环境变量 {name} 的值 {value!r} 无法识别：开启请写 {'、'.join(TRUE_WORDS)}，关闭请写 {'、'.join(FALSE_WORDS)}"
        f"（不区分大小写），留空则使用默认值。"
        f" ({name}={value!r} is not a yes/no value; accepted: {', '.join(TRUE_WORDS + FALSE_WORDS)}, or empty.)"
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def _secret_key() -> str:
    """The key comes from the environment, or from var/secret_key, created on first run and never in git."""
    if key := os.environ.get("GONGKAI_SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _audit_key() -> str:
    """The audit chain's HMAC key: from the environment, or var/audit_key, created like the secret key.

    It must live outside the database: whoever can write the database but not read this key cannot recompute
    the chain after changing an event (docs/audit.md).
    """
    if key := os.environ.get("GONGKAI_AUDIT_KEY"):
        return key
    key_file = VAR_DIR / "audit_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
AUDIT_KEY = _audit_key()
# Keys of earlier years, after a rotation: events keyed with them still verify. Comma-separated.
AUDIT_OLD_KEYS = env_list("GONGKAI_AUDIT_OLD_KEYS", "")
# The append-only file where `audit_verify --checkpoint` writes the chain's length and newest hash.
AUDIT_CHECKPOINT_FILE = Path(env_str("GONGKAI_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")))
DEBUG = env_bool("GONGKAI_DEBUG", False)
ALLOWED_HOSTS = env_list("GONGKAI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("GONGKAI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Bottom layer: everything else may depend on these.
    "gongkai.core",
    "gongkai.audit",
    "gongkai.workdays",
    "gongkai.agencies",
    "gongkai.accounts",
    # The outbox of e-mail and SMS notices: below the domain apps, which write notices in their transactions.
    "gongkai.notices",
    # Domain apps (the middle layer): see docs/architecture.md for which may read which.
    "gongkai.applications",
    "gongkai.appeals",
    "gongkai.catalogue",
    "gongkai.participation",
    "gongkai.gazette",
    "gongkai.enforcement",
    "gongkai.analytics",
    "gongkai.supervision",
    # Top layer: the annual report, the portal and back-office shells, and the demo read the domain apps.
    "gongkai.annual_reports",
    "gongkai.jobs",
    "gongkai.inbox",
    "gongkai.portal",
    "gongkai.backoffice",
    "gongkai.api",
    "gongkai.demo",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # only for its vendored Swagger UI files (static/ninja/), so the API reference needs no CDN
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gongkai.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gongkai.core.middleware.SlidingSessionMiddleware",
    "gongkai.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongkai.audit.middleware.AuditContextMiddleware",
    "gongkai.analytics.middleware.VisitRecorderMiddleware",
    # Inside the visit recorder, so that a page served from the cache is counted like any other.
    "gongkai.portal.pagecache.PublicPageCacheMiddleware",
    # Under /api/ only: rate limits, problem-details errors, ETag and conditional requests.
    "gongkai.api.http.ApiHttpMiddleware",
    # django-axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongkai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.core.context_processors.staff_nav",
                "gongkai.inbox.context_processors.inbox",
            ],
        },
    },
]
# Django's renderer, but a select's empty choice reads 请选择 or （无）, never "---------".
FORM_RENDERER = "gongkai.core.forms.FormRenderer"

# --- Database -------------------------------------------------------------------------------------------
# SQLite by default. IMMEDIATE transactions take the write lock when a transaction starts, so concurrent
# writers queue behind the busy timeout instead of failing half-way with "database is locked"; WAL lets
# readers carry on while one process writes.
SQLITE_PATH = VAR_DIR / "gongkai.sqlite3"
# SQLite's page cache per connection (its default is 2 MB): the full-text index's inserts and merges, and
# its document lists, are read through it.
SQLITE_CACHE_MB = env_int("GONGKAI_SQLITE_CACHE_MB", 64)
DATABASE_URL = env_str("DATABASE_URL", "")
REDIS_URL = env_str("GONGKAI_REDIS_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("GONGKAI_DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    f"PRAGMA busy_timeout=30000; PRAGMA cache_size=-{SQLITE_CACHE_MB * 1024};"
                ),
            },
            "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
            # Kept open between requests: opening one costs more than a cached page (the PRAGMAs above, the
            # functions Django registers, and a cold page cache of SQLITE_CACHE_MB each time), measured at
            # 6 of the 11 ms of a page served from the cache (docs/benchmarks.md).
            "CONN_MAX_AGE": env_int("GONGKAI_DB_CONN_MAX_AGE", 600),
        }
    }
    if not REDIS_URL:
        # The shared cache (rate-limit and look-up counters) in a file of its own: its writes need no transaction
        # with the records, and in the records' file they waited for the online applications' write lock
        # (gongkai/core/dbrouter.py, issue #15). Nothing in it needs a backup.
        DATABASES["cache"] = {
            **DATABASES["default"],
            "NAME": VAR_DIR / "cache.sqlite3",
            "OPTIONS": {
                **DATABASES["default"]["OPTIONS"],
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
            },
            "TEST": {"NAME": VAR_DIR / "test-cache.sqlite3"},
        }
DATABASE_ROUTERS = ["gongkai.core.dbrouter.SharedCacheRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------------
# Rate limits and lockouts must be shared by every app process, so the default cache is the database;
# production with Redis sets GONGKAI_REDIS_URL (REDIS_URL, read with the database settings above).
# Per process, emptied at each start (so never older than the code): fragments that depend on the code alone,
# such as the blank application form.
LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gongkai-local"}
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
        "local": LOCAL_CACHE,
    }
else:
    CACHES = {
        # Django's default of 300 entries would cull live rate-limit counters once more than 300 addresses are
        # counted within the hour, and django-ratelimit refuses a request whose counter vanished (a 429 for a
        # visitor within the limit).
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "gongkai_cache",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "gongkai_page_cache",
            "OPTIONS": {"MAX_ENTRIES": env_int("GONGKAI_PAGE_CACHE_ENTRIES", 50_000)},
        },
        "local": LOCAL_CACHE,
    }

# The portal's anonymous pages served from the "pages" cache, invalidated by every change that can alter them
# (gongkai/portal/pagecache.py, docs/deploy.md "Caching").
GONGKAI_PAGE_CACHE = env_bool("GONGKAI_PAGE_CACHE", True)
GONGKAI_PAGE_CACHE_SECONDS = env_int("GONGKAI_PAGE_CACHE_SECONDS", 24 * 3600)
GONGKAI_PAGE_CACHE_SEARCH_SECONDS = env_int("GONGKAI_PAGE_CACHE_SEARCH_SECONDS", 300)
GONGKAI_PROXY_CACHE_SECONDS = env_int("GONGKAI_PROXY_CACHE_SECONDS", 0)
# Each process keeps copies of the pages it served (this many MB), still checked against the shared versions on
# every request, so invalidation stays immediate; 0 turns the copies off.
GONGKAI_PAGE_CACHE_LOCAL_MB = env_int("GONGKAI_PAGE_CACHE_LOCAL_MB", 32)
# Processes on one machine keep the pages' version tokens between changes, watching a mark in this file that
# every change rewrites (gongkai/core/pagecache.py). Only where every process shares this disk: by default on
# the SQLite set-up, never with Redis (several machines); empty turns it off.
GONGKAI_PAGE_VERSIONS_FILE = env_str(
    "GONGKAI_PAGE_VERSIONS_FILE", "" if REDIS_URL or DATABASE_URL else str(VAR_DIR / "page-versions")
)

# --- Accounts, sessions and login security --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gongkai.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:dashboard"
LOGOUT_REDIRECT_URL = "backoffice:login"
SESSION_COOKIE_AGE = env_int("GONGKAI_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sliding expiry (an idle session ends, an active one does not) without a write per request: a session in use is
# written again once this many seconds have passed since its last write (core.middleware.SlidingSessionMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
GONGKAI_SESSION_TOUCH_SECONDS = env_int("GONGKAI_SESSION_TOUCH_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
AXES_FAILURE_LIMIT = env_int("GONGKAI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("GONGKAI_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "backoffice/locked_out.html"
# Trusted reverse proxies in front of the app; the client's address is then read from X-Forwarded-For by
# gongkai.core.client, the only code that reads it, for lockouts, rate limits, the audit trail and statistics.
PROXY_COUNT = env_int("GONGKAI_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "gongkai.core.client.client_address_or_unknown"
RATELIMIT_IP_META_KEY = "gongkai.core.client.client_address_or_unknown"
AXES_VERBOSE = False

# --- HTTPS and security headers -------------------------------------------------------------------------
# GONGKAI_HTTPS=1 (the default) is for a deployment behind a TLS-terminating proxy; `make run` on
# http://127.0.0.1 turns it off because browsers drop secure cookies on plain HTTP.
HTTPS = env_bool("GONGKAI_HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
# A failed CSRF check gets a Chinese page in the site's layout with what the visitor typed, never Django's hint.
CSRF_FAILURE_VIEW = "gongkai.portal.errors.csrf_failure"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS and env_bool("GONGKAI_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: scripts are files under /static/, and htmx runs with inline styles off.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# --- Language and time ----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("GONGKAI_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("GONGKAI_MEDIA_ROOT", str(VAR_DIR / "media")))
# Applicants' papers and appeal documents: a separate root that no web-server rule serves (gongkai.core.storage).
PRIVATE_MEDIA_ROOT = Path(env_str("GONGKAI_PRIVATE_ROOT", str(VAR_DIR / "private")))
# With nginx in front, the app checks access and nginx sends the file from an internal location under this
# prefix (X-Accel-Redirect, docs/deploy.md); empty: the app sends files itself.
FILES_ACCEL_REDIRECT_PREFIX = env_str("GONGKAI_ACCEL_REDIRECT_PREFIX", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "gongkai.core.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("GONGKAI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("GONGKAI_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("GONGKAI_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("GONGKAI_FROM_EMAIL", "gongkai@localhost")

# --- Notices (docs/notifications.md) ---------------------------------------------------------------------
# `make run` sets GONGKAI_EMAIL_BACKEND to the file backend, so the notices it sends land in var/mail/.
EMAIL_FILE_PATH = Path(env_str("GONGKAI_EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
EMAIL_TIMEOUT = env_int("GONGKAI_EMAIL_TIMEOUT", 30)
# SMS goes through a backend class of the same shape as Django's e-mail backends (gongkai.notices.sms).
SMS_BACKEND = env_str("GONGKAI_SMS_BACKEND", "gongkai.notices.sms.ConsoleBackend")
SMS_FILE_PATH = Path(env_str("GONGKAI_SMS_FILE_PATH", str(VAR_DIR / "sms")))
# Delivery attempts before a notice is marked failed; the wait doubles after each failure, up to an hour.
NOTICES_MAX_ATTEMPTS = env_int("GONGKAI_NOTICE_MAX_ATTEMPTS", 10)
# How long a delivery run holds the batch it claimed (100 notices); a worker killed mid-batch leaves the unsent
# rest to be taken again after this. Longer than a batch can take, so a slow run is never overtaken.
NOTICES_LEASE_SECONDS = env_int("GONGKAI_NOTICE_LEASE_SECONDS", 300)
# The public address of the portal, for links in notices (the tracking page); empty: no link.
SITE_URL = env_str("GONGKAI_SITE_URL", "").rstrip("/")

# --- Jobs (docs/jobs.md) ------------------------------------------------------------------------------
# Huey runs the periodic jobs and delivers notices. Its queue is a SQLite file in var/ by default, so
# `make run` needs nothing else; with GONGKAI_REDIS_URL set the queue is in Redis, shared by every worker.
HUEY = {
    "name": env_str("GONGKAI_JOBS_QUEUE", "gongkai"),
    # RedisExpireHuey keeps locks as expiring keys (any Redis version), so a killed worker's lock runs out.
    "huey_class": "huey.RedisExpireHuey" if REDIS_URL else "huey.SqliteHuey",
    **({"url": REDIS_URL} if REDIS_URL else {"filename": str(VAR_DIR / "huey.sqlite3")}),
    # Immediate mode runs a task in the calling process at once (tests; a machine without a worker).
    "immediate": env_bool("GONGKAI_JOBS_IMMEDIATE", False),
    "results": False,
    # Schedules (crontab) are read in the site's time zone (TIME_ZONE, Asia/Shanghai), as docs/jobs.md lists them.
    "utc": False,
    "consumer": {
        "workers": env_int("GONGKAI_JOBS_WORKERS", 2),
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
        # SQLite locks cannot expire: the worker clears stale job locks when it starts (one worker per file).
        "flush_locks": not REDIS_URL,
    },
}

# --- Gongkai itself -------------------------------------------------------------------------------------
# The agency whose portal is served at "/" (its short code); empty means the root of the agency tree.
PORTAL_AGENCY = env_str("GONGKAI_PORTAL_AGENCY", "")
# Portal page views are written in batches, not one INSERT per view (gongkai/analytics/services.py HitBuffer):
# a batch is written when it holds this many views or its oldest is this many seconds old. 1 = at once.
ANALYTICS_HIT_BATCH = env_int("GONGKAI_HIT_BATCH", 100)
ANALYTICS_HIT_FLUSH_SECONDS = env_int("GONGKAI_HIT_FLUSH_SECONDS", 2)
# Daily search-term counts (热门检索: term, day, section; no visitor) are deleted after this many days.
ANALYTICS_SEARCH_TERMS_KEEP_DAYS = env_int("GONGKAI_SEARCH_TERMS_KEEP_DAYS", 400)
# Applications: whether the wait for a fee payment is left out of the answer deadline (spec §3, unverified).
APPLICATIONS_FEE_WAIT_EXCLUDED = env_bool("GONGKAI_FEE_WAIT_EXCLUDED", True)

# Report intake (年报审查): what one uploaded report file may cost the server (docs/annual-report.md).
ANNUAL_REPORT_INTAKE_MAX_MB = env_int("GONGKAI_REPORT_INTAKE_MAX_MB", 20)
ANNUAL_REPORT_INTAKE_MAX_PAGES = env_int("GONGKAI_REPORT_INTAKE_MAX_PAGES", 200)
ANNUAL_REPORT_INTAKE_MAX_ARCHIVE_FILES = env_int("GONGKAI_REPORT_INTAKE_MAX_ARCHIVE_FILES", 500)
ANNUAL_REPORT_INTAKE_MAX_ARCHIVE_MB = env_int("GONGKAI_REPORT_INTAKE_MAX_ARCHIVE_MB", 200)
ANNUAL_REPORT_INTAKE_MAX_SECONDS = env_int("GONGKAI_REPORT_INTAKE_MAX_SECONDS", 30)
# Applications: per-address limit of online submissions and tracking-code look-ups (django-ratelimit syntax).
APPLICATIONS_RATE = env_str("GONGKAI_APPLICATION_RATE", "10/h")
# Tracking look-ups: only failures count, per case number and per client address (gongkai/applications/lookups.py).
TRACK_FAILURES_PER_CASE = env_int("GONGKAI_TRACK_FAILURES_PER_CASE", 10)
TRACK_FAILURES_PER_ADDRESS = env_int("GONGKAI_TRACK_FAILURES_PER_ADDRESS", 30)
TRACK_FAILURE_WINDOW = env_int("GONGKAI_TRACK_FAILURE_WINDOW", 3600)

# Open data (gongkai.api): the public API's rate limit per client address, and per API key (0 = no limit).
API_RATE_PER_MINUTE = env_int("GONGKAI_API_RATE_PER_MINUTE", 120)
API_KEY_RATE_PER_MINUTE = env_int("GONGKAI_API_KEY_RATE_PER_MINUTE", 0)
# The site's public address, written into the bulk files' item links (they are made outside any request).
SITE_URL = env_str("GONGKAI_SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GONGKAI_LOG_LEVEL", "INFO")},
    # fontTools (used by fpdf2 to subset fonts) logs every glyph at INFO.
    # huey's consumer adds its own handler to the "huey" logger; not propagating keeps each line printed once.
    "loggers": {
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "huey": {"level": "INFO", "propagate": False},
    },
}
