from django.core.management.base import BaseCommand

from comments import services


class Command(BaseCommand):
    help = (
        "Check every held comment that Akismet has not judged yet (it was "
        "unconfigured, down, slow or refused the key). Safe to run from cron: "
        "comments already checked are left alone."
    )

    def handle(self, *args, **options):
        counts = services.recheck_unchecked()
        self.stdout.write(
            f"Checked {counts['checked']} comment(s); {counts['still_unchecked']} still unchecked."
        )
