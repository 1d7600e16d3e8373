"""Settings for 履职通: every value the environment may change is read here, and only here."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LVZHI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
# The server mode is PostgreSQL plus Redis; anything less is the embedded mode.
SERVER_MODE = bool(DATABASE_URL and REDIS_URL)

DEBUG = env_bool("DJANGO_DEBUG", default=not SERVER_MODE)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if SERVER_MODE:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in the server mode")
    # The embedded mode runs on one machine for trial and development only.
    SECRET_KEY = "embedded-mode-only-" + "x" * 50

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if SERVER_MODE else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies stand in front of the web server (they append to X-Forwarded-For);
# 0 trusts nothing but the connection's own address.
LVZHI_TRUSTED_PROXIES = env_int("LVZHI_TRUSTED_PROXIES", 0)
AXES_IPWARE_PROXY_COUNT = LVZHI_TRUSTED_PROXIES
# The address printed in QR codes (e.g. https://renda.example.cn); empty: the request's own.
LVZHI_PUBLIC_BASE_URL = os.environ.get("LVZHI_PUBLIC_BASE_URL", "")
# A cached page part that reads a table it does not declare raises instead of being logged and
# left uncached (congress.data_versions): on in the tests.
LVZHI_CHECK_CACHED_READS = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "congress",
    "deputies",
    "liaison",
    "suggestions",
    "scoring",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and the token are looked up: PostgreSQL cannot compare text with NUL.
    "congress.input_guard.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "congress.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "congress.middleware.PlatformAdminScopeMiddleware",
    "congress.middleware.CongressMiddleware",
    # After the congress middleware, which has found the user behind an API token.
    "congress.middleware.SignInCompletionMiddleware",
    # Axes goes last so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congress.urls"
WSGI_APPLICATION = "congress.wsgi.application"
AUTH_USER_MODEL = "congress.User"

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
                "congress.context_processors.congress_navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No just-in-time compilation: it pays off for queries of many seconds, while it cost the
        # suggestion statistics page 290 ms to compile a 40 ms query once the planner knew
        # the tables' sizes (bench.suggestion_lists, 10,000 suggestions).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "lvzhi.sqlite3")),
            "OPTIONS": {
                # WAL lets the web process read while the job runner writes; IMMEDIATE
                # transactions take the write lock up front instead of failing mid-way.
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lvzhi",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lvzhi_cache",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# A session ends after this long without a request (等保 asks for an idle timeout).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("LVZHI_SESSION_IDLE_MINUTES", 30))
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Authentication -------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "congress.auth_backends.UsernameOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # At least the platform's floor, and what the person's congresses ask for beyond it.
    {"NAME": "congress.password_validation.MinimumLengthValidator"},
    {"NAME": "congress.password_validation.CharacterClassesValidator"},
    {"NAME": "congress.password_validation.PersonalDataValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "root"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("LVZHI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LVZHI_LOGIN_LOCKOUT_MINUTES", 30))
# Lock the account, not the address: a whole government office often shares one NAT address,
# and the account is what an attacker guesses against. axes.W006 is about that choice.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "congress.views.lockout"
AXES_VERBOSE = False
# Days the audit log is kept before the nightly job prunes it; the law asks for six months at
# least, so a system check refuses less than 183.
LVZHI_AUDIT_RETENTION_DAYS = env_int("LVZHI_AUDIT_RETENTION_DAYS", 365)
# Two-step sign-in for staff: the name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = "履职通"

# --- Language and time ----------------------------------------------------------------------
# Chinese only, whatever the browser's Accept-Language says: there is no LocaleMiddleware.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("LVZHI_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if SERVER_MODE and not env_bool("LVZHI_PLAIN_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security headers -----------------------------------------------------------------------
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if SERVER_MODE:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SILENCED_SYSTEM_CHECKS.append("security.W021")  # HSTS preload is a per-domain decision

# --- Backups --------------------------------------------------------------------------------
# Where `manage.py backup` writes when no folder is given; keep it on another disk or copy it off.
LVZHI_BACKUP_DIR = Path(os.environ.get("LVZHI_BACKUP_DIR", VAR_DIR / "backups"))
# The folder of pg_dump and pg_restore when they are not on PATH (e.g. /usr/lib/postgresql/15/bin);
# they must be at least the server's version.
LVZHI_PG_BIN = os.environ.get("LVZHI_PG_BIN", "")

# --- Notifications --------------------------------------------------------------------------
# Channels besides the in-app bell, as dotted paths to NotificationChannel classes.
LVZHI_NOTIFICATION_CHANNELS = env_list("LVZHI_NOTIFICATION_CHANNELS", [])

# --- Jobs (Celery) --------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 60 * 60 * 2}
else:
    # The embedded mode needs no broker server: messages are files under var/.
    _broker_dir = Path(os.environ.get("LVZHI_BROKER_DIR", VAR_DIR / "broker"))
    for _folder in ("out", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    # The host part means nothing to the file transport; naming one keeps kombu from warning.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("LVZHI_TASKS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
# Outcomes live in our own JobRun table, so no result backend is needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "congress.api_auth.CongressTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "congress.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "履职通 API",
    "DESCRIPTION": "人大代表履职服务与管理平台的接口。所有接口都以 /api/v1/c/<常委会标识>/ 开头。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "level", "kind" or "status": name each choice set once.
    "ENUM_NAME_OVERRIDES": {
        "CongressLevelEnum": "congress.models.CongressLevel",
        "DeputyLevelEnum": "deputies.models.DeputyLevel",
        "DeputyStatusEnum": "deputies.models.DeputyStatus",
        "JobStatusEnum": "congress.models.JobStatus",
        "GroupKindEnum": "liaison.models.GroupKind",
        "StationKindEnum": "liaison.models.StationKind",
        "MessageTopicEnum": "liaison.models.MessageTopic",
        "ForwardTargetEnum": "liaison.models.ForwardTarget",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LVZHI_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
