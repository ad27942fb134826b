"""Settings for the NIROMP site, read from the environment.

Every variable is listed, with its default, in `.env.example` and the README.
The defaults are safe for one laptop; production sets DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DJANGO_HTTPS at least. Nothing secret lives here.
"""

import os
import re
import secrets
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from niromp_site import env

# Paths. A checkout keeps templates/, static/ and fixtures/ at its top, beside
# manage.py; the installed wheel carries them inside this package (see
# pyproject.toml), so the package's own copies win when it has them. What the
# site writes by default (db.sqlite3, var/secret_key, staticfiles/, media/) goes
# in BASE_DIR: the checkout, or, when installed, the directory the site is run
# from, never site-packages.
PACKAGE_DIR = Path(__file__).resolve().parent
INSTALLED = (PACKAGE_DIR / "templates").is_dir()
SHIPPED_DIR = PACKAGE_DIR if INSTALLED else PACKAGE_DIR.parent
BASE_DIR = Path.cwd() if INSTALLED else PACKAGE_DIR.parent


DEBUG = env.boolean("DJANGO_DEBUG")


def read_secret_key() -> str:
    """DJANGO_SECRET_KEY, else the file DJANGO_SECRET_KEY_FILE names, else
    var/secret_key in the checkout, made on first use (owner-only, never in
    git), so every manage.py command works in a checkout as the README shows
    it, with nothing exported. A named file that is missing, or a checkout
    that cannot be written to, still stops the site."""
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    named = os.environ.get("DJANGO_SECRET_KEY_FILE", "").strip()
    path = Path(named) if named else BASE_DIR / "var" / "secret_key"
    if not named and not INSTALLED and not path.exists():
        _make_key_file(path)
    if path.is_file():
        key = path.read_text().strip()
        if not key:
            raise ImproperlyConfigured(f"DJANGO_SECRET_KEY_FILE: {path} is empty.")
        return key
    if named:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY_FILE names {path}, which does not exist "
            "(e.g. DJANGO_SECRET_KEY_FILE=/etc/niromp/secret_key)."
        )
    return ""


def _make_key_file(path: Path) -> None:
    """Write a new random key, whole, unless another process (a second
    gunicorn worker, a cron job) got there first; then theirs is read."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(draft, path)  # atomic, and refuses to replace an existing key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    except OSError:
        return  # a read-only checkout: fail closed below


def dotted_path(name: str, default: str) -> str:
    """A Python class path such as a mail or tasks backend."""
    value = env.text(name, default)
    if not re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+", value):
        raise ImproperlyConfigured(
            f"{name} must be a dotted Python path, not {value!r} (e.g. {name}={default})"
        )
    return value


SECRET_KEY = read_secret_key()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off: export it, or put it "
            "in a file named by DJANGO_SECRET_KEY_FILE (`make run` writes var/secret_key)."
        )
    SECRET_KEY = "insecure-key-for-local-debugging-only"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.listing("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env.origins("DJANGO_CSRF_TRUSTED_ORIGINS", example="https://niromp.org")

INSTALLED_APPS = [
    "niromp_site.apps.NirompAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_prose_editor",
    "reversion",
    "reversion_compare",
    "axes",
    "pages",
    "comments",
    "search",
    # The site itself: the operators' commands (backup, restore).
    "niromp_site.apps.NirompSiteConfig",
]

MIDDLEWARE = [
    # The security headers first, so every response has them, refusals included.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything reads the body or queries: bad paths, uploads to public pages.
    "niromp_site.middleware.RequestScreeningMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside the security headers, before sessions: a page from the cache
    # costs one query (niromp_site/pagecache.py).
    "niromp_site.pagecache.PageCacheMiddleware",
    # The content's query results, kept per content version (memo.py).
    "niromp_site.memo.ContentMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pages.middleware.OldAddressRedirectMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "niromp_site.urls"
WSGI_APPLICATION = "niromp_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SHIPPED_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "pages.context_processors.site",
            ],
        },
    },
]

# Database: SQLite on one machine, PostgreSQL through DATABASE_URL beyond it.
# The SQLite options let several gunicorn workers write at once without
# "database is locked": WAL, a busy timeout, and transactions that take the
# write lock when they begin rather than failing half way.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
    ),
}
DATABASE_URL = env.text("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except (ValueError, KeyError) as error:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database address ({error}); "
        "e.g. DATABASE_URL=postgres://user:password@host:5432/niromp or sqlite:////path/db.sqlite3"
    ) from None
if DATABASES["default"]["ENGINE"] not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    raise ImproperlyConfigured(
        "DATABASE_URL must name SQLite or PostgreSQL, "
        "e.g. DATABASE_URL=postgres://user:password@host:5432/niromp"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Kept open between requests, as for PostgreSQL: opening a SQLite file (and
    # its PRAGMAs) costs more than the one query a page from the cache needs.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: the site's own, hashed and compressed by whitenoise and cached
# for a year by browsers. Uploaded documents live in MEDIA_ROOT and are served
# by the documents view, never executed or listed.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.text("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [SHIPPED_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.text("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Nothing on another site loads the site's static files: no CORS header
# (whitenoise sends Access-Control-Allow-Origin: * by default).
WHITENOISE_ALLOW_ALL_ORIGINS = False

# Installed, the fixtures sit in niromp_site/fixtures, where Django looks in
# every app already (listing that folder again is refused).
FIXTURE_DIRS = [] if INSTALLED else [SHIPPED_DIR / "fixtures"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Django's cache holds the page cache's pages (PAGE_CACHE): in each process,
# bounded, by default; in Redis, shared by every worker and node, when
# REDIS_URL is set. Either way the content version that decides what is
# current is in the database, so a lost or stale cache costs speed only.
PAGE_CACHE = env.boolean("PAGE_CACHE", default=True)
# Every page still rendered (a reader with their own held comment, a POST,
# PAGE_CACHE=false) reuses the content's query results, kept in each process
# per content version (niromp_site/memo.py); false works everything out anew.
CONTENT_MEMO = env.boolean("CONTENT_MEMO", default=True)
REDIS_URL = env.redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that is down or slow costs a page its cache, not a 500.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 500},
        }
    }

# Documents editors upload: PDFs and office files up to this size.
DOCUMENT_MAX_UPLOAD_BYTES = env.integer("DOCUMENT_MAX_UPLOAD_MB", 20, minimum=1) * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Requests: a reader never needs to send more than a comment form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# Security headers. DJANGO_HTTPS turns on everything that assumes the site is
# served over HTTPS (behind a proxy that sets X-Forwarded-Proto).
HTTPS = env.boolean("DJANGO_HTTPS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env.boolean("DJANGO_SSL_REDIRECT", default=True) and HTTPS
# Parsed whether or not HTTPS is on, so a typo shows before the day it matters.
HSTS_SECONDS = env.integer("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_SECONDS = HSTS_SECONDS if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env.boolean("DJANGO_HSTS_PRELOAD", default=True) and HTTPS
if env.boolean("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: the site loads nothing from anywhere else, and runs
# no inline script or style without the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The hash: the base styles the admin's rich-text editor (django-prose-editor's
    # tiptap) writes into the page itself; without them it mangles spaces.
    "style-src": [CSP.SELF, CSP.NONCE, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    ]
}

# Admin sign-in is throttled (django-axes): after AXES_FAILURE_LIMIT wrong
# passwords for one user name from one address, that pair waits an hour.
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env.number("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "niromp_site.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# The address used in canonical links, feeds and the sitemap when set
# (e.g. https://niromp.org); otherwise the address the request came to.
SITE_URL = env.url("SITE_URL", example="https://niromp.org")
# E-mail: printed to the console unless an SMTP server is configured.
MAILERS = {
    "default": {
        "BACKEND": dotted_path(
            "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        ),
    }
}
if env.text("EMAIL_HOST"):
    MAILERS["default"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env.text("EMAIL_HOST"),
            "port": env.integer("EMAIL_PORT", 587, minimum=1, maximum=65535),
            "username": env.text("EMAIL_HOST_USER"),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env.boolean("EMAIL_USE_TLS", default=True),
            "timeout": 10,
        },
    }
DEFAULT_FROM_EMAIL = env.text("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
if "@" not in parseaddr(DEFAULT_FROM_EMAIL)[1] or "\n" in DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(
        f"DJANGO_DEFAULT_FROM_EMAIL must be an e-mail address, not {DEFAULT_FROM_EMAIL!r} "
        "(e.g. DJANGO_DEFAULT_FROM_EMAIL='NIROMP <website@niromp.org>')"
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Comments (see "How a comment flows" in the README).
AKISMET_API_KEY = env.text("AKISMET_API_KEY")
AKISMET_SITE_URL = env.url(
    "AKISMET_SITE_URL", SITE_URL, example="https://niromp.org", path_allowed=True
)
AKISMET_API_URL = env.url(
    "AKISMET_API_URL", "https://rest.akismet.com", example="https://rest.akismet.com"
)
AKISMET_TIMEOUT = env.number("AKISMET_TIMEOUT", 3, minimum=0.1)
# "N/period" per client IP, the period in s, m, h or d ("5/10m"); "0" turns it off.
COMMENT_RATE_LIMIT = env.rate("COMMENT_RATE_LIMIT", "5/10m")
# Reports of comments per client IP per period, like COMMENT_RATE_LIMIT.
REPORT_RATE_LIMIT = env.rate("REPORT_RATE_LIMIT", "5/1h")
COMMENTS_MAX_DEPTH = env.integer("COMMENTS_MAX_DEPTH", 3, minimum=1, maximum=10)
# Close comments on content older than this many days; 0 never closes them.
COMMENTS_CLOSE_AFTER_DAYS = env.integer("COMMENTS_CLOSE_AFTER_DAYS", 0)
COMMENTS_SPAM_RETENTION_DAYS = env.integer("COMMENTS_SPAM_RETENTION_DAYS", 15, minimum=1)
COMMENTS_DISCARD_RETENTION_DAYS = env.integer("COMMENTS_DISCARD_RETENTION_DAYS", 2, minimum=1)
COMMENTS_PERSONAL_DATA_RETENTION_DAYS = env.integer(
    "COMMENTS_PERSONAL_DATA_RETENTION_DAYS", 30, minimum=1
)
# A reader's link to confirm e-mails about their comments works this many days.
NOTIFY_CONFIRM_DAYS = env.integer("NOTIFY_CONFIRM_DAYS", 7, minimum=1, maximum=90)
# When purge_comments deletes the text a moderator redacted (kept for the
# safeguarding lead), unless the lead marked it to be kept.
REDACTED_ORIGINAL_DAYS = env.integer("REDACTED_ORIGINAL_DAYS", 90, minimum=1)
# The rules that screen comments for a possible disclosure of harm or identifying
# details (comments/screening.py); empty: comments/screening_rules.toml.
SCREENING_RULES_FILE = env.text("SCREENING_RULES_FILE")
# moderation_report e-mails moderators when a held comment has waited this
# long, and the safeguarding leads when a flagged one has waited a day.
MODERATION_ALERT_HOURS = env.integer("MODERATION_ALERT_HOURS", 48, minimum=1)
# How many proxies in front of the site append to X-Forwarded-For; 0 trusts
# only REMOTE_ADDR, so a reader cannot choose their own IP address.
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0, maximum=10)

# Background tasks (the spam check): run inline unless a worker is configured.
TASKS_BACKEND = dotted_path("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
if TASKS_BACKEND.startswith("django_tasks_db."):
    # A worker (`manage.py db_worker`) runs the checks; pip install -e '.[worker]'.
    INSTALLED_APPS.append("django_tasks_db")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env.choice(
            "DJANGO_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
        ),
    },
    # httpx logs every request at INFO; the spam check's outcome is logged by us.
    "loggers": {"httpx": {"level": "WARNING"}},
}

# Backups (`manage.py backup` / `restore`, niromp_site/backups.py): one archive
# of the database and the uploads, written here; keep it off the web root.
BACKUP_DIR = Path(env.text("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
