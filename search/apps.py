from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from . import index

        # Every save of searchable content, whatever makes it (the admin, the
        # services, loaddata and seed_content, a reversion revert or recover),
        # sends these; publication is checked when searching, not here.
        index.connect_signals()
