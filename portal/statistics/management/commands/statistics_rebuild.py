from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.statistics.services import daily_figures_rebuild_range


def _day(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = "Count the daily figures again from the base tables, for one day or a range (Asia/Shanghai days)."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="one day, YYYY-MM-DD (default today)")
        parser.add_argument("--from", dest="first", help="first day of a range, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", help="last day of a range, YYYY-MM-DD (default today)")

    def handle(self, *args, day=None, first=None, last=None, **options):
        today = timezone.localdate()
        if day and (first or last):
            raise CommandError("give either --day or --from/--to")
        if day:
            first = last = _day(day)
        else:
            first = _day(first) if first else today
            last = _day(last) if last else today
        if first > last:
            raise CommandError("--from is after --to")
        days = daily_figures_rebuild_range(first=first, last=last)
        self.stdout.write(f"rebuilt {days} day(s), {first} to {last}")
