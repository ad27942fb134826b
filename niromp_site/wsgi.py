import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "niromp_site.settings")

application = get_wsgi_application()

# Each gunicorn worker imports this module as it starts: build now what the
# first comment would otherwise wait for.
from comments.apps import warm_up  # noqa: E402 - needs the app registry loaded above

warm_up()
