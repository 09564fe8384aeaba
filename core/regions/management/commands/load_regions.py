from django.core.management.base import BaseCommand

from core.regions.services import regions_load_divisions


class Command(BaseCommand):
    help = "Load every province, city and county of China (GB/T 2260, from python-stdnum's data). Idempotent."

    def handle(self, *args, **options):
        count = regions_load_divisions()
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} provinces, cities and counties."))
