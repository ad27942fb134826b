import json

from django.core.management.base import BaseCommand, CommandError

from comments import services


class Command(BaseCommand):
    help = (
        "A commenter's personal data, on request: --export prints everything held "
        "about an e-mail address as JSON; --erase removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The commenter's e-mail address.")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", action="store_true")
        action.add_argument("--erase", action="store_true")

    def handle(self, *args, email, export=False, erase=False, **options):
        if "@" not in email:
            raise CommandError("Give the commenter's e-mail address.")
        if export:
            data = services.export_commenter(email=email)
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        counts = services.erase_commenter(email=email)
        self.stdout.write(
            f"Deleted {counts['deleted']} comment(s); emptied {counts['anonymised']} "
            "that others had replied to."
        )
