from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.observability.backups import OperationError, backup_create


class Command(BaseCommand):
    help = "Dump the database (pg_dump, custom format) with a manifest of row counts and checksums into BACKUP_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=str(settings.BACKUP_DIR))
        parser.add_argument("--keep-days", type=int, default=settings.BACKUP_KEEP_DAYS)

    def handle(self, *args, directory, keep_days, **options):
        try:
            dump = backup_create(directory=directory, keep_days=keep_days)
        except OperationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {dump}"))
