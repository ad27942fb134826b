from django.core.management import call_command
from django.core.management.base import BaseCommand

from comments.models import Comment
from pages.models import Article, Document, Event, Page
from pages.services import record_first_versions

FIRST_VERSION = "The old site's content, as it was first loaded."

SEED_FIXTURES = ["documents", "pages", "articles", "comments"]


class Command(BaseCommand):
    help = (
        "Load the old site's content from fixtures/ into an empty database. "
        "Does nothing when any content exists, so editors' work is never overwritten. "
        "Either way, content with no history gets its first revision."
    )

    def handle(self, *args, **options):
        if any(model.objects.exists() for model in (Page, Article, Event, Document, Comment)):
            self.stdout.write("Content already present; the seed was not loaded.")
        else:
            call_command("loaddata", *SEED_FIXTURES, verbosity=options["verbosity"])
            self.stdout.write(self.style.SUCCESS("Seed content loaded."))
        if recorded := record_first_versions(FIRST_VERSION):
            self.stdout.write(f"First revision recorded for {recorded} item(s) with no history.")
