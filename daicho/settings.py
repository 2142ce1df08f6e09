"""Daicho's one settings module: what differs between machines comes from the environment.

Variables (all optional on a workstation):
  DATABASE_URL        sqlite:////abs/path.sqlite3 or postgres://user@host:5432/name
                      (default: SQLite at var/daicho.sqlite3 in WAL mode)
  DAICHO_PRODUCTION   1 = production mode: DAICHO_SECRET_KEY must be set, DEBUG is off
  DAICHO_SECRET_KEY   the secret key; on the embedded default one is generated and kept in var/
  DAICHO_DEBUG        1 = Django's debug pages (never in production)
  DAICHO_ALLOWED_HOSTS  comma-separated host names (default: localhost,127.0.0.1,[::1])
  DAICHO_VAR_DIR      embedded database, media and generated secret (default: ./var)
  DAICHO_MEDIA_ROOT   where attachments are stored (default: $DAICHO_VAR_DIR/media)
  DAICHO_MAX_UPLOAD_MB  largest attachment accepted (default: 20)
  DAICHO_MAX_IMPORT_MB, DAICHO_MAX_IMPORT_ROWS  largest file one web import may be (200, 200000)
  DAICHO_REDIS_URL    queue background jobs and keep the shared cache (rate limits) in Redis
                      instead of var/jobs.sqlite3 and the database's daicho_cache table
  DAICHO_LANGUAGE     default language, ja or en (default: ja)
  DAICHO_DB_CONN_MAX_AGE  seconds a worker thread keeps its database connection (default: 600)
Sign-in, e-mail, single sign-on and hardening: see docs/operations.md "Sign-in" and docs/security.md
(DAICHO_SESSION_*, DAICHO_LOGIN_*, DAICHO_TOTP_*, DAICHO_EMAIL_*, DAICHO_OIDC_*, DAICHO_LDAP_*,
DAICHO_ROLE_MAP, DAICHO_PROXY_COUNT, DAICHO_HSTS_SECONDS, DAICHO_API_RATE_*).
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

VAR_DIR = Path(env.str("DAICHO_VAR_DIR", default=str(Path.cwd() / "var"))).resolve()
PRODUCTION = env.bool("DAICHO_PRODUCTION", default=False)
DEBUG = env.bool("DAICHO_DEBUG", default=False) and not PRODUCTION


def _secret_key() -> str:
    """The secret key: from the environment, else (outside production) generated once and kept."""
    key = env.str("DAICHO_SECRET_KEY", default="")
    if key:
        return key
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DAICHO_SECRET_KEY must be set when DAICHO_PRODUCTION=1.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        draft = VAR_DIR / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:  # a link is atomic: of two processes starting at once, one key wins, whole
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list(
    "DAICHO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DAICHO_CSRF_TRUSTED_ORIGINS", default=[])

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
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    "daicho.core",
    "daicho.registry",
    "daicho.lifecycle",
    "daicho.infra",
    "daicho.sam",
    "daicho.continuity",
    "daicho.security",
    "daicho.governance",
    "daicho.knowledge",
    "daicho.opendata",
    "daicho.standardisation",
    "daicho.plan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and CSRF, which may read the body: an oversized one is refused unread.
    "daicho.core.middleware.RequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "daicho.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "daicho.core.middleware.SessionExpiryMiddleware",
    "daicho.core.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "daicho.core.middleware.SecurityHeadersMiddleware",
    "daicho.core.middleware.NulCharacterMiddleware",
    "daicho.core.middleware.AuditContextMiddleware",
    "daicho.core.routers.ReplicaReadsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "daicho.urls"
WSGI_APPLICATION = "daicho.wsgi.application"

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
                "django.template.context_processors.i18n",
                "daicho.core.context_processors.daicho",
            ],
        },
    }
]

# "default": the store every server process shares, so a limit counted in it holds across them
# (password-reset requests per address and per client): Django's DatabaseCache in the ledger's
# own database (its table, daicho_cache, is made by `daicho init` and `daicho migrate`), or Redis
# when DAICHO_REDIS_URL is set. Sign-in lockouts are counted by django-axes in the database.
# "counters": per-request counters that must not write to the database on every API call (the
# API's rate per token, a token's uses between writes of its last use): each process's memory,
# or the shared Redis when there is one.
# "memo": each process's copy of what changes seldom and is read on every page (the page frame,
# unit trees, filter options), keyed by the language and the versions the request reads anyway,
# so a change is seen by every process at its next request without a shared cache.
DAICHO_REDIS_URL = env.str("DAICHO_REDIS_URL", default="")
_redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DAICHO_REDIS_URL}
CACHES = {
    "default": {**_redis, "KEY_PREFIX": "daicho"}
    if DAICHO_REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "daicho_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
    "counters": {**_redis, "KEY_PREFIX": "daicho-counters"}
    if DAICHO_REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counters"},
    "memo": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "memo",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# The embedded default is SQLite in WAL mode (see daicho.core.apps for the PRAGMAs).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'daicho.sqlite3'}")
}
# (`daicho transfer` opens another SQLite database with the same options.)
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": env.str("DAICHO_TEST_SQLITE", default="") or None}
# A PostgreSQL read replica (streaming replication) for API reads and reports: see
# docs/scale-out.md. Tests mirror it onto the primary.
DAICHO_REPLICA_PATHS = env.list("DAICHO_REPLICA_PATHS", default=["/api/", "/plan/report"])
if env.str("DAICHO_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DAICHO_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["daicho.core.routers.ReadReplicaRouter"]
# Each worker thread keeps its connection between requests: opening one costs more than a list
# request's queries (SQLite registers Django's SQL functions and runs the PRAGMAs; PostgreSQL
# authenticates). A connection found broken is replaced before use. 0 = one per request.
for _database in DATABASES.values():
    _database.setdefault("CONN_MAX_AGE", env.int("DAICHO_DB_CONN_MAX_AGE", default=600))
    _database.setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after DAICHO_SESSION_SECONDS from sign-in (a working day) or after
# DAICHO_SESSION_IDLE_SECONDS without a request (a PC left unlocked), whichever comes first.
SESSION_COOKIE_AGE = env.int("DAICHO_SESSION_SECONDS", default=8 * 3600)
DAICHO_SESSION_IDLE_SECONDS = env.int("DAICHO_SESSION_IDLE_SECONDS", default=3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("DAICHO_SESSION_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Reverse proxies in front of Daicho (their X-Forwarded-For / -Proto headers are trusted).
# `daicho serve` listens on 127.0.0.1, so production assumes one proxy on the same host.
DAICHO_PROXY_COUNT = env.int("DAICHO_PROXY_COUNT", default=1 if PRODUCTION else 0)
# The proxies' addresses `daicho serve` (gunicorn) takes forwarded headers from: a proxy on
# another machine is named here, e.g. "10.0.0.5" (comma-separated).
DAICHO_PROXY_IPS = env.str("DAICHO_PROXY_IPS", default="127.0.0.1,::1")

# Who may sign in and how: local accounts (+ optional LDAP/AD, OpenID Connect), throttled by axes.
AUTHENTICATION_BACKENDS = ["daicho.core.signin.ThrottlingBackend"]
AXES_FAILURE_LIMIT = env.int("DAICHO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DAICHO_LOGIN_LOCKOUT_MINUTES", default=15))
# A user name from one address: a shared office NAT does not lock the whole office out, and
# someone guessing from elsewhere cannot lock a colleague out of their own PC.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "daicho.core.account_views.locked_out"
AXES_CLIENT_IP_CALLABLE = "daicho.core.signin.client_ip"
AXES_VERBOSE = False

# A second factor (TOTP, django-otp): anyone may enrol; DAICHO_TOTP_REQUIRED=1 makes it
# compulsory for the IT policy division (and superusers) signing in with a password.
DAICHO_TOTP_REQUIRED = env.bool("DAICHO_TOTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("DAICHO_TOTP_ISSUER", default="Daicho")

# Directory groups -> roles, for LDAP and OpenID Connect sign-ins (JSON; docs/operations.md,
# "Sign-in").
DAICHO_ROLE_MAP = json.loads(env.str("DAICHO_ROLE_MAP", default="{}") or "{}")
DAICHO_SSO_ORGANISATION = env.str("DAICHO_SSO_ORGANISATION", default="")

DAICHO_LDAP_ENABLED = bool(env.str("DAICHO_LDAP_SERVER_URI", default=""))
if DAICHO_LDAP_ENABLED:
    from daicho.core.ldap_settings import ldap_settings

    globals().update(ldap_settings(env))
    AUTHENTICATION_BACKENDS.append("daicho.core.signin.DirectoryLDAPBackend")
AUTHENTICATION_BACKENDS.append("daicho.core.signin.PasswordBackend")

DAICHO_OIDC_ENABLED = bool(env.str("DAICHO_OIDC_CLIENT_ID", default=""))
DAICHO_OIDC_LABEL = env.str("DAICHO_OIDC_LABEL", default="")
DAICHO_OIDC_GROUPS_CLAIM = env.str("DAICHO_OIDC_GROUPS_CLAIM", default="groups")
DAICHO_OIDC_USERNAME_CLAIM = env.str("DAICHO_OIDC_USERNAME_CLAIM", default="preferred_username")
if DAICHO_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("daicho.core.signin.DirectoryOIDCBackend")
OIDC_RP_CLIENT_ID = env.str("DAICHO_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("DAICHO_OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("DAICHO_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("DAICHO_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("DAICHO_OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("DAICHO_OIDC_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("DAICHO_OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("DAICHO_OIDC_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = True
OIDC_STORE_ID_TOKEN = False
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=failed"

# E-mail (password reset, the notification digest `daicho notify`): printed on the console unless
# a server is given, e.g. DAICHO_EMAIL_URL=smtp://user:pass@mail.pref.example.lg.jp:587
# (+tls); the default writes the message to the server's log.
vars().update(env.email_url("DAICHO_EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DAICHO_EMAIL_FROM", default=env.str("DAICHO_FROM_EMAIL", default="daicho@localhost")
)  # DAICHO_FROM_EMAIL is the older name, still read
PASSWORD_RESET_TIMEOUT = env.int("DAICHO_PASSWORD_RESET_SECONDS", default=2 * 3600)
# Reset requests per address and per client (IP) within DAICHO_PASSWORD_RESET_WINDOW_MINUTES;
# counted in Django's cache (shared between processes when the cache is).
DAICHO_PASSWORD_RESET_PER_ADDRESS = env.int("DAICHO_PASSWORD_RESET_PER_ADDRESS", default=3)
DAICHO_PASSWORD_RESET_PER_CLIENT = env.int("DAICHO_PASSWORD_RESET_PER_CLIENT", default=10)
DAICHO_PASSWORD_RESET_WINDOW_MINUTES = env.int("DAICHO_PASSWORD_RESET_WINDOW_MINUTES", default=60)
# How many days uploaded import files (confirmed, rejected or abandoned) are kept.
DAICHO_IMPORT_FILES_DAYS = env.int("DAICHO_IMPORT_FILES_DAYS", default=30)
# The address put in reset links (behind a proxy the request's host may be an internal one).
DAICHO_PUBLIC_URL = env.str("DAICHO_PUBLIC_URL", default="")

LANGUAGE_CODE = env.str("DAICHO_LANGUAGE", default="ja")
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DAICHO_TIME_ZONE", default="Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env.str("DAICHO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"  # never served directly: attachments go through a permission-checked view
DAICHO_MAX_UPLOAD_BYTES = env.int("DAICHO_MAX_UPLOAD_MB", default=20) * 1024 * 1024
DAICHO_MAX_IMPORT_BYTES = env.int("DAICHO_MAX_IMPORT_MB", default=200) * 1024 * 1024
# Zip members (the parts of an XLSX, the files of a SWID tag zip) are checked before they are
# read: none may unpack to more than DAICHO_MAX_UNZIPPED_MB, nor (above 1 MB) at a higher
# compression ratio than DAICHO_MAX_UNZIP_RATIO — a 1 MB file cannot unpack to gigabytes.
DAICHO_MAX_UNZIPPED_BYTES = env.int("DAICHO_MAX_UNZIPPED_MB", default=200) * 1024 * 1024
DAICHO_MAX_UNZIP_RATIO = env.int("DAICHO_MAX_UNZIP_RATIO", default=100)
# Uploads larger than this are previewed (and confirmed) by the job worker, with a progress page.
DAICHO_IMPORT_BACKGROUND_BYTES = env.int("DAICHO_IMPORT_BACKGROUND_KB", default=512) * 1024
# The most rows one web upload may hold; larger files go through `daicho import` (0 = no limit).
DAICHO_MAX_IMPORT_ROWS = env.int("DAICHO_MAX_IMPORT_ROWS", default=200_000)
# Request bodies are bounded before they are read (daicho.core.middleware.RequestSizeMiddleware,
# 413 above): the sign-in pages, every other form and API call, and the routes that take files
# (attachments: DAICHO_MAX_UPLOAD_MB, imports: DAICHO_MAX_IMPORT_MB, each + 1 MB for the form).
DAICHO_MAX_SIGN_IN_BYTES = env.int("DAICHO_MAX_SIGN_IN_KB", default=64) * 1024
DAICHO_MAX_FORM_BYTES = env.int("DAICHO_MAX_FORM_MB", default=10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = DAICHO_MAX_FORM_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000  # the cost entry sheet posts a field per system and category

# Background jobs (huey): queued in an SQLite file of their own beside the ledger, or in Redis
# when DAICHO_REDIS_URL is set (redis://host:6379/0; needs `pip install redis`). `daicho serve`
# starts the worker; DAICHO_JOBS_IMMEDIATE=1 runs each job in the request instead (development).
if not DAICHO_REDIS_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # huey opens its queue file at start
HUEY = {
    "name": "daicho",
    "huey_class": "huey.RedisHuey" if DAICHO_REDIS_URL else "huey.SqliteHuey",
    "immediate": env.bool("DAICHO_JOBS_IMMEDIATE", default=False),
    "results": False,  # a job's progress and outcome live in core.Job
    "connection": {"url": DAICHO_REDIS_URL}
    if DAICHO_REDIS_URL
    else {"filename": str(VAR_DIR / "jobs.sqlite3")},
    # An idle worker looks for work at least every 2 s (huey's default backs off to 10 s): a
    # preview starts soon after its upload, and the worker stops soon after `daicho serve`.
    "consumer": {
        "workers": env.int("DAICHO_JOB_WORKERS", default=2),
        "worker_type": "thread",
        "max_delay": 2.0,
    },
}

# API tokens: every token expires; requests per token (or signed-in user) per minute, counted
# in the "counters" cache: in each server process, or across them with Redis ("0": no limit).
DAICHO_API_TOKEN_DAYS = env.int("DAICHO_API_TOKEN_DAYS", default=90)
DAICHO_API_TOKEN_MAX_DAYS = env.int("DAICHO_API_TOKEN_MAX_DAYS", default=366)
DAICHO_API_RATE = env.str("DAICHO_API_RATE", default="1200/m")

# Security headers (see docs/security.md); the Content-Security-Policy is set by
# daicho.core.middleware.SecurityHeadersMiddleware: every script and style is served by Daicho.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
if DAICHO_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SESSION_COOKIE_SECURE = env.bool("DAICHO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("DAICHO_SSL_REDIRECT", default=True)
    # Health checks from the proxy or a monitor on the same host may use plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("DAICHO_HSTS_SECONDS", default=31536000)
    # Daicho normally has a host name of its own (daicho.pref.….lg.jp) with no names below it, so
    # includeSubDomains costs nothing; "preload" only matters if the domain's owner submits the
    # registrable domain to the browsers' list. Both can be turned off.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DAICHO_HSTS_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DAICHO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_NAME = "__Host-daicho-session" if SESSION_COOKIE_SECURE else "sessionid"
    CSRF_COOKIE_NAME = "__Host-daicho-csrf" if SESSION_COOKIE_SECURE else "csrftoken"


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DAICHO_LOG_LEVEL", default="WARNING")},
}
