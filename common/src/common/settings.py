"""Settings base shared by every service: environment-driven, with safe local defaults.

A service's ``config/settings.py`` star-imports this module, sets ``SERVICE_NAME`` and adds
only what is its own (apps, urls, database name) through :func:`service_settings`.
"""

import os

import dj_database_url


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The local default is for development only; deployments set SECRET_KEY (check --deploy says so).
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-pharmaconnect-local-development-only")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8080,http://localhost:8080"
)
# HAProxy sets X-Forwarded-Proto; trust it only behind the gateway.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False

# Bodies above this are refused with 413 before they are read; routes that take more (uploads)
# say so on the view (``max_body_bytes``, see common.middleware).
MAX_REQUEST_BODY_BYTES = 1024 * 1024

# Per-caller quotas (common.quotas), "N/P": N requests per P seconds, N of them at once. A
# person clicking never meets these; a script looping does. QUOTA_<CLASS> overrides one.
QUOTAS = {
    klass: os.environ.get(f"QUOTA_{klass.upper()}", default)
    for klass, default in {
        "read": "600/60",
        "write": "120/60",
        "upload": "20/60",
        "sign_in": "120/60",
        "registration": "10/3600",
    }.items()
}

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

JWT_ISSUER = os.environ.get("JWT_ISSUER", "http://127.0.0.1:8080/api/auth")
JWT_AUDIENCE = os.environ.get("JWT_AUDIENCE", "pharmaconnect")
JWKS_URL = os.environ.get("JWKS_URL", "http://127.0.0.1:8080/api/auth/.well-known/jwks.json")
# Keys are cached this long; an unknown kid triggers an earlier refetch, at most this often.
JWKS_CACHE_SECONDS = int(os.environ.get("JWKS_CACHE_SECONDS", "300"))
JWKS_MIN_REFETCH_SECONDS = int(os.environ.get("JWKS_MIN_REFETCH_SECONDS", "10"))
JWT_LEEWAY_SECONDS = int(os.environ.get("JWT_LEEWAY_SECONDS", "30"))

# Where the gateway is; service-to-service calls go through it unless <SVC>_URL overrides.
GATEWAY_URL = os.environ.get("GATEWAY_URL", "http://127.0.0.1:8080")

COMMON_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_prometheus",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "common",
]

MIDDLEWARE = [
    "common.request_metrics.RequestMetricsMiddleware",
    "common.middleware.RequestIdMiddleware",
    "common.middleware.NulByteMiddleware",
    "common.middleware.BodySizeLimitMiddleware",
    "common.middleware.QuotaHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.sso.AdminSingleSignOnMiddleware",
    "common.middleware.AdminMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

WSGI_APPLICATION = "config.wsgi.application"
ROOT_URLCONF = "config.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Admin assets are served by WhiteNoise from the app finders (indexed once at start-up).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "common.hashers.TakingTurnsArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Argon2 hashes one process runs at once (common.hashers): each holds 100 MiB while it runs.
PASSWORD_HASHES_AT_ONCE = 1

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["common.authentication.BearerJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["common.throttling.CallerQuotaThrottle"],
    "DEFAULT_PAGINATION_CLASS": "common.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.errors.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "UNAUTHENTICATED_USER": None,
}

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "common.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.request": {"level": "ERROR"}},
}


def service_settings(name: str) -> dict:
    """The settings that follow from a service's name: database, cache, URLs, schema."""
    database = os.environ.get("DATABASE_URL", f"postgresql://postgres@127.0.0.1:5432/pharma_{name}")
    db = dj_database_url.parse(database, conn_max_age=60, conn_health_checks=True)
    db["ENGINE"] = "common.database"
    return {
        "SERVICE_NAME": name,
        # This service's own OAuth2 client, for calls to other services. auth_svc's `seed`
        # creates the local ones with these development defaults; deployments set both.
        "SERVICE_CLIENT_ID": os.environ.get("SERVICE_CLIENT_ID", f"{name}-service"),
        "SERVICE_CLIENT_SECRET": os.environ.get("SERVICE_CLIENT_SECRET", f"{name}-local-secret"),
        "DATABASES": {"default": db},
        "CACHES": {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": name,
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
            }
        },
        "STATIC_URL": f"/static/{name}/",
        "SESSION_COOKIE_NAME": f"{name}_sessionid",
        "CSRF_COOKIE_NAME": f"{name}_csrftoken",
        "SESSION_COOKIE_PATH": f"/admin/{name}/",
        "LOGIN_URL": f"/admin/{name}/login/",
        "LOGIN_REDIRECT_URL": f"/admin/{name}/",
        "SPECTACULAR_SETTINGS": {
            "TITLE": f"PharmaConnect {name} API",
            "VERSION": "1.0.0",
            "SCHEMA_PATH_PREFIX": f"/api/{name}/",
            "SERVE_INCLUDE_SCHEMA": False,
            # The schema and its UI are public: no token is looked at, so none is refused.
            "SERVE_AUTHENTICATION": [],
            "SWAGGER_UI_DIST": "SIDECAR",
            "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
            "REDOC_DIST": "SIDECAR",
        },
    }
