"""A throw-away copy of the site, run the way `make run` runs it: its own
SQLite file, migrate, seed_content, collectstatic, then gunicorn with DEBUG
off, whitenoise and hashed static files. For tests that need a real server
in another process (concurrent readers, a real browser)."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
GUNICORN = VENV_BIN / "gunicorn"


class LiveSiteError(RuntimeError):
    pass


@dataclass
class LiveSite:
    url: str
    database: Path
    log: Path
    env: dict[str, str]

    def log_tail(self, lines: int = 80) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def comments_containing(self, text: str) -> list[dict]:
        """The site's comments whose text contains `text`, read through the ORM
        in a subprocess (so on whichever database the site runs)."""
        output = self.manage(
            "shell",
            "--verbosity",
            "0",
            "-c",
            "import json; from comments.models import Comment; print(json.dumps(list("
            f"Comment.objects.filter(body__contains={text!r})"
            ".values('id', 'body', 'status', 'verdict', 'page__slug'))))",
        )
        return json.loads(output.strip().splitlines()[-1])

    def manage(self, *args: str) -> str:
        """Run a management command against this site's database; its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise LiveSiteError(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
        return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def own_database(tmp: Path):
    """A database URL for the live site: a new SQLite file, or, when the test
    run itself uses PostgreSQL (DATABASE_URL), a new database on that server,
    dropped afterwards, so what the live-site tests prove holds on both."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp / 'db.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    name = f"niromp_live_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def site_environment(tmp: Path, port: int, **overrides: str) -> dict[str, str]:
    """The process environment without anything the test run set for itself
    (tests.settings, a PostgreSQL DATABASE_URL, Akismet, rate limits) and with
    what production sets."""
    keep = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "AKISMET_", "COMMENT", "GUNICORN_", "TASKS_"))
        and name not in {"DATABASE_URL", "PORT", "HOST", "WEB_CONCURRENCY", "SITE_URL"}
    }
    return {
        **keep,
        "DJANGO_SECRET_KEY": "live-site-tests-only-not-a-secret",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "COMMENT_RATE_LIMIT": "0",
        "AKISMET_API_KEY": "",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "3",
        "GUNICORN_THREADS": "4",
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }


@contextlib.contextmanager
def live_site(tmp: Path, **overrides: str):
    """Build the site in `tmp` and serve it until the block ends."""
    with own_database(tmp) as database_url:
        yield from _serve(tmp, DATABASE_URL=database_url, **overrides)


def _serve(tmp: Path, **overrides: str):
    port = free_port()
    env = site_environment(tmp, port, **overrides)
    site = LiveSite(
        url=f"http://127.0.0.1:{port}",
        database=tmp / "db.sqlite3",
        log=tmp / "gunicorn.log",
        env=env,
    )
    site.manage("migrate", "--no-input")
    site.manage("seed_content")
    site.manage("collectstatic", "--no-input", "--verbosity", "0")
    with gunicorn(env, site.url, site.log):
        yield site


@contextlib.contextmanager
def gunicorn(env: dict[str, str], url: str, log: Path):
    """gunicorn serving the site `env` describes (PORT included) at `url`,
    started, answering, and stopped when the block ends. Several may serve
    one database at once, as nodes behind a proxy do."""
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "niromp_site.wsgi"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )

    def log_tail():
        return "\n".join(log.read_text(errors="replace").splitlines()[-80:])

    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise LiveSiteError(f"gunicorn exited with {server.returncode}:\n{log_tail()}")
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise LiveSiteError(f"gunicorn did not answer within 30 s:\n{log_tail()}")
            time.sleep(0.1)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
