from django.core.management.base import BaseCommand

from portal.retention import retention_apply, retention_report


class Command(BaseCommand):
    help = (
        "Delete or anonymise the personal data past its retention (settings.RETENTION_DAYS), as the nightly task "
        "does; with --dry-run, only list how many rows of each kind are due."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what is due, change nothing")

    def handle(self, *, dry_run, **options):
        if dry_run:
            for kind, days, count in retention_report():
                self.stdout.write(f"{kind.key:<24} {kind.label}（{kind.action}，保留 {days} 天）: {count}")
            return
        for key, count in retention_apply().items():
            self.stdout.write(f"{key:<24} {count}")
