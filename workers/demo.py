"""Demo workers for `seed_demo`: a few hundred people in the demo villages, with secretaries and service records.

The ID numbers are synthetic but well formed (their check characters are computed), the phones are 199xxxxxxxx,
and the same seed gives the same people on every run. Idempotent: nothing is added once demo workers exist.
"""

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from core.accounts.models import Role, User
from core.identity import make_id_number
from core.regions.models import Region, RegionLevel
from workers.models import (
    RETENTION_KINDS,
    KeyGroup,
    ServiceKind,
    ServiceRecord,
    StatusChange,
    Worker,
    WorkerKeyGroup,
    WorkerStatus,
)
from workers.services import identity_from_id_number, worker_build

DEMO_PHONE_PREFIX = "199"
WORKERS_PER_VILLAGE = 14
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗谭曾彭向邓"
GIVEN_NAMES = [
    "建军",
    "秀英",
    "桂兰",
    "海军",
    "志强",
    "春花",
    "小燕",
    "德明",
    "丽萍",
    "国强",
    "红梅",
    "卫东",
    "晓梅",
    "文华",
]
SKILLS = ["电工", "焊工", "普工", "叉车", "缝纫", "厨师", "驾驶", "砌筑", ""]
OCCUPATIONS = ["电子厂普工", "建筑工", "服装厂", "物流分拣", "保安", "家政", ""]

# The demo's workers have not started a job yet, so no 稳岗回访 (which must say whether they are still in work).
EVERYDAY_SERVICES = [kind for kind in ServiceKind.values if kind not in RETENTION_KINDS]


@transaction.atomic
def seed_demo_workers(*, county_codes):
    """Workers for every village under `county_codes`, each county's first county staff member as secretary."""
    if User.objects.filter(phone__startswith=DEMO_PHONE_PREFIX, worker__isnull=False).exists():
        return 0
    rng = random.Random(2026)
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE, code__regex=r"^(" + "|".join(county_codes) + ")"))
    secretaries = {
        staff.region_id: staff for staff in User.objects.filter(role=Role.COUNTY_STAFF, region_id__in=county_codes)
    }
    today = timezone.localdate()
    people = []
    for village in villages:
        for _ in range(WORKERS_PER_VILLAGE):
            sequence = len(people) + 1
            birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 40))
            # Some keep the code of an abolished county (430123 浏阳县 before 1993), as real people do.
            county = "430123" if village.code.startswith("430181") and sequence % 7 == 0 else village.code[:6]
            identity = identity_from_id_number(
                make_id_number(county_code=county, birth_date=birth, sequence=sequence % 1000)
            )
            people.append((village, identity, f"{DEMO_PHONE_PREFIX}{sequence:08d}"))
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=phone,
                phone=phone,
                role=Role.JOB_SEEKER,
                password=unusable,
                first_name=_name(rng),
                region=village,
            )
            for village, _identity, phone in people
        ]
    )
    statuses = WorkerStatus.values
    workers = Worker.objects.bulk_create(
        [
            worker_build(
                user=user,
                identity=identity,
                full_name=user.first_name,
                home_region=village,
                status=rng.choice(statuses),
                status_since=today - timedelta(days=rng.randrange(60)),
                skills=rng.choice(SKILLS),
                wanted_occupations=rng.choice(OCCUPATIONS),
                expected_wage=rng.choice([None, 4500, 5000, 6000, 7000, 8000]),
                secretary=secretaries.get(village.code[:6]) if rng.random() < 0.8 else None,
                registered_by=secretaries.get(village.code[:6]) if rng.random() < 0.5 else None,
            )
            for user, (village, identity, _phone) in zip(users, people, strict=True)
        ]
    )
    StatusChange.objects.bulk_create(
        StatusChange(worker=worker, status=worker.status, effective_on=worker.status_since) for worker in workers
    )
    WorkerKeyGroup.objects.bulk_create(
        WorkerKeyGroup(worker=worker, group=rng.choice(KeyGroup.values)) for worker in workers if rng.random() < 0.25
    )
    records = []
    for worker in workers:
        if worker.secretary is None:
            continue
        for _ in range(rng.randrange(7)):
            records.append(
                ServiceRecord(
                    worker=worker,
                    secretary=worker.secretary,
                    kind=rng.choice(EVERYDAY_SERVICES),
                    served_on=today - timedelta(days=rng.randrange(90)),
                    notes="电话了解求职意向" if rng.random() < 0.5 else "推荐县内企业岗位",
                )
            )
    ServiceRecord.objects.bulk_create(records)
    return len(workers)


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
