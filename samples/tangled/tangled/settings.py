"""Django settings for the tangled shop.

Everything lives here, hard-coded; production overrides are copied onto the server by hand
(see the wiki page "Deploying on shop-01").
"""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-7r#w0k@1c$q3z!m-tangled-shop-please-change"
DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "shop.tangled.example"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "core",
    "customers",
    "orders",
    "billing",
    "inventory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tangled.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.views.site_settings_context",
            ],
        },
    },
]

WSGI_APPLICATION = "tangled.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "tangled",
        "USER": "tangled",
        "PASSWORD": "tangled",
        "HOST": "localhost",
        "PORT": "5432",
        "ATOMIC_REQUESTS": True,
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "mail.tangled.example"
DEFAULT_FROM_EMAIL = "shop@tangled.example"

# Business rules that ended up here over the years.
SHOP_CURRENCY = "GBP"
SHOP_DEFAULT_PAYMENT_TERMS_DAYS = 14
SHOP_RESERVATION_MINUTES = 45
SHOP_LOYALTY_POINTS_PER_POUND = 1
SHOP_CREDIT_LIMIT_DEFAULT = 500
SHOP_REMINDER_AFTER_DAYS = 7
SHOP_BLOCK_AFTER_DAYS = 30
