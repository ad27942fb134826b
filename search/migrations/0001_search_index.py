"""The search index's table, made for the database in use: an FTS5 virtual
table on SQLite, a table with a stored tsvector and a GIN index on
PostgreSQL (see search/index.py). Not a Django model: dumpdata never copies
it, and loading content indexes it again. Content already saved is indexed
here; `manage.py rebuild_search_index` does the same at any time."""

from django.db import migrations

# Frozen here: the kinds this migration indexes, whatever KINDS grows into.
KINDS_NOW = ("page", "article", "document")


def create(apps, schema_editor):
    from search import index
    from search.kinds import BY_KEY

    statements = index.SQLITE_CREATE if schema_editor.connection.vendor == "sqlite" else None
    if schema_editor.connection.vendor == "postgresql":
        statements = index.POSTGRES_CREATE
    for statement in statements:
        schema_editor.execute(statement)
    kinds = [BY_KEY[key] for key in KINDS_NOW]
    index.rebuild(kinds, model_for=lambda kind: apps.get_model(kind.model))


def drop(apps, schema_editor):
    from search import index

    for statement in index.DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("pages", "0007_single_line_titles")]

    operations = [migrations.RunPython(create, drop)]
