"""Django settings, read from the environment so one code base runs embedded or at scale.

LOA_DATA_DIR      folder for the SQLite file, uploaded evidence and the generated secret key
                  (default: ./var in the working folder)
DATABASE_URL      sqlite:///path or postgres://user@host:port/name (default: SQLite in LOA_DATA_DIR)
LOA_SECRET_KEY    Django's secret key (default: one generated once and kept in LOA_DATA_DIR)
LOA_DEBUG         1 to turn debugging on (off by default)
LOA_ALLOWED_HOSTS comma-separated host names (default: 127.0.0.1,localhost,[::1])
LOA_HTTPS         1 behind HTTPS: secure cookies, HSTS and redirect to https
LOA_ADMIN_2FA     0 to let issuer administrators work without a TOTP second factor (default 1)
LOA_QUIZ_CORS_ORIGINS  comma-separated origins (https://portal.example) allowed to post quiz results
LOA_QUIZ_BURST / LOA_QUIZ_RATE  quiz API token bucket per client: size and refill per second
LOA_EMAIL_BACKEND / LOA_EMAIL_FROM / LOA_SITE_URL  reminder e-mails: backend, sender, links
LOA_REDIS_URL     redis://host:6379/0: the shared cache (quiz rate limit, sessions) of several web workers
LOA_TRUSTED_PROXIES  comma-separated addresses of reverse proxies whose X-Forwarded-For is believed
LOA_STATIC_MANIFEST  1 once `collectstatic` ran (`loa web serve` does it): hashed, compressed, cached
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

WEB_DIR = Path(__file__).resolve().parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None or value == "" else value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(data_dir: Path) -> tuple[str, bool]:
    """Return the secret key and whether it came from the environment (else kept in the data dir)."""
    from_env = os.environ.get("LOA_SECRET_KEY", "")
    if from_env:
        return from_env, True
    path = data_dir / "secret_key"
    if not path.is_file():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip(), False


def _font_folder() -> Path | None:
    """Be Vietnam Pro from its wheel (a core dependency), served as static files: no font CDN."""
    try:
        from fontpkg_be_vietnam_pro import ROOT
    except ImportError:
        return None
    return Path(ROOT) / "files"


DATA_DIR = Path(os.environ.get("LOA_DATA_DIR") or Path.cwd() / "var").resolve()
SECRET_KEY, SECRET_KEY_FROM_ENV = _secret_key(DATA_DIR)
DEBUG = _flag("LOA_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LOA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
HTTPS = _flag("LOA_HTTPS", False)
LOA_ADMIN_2FA = _flag("LOA_ADMIN_2FA", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "loa.web.units",
    "loa.web.access",
    "loa.web.dispatches",
    "loa.web.reports",
    "loa.web.dashboard",
    "loa.web.quiz",
    "loa.web.publishing",
    "loa.web.staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "loa.web.staff.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "loa.web.access.sessions.AbsoluteSessionLifetimeMiddleware",
    "loa.web.access.decorators.BackOfficeDenials",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "loa.web.urls"
WSGI_APPLICATION = "loa.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "loa.web.staff.context.staff",
            ],
        },
    }
]

FORM_RENDERER = "loa.web.staff.forms.StaffFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'loa.sqlite3'}",
        conn_max_age=int(os.environ.get("LOA_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,  # a connection that died with a database restart is replaced, not reused
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers queue for the file lock instead of failing (the quiz API takes parallel posts).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static", *([("fonts", _font_folder())] if _font_folder() else [])]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"  # evidence photos: never served directly, only through scoped views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve the app's own CSS without a collectstatic step (embedded mode)
if _flag("LOA_STATIC_MANIFEST", False):  # production: hashed names cached for a year, gzip/brotli
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    WHITENOISE_USE_FINDERS = False

# Several web workers share one cache (Redis) for the quiz rate limit and sessions; one process alone
# keeps it in memory. Sessions stay in the database, so a Redis restart signs nobody out.
REDIS_URL = os.environ.get("LOA_REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "loa",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},  # an outage fails fast, never hangs
    }
}
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Reverse proxies (addresses) whose X-Forwarded-For names the client, for the quiz API's rate limit.
LOA_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("LOA_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Uploads: Django keeps small files in memory and spills big ones to disk; the photo checks cap size.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "loa.web.reports.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
LOA_PHOTO_MAX_BYTES = int(os.environ.get("LOA_PHOTO_MAX_BYTES", str(12 * 1024 * 1024)))
# Evidence photos are deleted (with their thumbnails) this many days after upload: purge_evidence.
LOA_EVIDENCE_RETENTION_DAYS = int(os.environ.get("LOA_EVIDENCE_RETENTION_DAYS", "365"))
# Dashboard figures are cached under a fingerprint of the data (never stale); this bounds their life.
LOA_DASHBOARD_CACHE_SECONDS = int(os.environ.get("LOA_DASHBOARD_CACHE_SECONDS", "600"))

# Quiz results API: origins of the portal allowed to call it, and the per-client token bucket.
LOA_QUIZ_CORS_ORIGINS = [
    o.strip().rstrip("/") for o in os.environ.get("LOA_QUIZ_CORS_ORIGINS", "").split(",") if o.strip()
]
LOA_QUIZ_BURST = float(os.environ.get("LOA_QUIZ_BURST", "120"))
LOA_QUIZ_RATE = float(os.environ.get("LOA_QUIZ_RATE", "2"))

# Sessions: 30 minutes idle, renewed on each request; signed out 12 hours after sign-in whatever
# the activity (LOA_SESSION_MAX_AGE, seconds); a disabled user's sessions are deleted at once.
SESSION_COOKIE_AGE = 30 * 60
LOA_SESSION_MAX_AGE = int(os.environ.get("LOA_SESSION_MAX_AGE", str(12 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes come over plain HTTP on loopback
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

OTP_TOTP_ISSUER = "Loa"

EMAIL_BACKEND = os.environ.get("LOA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("LOA_EMAIL_FROM", "Loa <no-reply@localhost>")
LOA_SITE_URL = os.environ.get(
    "LOA_SITE_URL", ""
)  # links in reminder e-mails, e.g. https://loa.example.gov.vn

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "loa.web": {"handlers": ["console"], "level": os.environ.get("LOA_LOG_LEVEL", "WARNING")},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
