import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

ROLES = {
    "moderator": "Moderators",
    "editor": "Editors",
    "safeguarding-lead": "Safeguarding lead",
}


class Command(BaseCommand):
    help = (
        "Create a staff account for a moderator (comments only) or an editor "
        "(pages, news, documents only), with a random password printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", choices=sorted(ROLES))
        parser.add_argument("username")
        parser.add_argument(
            "email",
            help="Moderators are e-mailed about held comments here; safeguarding leads "
            "about flagged ones.",
        )

    def handle(self, *args, role, username, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"There is already an account called {username!r}.")
        group = Group.objects.filter(name=ROLES[role]).first()
        if group is None:
            raise CommandError(f"The {ROLES[role]} group is missing: run `manage.py migrate`.")
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username, email=email, password=password, is_staff=True
        )
        user.groups.add(group)
        self.stdout.write(
            f"Created {role} {username!r} ({email}).\n"
            f"One-time password: {password}\n"
            "Give it to them privately; they sign in at /admin/ and change it."
        )
