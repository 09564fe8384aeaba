"""The console menu shows each role only the sections its pages let it in to."""

import pytest

from core.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVERY_STAFF_SECTION = ["概览", "群发消息", "实名制台账", "就业秘书", "招聘岗位", "用工单位", "劳务协作", "人岗匹配"]
EVERY_STAFF_SECTION += ["报名进度", "招聘会", "返岗专车", "统计"]


def menu_of(client, user):
    client.force_login(user)
    # Followed: a supervisor's console opens on the statistics dashboard.
    page = client.get("/console/", follow=True).content.decode()
    menu = page[page.index('<nav class="console-nav"') : page.index("</nav>", page.index('<nav class="console-nav"'))]
    return menu


@pytest.mark.parametrize(
    ("role", "region", "imports"),
    [
        (Role.COUNTY_STAFF, "430181", True),
        (Role.DISPATCHER, "430181", False),
        (Role.SUPERVISOR, "430100", False),
        (Role.VILLAGE_AGENT, "430181102", False),
    ],
)
def test_each_role_sees_the_sections_it_may_open_and_only_county_staff_see_the_demand_import(
    client, regions, role, region, imports
):
    menu = menu_of(client, UserFactory(role=role, region=regions.get(code=region)))

    for section in EVERY_STAFF_SECTION:
        assert section in menu, (role, section)
    assert ("导入需求" in menu) is imports
    assert "系统管理" not in menu


def test_every_section_in_a_menu_opens_for_that_user(client, regions):
    for role, region in [(Role.DISPATCHER, "430181"), (Role.SUPERVISOR, "430100"), (Role.COUNTY_STAFF, "430181")]:
        menu = menu_of(client, UserFactory(role=role, region=regions.get(code=region)))
        links = [part.split('"', 1)[0] for part in menu.split('href="')[1:]]
        for link in links:
            assert client.get(link, follow=True).status_code == 200, (role, link)


def test_the_business_admin_sees_every_section_but_no_django_admin_which_is_the_three_administrators(client, regions):
    menu = menu_of(client, UserFactory(role=Role.ADMIN, region=None, is_staff=True, is_superuser=True))

    assert "导入需求" in menu
    assert "系统管理" not in menu
    assert "/admin/" not in menu
