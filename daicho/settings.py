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
  DAICHO_LANGUAGE     default language, ja or en (default: ja)
"""

from __future__ import annotations

import secrets
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
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
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
    "daicho.plan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "daicho.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "daicho.core.middleware.AuditContextMiddleware",
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

# The embedded default is SQLite in WAL mode (see daicho.core.apps for the PRAGMAs).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'daicho.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": env.str("DAICHO_TEST_SQLITE", default="") or None}
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
SESSION_COOKIE_AGE = env.int("DAICHO_SESSION_SECONDS", default=8 * 3600)

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
# Uploads larger than this are previewed in the background, with a progress page.
DAICHO_IMPORT_BACKGROUND_BYTES = env.int("DAICHO_IMPORT_BACKGROUND_KB", default=512) * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000  # the cost entry sheet posts a field per system and category

if PRODUCTION:
    SESSION_COOKIE_SECURE = env.bool("DAICHO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# E-mail (the notification digest, `daicho notify`): printed on the console unless a server is
# given, e.g. DAICHO_EMAIL_URL=smtp://user:password@mail.pref.example.lg.jp:587
vars().update(env.email_url("DAICHO_EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DAICHO_FROM_EMAIL", default="daicho@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DAICHO_LOG_LEVEL", default="WARNING")},
}
