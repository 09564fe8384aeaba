"""The GIN index that answers `search_tokens @@ tsquery` on PostgreSQL, and the statistics its planner needs.

Not declared in the model's Meta because SQLite (the embedded mode) has neither GIN nor tsvector; there the
column is plain text searched with LIKE.

The statistics target: PostgreSQL estimates how many rows hold a lexeme from a list of the most common ones, and
guesses for a lexeme missing from it. At the default target (100) the list is short, so a word that no posting
has in its title (包吃包住) was guessed at 1,800 rows; then "read the newest postings until 21 match" looked cheap
and it read all 930,000 (2.5 s) instead of asking the GIN index (0.1 ms). The longest list (10,000 lexemes)
covers the labour market's vocabulary; ANALYZE then reads more rows, which the autovacuum does in the background.
"""

from django.db import migrations

INDEX = "posting_search_tokens_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Only rows the public search can show: drafts and closed postings never weigh on it.
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON jobs_jobposting USING gin (search_tokens) WHERE status = 'published'"
        )
        schema_editor.execute("ALTER TABLE jobs_jobposting ALTER COLUMN search_tokens SET STATISTICS 10000")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute("ALTER TABLE jobs_jobposting ALTER COLUMN search_tokens SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
