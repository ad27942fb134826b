"""Every shell command README.md shows, run as written in a fresh checkout set
up by `make run`, and checked to do what the README says it does.

The checkout is a `git clone` of this repository's HEAD (uncommitted changes
are not in it) with `../shared` beside it, set up by `make run` in a shell
that has nothing from this test run: no DJANGO_* or DATABASE_URL (so the
README's commands meet the default SQLite database), no PYTHONPATH, no
virtual environment; only PATH, HOME, the locale and pip's own settings.

A command is every line of a ```sh block (comments stripped, `\\`
continuations joined) and every inline `code` span in the prose that starts
with a program (`make ...`, `manage.py ...`, `sqlite3 ...`) or a script path
(`bench/run.sh`, `.venv/bin/...`). README_COMMANDS says, for each, how it is
run and what is checked; a command the table does not know fails the test, so
the README cannot gain an untested command. Each runs with `bash -c` in the
checkout exactly as written, after the placeholder substitutions the table
states, with nothing exported but what the README's own lines export: an
`export` or `cd` line in a block applies to the lines after it in that block.
The checks run in README order and may use what earlier commands left behind
(the worker extra, all.json), as an operator following the README would.

Slow (a few minutes, mostly `make run`'s pip install); marked `readme`, so
`-m "not readme"` leaves it out. pip needs the package index (or its cache).
"""

import json
import os
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.live_site import free_port

pytestmark = pytest.mark.readme

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"

# What an operator's fresh shell has; everything else (DJANGO_*, DATABASE_URL,
# PYTHONPATH, VIRTUAL_ENV, the site's other variables) stays out.
KEPT_VARIABLES = re.compile(
    r"PATH|HOME|USER|LOGNAME|SHELL|TERM|TMPDIR|LANG|LC_\w+|PYTHON|PYENV\w*|PIP_\w+"
    r"|XDG_CACHE_HOME|SSL_CERT_\w+|(?i:(https?|no|all)_proxy)"
)


# The README's command lines ------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A command as the README shows it, with the `export`/`cd` lines before
    it in its block."""

    text: str
    setup: tuple[str, ...] = ()
    inline: bool = False


FENCE = re.compile(r"^\s*```(?P<lang>\S*)\s*$")
SPAN = re.compile(r"`([^`]+)`")
ASSIGNMENT = re.compile(r"[A-Z_][A-Z0-9_]*=\S*")
PROGRAMS = {"make", "manage.py", "pip", "sqlite3", "apt-get", "python", "python3"}
PROGRAMS |= {"gunicorn", "pytest", "ruff", "djlint", "uv", "git", "curl"}
SCRIPT = re.compile(r"(\.venv/bin/|venv/bin/|bench/|\.ci/|\./)\S")


def strip_comment(line: str) -> str:
    """The line without a trailing `# comment` (a # outside quotes, at the
    start or after white space)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def block_commands(lines: list[str]) -> list[Shown]:
    shown, setup, current = [], [], ""
    for raw in lines:
        current = f"{current} {raw.strip()}" if current else raw.strip()
        if current.endswith("\\"):
            current = current[:-1].rstrip()
            continue
        command, current = strip_comment(current), ""
        if command:
            shown.append(Shown(command, tuple(setup)))
            if command.startswith(("export ", "cd ")):
                setup.append(command)
    return shown


def is_command(span: str) -> bool:
    words = span.split()
    while words and ASSIGNMENT.fullmatch(words[0]):
        words.pop(0)
    if not words:
        return False
    # A lone program name (`pytest`, `manage.py`) names it; it is not a command.
    return bool(SCRIPT.match(words[0])) or (words[0] in PROGRAMS and len(words) > 1)


def readme_commands(text: str) -> list[Shown]:
    """Every command the README shows, in order, each once."""
    shown, prose = [], []

    def inline_commands():
        for span in SPAN.findall("\n".join(prose)):
            if is_command(span):
                shown.append(Shown(" ".join(span.split()), inline=True))
        prose.clear()

    lines = iter(text.splitlines())
    for line in lines:
        fence = FENCE.match(line)
        if not fence:
            prose.append(line)
            continue
        inline_commands()
        block = []
        for inner in lines:
            if inner.strip() == "```":
                break
            block.append(inner)
        if fence["lang"] == "sh":
            shown.extend(block_commands(block))
    inline_commands()
    first = {}
    for command in shown:
        first.setdefault(command.text, command)
    return list(first.values())


SHOWN = readme_commands((REPO_ROOT / "README.md").read_text())


# The checkout -------------------------------------------------------------


def clean_env() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if KEPT_VARIABLES.fullmatch(name)}
    our_venv = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != our_venv)
    return env


@dataclass
class Checkout:
    path: Path
    env: dict[str, str]
    make_run_log: Path
    make_run_port: int
    # Stand-ins for the README's placeholders (see PLACEHOLDERS).
    values: dict[str, str] = field(default_factory=dict)

    def script(self, command: Shown, fill: dict[str, str] | None = None) -> str:
        """The bash script that runs the command as the README shows it."""
        lines = [*command.setup, command.text]
        filled = [substitute(line, PLACEHOLDERS, self.values) for line in lines]
        filled = [substitute(line, fill or {}, self.values) for line in filled]
        if command.inline and filled[-1].startswith("manage.py "):
            filled[-1] = f".venv/bin/python {filled[-1]}"
        return "\n".join(["set -e", *filled])

    def run(self, script: str, *, env=None, timeout: int = 600) -> subprocess.CompletedProcess:
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=self.path,
            env=self.env | (env or {}),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"{script}\nfailed:\n{done.stdout}\n{done.stderr}"
        return done

    def start(self, script: str, log: Path, env=None) -> subprocess.Popen:
        """A long-running command in its own process group (see stop)."""
        with log.open("wb") as out:
            return subprocess.Popen(
                ["bash", "-c", script],
                cwd=self.path,
                env=self.env | (env or {}),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def django(self, code: str, env=None) -> object:
        """Run Python in the checkout's Django (manage.py shell); the JSON it
        prints last. Test machinery, not a README command."""
        done = self.run(f".venv/bin/python manage.py shell -v0 -c {quote(code)}", env=env)
        return json.loads(done.stdout.strip().splitlines()[-1])


def substitute(line: str, fill: dict[str, str], values: dict[str, str]) -> str:
    for placeholder, value in fill.items():
        filled = value.format(**values)
        line = re.sub(
            rf"(?<![\w.]){re.escape(placeholder)}(?!\w)", lambda _, filled=filled: filled, line
        )
    return line


def quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def stop(process: subprocess.Popen) -> None:
    """Stop a process started by Checkout.start and all its children."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def get_when_up(url: str, process: subprocess.Popen, log: Path, *, wait: int = 60, **kwargs):
    deadline = time.monotonic() + wait
    while True:
        assert process.poll() is None, f"it exited:\n{log.read_text(errors='replace')}"
        try:
            return httpx.get(url, timeout=10, **kwargs)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"no answer:\n{log.read_text(errors='replace')}"
            time.sleep(0.5)


@pytest.fixture(scope="session")
def checkout(tmp_path_factory) -> Iterator[Checkout]:
    """A fresh clone set up by `make run` (served until / answers, then stopped)."""
    root = tmp_path_factory.mktemp("readme")
    path = root / "checkout"
    subprocess.run(["git", "clone", "--quiet", REPO_ROOT, path], check=True, timeout=120)
    if SHARED.is_dir():
        (root / "shared").symlink_to(SHARED)
    site = Checkout(path, clean_env(), root / "make-run.log", free_port())
    site.values = {"root": str(root), "secret_key": secrets.token_urlsafe(50)}
    server = site.start(f"PORT={site.make_run_port} make run", site.make_run_log)
    try:
        # A new .venv with the run lock: minutes on a slow machine.
        home = get_when_up(
            f"http://127.0.0.1:{site.make_run_port}/", server, site.make_run_log, wait=900
        )
        assert home.status_code == 200, site.make_run_log.read_text()
    finally:
        stop(server)
    yield site
    # Two virtual environments and a site: too big to keep for pytest's last three runs.
    shutil.rmtree(root, ignore_errors=True)


# What each command does -----------------------------------------------------

Check = Callable[[Checkout, Shown], None]

# The README's placeholders and what runs in their place ({root} is the
# checkout's temporary parent folder).
PLACEHOLDERS = {
    "DJANGO_SECRET_KEY=...": "DJANGO_SECRET_KEY={secret_key}",
    "EMAIL_HOST_USER=...": "EMAIL_HOST_USER=readme-test",
    "EMAIL_HOST_PASSWORD=...": "EMAIL_HOST_PASSWORD=readme-test",
    # A server's folder: a temporary one stands in.
    "/srv/niromp": "{root}/srv/niromp",
}


def succeeds(*, prints: tuple[str, ...] = (), then: Callable | None = None, **fill) -> Check:
    """Exits 0, prints each of `prints`, and `then(site, output)` holds."""

    def check(site: Checkout, command: Shown) -> None:
        done = site.run(site.script(command, fill))
        for text in prints:
            assert text in done.stdout, done.stdout
        if then:
            then(site, done.stdout)

    return check


def serves(*, headers: dict | None = None, then: Callable, **fill) -> Check:
    """Serves HTTP: started with PORT (and any 127.0.0.1:8000 the command
    names) on a free port, since 8000 may be taken; `then(site, url, response)`
    holds for the answer to /, then it is stopped."""

    def check(site: Checkout, command: Shown) -> None:
        port = free_port()
        script = site.script(command, fill | {"127.0.0.1:8000": f"127.0.0.1:{port}"})
        log = site.path.parent / f"serve-{port}.log"
        server = site.start(script, log, env={"PORT": str(port)})
        try:
            url = f"http://127.0.0.1:{port}"
            then(site, url, get_when_up(f"{url}/", server, log, headers=headers))
        finally:
            stop(server)

    return check


def made_by_the_fixture(site: Checkout, command: Shown) -> None:
    """`make run`: the checkout fixture ran it (with PORT free) and it served /."""
    for made in ("db.sqlite3", "var/secret_key", "staticfiles/staticfiles.json"):
        assert (site.path / made).is_file(), made
    assert (site.path / "var" / "secret_key").stat().st_mode & 0o077 == 0
    log = site.make_run_log.read_text()
    assert f"Listening at: http://127.0.0.1:{site.make_run_port}" in log
    # "it creates an operator account and prints its user name and a random
    # one-time password; sign in at /admin/"
    password = re.search(r"One-time password: (\S+)", log)
    assert "user name 'operator'" in log and password, log
    assert signs_in(site, "operator", password[1])


def in_the_make_run_log(*expected: str) -> Check:
    """A step `make run` takes (the README describes it): the fixture's log shows it."""

    def check(site: Checkout, command: Shown) -> None:
        log = site.make_run_log.read_text()
        for text in expected:
            assert text in log, log

    return check


def dry_run(*expected: str) -> Check:
    """`make -n`: the target exists and passes on what the command gives it;
    the real run is CI's `make test` (which runs this test) or needs the
    package index."""

    def check(site: Checkout, command: Shown) -> None:
        words = command.text.split()
        make = words.index("make")
        script = " ".join([*words[:make], "make", "-n", *words[make + 1 :]])
        done = site.run(script)
        for text in expected:
            assert text in done.stdout, done.stdout

    return check


def not_run(reason: str) -> Check:
    def check(site: Checkout, command: Shown) -> None:
        pytest.skip(f"not run here: {reason}")

    return check


SIGN_IN = """
import json
from django.test import Client
client = Client(HTTP_HOST="localhost")
form = {{"username": {name!r}, "password": {password!r}}}
answer = client.post("/admin/login/?next=/admin/", form)
print(json.dumps({{"login": answer.status_code, "admin": client.get("/admin/").status_code}}))
"""


def signs_in(site: Checkout, name: str, password: str) -> bool:
    """The admin's sign-in form accepts the password (through django-axes)."""
    answer = site.django(SIGN_IN.format(name=name, password=password))
    return answer["admin"] == 200


def groups_of(site: Checkout, name: str) -> list[str]:
    return site.django(
        "import json; from django.contrib.auth.models import User; "
        f"print(json.dumps(list(User.objects.get(username={name!r})"
        ".groups.values_list('name', flat=True))))"
    )


def staff_account(role: str, group: str) -> Check:
    name, email = f"readme-{role}", f"readme-{role}@example.org"

    def then(site: Checkout, output: str) -> None:
        password = re.search(r"One-time password: (\S+)", output)
        assert password, output
        assert groups_of(site, name) == [group]
        assert signs_in(site, name, password[1])

    # Both spellings of the role placeholder are in the README.
    fill = {"editor|moderator": role, "moderator|editor": role, "NAME": name, "EMAIL": email}
    return succeeds(prints=(f"Created {role}",), then=then, **fill)


LOCK_OUT = """
import json
from django.contrib.auth.models import User
from django.test import Client
User.objects.create_user({name!r}, password={password!r}, is_staff=True)
def signs_in(password):
    client = Client(HTTP_HOST="localhost")
    client.post("/admin/login/", {{"username": {name!r}, "password": password}})
    return client.get("/admin/").status_code == 200
wrong = [signs_in("wrong password") for _ in range(5)]  # AXES_FAILURE_LIMIT
print(json.dumps({{"wrong": wrong, "right": signs_in({password!r})}}))
"""


def unlocks_a_locked_out_account(site: Checkout, command: Shown) -> None:
    name, password = "readme-locked", secrets.token_urlsafe(12)
    locked = site.django(LOCK_OUT.format(name=name, password=password))
    assert locked == {"wrong": [False] * 5, "right": False}, "five wrong passwords did not lock it"
    site.run(site.script(command, {"NAME": name}))
    assert signs_in(site, name, password)


POST_COMMENT = """
import json
from comments import services
from pages.models import Page
page = Page.objects.published().filter(comments_open=True).first()
comment = services.submit_comment(
    target=page, author_name="Pat", author_email={email!r}, body={body!r}
)
print(json.dumps(comment.pk))
"""


def post_comment(site: Checkout, email: str, body: str, env=None) -> None:
    """A reader's comment, through the same service the comment form calls."""
    site.django(POST_COMMENT.format(email=email, body=body), env=env)


def comments_by(site: Checkout, email: str) -> int:
    return site.django(
        "import json; from comments.models import Comment; "
        f"print(json.dumps(Comment.objects.filter(author_email={email!r}).count()))"
    )


def exports_their_comments(site: Checkout, command: Shown) -> None:
    post_comment(site, "person@example.org", "Export me, please.")
    done = site.run(site.script(command))
    data = json.loads(done.stdout)
    assert data["email"] == "person@example.org"
    assert "Export me, please." in json.dumps(data["comments"])


def erases_their_comments(site: Checkout, command: Shown) -> None:
    post_comment(site, "person@example.org", "Erase me, please.")
    assert comments_by(site, "person@example.org") > 0
    done = site.run(site.script(command))
    assert "Deleted" in done.stdout
    assert comments_by(site, "person@example.org") == 0


def worker_installed(site: Checkout, output: str) -> None:
    site.run(".venv/bin/python -c 'import django_tasks_db' && .venv/bin/pip check")


def worker_tables_made(site: Checkout, output: str) -> None:
    with sqlite3.connect(site.path / "db.sqlite3") as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert any(name.startswith("django_tasks_database") for (name,) in tables)


def worker_runs_the_spam_check(site: Checkout, command: Shown) -> None:
    """db_worker starts, and runs the spam check of a comment posted with the
    README's TASKS_BACKEND. Akismet has a key but nothing answers at its
    address, so the check is tried and the comment stays held and unchecked
    (with no key at all there is no check to run: submit_comment records that
    itself)."""
    log = site.path.parent / "db_worker.log"
    akismet = {
        "AKISMET_API_KEY": "readme-test-key",
        "AKISMET_SITE_URL": "http://127.0.0.1",
        "AKISMET_API_URL": f"http://127.0.0.1:{free_port()}",
    }
    worker = site.start(site.script(command), log, env=akismet)
    try:
        backend = {"TASKS_BACKEND": "django_tasks_db.DatabaseBackend", **akismet}
        post_comment(site, "worker@example.org", "Checked by the worker.", env=backend)
        deadline = time.monotonic() + 60
        done = "path=comments.services.check_comment_task state=SUCCESSFUL"
        while done not in log.read_text(errors="replace"):
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
    finally:
        stop(worker)


def deploy_settings_in_effect(site: Checkout, url: str, response: httpx.Response) -> None:
    assert response.status_code == 200
    assert "max-age=" in response.headers["strict-transport-security"]
    plain = httpx.get(f"{url}/", headers={"Host": "niromp.org"}, timeout=10)
    assert plain.status_code == 301
    assert plain.headers["location"] == "https://niromp.org/"


def serves_the_home_page(site: Checkout, url: str, response: httpx.Response) -> None:
    assert response.status_code == 200
    assert "<html" in response.text


def in_srv(*names: str) -> Callable:
    def then(site: Checkout, output: str) -> None:
        srv = Path(site.values["root"]) / "srv" / "niromp"
        for name in names:
            assert (srv / name).exists(), name

    return then


def secret_key_private(site: Checkout, output: str) -> None:
    key = Path(site.values["root"]) / "srv" / "niromp" / "var" / "secret_key"
    assert len(key.read_text().strip()) > 50
    assert key.stat().st_mode & 0o077 == 0


def row_count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def dumps_the_content(site: Checkout, output: str) -> None:
    models = {item["model"] for item in json.loads((site.path / "all.json").read_text())}
    assert {"pages.page", "pages.article", "comments.comment", "auth.group"} <= models


def loads_into_a_new_database(site: Checkout, command: Shown) -> None:
    """`loaddata all.json` on a new database (a fresh SQLite file named by
    DATABASE_URL, migrated first, as the README's steps say) holds the content
    dumpdata took from the old one (the line before; all.json)."""
    new = site.path.parent / "moved.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{new}"}
    site.run(".venv/bin/python manage.py migrate --no-input -v0", env=env)
    site.run(site.script(command), env=env)
    for table in ("pages_page", "pages_article", "comments_comment", "auth_user"):
        assert row_count(new, table) == row_count(site.path / "db.sqlite3", table), table


def postgres_driver_installed(site: Checkout, output: str) -> None:
    site.run(".venv/bin/python -c 'import psycopg' && .venv/bin/pip check")


def benchmarks(site: Checkout, command: Shown) -> None:
    """`make bench`, as a tiny real run (BENCH_QUICK=1: a small data set, 1 s
    per wrk run): it prints its table and summary lines, loses no comment,
    and leaves the checkout's own database alone. Its figures are not checked:
    timings are the benchmark's business, not a test's."""
    if shutil.which("wrk", path=site.env["PATH"]) is None:
        pytest.skip("wrk is not installed (apt-get install wrk)")
    comments = row_count(site.path / "db.sqlite3", "comments_comment")
    done = site.run(site.script(command), env={"BENCH_QUICK": "1"})
    rows = [line.split() for line in done.stdout.splitlines() if line.startswith("/")]
    assert {(row[0], row[1]) for row in rows} >= {
        ("/", "on"),
        ("/", "off"),
        ("/news/feed/", "on"),
        ("/news/feed/", "off"),
    }, done.stdout
    assert "status" not in done.stdout, "every address answers 200"
    assert re.search(r"S vs bare whitenoise: [1-9]", done.stdout), done.stdout
    posted = re.search(r"\((\d+) in .*\), 0 5xx, 0 lost", done.stdout)
    assert posted and int(posted[1]) > 0, done.stdout
    assert "Admin comments changelist" in done.stdout
    assert "Worker memory after the run (cache off)" in done.stdout
    assert row_count(site.path / "db.sqlite3", "comments_comment") == comments


def newest_backup(site: Checkout) -> Path:
    archives = sorted((site.path / "var" / "backups").glob("niromp-backup-*.tar.gz"))
    assert archives, "no archive in var/backups"
    return archives[-1]


def backup_written(site: Checkout, output: str) -> None:
    archive = newest_backup(site)
    assert archive.stat().st_size > 0
    assert oct(archive.stat().st_mode)[-3:] == "600", "a backup holds personal data"


def restores_into_a_new_installation(site: Checkout, command: Shown) -> None:
    """`restore ARCHIVE` on a new, empty installation (its own SQLite file and
    uploads folder, migrated) brings back what the checkout held when the
    backup before it was taken."""
    new = site.path.parent / "restored.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{new}", "DJANGO_MEDIA_ROOT": str(new.parent / "media2")}
    site.run(".venv/bin/python manage.py migrate --no-input -v0", env=env)
    done = site.run(site.script(command, {"ARCHIVE": str(newest_backup(site))}), env=env)
    assert "Restored the backup" in done.stdout, done.stdout
    for table in ("pages_page", "pages_article", "comments_comment", "auth_user"):
        assert row_count(new, table) == row_count(site.path / "db.sqlite3", table), table


def imports_the_export(site: Checkout, command: Shown) -> None:
    """The README's file name stands for an export: the seed site's own, as
    WordPress would write it (tests/pages/wxr/seed-site.xml)."""
    shutil.copy(site.path / "tests/pages/wxr/seed-site.xml", site.path / "wordpress-export.xml")
    before = row_count(site.path / "db.sqlite3", "pages_page")
    done = site.run(site.script(command))
    assert "WordPress export of" in done.stdout, done.stdout
    # The seed content is already here: adopted, never duplicated.
    assert row_count(site.path / "db.sqlite3", "pages_page") == before


# Every command the README shows -> how this test runs it and what it checks.
# Inline `manage.py X` in the prose is shorthand for `.venv/bin/python
# manage.py X`, the form the README's blocks use; it runs that way.
README_COMMANDS: dict[str, Check] = {
    # Quick start
    "make run": made_by_the_fixture,
    "make test": dry_run("ruff check", "djlint", "makemigrations --check", "pip-audit", "pytest"),
    "PORT=8080 make run": made_by_the_fixture,  # the fixture runs it with a free port for 8080
    # Comments: the cron lines, personal data, the worker
    ".venv/bin/python manage.py recheck_comments": succeeds(prints=("Checked",)),
    ".venv/bin/python manage.py purge_comments": succeeds(prints=("Deleted",)),
    ".venv/bin/python manage.py moderation_report": succeeds(prints=("comment(s) held",)),
    ".venv/bin/python manage.py commenter_data person@example.org --export": exports_their_comments,
    ".venv/bin/python manage.py commenter_data person@example.org --erase": erases_their_comments,
    ".venv/bin/pip install -e '.[worker]'": succeeds(then=worker_installed),
    "export TASKS_BACKEND=django_tasks_db.DatabaseBackend": succeeds(),
    ".venv/bin/python manage.py migrate": succeeds(then=worker_tables_made),
    ".venv/bin/python manage.py db_worker": worker_runs_the_spam_check,
    # Editors and moderators; Security (the role placeholder is run as each role)
    "manage.py create_staff_account editor|moderator NAME EMAIL": staff_account(
        "editor", "Editors"
    ),
    "manage.py create_staff_account moderator|editor NAME EMAIL": staff_account(
        "moderator", "Moderators"
    ),
    "manage.py create_staff_account safeguarding-lead NAME EMAIL": staff_account(
        "safeguarding-lead", "Safeguarding lead"
    ),
    "manage.py axes_reset_username NAME": unlocks_a_locked_out_account,
    # Deploying (the export line's `...` placeholders: see PLACEHOLDERS)
    "export DJANGO_SECRET_KEY=... DJANGO_ALLOWED_HOSTS=niromp.org SITE_URL=https://niromp.org "
    "DJANGO_CSRF_TRUSTED_ORIGINS=https://niromp.org DJANGO_HTTPS=true DJANGO_BEHIND_PROXY=true "
    "EMAIL_HOST=smtp.example.org EMAIL_HOST_USER=... EMAIL_HOST_PASSWORD=...": succeeds(),
    ".venv/bin/python manage.py check --deploy": succeeds(prints=("no issues",)),
    ".venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_content": succeeds(
        prints=("Content already present",)
    ),
    ".venv/bin/python manage.py collectstatic --no-input": succeeds(),
    ".venv/bin/gunicorn -c gunicorn.conf.py niromp_site.wsgi": serves(
        headers={"Host": "niromp.org", "X-Forwarded-Proto": "https"},
        then=deploy_settings_in_effect,
    ),
    "manage.py backup": succeeds(prints=("Backup written: ",), then=backup_written),
    ".venv/bin/python manage.py backup --keep 14": succeeds(
        prints=("Backup written: ",), then=backup_written
    ),
    ".venv/bin/python manage.py restore ARCHIVE": restores_into_a_new_installation,
    # PostgreSQL: the driver is installed here; the move runs SQLite to SQLite;
    # the suite itself runs on PostgreSQL in CI (.ci/run).
    ".venv/bin/pip install -e '.[postgres]'": succeeds(then=postgres_driver_installed),
    "manage.py dumpdata --natural-foreign --exclude contenttypes --exclude auth.permission "
    "> all.json": succeeds(then=dumps_the_content),
    "manage.py loaddata all.json": loads_into_a_new_database,
    # Installing the wheel (/srv/niromp: see PLACEHOLDERS; 127.0.0.1:8000: a free port)
    ".venv/bin/pip wheel --no-deps -w dist .": succeeds(),
    ".venv/bin/python -m venv /srv/niromp/venv": succeeds(then=in_srv("venv/bin/pip")),
    "/srv/niromp/venv/bin/pip install --require-hashes -r requirements/run.lock": succeeds(),
    "/srv/niromp/venv/bin/pip install --no-deps dist/niromp_site-0.1.0-py3-none-any.whl": (
        succeeds(then=in_srv("venv/bin/niromp-site"))
    ),
    "cd /srv/niromp && mkdir -p var": succeeds(then=in_srv("var")),
    "(umask 077; venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' "
    "> var/secret_key)": succeeds(then=secret_key_private),
    "venv/bin/niromp-site migrate && venv/bin/niromp-site seed_content": succeeds(
        prints=("Seed content loaded",), then=in_srv("db.sqlite3")
    ),
    "venv/bin/niromp-site collectstatic --no-input": succeeds(
        then=in_srv("staticfiles/staticfiles.json")
    ),
    "venv/bin/gunicorn niromp_site.wsgi --bind 127.0.0.1:8000": serves(then=serves_the_home_page),
    # Dependencies, Checks: what make test runs is CI's job (and runs this test)
    "pip check": in_the_make_run_log(".venv/bin/pip check", "No broken requirements found"),
    "make lock": dry_run("uv pip compile pyproject.toml"),  # would rewrite the locks from PyPI
    "make lock LOCK_ARGS=--upgrade": dry_run("--upgrade"),
    "ruff check .": not_run("make test runs it (make lint); make run installs no ruff"),
    "ruff format --check .": not_run("make test runs it (make lint); make run installs no ruff"),
    "djlint templates --lint": not_run("make test runs it; make run installs no djLint"),
    "manage.py makemigrations --check": succeeds(prints=("No changes",)),
    "make audit": dry_run("pip-audit"),  # make test runs it for real
    'make test PYTEST_ARGS="-k feeds"': dry_run(
        ".venv/bin/pytest -n auto --dist loadfile -k feeds"
    ),
    "apt-get install chromium": not_run("a system package; .ci/run installs it on a fresh machine"),
    "apt-get install redis-server": not_run(
        "a system package; .ci/run installs it on a fresh machine"
    ),
    ".ci/run": not_run("it is CI: it runs make test, which runs this test"),
    # Benchmark (BENCH_QUICK=1: a tiny real run; the full one takes ten minutes)
    "make bench": benchmarks,
    # Screenshots: chromium and the test tools, which make run does not install;
    # tests/browser/test_screenshots.py runs the tool for real on a tiny run.
    "make screenshots": dry_run("tools/screenshots.py var/screenshots"),
    # Content
    "manage.py seed_content": succeeds(prints=("Content already present",)),
    # Search
    ".venv/bin/python manage.py rebuild_search_index": succeeds(prints=("Indexed ", " items (")),
    # Safeguarding screen
    'echo "he hits me, ring me on 07700 900123" | .venv/bin/python manage.py screen_comments': (
        succeeds(prints=('"concerns": ["disclosure", "identifying"]',))
    ),
    ".venv/bin/python manage.py screen_comments --evaluate tests/comments/screening_corpus.tsv": (
        succeeds(prints=("precision", "disclosure", "identifying"))
    ),
    # Moving from WordPress
    ".venv/bin/python manage.py import_wordpress wordpress-export.xml --dry-run": (
        imports_the_export
    ),
    ".venv/bin/python manage.py import_wordpress wordpress-export.xml": imports_the_export,
}


@pytest.mark.parametrize("command", SHOWN, ids=[command.text for command in SHOWN])
def test_readme_command_works_as_written(request, command):
    check = README_COMMANDS.get(command.text)
    if check is None:
        pytest.fail(f"README shows a command this test does not run: {command.text}")
    # Only now the slow checkout: an unknown command fails at once.
    check(request.getfixturevalue("checkout"), command)


def test_the_table_lists_only_commands_the_readme_shows():
    shown = {command.text for command in SHOWN}
    assert sorted(set(README_COMMANDS) - shown) == []


def test_the_readme_parser_finds_block_lines_continuations_and_inline_commands():
    text = (
        "Run `make run` or `PORT=1 make run`; set `PYTHON=/x` and read `manage.py`.\n"
        "1. Deploy:\n"
        "   ```sh\n"
        "   export A=1 \\\n"
        "          B=2\n"
        "   cd /tmp && ls   # list it\n"
        "   echo '# not a comment'\n"
        "   ```\n"
        "```\nnot a command\n```\n"
    )
    assert readme_commands(text) == [
        Shown("make run", inline=True),
        Shown("PORT=1 make run", inline=True),
        Shown("export A=1 B=2"),
        Shown("cd /tmp && ls", ("export A=1 B=2",)),
        Shown("echo '# not a comment'", ("export A=1 B=2", "cd /tmp && ls")),
    ]
