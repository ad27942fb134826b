"""The production settings, with static files served from static/ as they
are (no collectstatic, which takes minutes on a busy machine): for the
page-cache tests' gunicorn nodes, whose static files nobody asks for."""

from niromp_site.settings import *  # noqa: F403

WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
