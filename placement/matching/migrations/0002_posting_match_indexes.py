"""Indexes on the postings table that only matching's queries use (placement/matching/selectors.py).

They live here, with the queries they serve, rather than in the posting model's Meta. Each answers "the newest
published postings of one occupation in one province / city / county" (or anywhere) as one index range read newest
first, which stops as soon as enough rows pass the other filters. The region part is the first 2, 4 or 6
characters of the work region's code (`Substr` in `selectors._in_region`); the expression must stay the same there.

PostgreSQL only: the embedded SQLite mode holds demo data.
"""

from django.db import migrations

INDEXES = {
    "matching_posting_occupation_province": "(occupation, SUBSTRING(work_region_id, 1, 2), published_at DESC)",
    "matching_posting_occupation_city": "(occupation, SUBSTRING(work_region_id, 1, 4), published_at DESC)",
    "matching_posting_occupation_county": "(occupation, SUBSTRING(work_region_id, 1, 6), published_at DESC)",
    "matching_posting_occupation_newest": "(occupation, published_at DESC)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON jobs_jobposting {columns} WHERE status = 'published'")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_push_records"), ("jobs", "0003_demand_import")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
