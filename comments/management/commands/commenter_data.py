import json

from django.core.management.base import BaseCommand, CommandError

from comments import personal_data


class Command(BaseCommand):
    help = (
        "A commenter's personal data, on request: --export prints everything held "
        "about an e-mail address as JSON; --erase removes it (see comments/personal_data.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The commenter's e-mail address.")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", action="store_true")
        action.add_argument("--erase", action="store_true")

    def handle(self, *args, email, export=False, erase=False, **options):
        try:
            if export:
                data = personal_data.export_commenter(email=email)
            else:
                counts = personal_data.erase_commenter(email=email)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if export:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"Deleted {counts['deleted']} comment(s); emptied {counts['anonymised']} "
            "that others had replied to. Removed their words from "
            f"{counts['history_deleted'] + counts['history_cleared']} history entry(ies) and "
            f"{counts['admin_log_deleted'] + counts['admin_log_cleared']} admin log entry(ies)."
        )
