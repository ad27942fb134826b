import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "On a database with no superuser, create the operator's account: "
        "DJANGO_SUPERUSER_USERNAME / DJANGO_SUPERUSER_PASSWORD when set, otherwise "
        "'operator' with a random one-time password, printed once."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or "operator"
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(
            username=username, email=os.environ.get("DJANGO_SUPERUSER_EMAIL", ""), password=password
        )
        self.stdout.write(f"Operator account created: user name {username!r}")
        if generated:
            self.stdout.write(
                f"One-time password: {password}\n"
                "Sign in at /admin/ and change it (top right: Change password)."
            )
