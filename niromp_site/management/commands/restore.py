from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from niromp_site import backups


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into this installation: the "
        "database and the uploaded files. The archive is checked completely first; an "
        "installation that already has content is refused unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar.gz written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the content this installation already has",
        )

    def handle(self, *args, archive, force, **options):
        try:
            result = backups.restore_backup(archive=archive, force=force)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} "
            f"(site {manifest['site_version']}, Django {manifest['django_version']})."
        )
        for label, count in result.counts.items():
            expected = manifest["counts"].get(label)
            note = "" if expected in (None, count) else f"  (the backup had {expected})"
            self.stdout.write(f"  {label}: {count}{note}")
        self.stdout.write(f"  uploaded files: {result.media_files}")
        if result.unapplied_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"{result.unapplied_migrations} migrations are not applied to the restored "
                    "database: run `manage.py migrate` before serving the site."
                )
            )
