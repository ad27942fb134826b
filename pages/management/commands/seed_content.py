from django.core.management import call_command
from django.core.management.base import BaseCommand

from pages.models import Article, Document, Page

SEED_FIXTURES = ["documents", "pages", "articles"]


class Command(BaseCommand):
    help = (
        "Load the old site's content from fixtures/ into an empty database. "
        "Does nothing when any content exists, so editors' work is never overwritten."
    )

    def handle(self, *args, **options):
        if Page.objects.exists() or Article.objects.exists() or Document.objects.exists():
            self.stdout.write("Content already present; the seed was not loaded.")
            return
        call_command("loaddata", *SEED_FIXTURES, verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS("Seed content loaded."))
