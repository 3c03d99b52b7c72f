"""Settings for the resolution archive. Every value an operator may change comes from the environment."""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ARCHIVE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)


def secret_key() -> str:
    """DJANGO_SECRET_KEY, else the random key scripts/setup keeps in var/secret_key (owner-only), else — only with
    DJANGO_DEBUG=1 — a built-in key. Without DEBUG the archive refuses to start on a key anyone can read."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    key_file = Path(os.environ.get("DJANGO_SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))
    if key_file.is_file():
        return key_file.read_text(encoding="utf-8").strip()
    if DEBUG:
        return "insecure-local-key-set-DJANGO_SECRET_KEY-in-production"
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"No secret key: set DJANGO_SECRET_KEY (50+ random characters), or let scripts/setup create {key_file}."
        " The archive does not start on a public built-in key unless DJANGO_DEBUG=1."
    )


SECRET_KEY = secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "haystack",
    "resolutions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

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
            ],
        },
    },
]

# SQLite in var/ unless DATABASE_URL names another database (postgres://user:pass@host/db).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'archive.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one file: wait for the write lock instead of failing at once.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Take the write lock when a transaction begins: a deferred one that reads, then writes, fails at once
    # with "database is locked" when another process writes meanwhile (the timeout does not apply).
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Search: the embedded Whoosh index in SEARCH_INDEX_DIR (default, no service), or an OpenSearch cluster
# (SEARCH_ENGINE=opensearch OPENSEARCH_URL=http://host:9200[,http://host2:9200] OPENSEARCH_INDEX=archive; the
# index name is an alias the archive points at its current index, scripts/opensearch starts a cluster here).
SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE", "whoosh").strip().lower() or "whoosh"
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "search-index"))
OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL", "")
OPENSEARCH_INDEX = os.environ.get("OPENSEARCH_INDEX", "archive")


def search_connection(engine: str, *, index_dir: Path = SEARCH_INDEX_DIR, url: str = OPENSEARCH_URL, index_name: str = OPENSEARCH_INDEX) -> dict:
    """haystack's connection for an engine name (the tests build one per engine too)."""
    if engine == "opensearch":
        return {
            "ENGINE": "resolutions.search.opensearch_backend.ArchiveOpenSearchEngine",
            "URL": [u.strip() for u in (url or "http://127.0.0.1:9200").split(",") if u.strip()],
            "INDEX_NAME": index_name,
            "SILENTLY_FAIL": False,  # a failed query is an error the page reports (503), never an empty result
            "TIMEOUT": int(os.environ.get("OPENSEARCH_TIMEOUT", "30")),
            "SHARDS": int(os.environ.get("OPENSEARCH_SHARDS", "1")),  # primaries of a new index
            "PATH": str(index_dir),  # the single-writer lock file lives beside it
        }
    if engine != "whoosh":
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"SEARCH_ENGINE={engine!r}: choose whoosh or opensearch.")
    return {"ENGINE": "resolutions.search.backend.ChineseWhooshEngine", "PATH": str(index_dir)}


HAYSTACK_CONNECTIONS = {"default": search_connection(SEARCH_ENGINE)}
# Index updates are explicit (services), never from model signals: one writer, nothing lost.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Largest upload a curator may send (bytes); PDFs taking longer than this many seconds to read are refused.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
PDF_TIME_LIMIT_SECONDS = float(os.environ.get("PDF_TIME_LIMIT_SECONDS", "30"))
# The whole of one upload request (several files): refused from its Content-Length before anything is read.
UPLOAD_MAX_REQUEST_BYTES = int(os.environ.get("UPLOAD_MAX_REQUEST_BYTES", 2 * UPLOAD_MAX_BYTES))
# Uploaded files above 2.5 MB go to a temporary file, not memory; the form reads one file at a time.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The non-file part of a request (form fields): Django's default size. A resolution's change form sends
# about ten fields per paragraph and footnote, so a long resolution needs more than 1,000 fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

# Fetching official PDFs by symbol (manage.py fetch, the admin's "fetch by symbol"): politely, one at a time.
UN_DOCUMENTS_URL = os.environ.get("UN_DOCUMENTS_URL", "https://documents.un.org").rstrip("/")
FETCH_DELAY_SECONDS = float(os.environ.get("FETCH_DELAY_SECONDS", "2"))  # between two requests
FETCH_TIMEOUT_SECONDS = float(os.environ.get("FETCH_TIMEOUT_SECONDS", "30"))  # to connect, and between bytes
FETCH_RETRIES = int(os.environ.get("FETCH_RETRIES", "3"))  # after a 429, a 5xx, a timeout or a broken connection
FETCH_MAX_RETRY_AFTER_SECONDS = float(os.environ.get("FETCH_MAX_RETRY_AFTER_SECONDS", "300"))  # longer: give up, say so

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Django's four validators: at least 10 characters, not like the user's name or e-mail, not a common password,
# not only digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Security ---
# Production behind HTTPS: DJANGO_DEBUG=0, DJANGO_SECRET_KEY=<50+ random characters>,
# DJANGO_ALLOWED_HOSTS=archive.example.org, DJANGO_SECURE=1 (and DJANGO_PROXY_SSL_HEADER=1 when a reverse
# proxy terminates TLS and sets X-Forwarded-Proto). `manage.py check --deploy` is then clean.
SECURE = env_bool("DJANGO_SECURE", False)
if SECURE and not os.environ.get("DJANGO_SECRET_KEY"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_SECURE=1 needs DJANGO_SECRET_KEY: the built-in key is public.")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", SECURE)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# HSTS only once the site is served over HTTPS; a year, subdomains and preload by default then.
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600 if SECURE else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", SECURE)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", SECURE)
# Trust X-Forwarded-Proto only when the proxy in front of the app sets it (a client could otherwise).
if env_bool("DJANGO_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Origins allowed to POST forms when they differ from the Host header: "https://archive.example.org,…".
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: resolutions.middleware.CONTENT_SECURITY_POLICY unless this replaces it
# ("" sends no policy).
CONTENT_SECURITY_POLICY = os.environ.get("DJANGO_CONTENT_SECURITY_POLICY")

# One cache for rate limits and the admin login throttle, shared by all gunicorn workers of one machine:
# diskcache's SQLite files in var/cache, no other service; its incr() is atomic across processes and a
# count costs ~0.1 ms (Django's file cache: ~1.6 ms, lists its folder on every write). Several machines share e.g.
# DJANGO_CACHE_BACKEND=django.core.cache.backends.redis.RedisCache DJANGO_CACHE_LOCATION=redis://host:6379/1
# (pip install redis), or django.core.cache.backends.memcached.PyMemcacheCache (pip install pymemcache).
# diskcache would pickle values (CVE-2025-69872): resolutions.cache_disk stores them as JSON, and the directory is
# created owner-only (resolutions.checks refuses one others can write).
CACHES = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_CACHE_BACKEND", "diskcache.DjangoCache"),
        "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", str(VAR_DIR / "cache")),
    }
}
if CACHES["default"]["BACKEND"] == "diskcache.DjangoCache":
    from resolutions.cache_disk import JSONOnlyDisk

    CACHES["default"]["OPTIONS"] = {"disk": JSONOnlyDisk}
    Path(CACHES["default"]["LOCATION"]).mkdir(mode=0o700, parents=True, exist_ok=True)

# Requests per client to /search/ and to /api/ (counted separately): "60/min", "1000/hour", "off".
# API_RATE_LIMIT unset: the API has the same rate as search.
SEARCH_RATE_LIMIT = os.environ.get("SEARCH_RATE_LIMIT", "60/min")
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT")
RATE_LIMIT_CACHE = "default"
# Reverse proxies (addresses or networks) whose X-Forwarded-For names the client: "127.0.0.1,10.0.0.0/8".
# Empty: the client is REMOTE_ADDR and X-Forwarded-For is ignored (any client can write it).
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("DJANGO_TRUSTED_PROXIES", "").split(",") if p.strip()]

MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "resolutions.middleware.SecurityHeadersMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("resolutions.middleware.SecurityHeadersMiddleware") + 1,
    "resolutions.middleware.RateLimitMiddleware",
)
# Last, so it sees the exceptions views raise: a lost database answers 503 with Retry-After, not 500.
MIDDLEWARE.append("resolutions.middleware.DatabaseUnavailableMiddleware")
