"""Re-index every posting: titles' single characters now carry the title mark too (`_厨`), so that a one-character
query ranks the titles that hold it first, and place names are indexed under their everyday short names (湘西).

Batched by primary key, one transaction a batch (`atomic = False`), so that it runs on a table of millions without
holding one long transaction; it calls the indexing code of today on purpose, since the lexemes must be exactly
what the search of today asks for. Reversing needs nothing: the old search ignores the extra lexemes.
"""

from django.db import migrations


def reindex(apps, schema_editor):
    from jobs.services.indexing import postings_reindex

    postings_reindex()


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("jobs", "0006_demand_import_warnings")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True)]
