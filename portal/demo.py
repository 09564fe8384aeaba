"""Demo data drawn from the seed reports: Hunan's sending counties and the staff who serve them.

Idempotent: running it again adds only what is missing. Later issues add employers, postings, workers and trips.
"""

from dataclasses import dataclass

from django.db import transaction

from core.accounts.models import Role, User
from core.accounts.services import admin_user_create, administrator_create, staff_user_create
from core.regions.models import Region, RegionLevel
from core.regions.services import regions_import_subdivisions, regions_load_divisions
from jobs.demo import seed_demo_postings
from placement.applications.demo import seed_demo_applications
from transport.demo import seed_demo_trips
from workers.demo import seed_demo_workers

DEMO_PASSWORD = "chunfeng-demo-2026"

# Townships and villages of the demo counties: 浏阳 and 宁乡 receive workers, 新化 and 古丈 send them.
DEMO_SUBDIVISIONS = {
    "430181": {  # 浏阳市
        ("430181001", "淮川街道"): ["淮川社区", "白沙社区"],
        ("430181102", "大瑶镇"): ["大瑶村", "南阳村", "杨花村"],
        ("430181104", "官渡镇"): ["官渡村", "竹联村"],
    },
    "430182": {  # 宁乡市
        ("430182001", "玉潭街道"): ["玉潭社区", "香山社区"],
        ("430182105", "花明楼镇"): ["花明楼村", "炭子冲村"],
    },
    "431322": {  # 新化县
        ("431322001", "上梅街道"): ["上梅社区", "梅苑社区"],
        ("431322102", "洋溪镇"): ["洋溪村", "油溪村", "石冲口村"],
        ("431322108", "琅塘镇"): ["琅塘村", "杨木洲村"],
    },
    "433126": {  # 古丈县
        ("433126100", "古阳镇"): ["古阳村", "河西村"],
        ("433126102", "默戎镇"): ["默戎村", "龙鼻村", "毛坪村"],
    },
}


@dataclass(frozen=True)
class DemoStaff:
    username: str
    full_name: str
    role: str
    region_code: str


DEMO_STAFF = [
    DemoStaff("liuyang_staff", "李春花", Role.COUNTY_STAFF, "430181"),
    DemoStaff("ningxiang_staff", "周建国", Role.COUNTY_STAFF, "430182"),
    DemoStaff("xinhua_staff", "刘志强", Role.COUNTY_STAFF, "431322"),
    DemoStaff("guzhang_staff", "向秀英", Role.COUNTY_STAFF, "433126"),
    DemoStaff("yangxi_agent", "曾德明", Role.VILLAGE_AGENT, "431322102"),
    DemoStaff("dayao_agent", "黄桂兰", Role.VILLAGE_AGENT, "430181102201"),
    DemoStaff("xinhua_dispatcher", "罗海军", Role.DISPATCHER, "431322"),
    DemoStaff("loudi_dispatcher", "彭立新", Role.DISPATCHER, "431300"),
    DemoStaff("changsha_supervisor", "陈卫东", Role.SUPERVISOR, "430100"),
    DemoStaff("hunan_supervisor", "谭晓梅", Role.SUPERVISOR, "430000"),
]
DEMO_ADMIN = "admin"
# The three administrators of the Django admin (三员分立), one account each.
DEMO_ADMINISTRATORS = {"sysadmin": Role.SYSTEM_ADMIN, "secadmin": Role.SECURITY_ADMIN, "auditadmin": Role.AUDIT_ADMIN}


@transaction.atomic
def seed_demo():
    """Fill the portal with demo data; returns the accounts that exist afterwards as (username, role label)."""
    if not Region.objects.filter(level=RegionLevel.PROVINCE).exists():
        regions_load_divisions()
    for county_code, townships in DEMO_SUBDIVISIONS.items():
        rows = []
        for (township_code, township_name), villages in townships.items():
            rows.append((len(rows) + 2, township_code, township_name))
            for number, village_name in enumerate(villages, start=201):
                rows.append((len(rows) + 2, f"{township_code}{number}", village_name))
        regions_import_subdivisions(county_code=county_code, rows=rows)

    existing = set(User.objects.values_list("username", flat=True))
    if DEMO_ADMIN not in existing:
        admin_user_create(username=DEMO_ADMIN, password=DEMO_PASSWORD)
    for username, role in DEMO_ADMINISTRATORS.items():
        if username not in existing:
            administrator_create(username=username, password=DEMO_PASSWORD, role=role)
    for staff in DEMO_STAFF:
        if staff.username not in existing:
            staff_user_create(
                username=staff.username,
                password=DEMO_PASSWORD,
                role=staff.role,
                region=Region.objects.get(code=staff.region_code),
                full_name=staff.full_name,
            )
    seed_demo_postings()
    seed_demo_workers(county_codes=list(DEMO_SUBDIVISIONS))
    seed_demo_trips()
    seed_demo_applications()
    accounts = [(DEMO_ADMIN, Role.ADMIN.label, "")]
    accounts += [(username, Role(role).label, "") for username, role in DEMO_ADMINISTRATORS.items()]
    regions = Region.objects.in_bulk([staff.region_code for staff in DEMO_STAFF])
    accounts += [(staff.username, Role(staff.role).label, regions[staff.region_code].name) for staff in DEMO_STAFF]
    return accounts
