from django.conf import settings
from django.core.management.base import BaseCommand

from comments import contact, services


class Command(BaseCommand):
    help = (
        "Delete spam older than COMMENTS_SPAM_RETENTION_DAYS (blatant spam after "
        "COMMENTS_DISCARD_RETENTION_DAYS), remove IP address, browser and referrer "
        "from comments older than COMMENTS_PERSONAL_DATA_RETENTION_DAYS (the same for "
        "contact messages), and delete the text moderators redacted after "
        "REDACTED_ORIGINAL_DAYS unless a safeguarding lead kept it. Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = services.purge(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {counts['spam_deleted']} spam comment(s) "
            f"(kept {settings.COMMENTS_SPAM_RETENTION_DAYS} days, blatant spam "
            f"{settings.COMMENTS_DISCARD_RETENTION_DAYS}); "
            f"{'would remove' if dry_run else 'removed'} IP address and browser details from "
            f"{counts['personal_data_removed']} comment(s) older than "
            f"{settings.COMMENTS_PERSONAL_DATA_RETENTION_DAYS} days; "
            f"{'would delete' if dry_run else 'deleted'} {counts['originals_deleted']} redacted "
            f"text(s) older than {settings.REDACTED_ORIGINAL_DAYS} days that no safeguarding "
            "lead kept."
        )
        counts = contact.purge(dry_run=dry_run)
        self.stdout.write(
            f"Contact messages: {verb.lower()} {counts['spam_deleted']} spam; "
            f"{'would remove' if dry_run else 'removed'} IP address and browser details from "
            f"{counts['personal_data_removed']}."
        )
