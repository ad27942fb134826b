"""`manage.py backup` and `manage.py restore`, as an operator runs them.

Every installation here is a real copy of the site with its own database (a
SQLite file, or a new PostgreSQL database when the suite runs on PostgreSQL)
and its own MEDIA_ROOT, driven through manage.py in a subprocess; the comments
test backs up a copy served by gunicorn while readers post. No pytest-django
database fixture is used.
"""

import contextlib
import io
import json
import re
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.live_site import (
    GUNICORN,
    REPO_ROOT,
    LiveSite,
    LiveSiteError,
    free_port,
    own_database,
    site_environment,
)
from tests.live_site import live_site as start_live_site

# A small stand-in for an uploaded PDF: the bytes must come back unchanged.
UPLOADED_BYTES = b"%PDF-1.4\n% NIROMP backup test\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"

ADD_CONTENT = f"""
import reversion
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from comments import services
from pages import services as page_services
from pages.models import Document, Page

moderator = get_user_model().objects.create_user("moderator", "mod@example.org", "x-9-long-pw")
document = Document(title="Annual report", slug="annual-report", file_type="PDF")
document.file.save("annual-report.pdf", ContentFile({UPLOADED_BYTES!r}), save=True)
page = Page.objects.get(slug="about-us")
before = page_services.addresses_of(page)
with reversion.create_revision():
    page.slug = "about-niromp"
    page.save()
page_services.keep_old_addresses(model=Page, before=before)
comment = services.submit_comment(
    target=page, author_name="A reader", author_email="reader@example.org", body="First."
)
services.approve(comment=comment, moderator=moderator)
services.submit_comment(
    target=page, author_name="B reader", author_email="b@example.org", body="A reply.",
    parent_id=comment.pk,
)
"""

COMMENTS_WITH_HISTORY = """
import json
from comments.models import Comment
print(json.dumps([
    {"id": c.pk, "body": c.body, "reasons": [h.reason for h in c.history.all()]}
    for c in Comment.objects.prefetch_related("history").order_by("pk")
]))
"""


@dataclass
class Installation:
    """A copy of the site: its database URL, MEDIA_ROOT and environment."""

    folder: Path
    env: dict[str, str] = field(repr=False)

    @property
    def media(self) -> Path:
        return Path(self.env["DJANGO_MEDIA_ROOT"])

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def manage(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done.stdout

    def json_from(self, script: str):
        output = self.manage("shell", "--verbosity", "0", "-c", script)
        return json.loads(output.strip().splitlines()[-1])

    def contents(self) -> tuple[dict[str, list], dict[str, bytes]]:
        """Every row of every model (dumpdata), by model; every uploaded file."""
        dump = self.folder / f"dump-{uuid.uuid4().hex[:6]}.json"
        self.manage("dumpdata", "--output", str(dump), "--verbosity", "0")
        rows = defaultdict(list)
        for row in json.loads(dump.read_text()):
            rows[row["model"]].append(row)
        files = {
            path.relative_to(self.media).as_posix(): path.read_bytes()
            for path in sorted(self.media.rglob("*"))
            if path.is_file()
        }
        return dict(rows), files


@pytest.fixture(scope="module")
def make_installation(tmp_path_factory):
    """Makes empty installations (not migrated); their databases go at the end."""
    with contextlib.ExitStack() as stack:

        def make() -> Installation:
            folder = tmp_path_factory.mktemp("installation")
            url = stack.enter_context(own_database(folder))
            env = site_environment(
                folder, free_port(), DATABASE_URL=url, BACKUP_DIR=str(folder / "backups")
            )
            return Installation(folder=folder, env=env)

        yield make


@pytest.fixture(scope="module")
def source(make_installation):
    """The site as `make run` leaves it, plus an account, an uploaded document,
    a page moved to a new address (a redirect and a revision) and comments
    with their history; and one backup of it."""
    site = make_installation()
    site.manage("migrate", "--no-input")
    site.manage("seed_content")
    site.manage("shell", "-c", ADD_CONTENT)
    archive = site.folder / "site.tar.gz"
    output = site.manage("backup", "--output", str(archive))
    assert f"Backup written: {archive}" in output
    return site, archive


def assert_same(restored: Installation, original: Installation) -> None:
    original_rows, original_files = original.contents()
    restored_rows, restored_files = restored.contents()
    # The page cache's content version is not content: a restore gives it a
    # new epoch on purpose, so no cached page from before is taken for current.
    old, new = (rows.pop("niromp_site.contentversion") for rows in (original_rows, restored_rows))
    assert new[0]["fields"]["epoch"] != old[0]["fields"]["epoch"]
    for model in sorted(set(original_rows) | set(restored_rows)):
        assert restored_rows.get(model) == original_rows.get(model), f"{model} differs"
    assert restored_files == original_files


def test_restore_reproduces_every_model_and_uploaded_file(source, make_installation):
    original, archive = source
    rows, files = original.contents()
    for model in (
        "pages.page",
        "pages.article",
        "pages.document",
        "pages.redirect",
        "comments.comment",
        "comments.commenthistory",
        "reversion.version",
        "auth.user",
    ):
        assert rows.get(model), f"the source has no {model}; the test would prove nothing"
    assert UPLOADED_BYTES in files.values()

    target = make_installation()
    target.manage("migrate", "--no-input")  # migrated but empty, as after `make install`
    output = target.manage("restore", str(archive))

    assert_same(target, original)
    assert f"comments.comment: {len(rows['comments.comment'])}" in output
    assert "uploaded files: 1" in output


def test_backups_can_be_pruned_to_the_newest(source, tmp_path):
    site, _ = source
    folder = tmp_path / "kept"
    folder.mkdir()
    stranger = folder / "notes.txt"
    stranger.write_text("not a backup")
    old = [folder / f"niromp-backup-2020010{day}T030000Z.tar.gz" for day in (1, 2, 3)]
    for path in old:
        path.write_bytes(b"")

    output = site.manage("backup", "--output", str(folder), "--keep", "2")

    kept = sorted(p.name for p in folder.glob("niromp-backup-*.tar.gz"))
    assert len(kept) == 2
    assert kept[0] == old[-1].name  # the newest older one, and the one just written
    assert stranger.exists()
    assert output.count("Deleted an older backup") == 2


def _rewrite(archive: Path, target: Path, *, change: str = "", drop: str = "") -> None:
    """Copy `archive` to `target` with the bytes of member `change` altered
    (the manifest left as it was), or without member `drop`."""
    with tarfile.open(archive, "r:gz") as original, tarfile.open(target, "w:gz") as copy:
        for member in original:
            if member.name == drop:
                continue
            data = original.extractfile(member).read()
            if member.name == change:
                data = data.replace(b"NIROMP backup test", b"NIROMP backup TEST")
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))


@pytest.fixture(scope="module")
def occupied(make_installation):
    """An installation with its own content, which a bad archive must not touch."""
    site = make_installation()
    site.manage("migrate", "--no-input")
    site.manage("seed_content")
    return site


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncated", r"could not be read as a complete backup archive"),
        ("tampered", r"media/documents/\d{4}/annual-report\S*\.pdf does not match its checksum"),
        ("not an archive", r"could not be read as a complete backup archive .*not a gzip file"),
        ("someone else's archive", r"unexpected member 'README\.md' \(a NIROMP backup holds"),
        ("no manifest", r"has no manifest\.json; it is not a NIROMP backup"),
    ],
)
def test_a_damaged_archive_is_refused_and_nothing_changes(
    source, occupied, tmp_path, damage, message
):
    _, archive = source
    bad = tmp_path / "bad.tar.gz"
    if damage == "truncated":
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    elif damage == "tampered":
        with tarfile.open(archive, "r:gz") as tar:
            upload = next(name for name in tar.getnames() if name.startswith("media/"))
        _rewrite(archive, bad, change=upload)
    elif damage == "not an archive":
        bad.write_text("Dear operator, this is a letter, not a backup.\n")
    elif damage == "someone else's archive":
        with tarfile.open(bad, "w:gz") as tar:
            tar.add(REPO_ROOT / "README.md", arcname="README.md")
    else:
        _rewrite(archive, bad, drop="manifest.json")
    before = occupied.contents()

    done = occupied.run("restore", str(bad), "--force")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert re.search(r"CommandError: .*" + message, done.stderr), done.stderr
    assert occupied.contents() == before


def test_restore_refuses_an_installation_with_content_unless_forced(source, make_installation):
    original, archive = source
    target = make_installation()
    target.manage("migrate", "--no-input")
    target.manage("seed_content")
    before = target.contents()

    refused = target.run("restore", str(archive))

    assert refused.returncode == 1
    assert "This installation is not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert target.contents() == before

    target.manage("restore", str(archive), "--force")
    assert_same(target, original)


# --- comments posted while a backup is taken ---------------------------------

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


@dataclass
class Post:
    marker: str
    sent: float
    answered: float | None = None
    status: int | None = None


def _poster(site: LiveSite, stop: threading.Event, posts: list[Post], errors: list[str]):
    url = site.url + "/about-us/"
    try:
        with httpx.Client(timeout=30) as client:
            token = CSRF_FIELD.search(client.get(url).text).group(1)
            while not stop.is_set():
                post = Post(marker=f"[backup-{uuid.uuid4().hex[:12]}]", sent=time.monotonic())
                posts.append(post)
                response = client.post(
                    url,
                    data={
                        "csrfmiddlewaretoken": token,
                        "author_name": "A reader",
                        "author_email": "reader@example.org",
                        "body": f"Posted during a backup. {post.marker}",
                        "homepage": "",
                    },
                    headers={"Referer": url},
                )
                post.answered, post.status = time.monotonic(), response.status_code
    except Exception as error:  # reported by the test
        errors.append(f"{type(error).__name__}: {error}")


@pytest.mark.skipif(not GUNICORN.exists(), reason=f"no gunicorn at {GUNICORN}")
def test_a_backup_taken_while_readers_post_holds_each_comment_wholly_or_not_at_all(
    tmp_path_factory, make_installation
):
    try:
        with start_live_site(tmp_path_factory.mktemp("served")) as site:
            stop, posts, errors = threading.Event(), [], []
            posters = [
                threading.Thread(target=_poster, args=(site, stop, posts, errors)) for _ in range(4)
            ]
            for thread in posters:
                thread.start()
            windows = []
            try:
                for number in range(3):
                    archive = site.database.parent / f"during-{number}.tar.gz"
                    started = time.monotonic()
                    site.manage("backup", "--output", str(archive))
                    windows.append((archive, started, time.monotonic()))
            finally:
                stop.set()
                for thread in posters:
                    thread.join(timeout=60)
    except LiveSiteError as error:
        pytest.fail(str(error))
    assert not errors, errors
    assert all(post.status == 302 for post in posts if post.answered), "a comment was refused"

    for archive, started, finished in windows:
        during = [p for p in posts if p.sent < finished and (p.answered or finished) > started]
        assert during, "no comment was being posted while this backup ran"
        restored = make_installation()  # never migrated: the archive brings everything
        restored.manage("restore", str(archive))
        comments = restored.json_from(COMMENTS_WITH_HISTORY)
        saved = {c["body"].rsplit(" ", 1)[-1]: c for c in comments if "[backup-" in c["body"]}

        for comment in saved.values():
            assert any(reason.startswith("Submitted.") for reason in comment["reasons"]), (
                f"comment {comment['id']} lost its history"
            )
        for post in posts:
            if post.answered is not None and post.answered < started:
                assert post.marker in saved, f"{post.marker} was saved before the backup began"
            if post.sent > finished:
                assert post.marker not in saved, f"{post.marker} was sent after the backup ended"
        with tarfile.open(archive, "r:gz") as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
        assert manifest["counts"]["comments.comment"] == len(comments)
