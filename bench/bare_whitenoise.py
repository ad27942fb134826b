"""The static baseline: whitenoise alone, serving the site's collected static
files (DJANGO_STATIC_ROOT) under /static/, with no Django in front. bench/run.sh
serves it with the site's own gunicorn.conf.py, so S (the site's stylesheet
through the whole site) can be compared with it in the same run."""

import os

from whitenoise import WhiteNoise


def not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"Not found"]


# The same choices as the site's whitenoise: hashed names cached for good, no CORS.
application = WhiteNoise(
    not_found,
    root=os.environ["DJANGO_STATIC_ROOT"],
    prefix="/static/",
    allow_all_origins=False,
    immutable_file_test=r"\.[0-9a-f]{12}\.\w+$",
)
