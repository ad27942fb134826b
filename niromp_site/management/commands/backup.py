from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from niromp_site import backups


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) of the database and the uploaded files, with a "
        "manifest of checksums, to BACKUP_DIR or --output. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            metavar="PATH",
            help="the archive to write, or a folder to write it in (default: BACKUP_DIR)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="afterwards, delete all but the newest N archives in that folder",
        )

    def handle(self, *args, output, keep, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep must be 1 or more.")
        try:
            result = backups.create_backup(output=output, directory=settings.BACKUP_DIR)
            pruned = backups.prune_backups(directory=result.path.parent, keep=keep) if keep else []
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"Backup written: {result.path} ({filesizeformat(result.path.stat().st_size)}; "
            f"{manifest['database']['engine']} database, {rows} rows; "
            f"{manifest['media_files']} uploaded files)."
        )
        for path in pruned:
            self.stdout.write(f"Deleted an older backup: {path}")
