"""The stored masked ID number kept the county and the last four characters, which beside an age or a birth year
gave the whole number back. It now keeps the province and the check character (core.privacy.masking): both are in
the old mask, so the new one is computed from it, without decrypting anything."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Left, Right


def remask_id_numbers(apps, schema_editor):
    Worker = apps.get_model("workers", "Worker")
    Worker.objects.exclude(id_number_masked="").update(
        id_number_masked=Concat(Left("id_number_masked", 2), Value("*" * 15), Right("id_number_masked", 1))
    )


class Migration(migrations.Migration):
    dependencies = [("workers", "0003_worker_named_cities_index")]

    # Going back leaves the new, safer mask in place: the old one cannot be rebuilt without the numbers.
    operations = [migrations.RunPython(remask_id_numbers, migrations.RunPython.noop)]
