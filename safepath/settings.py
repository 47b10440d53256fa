"""safepath settings: one file, driven by the environment.

`SAFEPATH_ENV` is `development` (the zero-setup default of `make run` and of
the tests) or `production`. Production refuses to start with the demo secrets
and switches on every transport and session protection. See docs/deploy.md.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _lazy

from safepath.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("SAFEPATH_VAR_DIR", str(PROJECT_DIR / "var")))

ENVIRONMENT = env_str("SAFEPATH_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("SAFEPATH_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

# Demo secrets: public, in the repository, and therefore refused in production.
DEMO_SECRET_KEY = "demo-only-secret-key-do-not-use-in-production-4f8c1e2a9b7d"  # noqa: S105
DEMO_FIELD_KEY = "ZGVtby1vbmx5LWZpZWxkLWtleS1ub3QtZm9yLXByb2Q="
DEMO_BLIND_INDEX_KEY = "demo-only-blind-index-key-not-for-production"

SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else DEMO_SECRET_KEY)
SAFEPATH_FIELD_KEYS = env_list("SAFEPATH_FIELD_KEYS", [] if PRODUCTION else [DEMO_FIELD_KEY])
SAFEPATH_BLIND_INDEX_KEY = env_str(
    "SAFEPATH_BLIND_INDEX_KEY", "" if PRODUCTION else DEMO_BLIND_INDEX_KEY
)
DATABASE_URL = env_str("DATABASE_URL", "")

if PRODUCTION:
    _missing = [
        name
        for name, value in (
            ("SECRET_KEY", SECRET_KEY),
            ("SAFEPATH_FIELD_KEYS", SAFEPATH_FIELD_KEYS),
            ("SAFEPATH_BLIND_INDEX_KEY", SAFEPATH_BLIND_INDEX_KEY),
            ("DATABASE_URL", DATABASE_URL),
        )
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(
            "Production needs these secrets in the environment: " + ", ".join(_missing)
        )
    _demo = [
        name
        for name, is_demo in (
            ("SECRET_KEY", SECRET_KEY == DEMO_SECRET_KEY),
            ("SAFEPATH_FIELD_KEYS", DEMO_FIELD_KEY in SAFEPATH_FIELD_KEYS),
            ("SAFEPATH_BLIND_INDEX_KEY", SAFEPATH_BLIND_INDEX_KEY == DEMO_BLIND_INDEX_KEY),
        )
        if is_demo
    ]
    if _demo:
        raise ImproperlyConfigured(
            "Production refuses the demo secrets; generate real ones for: " + ", ".join(_demo)
        )
    if DATABASE_URL.startswith("sqlite"):
        raise ImproperlyConfigured("Production runs on PostgreSQL, not SQLite.")

DEBUG = env_bool("SAFEPATH_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("SAFEPATH_DEBUG cannot be on in production.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "safepath.core",
    "safepath.accounts",
    "safepath.audit",
    "safepath.people",
    "safepath.screening",
    "safepath.cases",
    "safepath.directory",
    "safepath.referrals",
    "safepath.insights",
    "safepath.outreach",
    "safepath.api",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safepath.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safepath.accounts.middleware.SessionLifetimeMiddleware",
    "safepath.accounts.middleware.RequireMfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "safepath.core.middleware.NoStoreForAuthenticatedMiddleware",
]

ROOT_URLCONF = "safepath.urls"
WSGI_APPLICATION = "safepath.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safepath.core.context_processors.safepath",
            ],
        },
    },
]

if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "safepath.sqlite3"),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Files that must not be served: uploads waiting to be imported, encrypted with the field
# key. Outside any static or media root.
SAFEPATH_PRIVATE_DIR = Path(env_str("SAFEPATH_PRIVATE_DIR", str(VAR_DIR / "private")))
# The web upload of offline submissions; larger files go through `safepath screening import`.
SAFEPATH_IMPORT_MAX_BYTES = env_int("SAFEPATH_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Days a closed case keeps its identity and free text before `safepath cases retention`
# anonymises it (default five years). Zero or less would anonymise every closed case at
# once: refused.
SAFEPATH_CASE_RETENTION_DAYS = env_int("SAFEPATH_CASE_RETENTION_DAYS", 1826)
if SAFEPATH_CASE_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("SAFEPATH_CASE_RETENTION_DAYS must be at least 1")

# Days an export (caseload CSV/XLSX, case PDF) stays downloadable before
# `safepath cases purge-exports` deletes its file.
SAFEPATH_EXPORT_EXPIRY_DAYS = env_int("SAFEPATH_EXPORT_EXPIRY_DAYS", 7)
if SAFEPATH_EXPORT_EXPIRY_DAYS < 1:
    raise ImproperlyConfigured("SAFEPATH_EXPORT_EXPIRY_DAYS must be at least 1")

# E-mail: notifications carry a link only, never personal data. In development (the
# demo) the console backend prints them; production sends by SMTP, configured through
# the SAFEPATH_EMAIL_* variables.
_EMAIL_BACKEND = env_str(
    "SAFEPATH_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            "host": env_str("SAFEPATH_EMAIL_HOST", "localhost"),
            "port": env_int("SAFEPATH_EMAIL_PORT", 25),
            "username": env_str("SAFEPATH_EMAIL_HOST_USER", ""),
            "password": env_str("SAFEPATH_EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("SAFEPATH_EMAIL_USE_TLS", False),
        }
        if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("SAFEPATH_EMAIL_FROM", "safepath@localhost")
# The address of the web app, for links in e-mails (no trailing slash).
SAFEPATH_BASE_URL = env_str("SAFEPATH_BASE_URL", "http://127.0.0.1:8000")

# Hours a recipient has to answer a referral, and an urgent one.
SAFEPATH_REFERRAL_RESPONSE_HOURS = env_int("SAFEPATH_REFERRAL_RESPONSE_HOURS", 24)
SAFEPATH_REFERRAL_URGENT_HOURS = env_int("SAFEPATH_REFERRAL_URGENT_HOURS", 4)
if not 1 <= SAFEPATH_REFERRAL_URGENT_HOURS <= SAFEPATH_REFERRAL_RESPONSE_HOURS:
    raise ImproperlyConfigured(
        "SAFEPATH_REFERRAL_URGENT_HOURS must be at least 1 and at most "
        "SAFEPATH_REFERRAL_RESPONSE_HOURS"
    )

# Safe statistics (safepath.insights.safe_stats): counts under the minimum are
# suppressed; public figures are also rounded (the minimum must be a multiple of it).
SAFEPATH_STATS_PUBLIC_MIN = env_int("SAFEPATH_STATS_PUBLIC_MIN", 10)
SAFEPATH_STATS_PUBLIC_ROUND = env_int("SAFEPATH_STATS_PUBLIC_ROUND", 5)
SAFEPATH_STATS_PARTNER_MIN = env_int("SAFEPATH_STATS_PARTNER_MIN", 5)
if (
    SAFEPATH_STATS_PUBLIC_ROUND < 1
    or SAFEPATH_STATS_PUBLIC_MIN < SAFEPATH_STATS_PUBLIC_ROUND
    or SAFEPATH_STATS_PUBLIC_MIN % SAFEPATH_STATS_PUBLIC_ROUND
    or SAFEPATH_STATS_PARTNER_MIN < 2
):
    raise ImproperlyConfigured(
        "SAFEPATH_STATS_PUBLIC_MIN must be a multiple of SAFEPATH_STATS_PUBLIC_ROUND (at "
        "least 1), and SAFEPATH_STATS_PARTNER_MIN at least 2"
    )

# Weekly alerts of unusual rises (safepath.insights.alerts): a week's count must reach
# this minimum, as well as be improbable against its baseline, to raise an alert.
SAFEPATH_ALERT_MIN_COUNT = env_int("SAFEPATH_ALERT_MIN_COUNT", 5)
if SAFEPATH_ALERT_MIN_COUNT < SAFEPATH_STATS_PARTNER_MIN:
    # An alert shows its week's count: never one the statistics would withhold.
    raise ImproperlyConfigured(
        "SAFEPATH_ALERT_MIN_COUNT must be at least SAFEPATH_STATS_PARTNER_MIN"
    )

# Rollups (safepath.insights.rollups): a change to a screening, case, assistance or
# referral queues a refresh of the rollups on commit (at most one waiting at a time).
SAFEPATH_ROLLUPS_AUTO_REFRESH = env_bool("SAFEPATH_ROLLUPS_AUTO_REFRESH", True)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["safepath.accounts.backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "public:home"

# django-allauth: staff accounts are created by administrators, never by sign-up.
ACCOUNT_ADAPTER = "safepath.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Per address and per username; windows, not a permanent lockout.
SAFEPATH_LOGIN_RATE = env_str("SAFEPATH_LOGIN_RATE", "20/5m/ip,5/5m/key")
ACCOUNT_RATE_LIMITS = {"login_failed": SAFEPATH_LOGIN_RATE}
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "safepath"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
SAFEPATH_REQUIRE_MFA = env_bool("SAFEPATH_REQUIRE_MFA", PRODUCTION)

# Sessions: 30 minutes idle, 12 hours in all. The idle expiry is pushed ahead by
# SessionLifetimeMiddleware at most once a minute (saving on every request costs a
# database write per page for no gain).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SAFEPATH_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SAFEPATH_SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SAFEPATH_SESSION_MAX_SECONDS = env_int("SAFEPATH_SESSION_MAX_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SAFEPATH_TOKEN_LIFETIME = timedelta(seconds=env_int("SAFEPATH_TOKEN_SECONDS", 8 * 60 * 60))

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _lazy("English")),
    ("pl", _lazy("Polish")),
    ("uk", _lazy("Ukrainian")),
    ("ru", _lazy("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
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
MEDIA_ROOT = VAR_DIR / "media"

# No third-party request of any kind: everything is served from here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form
# posts and CSRF origin checks fail. Nothing leaves for other sites either way.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

SAFEPATH_INFO_LINE = env_str("SAFEPATH_INFO_LINE", "+48 22 490 20 44")
SAFEPATH_EMERGENCY_NUMBER = env_str("SAFEPATH_EMERGENCY_NUMBER", "112")
SAFEPATH_QUICK_EXIT_URL = env_str("SAFEPATH_QUICK_EXIT_URL", "https://www.google.com/")

# Logs carry request ids and event names, never personal data: no request
# bodies, no query strings (see safepath.core.logging).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "safepath.core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("SAFEPATH_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger prints the path, which may hold search words.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        # PDF rendering: dozens of progress lines per document at INFO; warnings only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
ADMINS: list[tuple[str, str]] = []
