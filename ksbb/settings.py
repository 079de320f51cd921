"""Settings for the KSBB Portal, read from the environment.

Defaults run out of the box on SQLite with DEBUG on (local use only); production sets
SECRET_KEY, DEBUG=0, ALLOWED_HOSTS, DATABASE_URL and friends (see README).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")
# A development-only key: with DEBUG off, SECRET_KEY must come from the environment.
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "dev-only-insecure-key-do-not-use-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_ROOT = os.environ.get("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",  # autodiscovery: ksbb/apps.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "leaflet",
    "simple_history",
    "import_export",
    "csp",
    "axes",
    "django_q",
    "ksbb",
    "ksbb.jobs",
    "recipients",
    "commitments",
    "complaints",
]

MIDDLEWARE = [
    # First: a load balancer's poll needs no session, host check or HTTPS redirect.
    "ksbb.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ksbb.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ksbb.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "recipients.middleware.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "ksbb.middleware.DatabaseLockedMiddleware",
    # Last: turns a login that django-axes locked out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves static files from STATIC_ROOT (collectstatic); runserver does in DEBUG.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "ksbb.urls"
WSGI_APPLICATION = "ksbb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "recipients.context_processors.demo",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite by default; PostgreSQL through DATABASE_URL (postgres://user@host:5432/name).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections: a new PostgreSQL connection per request costs 1.5-8x
        # throughput on this hardware. Health checks drop connections that went stale.
        conn_max_age=envint("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep file handles open in threads.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers queue for
    # the busy timeout instead of failing with "database is locked" at their first write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory: tests of concurrent writers need a database that threads share.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(DATABASES["default"]["NAME"]).with_suffix(".test.sqlite3")
    )
# DATABASE_POOLER=pgbouncer: DATABASE_URL points at PgBouncer in transaction mode, which may run
# each transaction of one Django connection on another server connection, so nothing may
# outlive a transaction on the server. Django's one such thing is the WITH HOLD cursor that
# QuerySet.iterator() opens outside a transaction (the commitments CSV): turned off. psycopg2
# prepares no statements on the server and the portal sets no session state (no SET, no advisory
# locks); Django's own `SET TIME ZONE` is replayed by PgBouncer, which tracks TimeZone.
# Persistent connections stay: they now go to PgBouncer, which keeps the server ones.
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "")
if DATABASE_POOLER == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
elif DATABASE_POOLER:
    raise RuntimeError(f"DATABASE_POOLER must be empty or 'pgbouncer', not {DATABASE_POOLER!r}.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
# Redis when REDIS_URL is set, so every app process shares one cache; else process-local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ksbb"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The portal's own pages (ksbb/accounts/); after login each role lands on its page.
LOGIN_URL = "login"
LOGOUT_REDIRECT_URL = "recipients:home"
# django-axes checks every login (the portal's and the admin's) before the model backend does.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# An invitation link (ksbb/accounts/tokens.py) works this many days; a password reset link
# works PASSWORD_RESET_TIMEOUT seconds (Django's default: 3 days).
KSBB_INVITATION_DAYS = envint("INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# Lock-out after repeated failed logins (django-axes), counted in the shared cache so that it
# holds across app processes: per account name and, separately, per client address (the one
# ksbb/lib/ratelimit.py trusts, behind TRUSTED_PROXIES). An unknown account name is counted
# like a known one, so the lock-out tells nothing about which accounts exist.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ksbb.lib.ratelimit.client_ip"
AXES_USERNAME_CALLABLE = "ksbb.accounts.lockout.attempted_username"
AXES_LOCKOUT_CALLABLE = "ksbb.accounts.lockout.lockout_response"
# Attempts live in the cache, not in axes' tables: its admin pages would stay empty.
AXES_ENABLE_ADMIN = False
# No account names or addresses in log lines (axes logs each failure).
AXES_VERBOSE = False
if not REDIS_URL:
    # One process with its memory cache (local use, tests): axes warns the count is not shared.
    SILENCED_SYSTEM_CHECKS = ["axes.W001"]

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Files only some people may see (delivery and complaint photos): never under MEDIA_URL, served
# by views that check who asks. Code reaches them through django.core.files.storage.storages.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# STORAGE_BACKEND=s3: the letters ("default") and the photos ("private") go to S3-compatible
# object storage (django-storages), which several app machines share. Both stay private there:
# no ACL is sent, so objects get the bucket's own (private) default, and the portal reads them
# itself to serve them through its permission checks; a URL, if code ever asked the storage for
# one, would be signed and expire after S3_URL_EXPIRES seconds. Credentials: AWS_ACCESS_KEY_ID
# and AWS_SECRET_ACCESS_KEY (or whatever else boto3 finds, e.g. an instance role).
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "s3":
    from botocore.config import Config as S3ClientConfig  # type: ignore[import-untyped]

    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    if not S3_BUCKET:
        raise RuntimeError("S3_BUCKET must be set when STORAGE_BACKEND is s3.")

    def s3_storage(bucket: str, location: str) -> dict:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "location": location,
                # MinIO, Ceph, Garage...: their address, and often S3_ADDRESSING_STYLE=path.
                "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("S3_REGION") or None,
                "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": envint("S3_URL_EXPIRES", 300),
                # A storage that does not answer fails the request (one retry: 4 x S3_TIMEOUT at
                # most) before gunicorn's 30 s kill the worker; botocore waits 60 s by default.
                "client_config": S3ClientConfig(
                    connect_timeout=envint("S3_TIMEOUT", 5),
                    read_timeout=envint("S3_TIMEOUT", 5),
                    retries={"max_attempts": 2, "mode": "standard"},
                ),
            },
        }

    STORAGES["default"] = s3_storage(S3_BUCKET, os.environ.get("S3_LOCATION", "media"))
    STORAGES["private"] = s3_storage(
        os.environ.get("S3_PRIVATE_BUCKET") or S3_BUCKET,
        os.environ.get("S3_PRIVATE_LOCATION", "private-media"),
    )
elif STORAGE_BACKEND != "local":
    raise RuntimeError(f"STORAGE_BACKEND must be 'local' or 's3', not {STORAGE_BACKEND!r}.")
# Where map geometry is published as content-hashed files for nginx (empty: MEDIA_ROOT/open-data).
# Always this machine's disk, whatever STORAGE_BACKEND says: nginx serves the files from it, and
# hands a file that this machine has not published to Django, which answers from the cache.
PUBLISH_ROOT = os.environ.get("PUBLISH_ROOT", "")

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "1")
# Seconds each SMTP step may wait: a relay that accepts and never answers must not hold a job
# worker for ever (the mail stays in the outbox and is tried again later).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
# EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend writes each mail here.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "KSBB Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background jobs (ksbb/jobs: django-q2 on the database; `manage.py qcluster`) ----------
Q_CLUSTER = {
    "name": "ksbb",
    "orm": "default",
    "workers": envint("JOB_WORKERS", 2),
    # A job running longer is stopped; a claimed task whose worker died is run again after
    # `retry` seconds (which must exceed `timeout`).
    "timeout": envint("JOB_TIMEOUT", 600),
    "retry": envint("JOB_TIMEOUT", 600) + 60,
    "max_attempts": 3,
    "poll": 1,
    # After downtime a missed run happens once, not once per missed period.
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    "label": "Django Q",
}
# The periodic jobs (ksbb/jobs/schedules.py): every N minutes, or daily at HH:MM (TIME_ZONE).
# Expiry comes before the reminders, which report deadlines that expiry has just passed.
KSBB_SCHEDULES: dict[str, dict[str, str | int]] = {
    "send mail": {"func": "ksbb.jobs.outbox.send_due", "every": 1},
    "expire commitments": {
        "func": "django.core.management.call_command",
        "args": "'expire_commitments'",
        "at": "00:15",
    },
    "publish geometry": {
        "func": "django.core.management.call_command",
        "args": "'publish_geometry'",
        "at": "03:30",
    },
    "send reminders": {
        "func": "django.core.management.call_command",
        "args": "'send_reminders'",
        "at": "07:00",
    },
    "escalate complaints": {
        "func": "django.core.management.call_command",
        "args": "'escalate_complaints'",
        "at": "07:30",
    },
}
# The outbox (ksbb/jobs/outbox.py): a failed mail is retried after 1, 2, 4... minutes (at most
# an hour apart) and given up after this many attempts; admins can send it again.
KSBB_MAIL_RETRY_SECONDS = envint("MAIL_RETRY_SECONDS", 60)
KSBB_MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", 10)

# --- Security (production values come with DEBUG off) -----------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0" if DEBUG else "1")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent on every response by ksbb.middleware.SecurityHeadersMiddleware: no page needs these.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Content-Security-Policy (django-csp): scripts only from the portal itself or with the
# request's nonce (django-leaflet's widget), never inline otherwise and never eval. Styles allow
# inline attributes (progress bar widths). Images also from the map's tile server.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")


def tile_origin(url: str) -> str:
    """The origin images are fetched from: "https://{s}.tile.x" -> "https://*.tile.x"."""
    if "://" not in url:
        return ""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", *filter(None, [tile_origin(MAP_TILES_URL)])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Private-link tokens are masked in every line (ksbb/lib/logmask.py).
    "filters": {"mask_private_links": {"()": "ksbb.lib.logmask.MaskPrivateLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_private_links"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django has its own console handler in DEBUG; don't print its lines twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools log every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Third-party apps -------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-6.2, 106.83),
    "DEFAULT_ZOOM": 11,
    "MIN_ZOOM": 9,
    "MAX_ZOOM": 18,
    # No tile server configured (an intranet, a cut-off network): the map draws its own base.
    "TILES": [
        (
            "OpenStreetMap",
            MAP_TILES_URL,
            {
                "attribution": os.environ.get(
                    "MAP_TILES_ATTRIBUTION",
                    "&copy; <a href='https://www.openstreetmap.org/copyright'>"
                    "OpenStreetMap</a> contributors",
                ),
                "maxZoom": 19,
            },
        )
    ]
    if MAP_TILES_URL
    else [],
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- KSBB -------------------------------------------------------------------------------------
# Directory laid out like ../shared/data. Empty: the portal runs on generated demo data.
# A relative path counts from the project directory (CI sets ../shared/data).
KSBB_DATA_DIR = os.environ.get("KSBB_DATA_DIR", "")
if KSBB_DATA_DIR:
    KSBB_DATA_DIR = str((BASE_DIR / KSBB_DATA_DIR).resolve())

# Rate limits per client: (requests, seconds) per scope, counted in the shared cache by
# ksbb/lib/ratelimit.py. Every scope the code uses must be here: there is no other default.
KSBB_RATE_LIMITS = {
    "pledge": (envint("RATE_LIMIT_PLEDGES", 10), 3600),
    "letter": (envint("RATE_LIMIT_LETTERS", 60), 3600),
    # Password reset requests: per client, and per e-mail address typed (ksbb/accounts/).
    "password_reset": (envint("RATE_LIMIT_PASSWORD_RESETS", 10), 3600),
    "password_reset_address": (envint("RATE_LIMIT_PASSWORD_RESETS_PER_ADDRESS", 3), 3600),
    # Re-sending a pledge's private link (commitments/views/private.py).
    "private_link": (envint("RATE_LIMIT_LINK_RESENDS", 5), 3600),
    # Complaints filed through the portal's form (complaints/).
    "complaint": (envint("RATE_LIMIT_COMPLAINTS", 10), 3600),
}
# Reverse proxies in front of the app whose X-Forwarded-For may be trusted (0: none, so the
# client address is REMOTE_ADDR). Behind nginx set 1, or all visitors share one rate limit.
KSBB_TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)
# Paths whose next segment is a secret key (a donor's private link): masked in every log line
# (ksbb/lib/logmask.py) and in error reports.
KSBB_PRIVATE_PATH_PREFIXES = ["/k/", "/pengaduan/p/"]
# Days after a complaint is closed during which its reporter may reject the outcome (CRM: 14).
KSBB_COMPLAINT_REOPEN_DAYS = envint("COMPLAINT_REOPEN_DAYS", 14)

# --- Error reports ----------------------------------------------------------------------------
# Errors go to Sentry only when SENTRY_DSN is set; nothing is sent otherwise. No personal data:
# no cookies, headers, user or request bodies, and private-link tokens masked.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    from ksbb.lib.logmask import scrub_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=0.0,
    )
