"""Backups that restore: one .tar.gz holding a consistent snapshot of the
database, every uploaded file, and a manifest describing both.

`manage.py backup` and `manage.py restore` call the two public functions here.

- SQLite: Python's online backup API (`Connection.backup`) copies the whole
  database in one step under one read transaction, so a snapshot taken while
  gunicorn serves and readers post holds each comment wholly or not at all
  (WAL mode: the copy never blocks writers).
- PostgreSQL: `pg_dump --format=custom` inside a REPEATABLE READ snapshot that
  this process exported, so the manifest's counts describe exactly the dump.
  The password reaches the tools through PGPASSWORD, never the command line.

A restore checks the whole archive first (every member's sha256 against the
manifest, the database itself) and only then replaces anything, in one step.
"""

import contextlib
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ARCHIVE_NAME = re.compile(r"^niromp-backup-\d{8}T\d{6}Z\.tar\.gz$")
# What makes an installation "not empty": anything an editor, a reader or an
# operator made. Groups and permissions come from migrations and don't count.
CONTENT_MODELS = (
    "pages.Page",
    "pages.Article",
    "pages.Event",
    "pages.Document",
    "pages.Redirect",
    "comments.Comment",
    "comments.CommentHistory",
)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


class ArchiveInvalid(BackupError):
    """The archive is unreadable, incomplete or altered."""


class InstallationNotEmpty(BackupError):
    """The target already holds content; restoring would replace it."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    media_files: int
    unapplied_migrations: int


# --- backup -----------------------------------------------------------------


def archive_name(*, at: datetime) -> str:
    return f"niromp-backup-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar.gz"


def create_backup(
    *, output: Path | None = None, directory: Path, using: str = DEFAULT_DB_ALIAS
) -> BackupResult:
    """Write one archive of the database and MEDIA_ROOT; its path and manifest.

    `output` is the archive's path (or an existing folder to put it in); by
    default it goes in `directory` (BACKUP_DIR). An existing file is never
    overwritten, and a half-written archive never carries the final name.
    """
    engine = _engine(using)
    now = datetime.now(tz=UTC)
    if output is None:
        path = directory / archive_name(at=now)
    elif output.is_dir():
        path = output / archive_name(at=now)
    else:
        path = output
    if path.exists():
        raise BackupError(f"{path} already exists; not overwriting it.")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)

    # The staging folder sits beside the archive (same disk, private mode):
    # it holds a copy of the database, which holds personal data.
    with tempfile.TemporaryDirectory(prefix=".niromp-backup-", dir=path.parent) as staging:
        staged = Path(staging)
        database = staged / DATABASE_MEMBERS[engine]
        if engine == "sqlite":
            _snapshot_sqlite(using=using, target=database)
            with contextlib.closing(sqlite3.connect(database)) as snapshot:
                counts, migrations = _describe(snapshot.cursor(), engine=engine)
        else:
            counts, migrations = _dump_postgresql(using=using, target=database)

        members = {DATABASE_MEMBERS[engine]: database}
        media_root = Path(settings.MEDIA_ROOT)
        for source in _media_files(media_root):
            relative = source.relative_to(media_root).as_posix()
            copy = staged / "media" / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
            members[MEDIA_PREFIX + relative] = copy

        manifest = {
            "format": FORMAT,
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "site_version": _site_version(),
            "django_version": django.get_version(),
            "python_version": platform.python_version(),
            "database": {"engine": engine, "member": DATABASE_MEMBERS[engine]},
            "migrations": migrations,
            "counts": counts,
            "media_files": len(members) - 1,
            "members": {
                name: {"sha256": _sha256(file), "size": file.stat().st_size}
                for name, file in sorted(members.items())
            },
        }
        manifest_file = staged / MANIFEST
        manifest_file.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")

        partial = path.with_name(f".{path.name}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                    tar.add(manifest_file, arcname=MANIFEST, filter=_plain_member)
                    for name, file in sorted(members.items()):
                        tar.add(file, arcname=name, filter=_plain_member)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(path=path, manifest=manifest)


def prune_backups(*, directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives this command named in
    `directory` (other files are left alone); the paths deleted."""
    if keep < 1:
        raise BackupError("Keep at least one backup.")
    archives = sorted(p for p in directory.iterdir() if ARCHIVE_NAME.match(p.name) and p.is_file())
    old = archives[:-keep]
    for path in old:
        path.unlink()
    return old


def _snapshot_sqlite(*, using: str, target: Path) -> None:
    source_name = connections[using].settings_dict["NAME"]
    with (
        contextlib.closing(sqlite3.connect(source_name, timeout=20)) as source,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        # pages=-1 (the default): the whole database in one step, one snapshot.
        source.backup(copy)
    _check_sqlite(target)


def _dump_postgresql(*, using: str, target: Path) -> tuple[dict[str, int], dict[str, list]]:
    connection = connections[using]
    connection.ensure_connection()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # The first statement of the transaction; pg_dump then reads the very
        # snapshot the counts below were taken from.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts, migrations = _describe(cursor, engine="postgresql")
        _run_pg_tool(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={target}",
            using=using,
            database_argument=False,
        )
    return counts, migrations


def _media_files(media_root: Path) -> Iterator[Path]:
    if not media_root.is_dir():
        return
    for folder, dirs, files in os.walk(media_root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                yield path


def _plain_member(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # No local user names or ids in the archive; private file modes.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


# --- restore ----------------------------------------------------------------


def restore_backup(
    *, archive: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Bring an archive into this installation; what is there afterwards.

    Refuses an installation that holds content unless `force`. Nothing is
    changed until the whole archive has been read and checked.
    """
    engine = _engine(using)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked beside MEDIA_ROOT, so moving the files in is a rename.
    with tempfile.TemporaryDirectory(prefix=".niromp-restore-", dir=media_root.parent) as staging:
        staged = Path(staging)
        manifest = verify_archive(archive=archive, into=staged)
        archived_engine = manifest["database"]["engine"]
        if archived_engine != engine:
            raise ArchiveInvalid(
                f"{archive} holds a {archived_engine} database; this installation uses "
                f"{engine}. Restore it into a {archived_engine} installation."
            )
        database = staged / manifest["database"]["member"]
        if engine == "sqlite":
            with contextlib.closing(sqlite3.connect(database)) as snapshot:
                counts, _ = _describe(snapshot.cursor(), engine=engine)
            if counts != manifest["counts"]:
                raise ArchiveInvalid(
                    f"{archive}: the database does not match its manifest's counts."
                )
        else:
            _run_pg_tool(
                "pg_restore", "--list", str(database), using=using, database_argument=False
            )

        if not force:
            present = content_counts(using=using)
            if any(present.values()):
                listed = ", ".join(f"{n} {label}" for label, n in present.items() if n)
                raise InstallationNotEmpty(
                    f"This installation is not empty ({listed}). Restoring would replace it: "
                    "run restore with --force to do that."
                )

        connections[using].close()
        if engine == "sqlite":
            _restore_sqlite(using=using, source=database)
        else:
            _run_pg_tool(
                "pg_restore",
                "--single-transaction",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                str(database),
                using=using,
            )
        media_files = _move_media(staged / "media", media_root)

    connection = connections[using]
    with connection.cursor() as cursor:
        counts, _ = _describe(cursor, engine=engine)
    _new_content_epoch(using)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return RestoreResult(
        manifest=manifest, counts=counts, media_files=media_files, unapplied_migrations=len(plan)
    )


def _new_content_epoch(using: str) -> None:
    """The restored database is another history: a new epoch for the page
    cache's version, so a page a shared cache holds is never taken for current."""
    from .models import ContentVersion

    try:
        with transaction.atomic(using=using):
            ContentVersion.bump(new_epoch_too=True)
    except DatabaseError:
        pass  # an archive from before the page cache: migrate makes the table


def verify_archive(*, archive: Path, into: Path) -> dict:
    """Unpack `archive` into the folder `into`, checking every member against
    the manifest; the manifest. Raises ArchiveInvalid, naming the problem."""
    if not archive.is_file():
        raise ArchiveInvalid(f"{archive} does not exist or is not a file.")
    digests: dict[str, tuple[str, int]] = {}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                name = member.name
                if not member.isfile():
                    raise ArchiveInvalid(f"{archive}: {name!r} is not a plain file.")
                if not _safe_member_name(name) or name in digests:
                    raise ArchiveInvalid(
                        f"{archive}: unexpected member {name!r} (a NIROMP backup holds "
                        f"{MANIFEST}, the database and media/ only)."
                    )
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as data, target.open("xb") as out:
                    while chunk := data.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                digests[name] = (digest.hexdigest(), target.stat().st_size)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise ArchiveInvalid(
            f"{archive} could not be read as a complete backup archive (.tar.gz): {error}"
        ) from error

    if MANIFEST not in digests:
        raise ArchiveInvalid(f"{archive} has no {MANIFEST}; it is not a NIROMP backup.")
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        members = manifest["members"]
        engine = manifest["database"]["engine"]
    except (ValueError, KeyError, TypeError) as error:
        raise ArchiveInvalid(f"{archive}: {MANIFEST} is not readable ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise ArchiveInvalid(f"{archive}: backup format {manifest.get('format')!r} is unknown.")
    if (
        engine not in DATABASE_MEMBERS
        or manifest["database"].get("member") != DATABASE_MEMBERS[engine]
    ):
        raise ArchiveInvalid(f"{archive}: {MANIFEST} names no database this site can restore.")

    found = set(digests) - {MANIFEST}
    if missing := sorted(set(members) - found):
        raise ArchiveInvalid(f"{archive} is incomplete: missing {', '.join(missing)}.")
    if extra := sorted(found - set(members)):
        raise ArchiveInvalid(f"{archive}: members not in the manifest: {', '.join(extra)}.")
    for name, expected in sorted(members.items()):
        if digests[name] != (expected.get("sha256"), expected.get("size")):
            raise ArchiveInvalid(
                f"{archive}: {name} does not match its checksum in the manifest "
                "(the archive was altered or damaged)."
            )
    if engine == "sqlite":
        _check_sqlite(into / DATABASE_MEMBERS[engine], label=f"{archive}: the database")
    return manifest


def content_counts(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows of accounts and content, by model label (0 when the table is not
    there yet, as in an installation that was never migrated)."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    counts = {}
    for model in (get_user_model(), *(apps.get_model(label) for label in CONTENT_MODELS)):
        present = model._meta.db_table in tables
        counts[model._meta.label] = model.objects.using(using).count() if present else 0
    return counts


def _restore_sqlite(*, using: str, source: Path) -> None:
    target_name = connections[using].settings_dict["NAME"]
    with (
        contextlib.closing(sqlite3.connect(source)) as snapshot,
        contextlib.closing(sqlite3.connect(target_name, timeout=20)) as target,
    ):
        try:
            # One step, one write transaction: the old database or the new one.
            snapshot.backup(target)
        except sqlite3.Error as error:
            raise BackupError(f"Could not write the database {target_name}: {error}") from error


def _move_media(staged: Path, media_root: Path) -> int:
    """Move the unpacked uploads into MEDIA_ROOT (a file of the same name is
    replaced; other files are left where they are); how many."""
    moved = 0
    if not staged.is_dir():
        return moved
    for source in _media_files(staged):
        target = media_root / source.relative_to(staged)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(source, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
        shutil.move(source, target)
        moved += 1
    return moved


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name:
        return False
    return name in {MANIFEST, *DATABASE_MEMBERS.values()} or (
        name.startswith(MEDIA_PREFIX) and len(path.parts) > 1
    )


# --- shared -----------------------------------------------------------------


def _engine(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _describe(cursor, *, engine: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Row counts per model and the applied migrations, read through `cursor`
    (a snapshot's own, so they describe exactly what was saved)."""
    if engine == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    tables = {row[0] for row in cursor.fetchall()}
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.proxy or not model._meta.managed or table not in tables:
            continue
        # Table names come from our own models, never from input.
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
        counts[model._meta.label_lower] = cursor.fetchone()[0]
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return dict(sorted(counts.items())), migrations


def _check_sqlite(path: Path, *, label: str = "the snapshot") -> None:
    try:
        with contextlib.closing(sqlite3.connect(path)) as database:
            result = database.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise ArchiveInvalid(f"{label} is not a usable SQLite database: {error}") from error
    if result != "ok":
        raise ArchiveInvalid(f"{label} failed SQLite's integrity check: {result}")


def _run_pg_tool(name: str, *args: str, using: str, database_argument: bool = True) -> str:
    """Run pg_dump or pg_restore against the configured database. The
    connection details travel in PG* variables, the password in PGPASSWORD."""
    connection = connections[using]
    connection.ensure_connection()
    major = connection.pg_version // 10000
    # Debian keeps each version's tools here; the one matching the server
    # avoids "server version mismatch".
    tool = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    command = str(tool) if tool.is_file() else shutil.which(name)
    if command is None:
        raise BackupError(f"{name} was not found: install the PostgreSQL {major} client tools.")
    database = connection.settings_dict
    env = {**os.environ, "PGDATABASE": database["NAME"]}
    for variable, value in (
        ("PGHOST", database.get("HOST")),
        ("PGPORT", database.get("PORT")),
        ("PGUSER", database.get("USER")),
        ("PGPASSWORD", database.get("PASSWORD")),
        ("PGSSLMODE", database.get("OPTIONS", {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    arguments = [command, *args]
    if database_argument:
        # Only the name: without --dbname pg_restore prints SQL instead.
        arguments.insert(1, f"--dbname={database['NAME']}")
    done = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{name} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _site_version() -> str:
    try:
        return importlib.metadata.version("niromp-site")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
