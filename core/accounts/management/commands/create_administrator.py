import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from core.accounts.models import ADMINISTRATOR_ROLES, Role
from core.accounts.services import administrator_create
from core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Create one of the three administrators (三员分立): system_admin (accounts and settings), security_admin "
        "(roles and regions) or audit_admin (the audit log). Each must be a different person's account; the role "
        "never changes afterwards. The password is asked for twice, or read from the first line of standard input "
        "when that is not a terminal."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", choices=sorted(ADMINISTRATOR_ROLES))
        parser.add_argument("username")
        parser.add_argument("--full-name", default="")

    def handle(self, *, role, username, full_name, **options):
        password = self._password()
        try:
            user = administrator_create(username=username, password=password, role=role, full_name=full_name)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"Created {Role(role).label} ({role}) {user.username}."))

    def _password(self):
        if not sys.stdin.isatty():
            return sys.stdin.readline().rstrip("\n")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
