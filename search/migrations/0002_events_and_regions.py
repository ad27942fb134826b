"""Events and regions are found by search too: index those already saved
(the nine regions the pages migrations made, and any events)."""

from django.db import migrations

# Frozen here: the kinds this migration indexes, whatever KINDS grows into.
KINDS_NOW = ("page", "article", "document", "event", "region")


def index_all(apps, schema_editor):
    from search import index
    from search.kinds import BY_KEY

    kinds = [BY_KEY[key] for key in KINDS_NOW]
    index.rebuild(kinds, model_for=lambda kind: apps.get_model(kind.model))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_index"),
        ("pages", "0009_the_nine_regions_and_editors_on_events"),
    ]

    operations = [migrations.RunPython(index_all, migrations.RunPython.noop)]
