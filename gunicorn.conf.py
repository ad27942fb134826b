"""gunicorn settings for `make run` and production; each can be overridden
from the environment (PORT, HOST, WEB_CONCURRENCY, GUNICORN_TIMEOUT)."""

import os

from gunicorn import glogging

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# A reader's request never needs more than this; bigger ones are refused early.
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27 opens ~/.gunicorn/gunicorn.ctl by default; two instances under
# one HOME would collide over it, and nothing here uses it.
control_socket_disable = True


class Logger(glogging.Logger):
    """gunicorn's logger without the access-log line for each /healthz probe
    (a monitor asks every few seconds; the lines would bury the readers')."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") != "/healthz":
            super().access(resp, req, environ, request_time)


logger_class = Logger


def post_worker_init(worker):
    """No "Server: gunicorn" banner. gunicorn 27 has no setting for it: it
    writes the line in Response.default_headers, so each worker drops it there."""
    from gunicorn.http import wsgi

    default_headers = wsgi.Response.default_headers

    def without_server(response):
        return [line for line in default_headers(response) if not line.startswith("Server:")]

    wsgi.Response.default_headers = without_server
