from django.core.management.base import BaseCommand
from django.db import transaction

from search import index
from search.kinds import KINDS


class Command(BaseCommand):
    help = (
        "Index every page, article and document again (drafts too: search shows "
        "only what is public when it runs). Safe to repeat."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = index.rebuild()
        total = sum(counts.values())
        detail = ", ".join(f"{counts[kind.key]} {kind.key}(s)" for kind in KINDS)
        self.stdout.write(self.style.SUCCESS(f"Indexed {total} items ({detail})."))
