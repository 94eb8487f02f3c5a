"""The issue's reference points, measured on the machine at hand (see bench/README.md).

A bare Django REST framework project: no middleware, no authentication, one model. It answers
two questions the report benchmarks are judged against: how fast a DRF view inserting one row
is here, and how fast a 50-row paginated list over a million rows is here.

    DATABASE_URL=postgres://… gunicorn bench.baseline.wsgi     (bench/run.sh does all of it)
"""

import environ

SECRET_KEY = "bench-baseline-not-secret"  # noqa: S105 - answers nothing that needs signing
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = ["django.contrib.contenttypes", "rest_framework", "bench.baseline"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.baseline.urls"
DATABASES = {
    "default": {
        **environ.Env().db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/bench"),
        "CONN_MAX_AGE": 600,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
