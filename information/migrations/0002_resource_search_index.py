"""A GIN index on the resources' search documents, on PostgreSQL only (SQLite searches with LIKE: see
information/search.py). Not in the model's Meta: a GinIndex there would be created on SQLite too, and fail."""

from django.db import migrations

INDEX = "information_resource_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON information_resource USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("information", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
