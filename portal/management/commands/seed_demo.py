from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Fill the portal with demo data from the seed reports (Hunan counties, staff of every role). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="seed even with DEBUG off (the demo accounts share one published password)",
        )

    def handle(self, *args, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: demo accounts with a published password do not belong in production. "
                "Pass --allow-production for a staging copy."
            )
        accounts = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Staff sign in at http://127.0.0.1:8000/accounts/login/"))
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        for username, role, region in accounts:
            self.stdout.write(f"  {username:<22} {role} {region}")
