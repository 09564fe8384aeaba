"""Re-index every posting: its work place's code at each level is a lexeme now (`@43`, `@4301`, `@430181`), so that
a place filter with words is part of the text query (jobs/search.py, `place_lexemes`).

As 0007: batched by primary key, one transaction a batch, with the indexing code of today. Until it has run, a
search with words and a place would miss the postings not yet re-indexed, so it runs before the new code serves.
Reversing needs nothing: the old search ignores the extra lexemes.
"""

from django.db import migrations


def reindex(apps, schema_editor):
    from jobs.services.indexing import postings_reindex

    postings_reindex()


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("jobs", "0009_posting_urgent_reports")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True)]
