"""Moving the ledger's ID numbers onto the newest PII key (`manage.py rotate_pii_key`, docs/operations.md).

Each batch is one short transaction that locks only its own rows (SKIP LOCKED: a row a person is saving right now
is left for the next pass), so the portal keeps running. Rows written meanwhile already use the newest key, and
what is left is found by its key prefix, so an interrupted run simply starts again where the rows say it stopped.
"""

from django.db import transaction

from core.privacy.crypto import current_key_prefix, decrypt_text, encrypt_text, keyed_hash
from workers.models import ID_NUMBER_PURPOSE, Worker


def identities_under_older_keys():
    """Workers whose ID number is encrypted and hashed with a key other than the newest (anonymised ones: none)."""
    return Worker.objects.exclude(id_number_encrypted="").exclude(id_number_encrypted__startswith=current_key_prefix())


@transaction.atomic
def identities_rotate_batch(*, after_id, size):
    """Re-encrypt and re-hash with the newest key up to `size` workers with an id above `after_id` that are still
    under an older key. Returns (rows rotated, the last id looked at, or None when none is left above `after_id`)."""
    workers = list(
        identities_under_older_keys()
        .filter(pk__gt=after_id)
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .only("pk", "id_number_encrypted", "id_number_hash")[:size]
    )
    for worker in workers:
        number = decrypt_text(worker.id_number_encrypted, purpose=ID_NUMBER_PURPOSE)
        worker.id_number_encrypted = encrypt_text(number, purpose=ID_NUMBER_PURPOSE)
        worker.id_number_hash = keyed_hash(number, purpose=ID_NUMBER_PURPOSE)
    # Not save(): `updated_at` must not move, a new key is no change to the person's record (retention reads it).
    Worker.objects.bulk_update(workers, ["id_number_encrypted", "id_number_hash"])
    return len(workers), (workers[-1].pk if workers else None)
