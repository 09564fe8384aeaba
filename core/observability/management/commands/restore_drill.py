from django.core.management.base import BaseCommand, CommandError

from core.observability.backups import restore_drill_run


class Command(BaseCommand):
    help = (
        "Restore the newest dump into a scratch database, check its migrations, compare every table's row count and "
        "checksum with the dump's manifest; exit 1 on any difference. The result is recorded for the metrics."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dump", help="a dump file (default: the newest in BACKUP_DIR)")
        parser.add_argument("--scratch-database", help="default: <database>_restore_drill, dropped and made anew")
        parser.add_argument("--keep", action="store_true", help="leave the scratch database for a look")

    def handle(self, *args, dump, scratch_database, keep, **options):
        result = restore_drill_run(dump=dump, scratch_database=scratch_database, keep=keep)
        if not result.succeeded:
            for problem in result.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"Restore drill FAILED for {result.dump or 'no dump'}", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restore drill passed: {result.dump}, {result.tables} tables identical, {result.seconds} s"
            )
        )
