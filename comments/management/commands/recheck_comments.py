from django.core.management.base import BaseCommand

from comments import contact, services


class Command(BaseCommand):
    help = (
        "Check every held comment and new contact message that Akismet has not "
        "judged yet (it was unconfigured, down, slow or refused the key). Safe to "
        "run from cron: those already checked are left alone."
    )

    def handle(self, *args, **options):
        counts = services.recheck_unchecked()
        self.stdout.write(
            f"Checked {counts['checked']} comment(s); {counts['still_unchecked']} still unchecked."
        )
        counts = contact.recheck_unchecked_messages()
        self.stdout.write(
            f"Checked {counts['checked']} contact message(s); "
            f"{counts['still_unchecked']} still unchecked."
        )
