import time

from django.core.management.base import BaseCommand

from core.privacy.crypto import current_key_prefix
from workers.key_rotation import identities_rotate_batch, identities_under_older_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt and re-hash every ID number with the newest PII key (the first of PII_KEYS), in short batches, "
        "while the portal runs. Resumable: run it again after an interruption. Configure the new key list in every "
        "process (web, worker, beat) before running it, and drop the old key only once it reports nothing left."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")
        parser.add_argument("--pause", type=float, default=0.0, help="seconds to wait between batches (load)")

    def handle(self, *, batch_size, pause, **options):
        key = current_key_prefix().rstrip(":")
        total = identities_under_older_keys().count()
        self.stdout.write(f"{total} ID numbers to move to key {key}.")
        done = 0
        # Passes over the ids: a pass skips rows locked by someone saving them, the next one takes them.
        while True:
            rotated_this_pass, after_id = 0, 0
            while after_id is not None:
                rotated, after_id = identities_rotate_batch(after_id=after_id, size=batch_size)
                rotated_this_pass += rotated
                done += rotated
                if rotated:
                    self.stdout.write(f"{done}/{total} moved to key {key}.")
                    time.sleep(pause)
            left = identities_under_older_keys().count()
            if not left or not rotated_this_pass:
                break
        if left:
            self.stdout.write(self.style.WARNING(f"{left} ID numbers are still under an older key: run it again."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Every ID number uses key {key}; older keys may be removed."))
