import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pages.wordpress import WordPressImportError, import_export

# Below this many items and comments the import is over before a bar helps.
PROGRESS_FROM = 500


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export → All content): posts, pages, "
        "attachments and comments, with a redirect from every old address. Safe to "
        "run again: what was imported before is updated, never duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the export file (WXR, .xml)")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would happen; write nothing"
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="the old site's uploads folder (wp-content/uploads): copy attachments in",
        )
        parser.add_argument(
            "--press-category",
            metavar="NAME",
            help="posts in this WordPress category become press releases",
        )
        parser.add_argument(
            "--check-held",
            action="store_true",
            help="send imported held comments to the spam check (Akismet)",
        )

    def handle(self, *args, **options):
        try:
            summary = import_export(
                path=options["export"],
                dry_run=options["dry_run"],
                media_dir=options["media_dir"],
                press_category=options["press_category"],
                check_held=options["check_held"],
                progress=self._progress,
            )
        except WordPressImportError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        self._end_progress()
        for line in summary.lines():
            self.stdout.write(line)
        if not summary.dry_run:
            self.stdout.write(self.style.SUCCESS("Import complete."))

    _shown = -1

    def _progress(self, done: int, total: int) -> None:
        """A bar on standard error, so the summary on standard output stays clean."""
        if total < PROGRESS_FROM:
            return
        percent = done * 100 // total
        if percent == self._shown:
            return
        self._shown = percent
        bar = "#" * (percent // 4)
        end = "\r" if sys.stderr.isatty() else "\n"
        if sys.stderr.isatty() or percent % 10 == 0:
            self.stderr.write(f"Importing [{bar:<25}] {percent:3d}% ({done}/{total})", ending=end)

    def _end_progress(self) -> None:
        if self._shown >= 0 and sys.stderr.isatty():
            self.stderr.write("")
