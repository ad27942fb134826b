"""/healthz, the address a load balancer or monitor asks whether the site can serve."""

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from tests.live_site import GUNICORN, REPO_ROOT, free_port, site_environment


def test_healthy_when_the_database_answers_and_is_migrated(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_unhealthy_when_a_migration_is_not_applied(client, db):
    # As after deploying new code without `manage.py migrate`: the newest
    # comments migration exists on disk but is not recorded as applied.
    (app, name) = MigrationLoader(connection).graph.leaf_nodes("comments")[0]
    MigrationRecorder(connection).record_unapplied(app, name)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "reason": "migrations not applied"}
    assert "no-store" in response["Cache-Control"]


def test_answers_only_to_the_sites_own_host_names(client, db):
    assert client.get("/healthz", headers={"host": "attacker.example"}).status_code == 400


PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz", headers={"host": "127.0.0.1"})
print(json.dumps({"status": response.status_code, "body": response.content.decode(),
                  "cache": response["Cache-Control"]}))
"""


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param("sqlite:////nonexistent-folder/db.sqlite3", id="sqlite"),
        pytest.param("postgres://niromp:secret-pw@127.0.0.1:{port}/niromp", id="postgresql"),
    ],
)
def test_unhealthy_without_saying_why_in_detail_when_the_database_is_unreachable(
    tmp_path, database_url
):
    if database_url.startswith("postgres"):
        pytest.importorskip("psycopg")
    # A real unreachable database: no such folder, or nothing listening on the port.
    url = database_url.format(port=free_port())
    env = site_environment(
        tmp_path, free_port(), DATABASE_URL=url, DJANGO_SETTINGS_MODULE="niromp_site.settings"
    )
    Path(env["DJANGO_STATIC_ROOT"]).mkdir()
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])

    assert answer["status"] == 503
    assert json.loads(answer["body"]) == {"status": "error", "reason": "database unreachable"}
    assert "no-store" in answer["cache"]


@pytest.mark.skipif(not GUNICORN.exists(), reason=f"no gunicorn at {GUNICORN}")
def test_probes_are_left_out_of_gunicorns_access_log(tmp_path):
    """gunicorn.conf.py's logger drops the /healthz lines and keeps the readers'."""
    port = free_port()
    env = {**site_environment(tmp_path, port), "WEB_CONCURRENCY": "1"}
    Path(env["DJANGO_STATIC_ROOT"]).mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=REPO_ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "niromp_site.wsgi"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                probe = httpx.get(url + "/healthz", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        assert probe.status_code == 200
        assert httpx.get(url + "/robots.txt?reader", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=15)

    text = log.read_text()
    assert '"GET /robots.txt?reader HTTP/1.1" 200' in text
    assert "/healthz" not in text
