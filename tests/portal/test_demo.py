import pytest
from django.core.management import CommandError, call_command

from core.accounts.models import Role, User
from core.regions.models import Region
from portal.demo import DEMO_PASSWORD, DEMO_STAFF

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_staff_of_every_role_with_the_printed_password(regions, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output
    roles = set(User.objects.values_list("role", flat=True))
    assert roles >= {Role.ADMIN, Role.COUNTY_STAFF, Role.VILLAGE_AGENT, Role.DISPATCHER, Role.SUPERVISOR}
    for staff in DEMO_STAFF:
        user = User.objects.get(username=staff.username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.region_id == staff.region_code


def test_seed_demo_adds_the_townships_and_villages_of_the_demo_counties(regions, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Region.objects.get(code="431322102").name == "洋溪镇"
    assert Region.objects.get(code="431322102201").parent_id == "431322102"


def test_seed_demo_run_twice_changes_nothing(regions, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), Region.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Region.objects.count()) == counts


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()
