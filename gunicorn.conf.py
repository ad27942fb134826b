"""gunicorn settings for `make run` and production; each can be overridden
from the environment (PORT, HOST, WEB_CONCURRENCY, GUNICORN_THREADS,
GUNICORN_TIMEOUT, FORWARDED_ALLOW_IPS)."""

import os

from gunicorn import glogging

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"


def default_workers() -> int:
    """Two worker processes per CPU core this process may run on, 2 to 8.
    (A container's CPU limit is not seen here: set WEB_CONCURRENCY there.)"""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(2, min(8, 2 * (cores or 1)))


# Processes, one request at a time each (gunicorn's sync worker): serving a
# page is CPU-bound Python, and threads in one process queue behind its GIL.
# Measured on 2 cores (wrk, 16 connections, 2 s runs): 2 workers x 2 threads
# served the stylesheet at 750 to 2,078 requests/s from run to run, as the
# connections happened to split between the two processes, with p99 up to
# 86 ms; 4 sync workers at 1,324 to 1,575, p99 17 to 19 ms. Sync workers close
# each connection after its answer and expect a proxy in front for the
# internet's slow clients (see Deploying in the README). GUNICORN_THREADS
# above 1 makes gunicorn use its threaded worker instead.
workers = int(os.environ.get("WEB_CONCURRENCY") or 0) or default_workers()
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
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
