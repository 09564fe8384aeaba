"""A GIN index on the names in the "指定城市" answer of workers looking for work, for matching's candidate query
(placement/matching/selectors.py `_named_cities_include`: `regexp_split_to_array(wanted_cities, ...) && ARRAY[...]`).

PostgreSQL only: SQLite has no arrays, and the embedded mode's few workers are matched with LIKE.
The expression must stay identical to `placement.matching.selectors.WANTED_CITIES_SPLIT` for the planner to use it.
"""

from django.db import migrations

INDEX = "worker_match_named_cities"
EXPRESSION = "regexp_split_to_array(wanted_cities, '[,，、 ;；/]+')"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON workers_worker USING gin (({EXPRESSION})) "
            "WHERE wanted_area = 'named_cities' AND status IN ('returned', 'seeking') AND anonymised_at IS NULL"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("workers", "0002_worker_matching_indexes")]

    operations = [migrations.RunPython(create_index, drop_index)]
