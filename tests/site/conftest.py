import contextlib
import shutil
import subprocess
import time

import pytest
import redis
from django.db import connection

from tests.live_site import free_port

REDIS_SERVER = "/usr/bin/redis-server"


@contextlib.contextmanager
def running_redis(folder):
    """Debian's redis-server on a free loopback port, keeping nothing on disk."""
    if not shutil.which(REDIS_SERVER):
        pytest.fail(f"{REDIS_SERVER} is needed (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            *("--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start (exit {server.poll()})")
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """The address of a Redis server of the test run's own."""
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a commit runs (the content version's bump) at the end of the block."""

    @contextlib.contextmanager
    def block():
        # The test's own transaction never commits: what was written before
        # the block (the seed content) still waits for a commit that never comes.
        connection.pagecache_bump_pending = False
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block
